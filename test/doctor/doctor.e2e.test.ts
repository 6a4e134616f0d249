/**
 * On moto: `ica-s3 doctor` against a healthy setup built by applying this tool's own
 * CDKTF stack once, then one broken variant per troubleshooting row of the seeds. Each variant
 * breaks one thing with the SDK, runs the doctor, asserts its line and exit status, and repairs
 * it, so the file needs one apply. Also `ica-s3 ica-payload` from the stack's real outputs, and a
 * half-built account (made with the SDK, nothing applied) that doctor and preflight judge alike.
 */
import {
  CreateBucketCommand, DeleteBucketCorsCommand, DeleteObjectCommand, GetBucketCorsCommand, GetBucketPolicyCommand, PutBucketCorsCommand,
  PutBucketNotificationConfigurationCommand, PutBucketOwnershipControlsCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand,
  UpdateAccessKeyCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import {
  CancelKeyDeletionCommand, CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand, ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { bucketPolicy, oidcProviderArn, trustPolicy } from '../../modules/core/ica-policies';
import { resolveConfig } from '../../modules/core/validate';
import { main } from '../../modules/cli/index';
import { CheckResult } from '../../modules/account-report/checks';
import { MotoServer, startMoto } from '../support/moto';
import { terraformOk } from '../support/terraform';
import { connectCommandWith } from '../../modules/cli/commands/connect';
import { FakeIcaApi } from '../ica/fake-ica-api';

const BUCKET = 'doctor-data';
const ROLE = 'doctor-ica-role';
const ACCOUNT = '123456789012'; // moto's account

const healthy: IcaConfigInput = {
  name: 'doctor-e2e',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Dr12Ab34', roleName: ROLE },
  policyName: 'doctor-ica-policy',
  buckets: [{ name: BUCKET, prefixes: ['ica-data/', 'runs/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
  // restrictToIca stays off in the applied stack: moto enforces bucket policies but reads
  // ArnNotLike wrongly, which would deny terraform itself. The variant below puts that policy with the SDK.
  bucketPolicy: { crossAccountCopy: true },
  objectTagging: true,
};

let moto: MotoServer;
let work: string;
let stackDir: string;
const savedEnv = { ...process.env };
const client = () => ({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const s3 = () => new S3Client({ ...client(), forcePathStyle: true });
const iam = () => new IAMClient(client());
const kms = () => new KMSClient(client());

interface DoctorRun {
  readonly code: number;
  readonly text: string;
  readonly checks: CheckResult[];
}

function recorder() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: { log: (text: string) => stdout.push(text), error: (text: string) => stderr.push(text) }, stdout, stderr };
}

let configCount = 0;
function writeConfig(config: IcaConfigInput): string {
  const path = join(work, `config-${++configCount}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Runs `ica-s3 doctor` twice (text and --json) the way a user would, in-process. */
async function doctor(config: IcaConfigInput = healthy): Promise<DoctorRun> {
  const path = writeConfig(config);
  const text = recorder();
  const code = await main(['doctor', '-c', path, '--endpoint-url', moto.url], text.out);
  const json = recorder();
  const jsonCode = await main(['doctor', '-c', path, '--endpoint-url', moto.url, '--json'], json.out);
  expect(jsonCode).toBe(code);
  const report = JSON.parse(json.stdout.join('\n')) as { ok: boolean; checks: CheckResult[] };
  expect(report.ok).toBe(code === 0);
  return { code, text: text.stdout.join('\n'), checks: report.checks };
}

/** The one line of a check in the text output. */
function line(run: DoctorRun, id: string, subject?: string): string {
  const lines = run.text.split('\n').filter((candidate) => new RegExp(`^(PASS|WARN|FAIL|INFO)\\s+${id.replace('.', '\\.')}\\s+${subject ? `${subject.replace(/[./]/g, '\\$&')}:` : ''}`).test(candidate));
  expect(lines).toHaveLength(1);
  return lines[0];
}

function statuses(run: DoctorRun, status: CheckResult['status']): string[] {
  return run.checks.filter((check) => check.status === status).map((check) => `${check.id} ${check.subject}`);
}

beforeAll(async () => {
  moto = await startMoto();
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete process.env[name];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.ICA_S3_ENDPOINT_URL;
  work = mkdtempSync(join(tmpdir(), 'ica-doctor-'));
  stackDir = dirname(synthesize(resolveConfig(healthy), { outdir: join(work, 'cdktf.out'), endpointUrl: moto.url, localStatePath: join(work, 'terraform.tfstate') }));
  await terraformOk(stackDir, ['init', '-input=false']);
  await terraformOk(stackDir, ['apply', '-auto-approve', '-input=false']);
});

afterAll(async () => {
  await moto?.stop();
  process.env = savedEnv;
});

test('the applied stack passes every check; the emulator\'s missing simulator is a note', async () => {
  const run = await doctor();
  expect(run.code).toBe(0);
  expect(statuses(run, 'FAIL')).toEqual([]);
  expect(statuses(run, 'WARN')).toEqual([]);
  expect(statuses(run, 'INFO')).toEqual(['policy.simulator iam:SimulatePrincipalPolicy']);
  expect(line(run, 'policy.simulator')).toMatch(/emulator lacks IAM's policy simulator .*built-in evaluator decided/);
  const ids = new Set(run.checks.map((check) => check.id));
  for (const id of [
    'bucket.exists', 'bucket.region', 'prefix.notifications', 'prefix.ica-notifications', 'bucket.cors', 'bucket.versioning',
    'bucket.encryption', 'bucket.ownership', 'bucket.public-access', 'principal.exists', 'principal.policy-attached',
    'role.session-duration', 'role.oidc-provider', 'role.trust-policy', 'policy.bucket', 'policy.prefix', 'policy.variant',
    'policy.kms', 'policy.federation', 'bucket.policy', 'bucket.cross-account', 'kms.key', 'kms.ica-access', 'kms.cross-account',
    'prefix.object-keys',
  ]) expect(ids).toContain(id);
  // Both prefixes get their own lines.
  expect(line(run, 'prefix.notifications', `${BUCKET}/runs/`)).toMatch(/^PASS/);
  // It ends with the values to enter in ICA, with the real ARNs.
  expect(run.text).toMatch(/Values to enter in ICA:[\s\S]*Credential: AWS_ROLE arn:aws:iam::123456789012:role\/doctor-ica-role/);
  expect(run.text).toMatch(/Server side encryption: aws:kms key arn:aws:kms:us-east-1:123456789012:key\//);
});

// Right after the healthy run, before the tests below change the account.
test('connect without --outputs reads the deployed values from AWS as the doctor does, and connects them', async () => {
  const apiKey = 'ica-api-key-doctor-e2e';
  const api = await new FakeIcaApi({ apiKey }).start();
  const saved = process.env.ICA_API_KEY;
  process.env.ICA_API_KEY = apiKey;
  try {
    const credential = api.addCredential('doctor-e2e', 'AWS_ROLE');
    const run = recorder();
    const tuning = { poll: { intervalMs: 5, timeoutMs: 1_000 }, progressStream: { write: () => true } };
    const code = await connectCommandWith(tuning).run(['-c', writeConfig(healthy), '--endpoint-url', moto.url, '--ica-url', api.url], run.out);
    expect({ code, stderr: run.stderr }).toEqual({ code: 0, stderr: [] });
    // The values came from moto: the role's ARN and the created key's ARN, no placeholder.
    const keyArn = (await kms().send(new DescribeKeyCommand({ KeyId: `alias/doctor-e2e/${BUCKET}` }))).KeyMetadata?.Arn;
    expect(api.configurations.map((configuration) => [configuration.storageCredentialId, configuration.awsDetails.bucketName, configuration.awsDetails.keyPrefix, configuration.awsDetails.serverSideEncryptionKey]))
      .toEqual([[credential.id, BUCKET, 'ica-data/', keyArn], [credential.id, BUCKET, 'runs/', keyArn]]);
    expect(run.stdout.join('\n')).toMatch(/Connected: every storage configuration is valid\./);
  } finally {
    if (saved === undefined) delete process.env.ICA_API_KEY; else process.env.ICA_API_KEY = saved;
    await api.stop();
  }
});

test('wrong region: a bucket in eu-west-1 for ICA region US', async () => {
  await new S3Client({ ...client(), region: 'eu-west-1', forcePathStyle: true })
    .send(new CreateBucketCommand({ Bucket: 'doctor-eu-data', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  const run = await doctor({ ...healthy, buckets: [{ ...healthy.buckets[0], name: 'doctor-eu-data' }] });
  expect(run.code).toBe(1);
  expect(line(run, 'bucket.region', 'doctor-eu-data')).toMatch(
    /^FAIL\s+bucket\.region\s+doctor-eu-data: the bucket is in eu-west-1, but ICA region US \(United States\) uses us-east-1 \| ICA error: "Storage container must be located in the us-east-1 region" \| fix: .*buckets\[0\]\.name/);
});

test('missing CORS rule', async () => {
  const saved = await s3().send(new GetBucketCorsCommand({ Bucket: BUCKET }));
  await s3().send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`bucket.cors ${BUCKET}`]);
    expect(line(run, 'bucket.cors')).toMatch(/^FAIL\s+bucket\.cors\s+doctor-data: the bucket has no CORS rule \| ICA error: ".*CORS.*" \| fix: .*corsAllowedOrigins.*cors\.json/);
  } finally {
    await s3().send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: saved.CORSRules } }));
  }
  // A rule without the exposed headers is not enough either.
  await s3().send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{ ...saved.CORSRules![0], ExposeHeaders: ['ETag'] }] } }));
  try {
    const run = await doctor();
    expect(line(run, 'bucket.cors')).toMatch(/^FAIL .*does not expose x-amz-meta-custom-header/);
  } finally {
    await s3().send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: saved.CORSRules } }));
  }
  expect((await doctor()).code).toBe(0);
});

test('a 1 h role session', async () => {
  const { Role } = await iam().send(new GetRoleCommand({ RoleName: ROLE }));
  // moto's UpdateRole clears a Description it is not sent, so send the current one.
  await iam().send(new UpdateRoleCommand({ RoleName: ROLE, MaxSessionDuration: 3600, Description: Role?.Description }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`role.session-duration ${ROLE}`]);
    expect(line(run, 'role.session-duration')).toMatch(
      /^FAIL\s+role\.session-duration\s+doctor-ica-role: maximum session duration is 3600 s \(1 h\), ICA needs 12 h \(43200 s\) \| ICA error: "Invalid Role Session Duration" \| fix: .*Maximum session duration: 12 hours/);
  } finally {
    await iam().send(new UpdateRoleCommand({ RoleName: ROLE, MaxSessionDuration: 43200, Description: Role?.Description }));
  }
});

test('the wrong namespace in the trust policy', async () => {
  const { Role } = await iam().send(new GetRoleCommand({ RoleName: ROLE }));
  const original = decodeURIComponent(Role!.AssumeRolePolicyDocument!);
  expect(original).toContain('system:serviceaccount:use1:irsa-use1-gds*');
  await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: original.replace(/use1/g, 'euc1') }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`role.trust-policy ${ROLE}`]);
    expect(line(run, 'role.trust-policy')).toMatch(
      /^FAIL\s+role\.trust-policy\s+doctor-ica-role: the sub condition .* names namespace euc1, ICA region US uses use1: system:serviceaccount:use1:irsa-use1-gds\* \| ICA error: "GetTemporaryCredentialsAsync failed with STS error: Not authorized to perform sts:AssumeRoleWithWebIdentity" \| fix: .*credential\.namespace/);
  } finally {
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: original }));
  }
  // A session name prefix other than the one ICA generated fails too.
  await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: original.replace('Dr12Ab34-*', 'Other999-*') }));
  try {
    const run = await doctor();
    expect(line(run, 'role.trust-policy')).toMatch(/^FAIL .*session name condition .*Other999-\*.*credential\.sessionNamePrefix/);
  } finally {
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: original }));
  }
});

const prefixFilter = (prefix: string) => ({ Key: { FilterRules: [{ Name: 'prefix' as const, Value: prefix }] } });
const queue = 'arn:aws:sqs:us-east-1:123456789012:customer-pipeline';

test('an existing notification overlapping an ICA prefix', async () => {
  await s3().send(new PutBucketNotificationConfigurationCommand({
    Bucket: BUCKET,
    NotificationConfiguration: {
      QueueConfigurations: [{ Id: 'customer-pipeline', QueueArn: queue, Events: ['s3:ObjectCreated:Put'], Filter: prefixFilter('ica-data/raw/') }],
    },
  }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`prefix.notifications ${BUCKET}/ica-data/`]);
    expect(line(run, 'prefix.notifications', `${BUCKET}/ica-data/`)).toMatch(
      /^FAIL .*overlapped by "customer-pipeline" \(SQS queue .*prefix "ica-data\/raw\/".* \| ICA error: ".*conflicting storage container notifications with overlapping prefixes.*" \| fix: .*Event notifications: delete the notification/);
    expect(line(run, 'prefix.notifications', `${BUCKET}/runs/`)).toMatch(/^PASS/);
  } finally {
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: BUCKET, NotificationConfiguration: {} }));
  }
});

test('leftover gds notifications from a deleted storage configuration', async () => {
  await s3().send(new PutBucketNotificationConfigurationCommand({
    Bucket: BUCKET,
    NotificationConfiguration: {
      QueueConfigurations: [
        { Id: 'gds:objectcreated', QueueArn: queue, Events: ['s3:ObjectCreated:*'], Filter: prefixFilter('runs/') },
        { Id: 'gds:objectremoved', QueueArn: queue, Events: ['s3:ObjectRemoved:*'], Filter: prefixFilter('runs/') },
        { Id: 'gds:objectrestore', QueueArn: queue, Events: ['s3:ObjectRestore:*'], Filter: prefixFilter('runs/') },
      ],
    },
  }));
  try {
    const run = await doctor();
    // ICA's own notifications are right while a storage configuration uses the prefix, so a warning:
    // the doctor cannot tell a live storage configuration from a deleted one.
    expect(run.code).toBe(0);
    expect(statuses(run, 'WARN')).toEqual([`prefix.ica-notifications ${BUCKET}/runs/`]);
    expect(line(run, 'prefix.ica-notifications', `${BUCKET}/runs/`)).toMatch(
      /^WARN .*gds:objectcreated, gds:objectremoved, gds:objectrestore .* \| ICA error: "GetTemporaryUploadCredentialsAsync failure.*" \| fix: .*Delete, then wait 15 minutes/);
    expect(line(run, 'prefix.notifications', `${BUCKET}/runs/`)).toMatch(/^PASS/);
    expect(line(run, 'prefix.ica-notifications', `${BUCKET}/ica-data/`)).toMatch(/^PASS/);
  } finally {
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: BUCKET, NotificationConfiguration: {} }));
  }
});

test('a bucket policy that locks ICA out, and the tool\'s own restrictive policy that does not', async () => {
  const original = (await s3().send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!;
  const lockout = JSON.parse(original) as { Statement: unknown[] };
  lockout.Statement.push({
    Sid: 'OnlyAdmins',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/admin`] } },
  });
  await s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(lockout) }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL').sort()).toEqual([`bucket.cross-account ${BUCKET}`, `bucket.policy ${BUCKET}`]);
    expect(line(run, 'bucket.policy')).toMatch(
      /^FAIL\s+bucket\.policy\s+doctor-data: statement "OnlyAdmins" denies the role doctor-ica-role and ICA's federated users s3:PutObject, s3:GetObject \| ICA error: "Access forbidden: not authorized to perform s3:\w+ on resource arn:aws:s3:::doctor-data\/\S+ with an explicit deny in the bucket policy" \| fix: outside this tool: add arn:aws:iam::123456789012:role\/doctor-ica-role and arn:aws:sts::123456789012:federated-user\/\* /);
    expect(line(run, 'bucket.cross-account')).toMatch(/^FAIL .*"OnlyAdmins" denies Illumina's cross-account role .*403 Forbidden on copy and move jobs/);
  } finally {
    await s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: original }));
  }

  // restrictToIca + crossAccountCopy, as the tool writes it: a Deny with ArnNotLike that exempts ICA,
  // its federated users and Illumina's role.
  const config = resolveConfig({ ...healthy, bucketPolicy: { restrictToIca: true, crossAccountCopy: true } });
  const restrictive = bucketPolicy(config, config.buckets[0], {
    accountId: ACCOUNT, icaPrincipalArn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, kmsKeyArn: () => undefined,
  })!;
  await s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: restrictive.toString() }));
  try {
    const run = await doctor({ ...healthy, bucketPolicy: { restrictToIca: true, crossAccountCopy: true } });
    expect(run.code).toBe(0);
    expect(line(run, 'bucket.policy')).toMatch(/^PASS .*denies neither the role doctor-ica-role nor ICA's federated users/);
    expect(line(run, 'bucket.cross-account')).toMatch(/^PASS/);
  } finally {
    await s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: original }));
  }
});

