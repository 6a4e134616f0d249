/**
 * The generated Terraform passes `terraform fmt -check` and `terraform init -backend=false &&
 * terraform validate` for every example config and a cloud-backend config; with an s3 backend
 * pointed at moto, init + apply stores the state in the moto bucket.
 */
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { emulatorProviderSettings } from '../../modules/core/emulator';
import { resolveConfig } from '../../modules/core/validate';
import { generateFiles, writeGeneratedFiles } from '../../modules/generator/generate';
import { MotoServer, startMoto } from '../support/moto';
import { terraform, terraformOk } from '../support/terraform';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-generated-'));
const base = JSON.parse(readFileSync(join(root, 'ica.config.json'), 'utf8')) as IcaConfigInput;

function generate(name: string, config: IcaConfigInput): string {
  const dir = join(scratch, name);
  writeGeneratedFiles(generateFiles(resolveConfig(config), { configFile: `${name}.json`, outputDir: 'terraform-out' }), dir);
  return dir;
}

const configs: [string, IcaConfigInput][] = [
  ...readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json'))
    .map((file): [string, IcaConfigInput] => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(root, 'examples', file), 'utf8'))]),
  ['cloud-backend', { ...base, backend: { type: 'cloud', organization: 'acme', workspace: 'ica-prod' } }],
];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file a user could commit or share: the generated configuration, not terraform's own cache. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === '.terraform') return [];
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

test.each(configs)('%s: fmt -check, init -backend=false and validate pass', async (name, config) => {
  const dir = generate(name, config);
  const fmt = await terraform(dir, ['fmt', '-check', '-recursive', '-diff']);
  expect(fmt.stdout).toBe('');
  expect(fmt.code).toBe(0);
  await terraformOk(dir, ['init', '-backend=false', '-input=false']);
  const validate = await terraformOk(dir, ['validate']);
  expect(validate.stdout).toContain('Success! The configuration is valid.');
});

test('every module example validates', async () => {
  const dir = generate('module-examples', base);
  const examples = join(dir, 'modules', 'ica-s3-connect', 'examples');
  for (const example of readdirSync(examples)) {
    await terraformOk(join(examples, example), ['init', '-backend=false', '-input=false']);
    expect((await terraformOk(join(examples, example), ['validate'])).stdout).toContain('Success!');
  }
});

describe('s3 backend on moto', () => {
  let moto: MotoServer;
  beforeAll(async () => { moto = await startMoto(); });
  afterAll(async () => { await moto?.stop(); });

  test('init + apply stores the state in the backend bucket', async () => {
    const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-tf-state' }));
    const dir = generate('s3-backend', {
      name: 'state-test', icaRegion: 'US', credential: { method: 'user', userName: 'state-test-user' }, policyName: 'state-test-policy',
      buckets: [{ name: 'state-test-data', prefixes: ['ica/'] }],
      backend: { type: 's3', bucket: 'acme-tf-state', key: 'ica/terraform.tfstate', region: 'us-east-1' },
    });
    const settings = emulatorProviderSettings(moto.url);
    writeFileSync(join(dir, 'providers_override.tf'), [
      'provider "aws" {',
      '  skip_credentials_validation = true',
      '  skip_requesting_account_id  = true',
      '  s3_use_path_style           = true',
      `  endpoints {\n${Object.entries(settings.endpoints).map(([service, url]) => `    ${service} = "${url}"`).join('\n')}\n  }`,
      '}',
      '',
    ].join('\n'));
    // The backend's own emulator settings, as -backend-config (the generated block stays AWS-ready).
    await terraformOk(dir, ['init', '-input=false',
      '-backend-config=use_path_style=true', '-backend-config=skip_credentials_validation=true', '-backend-config=skip_requesting_account_id=true',
      `-backend-config=endpoints={s3="${moto.url}",sts="${moto.url}",iam="${moto.url}"}`]);
    await terraformOk(dir, ['apply', '-auto-approve', '-input=false']);
    const state = await s3.send(new GetObjectCommand({ Bucket: 'acme-tf-state', Key: 'ica/terraform.tfstate' }));
    const parsed = JSON.parse(await state.Body!.transformToString());
    expect(parsed.resources.map((resource: { type: string }) => resource.type)).toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_iam_user']));
    // The access key secret is in the state (as for any aws_iam_access_key) and nowhere else.
    const secret = (await terraformOk(dir, ['output', '-raw', 'secret_access_key'])).stdout;
    expect(secret.length).toBeGreaterThan(10);
    for (const path of filesUnder(dir)) expect(readFileSync(path, 'utf8')).not.toContain(secret);
    expect((await terraformOk(dir, ['output'])).stdout).not.toContain(secret);
    await terraformOk(dir, ['destroy', '-auto-approve', '-input=false']);
  });
});
