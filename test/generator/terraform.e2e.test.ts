/**
 * The generated Terraform as Terraform sees it:
 * - `terraform fmt -check` and `init -backend=false` + `validate` pass for the default config, every
 *   example config and configs with each backend (s3, cloud by workspace name, cloud by tags with a
 *   hostname), and for every runnable example under the module;
 * - the module's validation blocks reject bad values with their messages (one root with one module
 *   call per bad value, so one validate and one plan report them all);
 * - with an s3 backend pointed at moto, init + apply stores the state in the moto bucket (read back
 *   with the AWS SDK), a second plan finds nothing to change, and the access key secret appears in
 *   no file of the configuration.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { emulatorProviderSettings } from '../../modules/core/emulator';
import { resolveConfig } from '../../modules/core/validate';
import { MODULE_DIR, generateFiles, writeGeneratedFiles } from '../../modules/generator/generate';
import { MotoServer, startMoto } from '../support/moto';
import { terraform, terraformOk } from '../support/terraform';
import { initOk } from './harness';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-generated-'));
const base = JSON.parse(readFileSync(join(root, 'ica.config.json'), 'utf8')) as IcaConfigInput;

function generate(name: string, config: IcaConfigInput): string {
  const dir = join(scratch, name);
  writeGeneratedFiles(generateFiles(resolveConfig(config), { configFile: `${name}.json`, outputDir: 'terraform-out' }), dir);
  return dir;
}

/** Runs tasks two at a time: terraform is CPU-bound and the machine has two cores. */
async function twoAtATime<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  await Promise.all([0, 1].map(async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try { await task(item); } catch (error) { errors.push(error); }
    }
  }));
  if (errors.length > 0) throw errors[0];
}

const configs: [string, IcaConfigInput][] = [
  ['ica-config', base],
  ...readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json')).sort()
    .map((file): [string, IcaConfigInput] => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(root, 'examples', file), 'utf8'))]),
  ['s3-backend', { ...base, backend: { type: 's3', bucket: 'acme-tf-state', key: 'ica/terraform.tfstate', region: 'eu-west-1' } }],
  ['cloud-backend-workspace', { ...base, backend: { type: 'cloud', organization: 'acme', workspace: 'ica-prod' } }],
  ['cloud-backend-tags', { ...base, backend: { type: 'cloud', organization: 'acme', workspaceTags: ['ica', 'prod'], hostname: 'tfe.example.com' } }],
];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('every generated configuration and module example passes fmt -check, init -backend=false and validate', async () => {
  const dirs = configs.map(([name, config]) => generate(name, config));
  const examples = readdirSync(join(dirs[0], MODULE_DIR, 'examples')).map((example) => join(dirs[0], MODULE_DIR, 'examples', example));
  expect(examples.length).toBeGreaterThanOrEqual(3);
  for (const dir of dirs) {
    const fmt = await terraform(dir, ['fmt', '-check', '-recursive', '-diff']);
    expect({ dir, diff: fmt.stdout, code: fmt.code }).toEqual({ dir, diff: '', code: 0 });
  }
  for (const dir of [...dirs, ...examples]) await initOk(dir, ['-backend=false']);
  const versions = (dir: string) => readFileSync(join(dir, 'versions.tf'), 'utf8');
  expect(versions(dirs[configs.findIndex(([name]) => name === 's3-backend')])).toMatch(/backend "s3" \{[^}]*use_lockfile = true/);
  expect(versions(dirs[configs.findIndex(([name]) => name === 'cloud-backend-tags')])).toMatch(/cloud \{[^]*hostname\s+= "tfe.example.com"[^]*tags = \["ica", "prod"\]/);
  // Terraform validate reads no tfvars, no backend (init -backend=false) and no provider region:
  // roots that differ only there and in the generated header are the same configuration, validated
  // once (the backend blocks are checked by fmt and the expectations above). Starting the provider
  // is what validate costs.
  const tfFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.tf')).sort()
    .map((file) => [file, readFileSync(join(dir, file), 'utf8')
      .replace(/^#.*$/gm, '')
      .replace(/\n\n {2}(backend "s3"|cloud) \{[^]*?\n {2}\}\n/, '\n')
      .replace(/^\s+region\s+= ".*"$/gm, '')]);
  const distinct = dirs.filter((dir, index) => dirs.findIndex((other) => JSON.stringify(tfFiles(other)) === JSON.stringify(tfFiles(dir))) === index);
  expect(distinct.length).toBeLessThan(dirs.length);
  await twoAtATime([...distinct, ...examples], async (dir) => {
    expect({ dir, out: (await terraformOk(dir, ['validate'])).stdout }).toEqual({ dir, out: expect.stringContaining('Success! The configuration is valid.') });
  });
});

/** `count` distinct tags, keys starting with `prefix`. */
function manyTags(prefix: string, count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, 'x']));
}

