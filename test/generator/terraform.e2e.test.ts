/**
 * The generated Terraform as Terraform sees it:
 * - `terraform fmt -check` and `init -backend=false` + `validate` pass for the default config, every
 *   example config and configs with each backend (s3, cloud by workspace name, cloud by tags with a
 *   hostname), and for every runnable example under the module;
 * - with an s3 backend pointed at moto, init + apply stores the state in the moto bucket (read back
 *   with the AWS SDK), a second plan finds nothing to change, and the access key secret appears in
 *   no file of the configuration.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { emulatorProviderSettings } from '../../modules/core/emulator';
import { resolveConfig } from '../../modules/core/validate';
import { MODULE_DIR, generateFiles, writeGeneratedFiles } from '../../modules/generator/generate';
import { filesUnder } from '../support/files';
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

describe('with moto', () => {
  let moto: MotoServer;
  beforeAll(async () => { moto = await startMoto(); });
  afterAll(async () => { await moto?.stop(); });

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
    for (const path of filesUnder(dir)) expect(readFileSync(path, 'utf8')).not.toContain(secret);
    expect((await terraformOk(dir, ['output'])).stdout).not.toContain(secret);
  });
});
