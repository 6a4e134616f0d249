/**
 * Adopting a bucket that already exists, on moto, through both renderers: a bucket with objects,
 * a bucket policy statement of someone else and a CORS rule of someone else is adopted with
 * `ica-s3 adopt --write`; after apply all three are intact and ICA's additions are there, a
 * statement someone adds later is kept by the next apply, a plan then shows no drift, and destroy removes only what the
 * tool added (the bucket, its objects, the other statements and the other CORS rule stay).
 *
 * The CDKTF stack (role method) and the generated root (user method) run side by side on one moto
 * server with different names. Terraform runs the restore provisioners with the AWS CLI: the CDKTF
 * stack, synthesized with an endpoint URL, sends it to moto itself; the generated root, which has
 * no endpoint setting, reaches moto through AWS_ENDPOINT_URL in Terraform's environment.
 */
import {
  CreateBucketCommand, GetBucketCorsCommand, GetBucketPolicyCommand, ListObjectsV2Command, PutBucketCorsCommand, PutBucketPolicyCommand,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { main } from '../../modules/cli/index';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { emulatorProviderSettings } from '../../modules/core/emulator';
import { resolveConfig } from '../../modules/core/validate';
import { generateFiles, writeGeneratedFiles } from '../../modules/generator/generate';
import { MotoServer, startMoto } from '../support/moto';
import { allSettledOrThrow, terraform, terraformOk } from '../support/terraform';

const ACCOUNT = '123456789012';
const ICA_ORIGIN = 'https://ica.illumina.com';
const THEIR_RULE = { ID: 'their-app', AllowedMethods: ['GET'], AllowedOrigins: ['https://app.example.com'], AllowedHeaders: ['Authorization'], MaxAgeSeconds: 600 };

type Renderer = 'cdktf' | 'generated';
const RENDERERS: Renderer[] = ['cdktf', 'generated'];

const bucketOf = (renderer: Renderer) => `adopted-${renderer}-data`;
const theirStatement = (bucket: string, sid: string, action: string) => ({
  Sid: sid, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Analytics` }, Action: action, Resource: `arn:aws:s3:::${bucket}/*`,
});

function configFor(renderer: Renderer): IcaConfigInput {
  return {
    name: `adopt-${renderer}`,
    icaRegion: 'US',
    credential: renderer === 'cdktf'
      ? { method: 'role', sessionNamePrefix: 'Ad12Op34', roleName: 'adopt-cdktf-role' }
      : { method: 'user', userName: 'adopt-generated-user' },
    policyName: `adopt-${renderer}-policy`,
    buckets: [{ name: bucketOf(renderer), prefixes: ['ica/'], existing: true, manage: ['cors'] }],
    bucketPolicy: { crossAccountCopy: true },
  };
}

let moto: MotoServer;
let scratch: string;
const stackDirs = {} as Record<Renderer, string>;
const s3 = () => new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
/** The AWS CLI in the generated root's restore provisioners reaches moto through this; the CDKTF stack's needs nothing. */
const cliEnv = (renderer: Renderer) => (renderer === 'generated' ? { AWS_ENDPOINT_URL: moto.url } : {});

async function policyOf(bucket: string): Promise<{ Sid?: string; Principal?: unknown; Action?: unknown }[]> {
  const { Policy } = await s3().send(new GetBucketPolicyCommand({ Bucket: bucket }));
  return (JSON.parse(Policy ?? '{}') as { Statement: { Sid?: string }[] }).Statement;
}

async function corsOf(bucket: string) {
  return (await s3().send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
}

async function keysOf(bucket: string): Promise<string[]> {
  return ((await s3().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key ?? '').sort();
}

/** A bucket as another team left it: data, a policy statement and a CORS rule of theirs, and a stale statement with ICA's Sid. */
async function createTheirBucket(bucket: string): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'results/run-1.vcf', Body: 'data' }));
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'ica/existing-sample.fastq', Body: 'reads' }));
  await s3().send(new PutBucketPolicyCommand({
    Bucket: bucket,
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        theirStatement(bucket, 'TheirRead', 's3:GetObject'),
        // Left by an earlier manual set-up under the Sid this tool owns: replaced, not kept.
        { Sid: 'IcaCrossAccountCopy', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Old` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
      ],
    }),
  }));
  await s3().send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [THEIR_RULE] } }));
}

/** `ica-s3 adopt --write` on the config file, as a user runs it. */
async function adopt(configFile: string, bucket: string): Promise<string[]> {
  const lines: string[] = [];
  const status = await main(['adopt', '-c', configFile, '-b', bucket, '--write', '--endpoint-url', moto.url], { log: (text) => lines.push(text), error: (text) => lines.push(text) });
  if (status !== 0) throw new Error(`ica-s3 adopt failed:\n${lines.join('\n')}`);
  return lines;
}

function renderStack(renderer: Renderer, configFile: string): string {
  const config = resolveConfig(JSON.parse(readFileSync(configFile, 'utf8')));
  const dir = join(scratch, renderer);
  if (renderer === 'cdktf') {
    return dirname(synthesize(config, { outdir: dir, endpointUrl: moto.url, localStatePath: join(dir, 'terraform.tfstate') }));
  }
  writeGeneratedFiles(generateFiles(config, { configFile, outputDir: dir }), dir);
  // The generated provider stays AWS-ready; an override file points it at moto.
  const settings = emulatorProviderSettings(moto.url);
  writeFileSync(join(dir, 'providers_override.tf.json'), JSON.stringify({
    provider: {
      aws: {
        skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: 'true', s3_use_path_style: true,
        endpoints: [settings.endpoints],
      },
    },
  }));
  return dir;
}

const readAdoptOutput = {} as Record<Renderer, string[]>;

const savedEnv = { ...process.env };

beforeAll(async () => {
  // `ica-s3 adopt` runs in this process with the standard credential chain: moto's test keys.
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete process.env[name];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  moto = await startMoto();
  scratch = mkdtempSync(join(tmpdir(), 'ica-adoption-'));
  await allSettledOrThrow(RENDERERS.map(async (renderer) => {
    const bucket = bucketOf(renderer);
    await createTheirBucket(bucket);
    const configFile = join(scratch, `${renderer}.config.json`);
    writeFileSync(configFile, JSON.stringify(configFor(renderer), null, 2));
    readAdoptOutput[renderer] = await adopt(configFile, bucket);
    stackDirs[renderer] = renderStack(renderer, configFile);
    await terraformOk(stackDirs[renderer], ['init', '-input=false']);
    await terraformOk(stackDirs[renderer], ['apply', '-auto-approve', '-input=false'], cliEnv(renderer));
  }));
});

afterAll(async () => {
  process.env = savedEnv;
  await moto?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('ica-s3 adopt records the other statement and the other CORS rule in the config', () => {
  for (const renderer of RENDERERS) {
    const written = JSON.parse(readFileSync(join(scratch, `${renderer}.config.json`), 'utf8')) as { buckets: Record<string, unknown>[] };
    expect(written.buckets[0]).toMatchObject({ existing: true, manage: ['cors'], existingPolicy: true, keepCorsRules: [THEIR_RULE], versioning: 'Disabled' });
    expect(readAdoptOutput[renderer].join('\n')).toContain('1 statement(s) of others');
  }
});

describe.each(RENDERERS)('%s', (renderer) => {
  const bucket = bucketOf(renderer);

  test('after apply: the objects, the other statement and the other CORS rule are intact, and ICA\'s additions are there', async () => {
    expect(await keysOf(bucket)).toEqual(['ica/', 'ica/existing-sample.fastq', 'results/run-1.vcf']);
    const statements = await policyOf(bucket);
    expect(statements.map((statement) => statement.Sid)).toEqual(['TheirRead', 'IcaCrossAccountCopy']);
    expect(statements[0]).toEqual(theirStatement(bucket, 'TheirRead', 's3:GetObject'));
    // The stale statement under ICA's Sid was replaced by ICA's own.
    expect(statements[1].Principal).toEqual({ AWS: 'arn:aws:iam::079623148045:role/ica_use1_crossacct' });
    const cors = await corsOf(bucket);
    expect(cors).toHaveLength(2);
    expect(cors[0]).toMatchObject(THEIR_RULE);
    expect(cors[1].AllowedOrigins).toEqual([ICA_ORIGIN]);
    expect(cors[1].AllowedMethods?.slice().sort()).toEqual(['DELETE', 'GET', 'HEAD', 'POST', 'PUT']);
  });

  // One plan after the second apply: a perpetual diff of the merged documents would show there too.
  test('a statement someone adds later is kept by the next apply, and a plan then shows no changes', async () => {
    const current = await policyOf(bucket);
    const later = theirStatement(bucket, 'TheirList', 's3:ListBucket');
    await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [...current, later] }) }));
    await terraformOk(stackDirs[renderer], ['apply', '-auto-approve', '-input=false'], cliEnv(renderer));
    // The provider compares policies statement order aside, so the live order may stay as it was.
    expect((await policyOf(bucket)).map((statement) => statement.Sid).sort()).toEqual(['IcaCrossAccountCopy', 'TheirList', 'TheirRead']);
    const plan = await terraform(stackDirs[renderer], ['plan', '-detailed-exitcode', '-input=false'], cliEnv(renderer));
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('destroy removes only what the tool added', async () => {
    // The plan just before found nothing to change: the destroy needs no refresh.
    const destroy = await terraformOk(stackDirs[renderer], ['destroy', '-auto-approve', '-input=false', '-refresh=false'], cliEnv(renderer));
    expect(destroy.stdout).toMatch(/Destroy complete!/);
    // The bucket and every object of theirs stay; only ICA's folder object is gone.
    expect(await keysOf(bucket)).toEqual(['ica/existing-sample.fastq', 'results/run-1.vcf']);
    expect(await policyOf(bucket)).toEqual([theirStatement(bucket, 'TheirRead', 's3:GetObject'), theirStatement(bucket, 'TheirList', 's3:ListBucket')]);
    const cors = await corsOf(bucket);
    expect(cors).toHaveLength(1);
    expect(cors[0]).toMatchObject(THEIR_RULE);
    const iam = new IAMClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const principal = renderer === 'cdktf'
      ? iam.send(new GetRoleCommand({ RoleName: 'adopt-cdktf-role' }))
      : iam.send(new GetUserCommand({ UserName: 'adopt-generated-user' }));
    await expect(principal).rejects.toThrow(/cannot be found|not found/i);
  });
});
