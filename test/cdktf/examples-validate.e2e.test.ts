/**
 * Every shipped config (ica.config.json and each file in examples/) synthesizes, through the CDKTF
 * path, to Terraform that `terraform init` accepts with the offline provider mirror and that
 * `terraform validate` finds valid against the aws provider's schema. The stacks are synthesized
 * with the real-AWS provider block (no emulator endpoint), as a user would deploy them.
 *
 * All configs run at once (terraform validate spends its time starting the provider), then each
 * gets its own test so a failure names the file.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { loadConfigFile } from '../../modules/core/validate';
import { allSettledOrThrow, CommandResult, terraform } from '../support/terraform';

const root = join(__dirname, '..', '..');
const configs = [
  'ica.config.json',
  ...readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json')).sort().map((file) => `examples/${file}`),
];

interface Outcome {
  readonly stackDir: string;
  readonly init: CommandResult;
  readonly validate?: CommandResult;
}

let scratch: string;
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ica-e2e-examples-'));
  await allSettledOrThrow(configs.map(async (file) => {
    const loaded = loadConfigFile(join(root, file));
    if (!loaded.ok) throw new Error(`${file} does not validate:\n${loaded.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')}`);
    const outdir = join(scratch, file.replace(/[/.]/g, '_'));
    const stackDir = dirname(synthesize(loaded.config, { outdir, localStatePath: join(outdir, 'terraform.tfstate') }));
    const init = await terraform(stackDir, ['init', '-input=false']);
    const validate = init.code === 0 ? await terraform(stackDir, ['validate', '-json']) : undefined;
    outcomes.set(file, { stackDir, init, validate });
  }));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the examples directory holds the three documented variants', () => {
  expect(configs).toEqual(expect.arrayContaining([
    'examples/role-versioned-kms-bucket-policy-tagging.json',
    'examples/two-buckets-several-prefixes.json',
    'examples/user-unversioned-sse-s3.json',
  ]));
});

test.each(configs)('%s: terraform init (offline mirror) and terraform validate pass', (file) => {
  const outcome = outcomes.get(file);
  expect(outcome).toBeDefined();
  const { init, validate } = outcome!;
  if (init.code !== 0) throw new Error(`terraform init failed for ${file}:\n${init.stderr}\n${init.stdout}`);
  expect(init.stdout).toMatch(/- (Installing|Using) hashicorp\/aws v5\.100\.0/);
  expect(validate).toBeDefined();
  const report = JSON.parse(validate!.stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics: { severity: string; summary: string; detail?: string }[] };
  // On failure, show terraform's diagnostics rather than just "false".
  if (!report.valid) throw new Error(`terraform validate failed for ${file}:\n${JSON.stringify(report.diagnostics, null, 2)}\n${validate!.stderr}`);
  expect(report.error_count).toBe(0);
  // No deprecated arguments or other warnings either: the stacks use the current resource types.
  expect(report.diagnostics).toEqual([]);
  expect(validate!.code).toBe(0);
});
