/**
 * On moto, CDKTF path: destroy stops while a bucket may hold data and goes through once it is
 * released, drift is reported and repaired, the access key secret never leaks into synthesized
 * files or CLI output, the SSM store holds the active key, and access key rotation keeps two keys.
 */
import {
  DeleteBucketCorsCommand, GetBucketCorsCommand, GetPublicAccessBlockCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetRoleCommand, IAMClient, ListAccessKeysCommand, UpdateRoleCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { resolveConfig } from '../../modules/core/validate';
import { protectionAddresses } from '../../modules/core/protection';
import { main } from '../../modules/cli/index';
import { MotoServer, startMoto } from '../support/moto';
import { terraform, terraformOk } from '../support/terraform';

let moto: MotoServer;
const outdirs: string[] = [];
const clientConfig = () => ({
  endpoint: moto.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

function newOutdir(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'ica-lifecycle-'));
  outdirs.push(outdir);
  return outdir;
}

/** Synthesizes a config; returns the stack directory. */
function synth(config: IcaConfigInput, outdir: string): string {
  return dirname(synthesize(resolveConfig(config), { outdir, endpointUrl: moto.url, localStatePath: join(outdir, 'terraform.tfstate') }));
}

/** Synthesizes a config into a new directory and runs terraform init there; returns the stack directory. */
async function prepare(config: IcaConfigInput): Promise<string> {
  const stackDir = synth(config, newOutdir());
  await terraformOk(stackDir, ['init', '-input=false']);
  return stackDir;
}

/** A changed config for an initialised stack: the same providers, so no second init. */
function resynth(config: IcaConfigInput, stackDir: string): void {
  synth(config, dirname(dirname(stackDir)));
}

async function apply(stackDir: string): Promise<string> {
  return (await terraformOk(stackDir, ['apply', '-auto-approve', '-input=false'])).stdout;
}

/**
 * An apply right after this file's own apply: nothing changed behind Terraform's back, so reading
 * every resource back from moto first (the refresh) would only cost time.
 */
async function applyUnrefreshed(stackDir: string): Promise<string> {
  return (await terraformOk(stackDir, ['apply', '-auto-approve', '-input=false', '-refresh=false'])).stdout;
}

async function planExitCode(stackDir: string): Promise<{ code: number; stdout: string }> {
  return terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === '.terraform') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const roleConfig = (forceDestroy: boolean): IcaConfigInput => ({
  name: 'lifecycle-role',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Lc12Ab34', roleName: 'lifecycle-ica-role' },
  policyName: 'lifecycle-role-policy',
  buckets: [{ name: 'lifecycle-role-data', prefixes: ['ica/'], forceDestroy }],
});

const userConfig = (accessKeys: string[], store: 'ssm', suffix: string): IcaConfigInput => ({
  name: `lifecycle-${suffix}`,
  icaRegion: 'US',
  credential: { method: 'user', userName: `lifecycle-${suffix}-user`, accessKeys, secretStore: { type: store } },
  policyName: `lifecycle-${suffix}-policy`,
  buckets: [{ name: `lifecycle-${suffix}-data`, prefixes: ['ica/'] }],
});

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('role stack: drift and destroy', () => {
  let stackDir: string;
  const s3 = () => new S3Client({ ...clientConfig(), forcePathStyle: true });

  beforeAll(async () => {
    stackDir = await prepare(roleConfig(false));
    await apply(stackDir);
  });

  // That a fresh apply plans no changes is cdktf-apply.e2e's "no drift" test, for a role and a user stack.
  test('changes made behind Terraform\'s back are reported and repaired', async () => {
    await s3().send(new DeleteBucketCorsCommand({ Bucket: 'lifecycle-role-data' }));
    // moto's UpdateRole clears a Description it is not sent (AWS keeps it), so send the current one.
    const iam = new IAMClient(clientConfig());
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'lifecycle-ica-role' }));
    await iam.send(new UpdateRoleCommand({ RoleName: 'lifecycle-ica-role', MaxSessionDuration: 3600, Description: Role?.Description }));
    const drifted = await planExitCode(stackDir);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toMatch(/aws_s3_bucket_cors_configuration\.\S+ will be created/);
    expect(drifted.stdout).toMatch(/max_session_duration\s+= 3600 -> 43200/);
    await apply(stackDir);
    const repairedRole = await iam.send(new GetRoleCommand({ RoleName: 'lifecycle-ica-role' }));
    expect(repairedRole.Role?.MaxSessionDuration).toBe(43200);
    const cors = await s3().send(new GetBucketCorsCommand({ Bucket: 'lifecycle-role-data' }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(['https://ica.illumina.com']);
  });

  test('destroy stops before any change while the bucket may hold data, naming it', async () => {
    await s3().send(new PutObjectCommand({ Bucket: 'lifecycle-role-data', Key: 'ica/sample.fastq', Body: 'ACGT' }));
    const destroyed = await terraform(stackDir, ['destroy', '-auto-approve', '-input=false', '-refresh=false']);
    expect(destroyed.code).toBe(1);
    // Terraform wraps its messages at 78 columns.
    expect(destroyed.stderr.replace(/\s+/g, ' ')).toContain(`${protectionAddresses('lifecycle-role-data', '')[0]} has lifecycle.prevent_destroy`);
    // Nothing changed: the settings that protect the bucket and the object are all there.
    await expect(s3().send(new GetPublicAccessBlockCommand({ Bucket: 'lifecycle-role-data' }))).resolves.toBeDefined();
    const listed = await s3().send(new ListObjectsV2Command({ Bucket: 'lifecycle-role-data' }));
    expect(listed.Contents?.map((object) => object.Key)).toContain('ica/sample.fastq');
  });

  test('the documented way to really delete: forceDestroy true, the release command, apply, destroy', async () => {
    resynth(roleConfig(true), stackDir);
    await terraformOk(stackDir, ['state', 'rm', ...protectionAddresses('lifecycle-role-data', '')]);
    await applyUnrefreshed(stackDir);
    await terraformOk(stackDir, ['destroy', '-auto-approve', '-input=false', '-refresh=false']);
    await expect(s3().send(new HeadBucketCommand({ Bucket: 'lifecycle-role-data' }))).rejects.toBeDefined();
  });
});

