/**
 * The generated module computes ICA's storage configuration names in HCL; the core computes them
 * in TypeScript. One `terraform console` evaluates the module's rendered expression for a list of
 * cases (short, long, dots, uppercase, underscores, exactly 63 and 64 readable characters, a cut
 * ending in "-", non-ASCII) and the answers must equal the core's. No provider, no init: well
 * under a second of terraform.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageConfigurationName } from '../../modules/core/ica-names';
import { loadConfigFile } from '../../modules/core/validate';
import { MODULE_DIR, generateFiles } from '../../modules/generator/generate';
import { run, terraformEnv } from '../support/terraform';

const CASES: readonly { bucket: string; prefix: string }[] = [
  { bucket: 'acme-ica-data', prefix: 'ica-data/' },
  { bucket: 'acme-genomics-sequencing-data-eu-central-1-prod1', prefix: 'sequencing/runs-2026/novaseq-x-plus/' },
  { bucket: 'my.bucket.example', prefix: 'Projects/ICA data/Run_01/' },
  { bucket: 'a'.repeat(50), prefix: `${'b'.repeat(12)}/` },
  { bucket: 'a'.repeat(50), prefix: `${'b'.repeat(13)}/` },
  { bucket: 'c'.repeat(53), prefix: 'x-long-prefix/' },
  { bucket: 'acme-data', prefix: 'données/été 2026/' },
];

test('the module\'s HCL names every case as the core does', async () => {
  const root = join(__dirname, '..', '..');
  const loaded = loadConfigFile(join(root, 'ica.config.json'));
  if (!loaded.ok) throw new Error('ica.config.json is invalid');
  const outputs = generateFiles(loaded.config, { configFile: 'ica.config.json', outputDir: 'terraform-out' }).get(join(MODULE_DIR, 'outputs.tf')) as string;
  // The locals block as rendered, fed from var.cases instead of var.buckets.
  const block = /^locals \{\n[\s\S]*?^\}\n/m.exec(outputs)?.[0] ?? '';
  const source = /for pair in (.+) :\n/.exec(block)?.[1];
  expect(source).toMatch(/var\.buckets/);
  const dir = mkdtempSync(join(tmpdir(), 'ica-s3-names-'));
  try {
    writeFileSync(join(dir, 'main.tf'), `${block.replace(source as string, 'var.cases')}\nvariable "cases" {\n  type = list(object({ bucket = string, prefix = string }))\n}\n`);
    writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify({ cases: CASES }));
    const result = await run('terraform', ['console'], { cwd: dir, env: terraformEnv(), input: 'jsonencode(local.storage_configuration_names)\n' });
    expect(result.stderr).toBe('');
    const names = JSON.parse(JSON.parse(result.stdout.trim()) as string) as Record<string, string>;
    expect(names).toEqual(Object.fromEntries(CASES.map(({ bucket, prefix }) => [`${bucket}/${prefix}`, storageConfigurationName(bucket, prefix)])));
    expect(Object.values(names).map((name) => name.length)).toContain(63);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