test('object ownership not enforced', async () => {
  await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: BUCKET, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`bucket.ownership ${BUCKET}`]);
    expect(line(run, 'bucket.ownership')).toMatch(
      /^FAIL\s+bucket\.ownership\s+doctor-data: object ownership is BucketOwnerPreferred.* \| ICA error: "403 Forbidden on copy and move jobs.*" \| fix: apply the stack: it sets object ownership to BucketOwnerEnforced/);
  } finally {
    await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: BUCKET, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  }
});

test('a KMS key policy without the grants ICA and Illumina\'s role need', async () => {
  const run0 = await doctor();
  const keyArn = run0.checks.find((check) => check.id === 'kms.key')!.subject;
  const original = (await kms().send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!;
  const rootOnly = { Version: '2012-10-17', Statement: [{ Sid: 'EnableAccountAdministration', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };
  await kms().send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(rootOnly) }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    // The account root statement delegates to IAM, and the permission policy grants ICA's role the key:
    // ICA itself is fine; Illumina's role in another account is not.
    expect(line(run, 'kms.ica-access')).toMatch(/^PASS .*delegates to the account's IAM policies, and the permission policy grants/);
    expect(statuses(run, 'FAIL')).toEqual([`kms.cross-account ${keyArn}`]);
    expect(line(run, 'kms.cross-account')).toMatch(/^FAIL .*ica_use1_crossacct may not use the key: no statement allows kms:Encrypt .* \| ICA error: "403 Forbidden on copy and move jobs.*" \| fix: .*AllowCrossAccountAccess/);

    const adminOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/key-admin` }, Action: 'kms:*', Resource: '*' }] };
    await kms().send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(adminOnly) }));
    const locked = await doctor();
    expect(locked.code).toBe(1);
    expect(line(locked, 'kms.ica-access')).toMatch(/^FAIL .*role doctor-ica-role may not use the key: no statement allows kms:Decrypt .* \| ICA error: "Access forbidden: not authorized to perform kms:Decrypt on resource arn:aws:kms:\S+" \| fix: apply the stack: it writes the key policy/);
  } finally {
    await kms().send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: original }));
  }
  expect((await doctor()).code).toBe(0);
});

test('objects under a key pending deletion, then disabled, fail prefix.object-keys; under an older enabled key it warns', async () => {
  const [doomed, older] = await Promise.all(['pending deletion', 'older'].map(async (what) =>
    (await kms().send(new CreateKeyCommand({ Description: `doctor e2e: ${what} key` }))).KeyMetadata!));
  const put = async (Key: string, keyArn: string) => ({
    Key,
    VersionId: (await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }))).VersionId,
  });
  const written = [await put('ica-data/sample-1.bam', doomed.Arn!), await put('runs/run-1/log.txt', older.Arn!)];
  await kms().send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
  try {
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(statuses(run, 'FAIL')).toEqual([`prefix.object-keys ${BUCKET}/ica-data/`]);
    expect(statuses(run, 'WARN')).toEqual([`prefix.object-keys ${BUCKET}/runs/`]);
    expect(line(run, 'prefix.object-keys', `${BUCKET}/ica-data/`)).toMatch(new RegExp(
      `^FAIL .*object "ica-data/sample-1\\.bam" is encrypted with ${doomed.Arn}, which is pending deletion on \\d{4}-\\d\\d-\\d\\dT.*unreadable for good .*`
      + `\\| fix: outside this tool: aws kms cancel-key-deletion --key-id ${doomed.Arn} --region us-east-1, then aws kms enable-key --key-id ${doomed.Arn} `));
    expect(line(run, 'prefix.object-keys', `${BUCKET}/runs/`)).toMatch(new RegExp(`^WARN .*encrypted with ${older.Arn}, not the bucket's default key .*written under an older key`));

    // A cancelled deletion leaves the key disabled: still a failure, now with enable-key alone.
    await kms().send(new CancelKeyDeletionCommand({ KeyId: doomed.KeyId }));
    expect(line(await doctor(), 'prefix.object-keys', `${BUCKET}/ica-data/`)).toMatch(
      new RegExp(`^FAIL .*which is disabled: S3 cannot decrypt it \\| ICA error: .* \\| fix: outside this tool: aws kms enable-key --key-id ${doomed.Arn} --region us-east-1$`));
  } finally {
    for (const { Key, VersionId } of written) await s3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId }));
  }
});