describe('user stack: secrets never leak, the SSM store, rotation', () => {
  let ssmDir: string;
  let applyOutput: string;
  const secret = async (dir: string) => (await terraformOk(dir, ['output', '-raw', 'secret_access_key'])).stdout;
  const output = async (dir: string, name: string) => (await terraformOk(dir, ['output', '-json', name])).stdout;

  beforeAll(async () => {
    // The Secrets Manager store is read back in the equivalence e2e (config c8), after its apply.
    ssmDir = await prepare(userConfig(['2026-01'], 'ssm', 'ssm'));
    applyOutput = await apply(ssmDir);
  });

  test('the SSM SecureString parameter holds the active key id and secret', async () => {
    const parameter = await new SSMClient(clientConfig()).send(new GetParameterCommand({ Name: '/ica-s3-connect/lifecycle-ssm/access-key', WithDecryption: true }));
    expect(parameter.Parameter?.Type).toBe('SecureString');
    expect(JSON.parse(parameter.Parameter?.Value ?? '{}')).toEqual({
      accessKeyId: JSON.parse(await output(ssmDir, 'access_key_id')),
      secretAccessKey: await secret(ssmDir),
    });
  });

  test('the secret appears in no synthesized file, no apply output and no CLI output', async () => {
    const value = await secret(ssmDir);
    expect(value.length).toBeGreaterThan(10);
    const synthesized = filesUnder(dirname(dirname(ssmDir))).filter((path) => !/terraform\.[^/]*tfstate/.test(path));
    expect(synthesized.length).toBeGreaterThan(0);
    for (const path of synthesized) expect(readFileSync(path, 'utf8')).not.toContain(value);
    expect(applyOutput).not.toContain(value);
    expect((await terraformOk(ssmDir, ['output'])).stdout).not.toContain(value);
    const lines: string[] = [];
    const recorder = { log: (text: string) => lines.push(text), error: (text: string) => lines.push(text) };
    expect(await main(['validate', '-c', join(__dirname, '..', '..', 'ica.config.json')], recorder)).toBe(0);
    expect(lines.join('\n')).not.toContain(value);
  });

  test('rotation: a second label adds a key and makes it active; removing the first retires it', async () => {
    const iam = new IAMClient(clientConfig());
    const keys = async () => (await iam.send(new ListAccessKeysCommand({ UserName: 'lifecycle-ssm-user' }))).AccessKeyMetadata?.map((key) => key.AccessKeyId) ?? [];
    const oldId = JSON.parse(await output(ssmDir, 'access_key_id'));

    resynth(userConfig(['2026-01', '2026-11'], 'ssm', 'ssm'), ssmDir);
    await applyUnrefreshed(ssmDir);
    const ids = JSON.parse(await output(ssmDir, 'access_key_ids'));
    expect(Object.keys(ids)).toEqual(['2026-01', '2026-11']);
    expect(ids['2026-01']).toBe(oldId);
    expect(JSON.parse(await output(ssmDir, 'access_key_id'))).toBe(ids['2026-11']);
    expect((await keys()).sort()).toEqual([ids['2026-01'], ids['2026-11']].sort());

    resynth(userConfig(['2026-11'], 'ssm', 'ssm'), ssmDir);
    await applyUnrefreshed(ssmDir);
    expect(await keys()).toEqual([ids['2026-11']]);
  });
});
