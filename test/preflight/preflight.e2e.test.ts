/**
 * `ica-s3 preflight` on moto, one server for the file: a clean account passes, then each
 * first-apply conflict is set up with the SDK (no terraform) and gives its line and fix. Every
 * run deploys as an assumed role with a path, as SSO and CI deployers do.
 */
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateOpenIDConnectProviderCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { resolveConfig } from '../../modules/core/validate';
import { CheckResult } from '../../modules/account-report/checks';
import { MotoServer, startMoto } from '../support/moto';

const ACCOUNT = '123456789012'; // moto's
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/team/Deployer`;
const BUCKET = 'preflight-data';

const roleConfig: IcaConfigInput = {
  name: 'preflight-e2e',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Pf12Ab34' },
  buckets: [{ name: BUCKET, prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
  bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
};
const issuer = resolveConfig(roleConfig).oidc!.issuer;

let moto: MotoServer;
let work: string;
const savedEnv = { ...process.env };
const setup = (region = 'us-east-1') => ({ endpoint: moto.url, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const s3 = (region?: string) => new S3Client({ ...setup(region), forcePathStyle: true });
const iam = () => new IAMClient(setup());

interface Run {
  readonly code: number;
  readonly checks: CheckResult[];
  readonly text: string;
}

let files = 0;
function file(content: unknown): string {
  const path = join(work, `file-${++files}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** `ica-s3 preflight` as a user runs it, in process: --json for the checks, and the text. */
async function preflight(config: IcaConfigInput, extra: string[] = []): Promise<Run> {
  const path = file(config);
  const json: string[] = [];
  // Warnings (such as validate's about adopted buckets) go to stderr, never into the JSON.
  const code = await main(['preflight', '-c', path, '--endpoint-url', moto.url, '--json', ...extra], { log: (text) => json.push(text), error: () => undefined });
  const text: string[] = [];
  expect(await main(['preflight', '-c', path, '--endpoint-url', moto.url, ...extra], { log: (line) => text.push(line), error: () => undefined })).toBe(code);
  const report = JSON.parse(json.join('\n')) as { ok: boolean; checks: CheckResult[] };
  expect(report.ok).toBe(code === 0);
  return { code, checks: report.checks, text: text.join('\n') };
}

function check(run: Run, id: string): CheckResult {
  const found = run.checks.filter((candidate) => candidate.id === id);
  expect(found).toHaveLength(1);
  return found[0];
}

const failed = (run: Run) => run.checks.filter((candidate) => candidate.status === 'FAIL').map((candidate) => candidate.id);

/** Deploy as an assumed role with a path: aws:PrincipalArn is then the role with its path, not the session. */
async function deployAsRoleWithPath(): Promise<void> {
  await iam().send(new CreateRoleCommand({
    RoleName: 'Deployer', Path: '/team/',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
  }));
  const { Credentials } = await new STSClient(setup()).send(new AssumeRoleCommand({ RoleArn: DEPLOYER, RoleSessionName: 'alice' }));
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId, AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey, AWS_SESSION_TOKEN: Credentials!.SessionToken });
}

beforeAll(async () => {
  moto = await startMoto();
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'ICA_S3_ENDPOINT_URL', 'ICA_S3_TIMEOUTS']) delete process.env[name];
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  work = mkdtempSync(join(tmpdir(), 'ica-preflight-'));
});

beforeEach(async () => {
  await moto.reset();
  await deployAsRoleWithPath();
});

afterAll(async () => {
  await moto?.stop();
  process.env = savedEnv;
});

test('a clean account passes (exit 0); the deployer is read as its role, with the path', async () => {
  const run = await preflight(roleConfig);
  expect(run.code).toBe(0);
  expect(run.checks.map((result) => `${result.status} ${result.id}`)).toEqual([
    'PASS aws.account', 'PASS bucket.name', 'PASS iam.oidc-provider', 'PASS iam.role', 'PASS iam.policy', 'PASS kms.alias', 'INFO deployer.permissions',
  ]);
  expect(check(run, 'aws.account').found).toBe(`deploying to account ${ACCOUNT} as arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/alice (aws:PrincipalArn ${DEPLOYER}) (emulator)`);
  expect(check(run, 'deployer.permissions').found).toMatch(/^the emulator lacks IAM's policy simulator \(.*HTTP 500.*\): the deployer's permissions were not checked$/);
  expect(run.text).toMatch(/^PASS  bucket\.name\s+preflight-data: the name is free: the apply creates the bucket$/m);
  expect(run.text).toMatch(/Nothing here stops the first apply\. Deploy, then check the result with npx ica-s3 doctor\.$/);
});