test('the user method: an active access key passes, an inactive one fails', async () => {
  const { AttachedPolicies } = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
  await iam().send(new CreateUserCommand({ UserName: 'doctor-ica-user' }));
  await iam().send(new AttachUserPolicyCommand({ UserName: 'doctor-ica-user', PolicyArn: AttachedPolicies![0].PolicyArn }));
  const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: 'doctor-ica-user' }));
  const userConfig: IcaConfigInput = { ...healthy, credential: { method: 'user', userName: 'doctor-ica-user' } };
  const run = await doctor(userConfig);
  // The bucket's key policy names the role, not the user; its account statement delegates to IAM.
  expect(statuses(run, 'FAIL')).toEqual([]);
  expect(line(run, 'user.access-key')).toMatch(new RegExp(`^PASS .*active access key ${AccessKey!.AccessKeyId}`));
  expect(run.text).toMatch(new RegExp(`Credential: AWS_USER ${AccessKey!.AccessKeyId}`));
  expect(run.checks.map((check) => check.id)).not.toContain('role.trust-policy');

  await iam().send(new UpdateAccessKeyCommand({ UserName: 'doctor-ica-user', AccessKeyId: AccessKey!.AccessKeyId, Status: 'Inactive' }));
  const inactive = await doctor(userConfig);
  expect(inactive.code).toBe(1);
  expect(line(inactive, 'user.access-key')).toMatch(/^FAIL .*access keys are all inactive .* \| ICA error: "Failed to update bucket policy: The AWS Access Key Id you provided does not exist in our records\." \| fix: .*activate/);
});