/** Bad module inputs and the start of the error message each must produce. */
type BadInput = [inputs: Record<string, unknown>, message: string];
const BAD_INPUTS: Record<string, BadInput> = {
  name_digit: [{ name: '1acme' }, 'name: start with a letter'],
  region_unknown: [{ ica_region: 'XX' }, 'ica_region: use one of'],
  method_unknown: [{ credential: { method: 'key' } }, 'credential.method: use'],
  role_without_prefix: [{ credential: { method: 'role' } }, 'credential.session_name_prefix: the role method needs'],
  role_name_space: [{ credential: { method: 'role', session_name_prefix: 'Ab12', role_name: 'my role' } }, 'credential.role_name: use'],
  oidc_provider_maybe: [{ credential: { method: 'role', session_name_prefix: 'Ab12', oidc_provider: 'maybe' } }, 'credential.oidc_provider: use'],
  oidc_id_short: [{ credential: { method: 'role', session_name_prefix: 'Ab12', oidc_provider_id: 'ABC' } }, 'credential.oidc_provider_id: use'],
  namespace_upper: [{ credential: { method: 'role', session_name_prefix: 'Ab12', namespace: 'USE1' } }, 'credential.namespace: use'],
  three_keys: [{ credential: { method: 'user', access_keys: ['a', 'b', 'c'] } }, 'credential.access_keys: give one or two'],
  pgp_short: [{ credential: { method: 'user', pgp_key: 'short' } }, 'credential.pgp_key: give'],
  store_and_pgp: [{ credential: { method: 'user', pgp_key: 'keybase:alice', secret_store: { type: 'ssm' } } }, 'credential.secret_store: type'],
  ssm_name_no_slash: [{ credential: { method: 'user', secret_store: { type: 'ssm', name: 'no-slash' } } }, 'credential.secret_store.name:'],
  policy_slash: [{ policy_name: 'a/b' }, 'policy_name: use'],
  bucket_upper: [{ buckets: [{ name: 'Acme', prefixes: ['a/'] }] }, 'buckets[].name: use'],
  bucket_twice: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'] }, { name: 'acme-a', prefixes: ['b/'] }] }, 'buckets: list each bucket once'],
  versioning_lower: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], versioning: 'enabled' }] }, 'buckets[].versioning: use'],
  encryption_aes: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], encryption: { type: 'AES' } }] }, 'buckets[].encryption: type'],
  kms_alias: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], encryption: { type: 'SSE-KMS', kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:alias/x' } }] }, 'buckets[].encryption: type'],
  ownership_bad: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], object_ownership: 'Mine' }] }, 'buckets[].object_ownership: use'],
  prefix_root: [{ buckets: [{ name: 'acme-a', prefixes: ['/'] }] }, 'buckets[].prefixes: name folders'],
  prefix_dot_dot: [{ buckets: [{ name: 'acme-a', prefixes: ['../x/'] }] }, 'buckets[].prefixes: name folders'],
  prefix_twice: [{ buckets: [{ name: 'acme-a', prefixes: ['a', 'a/'] }] }, 'buckets[].prefixes: give at least one prefix'],
  prefix_inside: [{ buckets: [{ name: 'acme-a', prefixes: ['a/', 'a/b/'] }] }, 'buckets[].prefixes: one prefix lies inside another'],
  tag_aws: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], tags: { 'aws:x': 'y' } }] }, 'buckets[].tags: keys of'],
  exempt_s3_arn: [{ bucket_policy: { restrict_to_ica: true, exempt_principal_arns: ['arn:aws:s3:::acme'] } }, 'bucket_policy.exempt_principal_arns:'],
  cors_star: [{ cors_allowed_origins: ['*'] }, 'cors_allowed_origins: give'],
  manage_new_bucket: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], manage: ['cors'] }] }, 'buckets[]: manage, existing_policy and keep_cors_rules are only for existing buckets'],
  manage_unknown: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, manage: ['lifecycle'] }] }, 'buckets[].manage: list each of'],
  adopted_force_destroy: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, force_destroy: true }] }, 'buckets[].force_destroy: is set on an existing bucket'],
  adopted_new_key: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, encryption: { type: 'SSE-KMS' } }] }, 'buckets[].encryption: asks for a new KMS key'],
  kept_cors_unmanaged: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, keep_cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['*'] }] }] }, 'buckets[].keep_cors_rules: is set, but'],
  kept_cors_method: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, manage: ['cors'], keep_cors_rules: [{ allowed_methods: ['PATCH'], allowed_origins: ['*'] }] }] }, 'buckets[].keep_cors_rules[].allowed_methods:'],
  kept_cors_origin: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, manage: ['cors'], keep_cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['app.example.com'] }] }] }, 'buckets[].keep_cors_rules[].allowed_origins:'],
  kept_cors_max_age: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], existing: true, manage: ['cors'], keep_cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['*'], max_age_seconds: -1 }] }] }, 'buckets[].keep_cors_rules[].max_age_seconds:'],
  tags_aws: [{ tags: { 'aws:owner': 'x' } }, 'tags: at most 50, keys of'],
  tags_over_quota: [{ tags: manyTags('t', 51) }, 'tags: at most 50, keys of'],
};
/** Checks that read other variables or locals: Terraform evaluates them at plan, not validate. */
const BAD_INPUTS_AT_PLAN: Record<string, BadInput> = {
  kms_other_region: [{ buckets: [{ name: 'acme-a', prefixes: ['a/'], encryption: { type: 'SSE-KMS', kms_key_arn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }] }, 'buckets[].encryption.kms_key_arn: SSE-KMS keys must be in'],
  role_without_oidc: [{ ica_region: 'IL', credential: { method: 'role', session_name_prefix: 'Ab12' } }, 'credential: the ICA docs publish no OIDC provider'],
  tags_merged_over_quota: [{ tags: manyTags('t', 30), buckets: [{ name: 'acme-a', prefixes: ['a/'], tags: manyTags('b', 21) }] }, 'buckets[].tags: with the top-level tags'],
};

/** Error blocks of terraform's output, by the module call they name. */
function errorsByModule(output: string): Map<string, string> {
  const errors = new Map<string, string>();
  for (const block of output.split(/^Error: /m).slice(1)) {
    // "in module.<id>:" (JSON configuration) or "in module "<id>"" (HCL).
    const module = /in module(?:\.|\s")([a-z0-9_]+)/.exec(block)?.[1];
    if (module) errors.set(module, `${errors.get(module) ?? ''}${block.replace(/\s+/g, ' ')}`);
  }
  return errors;
}

/** One root that calls the module once per bad input. */
function badInputsRoot(name: string, cases: Record<string, BadInput>, providerUrl?: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const generatedRoot = join(scratch, 'ica-config');
  const valid = { name: 'acme', ica_region: 'US', credential: { method: 'user' }, buckets: [{ name: 'acme-data', prefixes: ['ica/'] }] };
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({
    ...(providerUrl ? { provider: { aws: { region: 'us-east-1', ...emulatorProvider(providerUrl) } } } : {}),
    module: Object.fromEntries(Object.entries(cases).map(([id, [inputs]]) => [id, {
      source: join(generatedRoot, MODULE_DIR), ...valid, ...inputs,
    }])),
  }, null, 2));
  return dir;
}

function emulatorProvider(url: string) {
  return {
    skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: 'true', s3_use_path_style: true,
    endpoints: [emulatorProviderSettings(url).endpoints],
  };
}

describe('with moto', () => {
  let moto: MotoServer;
  beforeAll(async () => { moto = await startMoto(); });
  afterAll(async () => { await moto?.stop(); });

  test('the module rejects bad inputs with its validation messages', async () => {
    generate('ica-config', base);
    const atValidate = badInputsRoot('bad-inputs', BAD_INPUTS);
    const atPlan = badInputsRoot('bad-inputs-plan', BAD_INPUTS_AT_PLAN, moto.url);
    await initOk(atValidate);
    await initOk(atPlan);
    const [validate, plan] = await Promise.all([terraform(atValidate, ['validate']), terraform(atPlan, ['plan', '-input=false', '-refresh=false'])]);
    expect(validate.code).toBe(1);
    expect(plan.code).toBe(1);
    for (const [output, cases] of [[validate.stderr, BAD_INPUTS], [plan.stderr, BAD_INPUTS_AT_PLAN]] as const) {
      const errors = errorsByModule(output);
      for (const [id, [, message]] of Object.entries(cases)) {
        expect({ id, error: errors.get(id) }).toEqual({ id, error: expect.stringContaining(message) });
      }
    }
  });

  test('an s3 backend on moto: init + apply stores the state in the bucket; a second plan changes nothing', async () => {
    const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-tf-state' }));
    const dir = generate('s3-backend-moto', {
      name: 'state-test', icaRegion: 'US', credential: { method: 'user', userName: 'state-test-user' }, policyName: 'state-test-policy',
      buckets: [{ name: 'state-test-data', prefixes: ['ica/'] }],
      tags: { owner: 'state-test' },
      backend: { type: 's3', bucket: 'acme-tf-state', key: 'ica/terraform.tfstate', region: 'us-east-1' },
    });
    const settings = emulatorProviderSettings(moto.url);
    writeFileSync(join(dir, 'providers_override.tf'), [
      'provider "aws" {',
      '  skip_credentials_validation = true',
      '  skip_requesting_account_id  = true',
      '  skip_metadata_api_check     = true',
      '  s3_use_path_style           = true',
      '  endpoints {',
      ...Object.entries(settings.endpoints).map(([service, url]) => `    ${service} = ${JSON.stringify(url)}`),
      '  }',
      '}',
      '',
    ].join('\n'));
    // The backend's emulator settings as -backend-config: the generated block stays AWS-ready.
    await initOk(dir, ['-backend-config=use_path_style=true', '-backend-config=skip_credentials_validation=true',
      '-backend-config=skip_requesting_account_id=true', `-backend-config=endpoints={s3="${moto.url}",sts="${moto.url}",iam="${moto.url}"}`]);
    await terraformOk(dir, ['apply', '-auto-approve', '-input=false']);

    const state = await s3.send(new GetObjectCommand({ Bucket: 'acme-tf-state', Key: 'ica/terraform.tfstate' }));
    const parsed = JSON.parse(await state.Body!.transformToString()) as { resources: { module?: string; type: string }[] };
    expect(parsed.resources.filter((resource) => resource.module === 'module.ica_s3_connect').map((resource) => resource.type))
      .toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_iam_user', 'aws_iam_access_key', 'aws_iam_policy', 'aws_s3_object']));
    // The S3 lock file is released after the apply, and no local state was written.
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: 'acme-tf-state' }));
    expect(objects.Contents?.map((object) => object.Key)).toEqual(['ica/terraform.tfstate']);
    expect(readdirSync(dir)).not.toContain('terraform.tfstate');

    expect((await terraform(dir, ['plan', '-detailed-exitcode', '-input=false'])).code).toBe(0);
    // The access key secret is in the state (as for any aws_iam_access_key) and in no file here.
    const secret = (await terraformOk(dir, ['output', '-raw', 'secret_access_key'])).stdout;
    expect(secret.length).toBeGreaterThan(10);
    const files = (directory: string): string[] => readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === '.terraform') return [];
      const path = join(directory, entry.name);
      return entry.isDirectory() ? files(path) : [path];
    });
    for (const path of files(dir)) expect(readFileSync(path, 'utf8')).not.toContain(secret);
    expect((await terraformOk(dir, ['output'])).stdout).not.toContain(secret);
  });
});