test('a bucket of this account the config does not adopt: adopt it, or pass the state that manages it', async () => {
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  const run = await preflight(roleConfig);
  expect(run.code).toBe(1);
  expect(failed(run)).toEqual(['bucket.name']);
  expect(check(run, 'bucket.name').found).toBe('exists already in this account: the apply would fail with BucketAlreadyOwnedByYou (if this config\'s stack created it, ignore this line, or pass that stack\'s state with --state)');
  expect(check(run, 'bucket.name').fix).toContain(`npx ica-s3 adopt -b ${BUCKET} --write`);
  expect(run.text).toMatch(/^FAIL  bucket\.name\s+preflight-data: exists already in this account: .*ignore this line.* \| fix: change the config: adopt it/m);

  const state = file({ version: 4, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'bucket', instances: [{ attributes: { bucket: BUCKET } }] }] });
  const managed = await preflight(roleConfig, ['--state', state]);
  expect(managed.code).toBe(0);
  expect(check(managed, 'bucket.name').found).toBe(`exists in this account; the state manages it as aws_s3_bucket.bucket`);
});

test('a bucket name another account owns: choose another', async () => {
  const { Credentials } = await new STSClient(setup()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/other', RoleSessionName: 'other' }));
  await new S3Client({
    endpoint: moto.url, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken },
  }).send(new CreateBucketCommand({ Bucket: BUCKET }));
  const run = await preflight(roleConfig);
  expect(failed(run)).toEqual(['bucket.name']);
  expect(check(run, 'bucket.name')).toMatchObject({
    found: 'another AWS account owns a bucket of this name: the apply would fail with BucketAlreadyExists',
    fix: 'change the config: choose another name (buckets[0].name): bucket names are global across all AWS accounts, then apply the stack',
  });
});