test('ica-payload writes the API bodies with the real values from terraform output -json', async () => {
  const outputs = (await terraformOk(stackDir, ['output', '-json'])).stdout;
  const outputsFile = join(work, 'outputs.json');
  writeFileSync(outputsFile, outputs);
  const out = join(work, 'payload');
  const recorded = recorder();
  expect(await main(['ica-payload', '-c', writeConfig(healthy), '-o', out, '--outputs', outputsFile], recorded.out)).toBe(0);
  // The role method has no storage credential body: ICA's UI creates AWS_Role credentials.
  expect(existsSync(join(out, 'storage-credential.json'))).toBe(false);
  expect(recorded.stdout.join('\n')).toMatch(/created in the ICA UI/);
  const files = readdirSync(out).filter((name) => name.startsWith('storage-configuration.')).sort();
  expect(files).toEqual(['storage-configuration.doctor-data-ica-data.json', 'storage-configuration.doctor-data-runs.json']);
  const body = JSON.parse(readFileSync(join(out, files[0]), 'utf8'));
  const keyArn = (JSON.parse(outputs).storage_configurations.value as { serverSideEncryptionKey: string }[])[0].serverSideEncryptionKey;
  expect(body).toEqual({
    regionId: 'YOUR_ICA_REGION_ID',
    name: 'doctor-data-ica-data',
    description: expect.stringContaining('s3://doctor-data/ica-data/'),
    storageCredentialId: 'YOUR_STORAGE_CREDENTIAL_ID',
    type: 'AWS_S3',
    awsDetails: { bucketName: BUCKET, keyPrefix: 'ica-data/', serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: keyArn },
  });
  expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/GET \/api\/regions/);
});

