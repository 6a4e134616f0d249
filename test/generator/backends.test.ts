/**
 * The config's backend in both renderers: the CDKTF stack's `terraform` block (cdktf's S3Backend /
 * CloudBackend, as synthesized) and the generated root's versions.tf (parsed with hcl2json) hold
 * the same backend settings. The plans compared by the equivalence test cannot see backends.
 */
import { parse } from '@cdktf/hcl2json';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { BackendConfig, IcaConfigInput } from '../../modules/core/config-schema';
import { resolveConfig } from '../../modules/core/validate';
import { generateFiles } from '../../modules/generator/generate';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-backends-'));
const base = JSON.parse(readFileSync(join(root, 'ica.config.json'), 'utf8')) as IcaConfigInput;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Json = Record<string, unknown>;

/** hcl2json wraps every block in a list; terraform JSON (cdktf's output) does not. */
function unwrapBlocks(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 1 && value[0] && typeof value[0] === 'object' && !Array.isArray(value[0])) return unwrapBlocks(value[0]);
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapBlocks(item)]));
  return value;
}

async function bothBackends(backend: IcaConfigInput['backend'], name: string): Promise<{ cdktf: Json; generated: Json }> {
  const config = resolveConfig({ ...base, backend });
  const stack = JSON.parse(readFileSync(synthesize(config, { outdir: join(scratch, name), localStatePath: 'state/terraform.tfstate' }), 'utf8')) as { terraform: Json };
  const versions = generateFiles(config, { configFile: 'c.json', outputDir: 'o' }).get('versions.tf') as string;
  const parsed = unwrapBlocks(await parse('versions.tf', versions)) as { terraform: Json };
  const pick = (block: Json) => Object.fromEntries(Object.entries(block).filter(([key]) => key === 'backend' || key === 'cloud'));
  return { cdktf: pick(stack.terraform), generated: pick(parsed.terraform) };
}

test.each<[string, BackendConfig | undefined, Json]>([
  ['s3 with S3 lock file', { type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1', useLockfile: true },
    { backend: { s3: { bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1', use_lockfile: true } } }],
  ['cloud, one workspace by name', { type: 'cloud', organization: 'acme', workspace: 'ica-prod' },
    { cloud: { organization: 'acme', workspaces: { name: 'ica-prod' } } }],
  ['cloud, workspaces by tags, on Terraform Enterprise', { type: 'cloud', organization: 'acme', workspaceTags: ['ica', 'prod'], hostname: 'tfe.example.com' },
    { cloud: { organization: 'acme', hostname: 'tfe.example.com', workspaces: { tags: ['ica', 'prod'] } } }],
])('%s: the same block in the CDKTF stack and the generated root', async (name, backend, expected) => {
  const { cdktf, generated } = await bothBackends(backend, name.replace(/\W+/g, '-'));
  expect(cdktf).toEqual(expected);
  expect(generated).toEqual(expected);
});

test('s3 without the lock file: cdktf leaves use_lockfile out (false), the generated root says false', async () => {
  const { cdktf, generated } = await bothBackends({ type: 's3', bucket: 'acme-state', key: 'k', region: 'eu-west-1', useLockfile: false }, 's3-nolock');
  expect(cdktf).toEqual({ backend: { s3: { bucket: 'acme-state', key: 'k', region: 'eu-west-1' } } });
  expect(generated).toEqual({ backend: { s3: { bucket: 'acme-state', key: 'k', region: 'eu-west-1', use_lockfile: false } } });
});

test('local (the default): a local state file on both paths', async () => {
  const { cdktf, generated } = await bothBackends(undefined, 'local');
  expect(cdktf).toEqual({ backend: { local: { path: 'state/terraform.tfstate' } } });
  expect(generated).toEqual({});
});