test('an adopted bucket in another region, and a versioned one the config calls "Disabled"', async () => {
  await s3('eu-west-1').send(new CreateBucketCommand({ Bucket: 'preflight-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3().send(new CreateBucketCommand({ Bucket: 'preflight-versioned' }));
  await s3().send(new PutBucketVersioningCommand({ Bucket: 'preflight-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
  const run = await preflight({
    ...roleConfig,
    buckets: [
      { name: 'preflight-eu', prefixes: ['ica/'], existing: true },
      { name: 'preflight-versioned', prefixes: ['ica/'], existing: true, versioning: 'Disabled' },
    ],
  });
  expect(run.code).toBe(1);
  expect(failed(run)).toEqual(['bucket.existing', 'bucket.versioning']);
  const region = run.checks.find((result) => result.id === 'bucket.existing' && result.status === 'FAIL')!;
  expect(region).toMatchObject({ subject: 'preflight-eu', found: expect.stringMatching(/^is in eu-west-1, but ICA region US needs us-east-1/) });
  expect(run.checks.find((result) => result.id === 'bucket.versioning' && result.status === 'FAIL')).toMatchObject({
    subject: 'preflight-versioned', fix: expect.stringMatching(/^change the config: set buckets\[1\]\.versioning to "Suspended"/), remedy: 'change the config',
  });
});

test('the OIDC provider exists while the config says "create": set "existing"', async () => {
  await iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${issuer}`, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] }));
  const run = await preflight(roleConfig);
  expect(failed(run)).toEqual(['iam.oidc-provider']);
  expect(check(run, 'iam.oidc-provider').found).toMatch(/EntityAlreadyExists \(if this config's stack created it/);
  expect(check(run, 'iam.oidc-provider').fix).toBe('change the config: set "credential.oidcProvider": "existing" to use it, then apply the stack');
  const fixed = await preflight({ ...roleConfig, credential: { ...roleConfig.credential, oidcProvider: 'existing' } as IcaConfigInput['credential'] });
  expect(fixed.code).toBe(0);
});

test('a role, a policy and a KMS alias of the same names: rename or import, with the commands', async () => {
  await iam().send(new CreateRoleCommand({ RoleName: 'Illumina_ICA_Role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
  await iam().send(new CreatePolicyCommand({ PolicyName: 'illumina-ica-admin-policy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }));
  const kms = new KMSClient(setup());
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  await kms.send(new CreateAliasCommand({ AliasName: `alias/preflight-e2e/${BUCKET}`, TargetKeyId: KeyMetadata!.KeyId }));
  const run = await preflight(roleConfig);
  expect(failed(run)).toEqual(['iam.role', 'iam.policy', 'kms.alias']);
  expect(check(run, 'iam.role').fix).toContain('terraform import \'module.ica_s3_connect.aws_iam_role.this[0]\' Illumina_ICA_Role');
  expect(check(run, 'iam.policy').fix).toContain(`terraform import 'module.ica_s3_connect.aws_iam_policy.this' arn:aws:iam::${ACCOUNT}:policy/illumina-ica-admin-policy`);
  expect(check(run, 'kms.alias').fix).toContain(`terraform import 'module.ica_s3_connect.aws_kms_alias.this["${BUCKET}"]' alias/preflight-e2e/${BUCKET}`);
  expect(check(run, 'kms.alias').found).toContain(`it names key ${KeyMetadata!.Arn}`);
});

test('user method: the user, the SSM parameter and the Secrets Manager secret of the same names', async () => {
  await iam().send(new CreateUserCommand({ UserName: 'illumina_ica_admin' }));
  await new SSMClient(setup()).send(new PutParameterCommand({ Name: '/ica-s3-connect/preflight-user/access-key', Value: '{}', Type: 'SecureString' }));
  const { ARN } = await new SecretsManagerClient(setup()).send(new CreateSecretCommand({ Name: 'ica-s3-connect/preflight-user/access-key', SecretString: '{}' }));
  const user: IcaConfigInput = { name: 'preflight-user', icaRegion: 'US', credential: { method: 'user', secretStore: { type: 'ssm' } }, buckets: [{ name: 'preflight-user-data', prefixes: ['ica/'] }] };
  const ssm = await preflight(user);
  expect(failed(ssm)).toEqual(['iam.user', 'ssm.parameter']);
  expect(check(ssm, 'ssm.parameter').fix).toContain('terraform import \'module.ica_s3_connect.aws_ssm_parameter.access_key[0]\' /ica-s3-connect/preflight-user/access-key');
  const secrets = await preflight({ ...user, credential: { method: 'user', secretStore: { type: 'secretsmanager' } } });
  expect(failed(secrets)).toEqual(['iam.user', 'secretsmanager.secret']);
  expect(check(secrets, 'secretsmanager.secret').fix).toContain(`terraform import 'module.ica_s3_connect.aws_secretsmanager_secret.access_key[0]' ${ARN}`);
});

test('restrictToIca with exemptDeployer off: the deployer\'s role must be in exemptPrincipalArns', async () => {
  const policy = (exemptPrincipalArns: string[]) => ({ ...roleConfig, bucketPolicy: { restrictToIca: true, exemptDeployer: false, exemptPrincipalArns } });
  const left = await preflight(policy([`arn:aws:iam::${ACCOUNT}:role/Admin`]));
  expect(failed(left)).toEqual(['deployer.exempt']);
  expect(check(left, 'deployer.exempt')).toMatchObject({
    subject: DEPLOYER,
    fix: `change the config: set bucketPolicy.exemptDeployer to true, or add "${DEPLOYER}" to bucketPolicy.exemptPrincipalArns, then apply the stack`,
  });
  const listed = await preflight(policy([`arn:aws:iam::${ACCOUNT}:role/team/*`]));
  expect(listed.code).toBe(0);
  expect(check(listed, 'deployer.exempt').status).toBe('PASS');
});