describe('a half-built account: the bucket made by hand, the role and OIDC provider present, nothing applied, the config already right', () => {
  const HALF_BUCKET = 'halfbuilt-data';
  const HALF_ROLE = 'halfbuilt-role';
  const half: IcaConfigInput = {
    name: 'halfbuilt',
    icaRegion: 'US',
    // The applied stack above made the region's OIDC provider: an account holds one per URL.
    credential: { method: 'role', sessionNamePrefix: 'Hb12Cd34', roleName: HALF_ROLE, oidcProvider: 'existing' },
    policyName: 'halfbuilt-policy',
    buckets: [{
      name: HALF_BUCKET, prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' },
      existing: true, manage: ['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership'],
    }],
    bucketPolicy: { crossAccountCopy: true },
  };
  const json = async (command: string, config: IcaConfigInput) => {
    const run = recorder();
    const code = await main([command, '-c', writeConfig(config), '--endpoint-url', moto.url, '--json'], run.out);
    return { code, report: JSON.parse(run.stdout.join('\n')) as { checks: CheckResult[] } };
  };

  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket: HALF_BUCKET }));
    const resolved = resolveConfig(half);
    await iam().send(new CreateRoleCommand({
      RoleName: HALF_ROLE,
      AssumeRolePolicyDocument: trustPolicy(resolved.oidc!, oidcProviderArn(resolved.oidc!, ACCOUNT), 'Hb12Cd34').toString(),
    }));
  });

  test('doctor and preflight: each setting the config already has is fixed by "apply", and they agree on the bucket\'s versioning', async () => {
    const doctorRun = await doctor(half);
    expect(doctorRun.code).toBe(1);
    const problems = doctorRun.checks.filter((check) => check.status === 'WARN' || check.status === 'FAIL');
    for (const id of ['bucket.versioning', 'bucket.encryption', 'bucket.cors', 'bucket.cross-account', 'principal.policy-attached', 'role.session-duration', 'policy.bucket']) {
      expect(problems.map((check) => check.id)).toContain(id);
    }
    expect(problems.filter((check) => check.remedy !== 'apply').map((check) => `${check.id}: ${check.fix}`)).toEqual([]);
    expect(line(doctorRun, 'bucket.cross-account')).toMatch(/\| fix: apply the stack: it writes the seeds' "Allow cross account access" statement/);
    expect(line(doctorRun, 'bucket.versioning')).toMatch(/^WARN .*the bucket is unversioned, the config says "Enabled": an apply makes it versioned \(Enabled\) \| fix: apply the stack: it sets the bucket's versioning to "Enabled"/);
    expect(doctorRun.text).not.toMatch(/\{\w+\}|YOUR_ACCOUNT_ID/);

    const preflight = await json('preflight', half);
    const versioning = (checks: CheckResult[]) => checks.find((check) => check.id === 'bucket.versioning')!;
    expect(versioning(preflight.report.checks)).toEqual(versioning(doctorRun.checks));
    expect(preflight.report.checks.find((check) => check.id === 'bucket.existing')).toMatchObject({ status: 'PASS' });
    // The role made by hand is a name the first apply would create: Terraform's import settles it.
    expect(preflight.report.checks.find((check) => check.id === 'iam.role')).toMatchObject({ status: 'FAIL', remedy: 'outside this tool', fix: expect.stringContaining('terraform import') });
  });

  test('adopt reads the hand-made bucket as doctor does: S3\'s default encryption gives an SSE-S3 entry that validates', async () => {
    // An entry written before adoption, asking for a created key: adopt copies the bucket's encryption instead.
    const asked: IcaConfigInput = { ...half, buckets: [{ name: HALF_BUCKET, prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }] };
    const run = recorder();
    const code = await main(['adopt', '-b', HALF_BUCKET, '-c', writeConfig(asked), '--endpoint-url', moto.url], run.out);
    expect({ code, stderr: run.stderr }).toEqual({ code: 0, stderr: [] });
    const printed = run.stdout.join('\n');
    expect(printed).toMatch(/encryption: not managed; the bucket uses SSE-S3 \(AES256\)/);
    expect(printed).toMatch(/"encryption": \{\s*"type": "SSE-S3"\s*\}/);
    expect(line(await doctor(half), 'bucket.encryption')).toMatch(/the bucket encrypts with SSE-S3 \(AES256\)/);
  });

  test('connect --dry-run without --outputs where the role does not exist yet: says what is missing, not placeholders', async () => {
    const undeployed: IcaConfigInput = { ...half, credential: { ...half.credential, method: 'role', sessionNamePrefix: 'Hb12Cd34', roleName: 'not-yet-role' } };
    const run = recorder();
    const code = await connectCommandWith().run(['-c', writeConfig(undeployed), '--endpoint-url', moto.url, '--dry-run'], run.out);
    expect(code).toBe(0);
    expect(run.stderr.join('\n')).toMatch(/not deployed yet[\s\S]*the IAM role not-yet-role does not exist in account 123456789012[\s\S]*Apply the stack first/);
    expect(run.stderr.join('\n')).not.toMatch(/these values are placeholders/);
    expect(run.stdout.join('\n')).toMatch(/^Dry run: nothing is sent/);
  });
});
