/**
 * The CDKTF stack, applied by terraform against moto for both credential methods, read back with
 * the AWS SDK v3: what AWS holds is what the seed pages ask for. Then, on the same two stacks: a
 * plan shows no drift; changes made behind Terraform's back are reported and repaired; the user's
 * SSM store holds the active key and the secret leaks into no file or output; a key rotation keeps
 * two keys, then retires the old one; destroy and a bucket rename stop while a bucket may hold
 * data; released the documented way, destroy removes everything.
 *
 * One moto server for the file; the two stacks are applied in parallel in beforeAll (about 40 s
 * each) and every read-back below shares those applies.
 *
 * Expected values are written out here from the seed pages (action lists, CORS rule, trust
 * policy words, region table rows), not imported from modules/core, so that this file checks the
 * core rather than repeating it.
 *
 * Bucket policies are only read back, never enforced here: moto's evaluator only understands
 * StringEquals and knows no caller, so this file runs moto with its bucket-policy check off (see
 * enforceBucketPolicies in ../support/moto.ts, a workaround for moto, not for the stack).
 * Enforcement is proven with an IAM policy simulator in test/core (policy-evaluation.test.ts).
 */
import {
  GetBucketCorsCommand, GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand, GetBucketTaggingCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand,
  DeleteBucketCorsCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import {
  GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetUserCommand, IAMClient,
  ListAccessKeysCommand, ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand, ListOpenIDConnectProvidersCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListAliasesCommand, ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { storageConfigurationName } from '../../modules/core/ica-names';
import { resolveConfig } from '../../modules/core/validate';
import { protectionAddresses } from '../../modules/core/protection';
import { main } from '../../modules/cli/index';
import { filesUnder } from '../support/files';
import { MotoServer, startMoto } from '../support/moto';
import { allSettledOrThrow, CommandResult, terraform, terraformOk } from '../support/terraform';

/** moto's default account. */
const ACCOUNT = '123456789012';

// Role method in Germany (eu-central-1, so the region table, not a default, places every resource):
// versioned, SSE-KMS with a created key, both bucket policy statements, object tagging, tags.
const ROLE_REGION = 'eu-central-1';
const ROLE_BUCKET = 'e2e-role-data';
const ROLE_NAME = 'e2e-ica-role';
const ROLE_POLICY = 'e2e-role-policy';
const ROLE_PREFIXES = ['ica/', 'runs/2026/'];
/** The admins' role, on AWS also the one that runs terraform: exempt from the Deny, as docs/safety.md asks. */
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const roleConfig: IcaConfigInput = {
  name: 'e2e-role',
  icaRegion: 'Germany',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', roleName: ROLE_NAME },
  policyName: ROLE_POLICY,
  buckets: [{ name: ROLE_BUCKET, prefixes: ['ica', 'runs/2026/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' }, tags: { team: 'genomics' } }],
  bucketPolicy: { restrictToIca: true, exemptPrincipalArns: [ADMIN_ARN], crossAccountCopy: true },
  objectTagging: true,
  tags: { owner: 'e2e-tests' },
};
// Germany's row of the seeds' tables.
const ISSUER = 'oidc.eks.eu-central-1.amazonaws.com/id/FD40D1945EBD71D8433A98C0CE04E625';
const NAMESPACE = 'euc1';
const CROSS_ACCOUNT_ROLE = 'arn:aws:iam::079623148045:role/ica_euc1_crossacct';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

// User method in the US: unversioned, SSE-S3, two prefixes, no bucket policy, the active key also in SSM.
const USER_REGION = 'us-east-1';
const USER_BUCKET = 'e2e-user-data';
const USER_NAME = 'e2e-ica-user';
const USER_POLICY = 'e2e-user-policy';
const USER_PREFIXES = ['ica-data/', 'more/'];
const userConfig = (accessKeys: string[] = ['2026-01']): IcaConfigInput => ({
  name: 'e2e-user',
  icaRegion: 'US',
  credential: { method: 'user', userName: USER_NAME, accessKeys, secretStore: { type: 'ssm' } },
  policyName: USER_POLICY,
  buckets: [{ name: USER_BUCKET, prefixes: USER_PREFIXES, versioning: 'Disabled', encryption: { type: 'SSE-S3' } }],
});

// The seeds' action sets ("Connect AWS S3 Bucket", "SSE-KMS Encryption", cross-account access).
const BUCKET_ACTIONS = ['s3:PutBucketNotification', 's3:ListBucket', 's3:GetBucketNotification', 's3:GetBucketLocation'];
const BUCKET_VERSIONED_ACTIONS = [...BUCKET_ACTIONS, 's3:ListBucketVersions', 's3:GetBucketVersioning'];
const OBJECT_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject'];
const TAGGING = ['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging'];
const OBJECT_VERSIONED_TAGGING_ACTIONS = [...OBJECT_ACTIONS, 's3:DeleteObjectVersion', 's3:GetObjectVersion', ...TAGGING];
const KMS_USE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
const CORS_RULE = {
  AllowedHeaders: ['*'],
  AllowedMethods: ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'],
  AllowedOrigins: ['https://ica.illumina.com'],
  ExposeHeaders: ['ETag', 'x-amz-meta-custom-header'],
};

// ---------------------------------------------------------------------------------------------
// Policy documents come back re-serialised (strings or lists, any order): compare them normalised.

type Json = Record<string, unknown>;
const list = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value.map(String) : [String(value)]).sort());

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Principal?: Record<string, string[]>;
  Condition?: Record<string, Record<string, string[]>>;
}

function statements(document: string | undefined): Statement[] {
  expect(document).toBeDefined();
  const parsed = JSON.parse(document!) as { Version: string; Statement: Json | Json[] };
  expect(parsed.Version).toBe('2012-10-17');
  return (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]).map((statement) => {
    const normalised: Statement = { Effect: String(statement.Effect), Action: list(statement.Action), Resource: list(statement.Resource) };
    if (statement.Sid) normalised.Sid = String(statement.Sid);
    if (statement.Principal) {
      normalised.Principal = statement.Principal === '*'
        ? { AWS: ['*'] }
        : Object.fromEntries(Object.entries(statement.Principal as Json).map(([type, values]) => [type, list(values)]));
    }
    if (statement.Condition) {
      normalised.Condition = Object.fromEntries(Object.entries(statement.Condition as Json).map(([operator, entries]) =>
        [operator, Object.fromEntries(Object.entries(entries as Json).map(([key, values]) => [key, list(values)]))]));
    }
    return normalised;
  }).sort((a, b) => (a.Sid ?? '').localeCompare(b.Sid ?? ''));
}

/** An expected statement, with its lists sorted like `statements` sorts them. */
function statement(expected: Statement): Statement {
  const sorted: Statement = { ...expected, Action: [...expected.Action].sort(), Resource: [...expected.Resource].sort() };
  if (expected.Principal) sorted.Principal = Object.fromEntries(Object.entries(expected.Principal).map(([type, values]) => [type, [...values].sort()]));
  if (expected.Condition) {
    sorted.Condition = Object.fromEntries(Object.entries(expected.Condition).map(([operator, entries]) =>
      [operator, Object.fromEntries(Object.entries(entries).map(([key, values]) => [key, [...values].sort()]))]));
  }
  return sorted;
}

const bySid = (expected: Statement[]) => expected.map(statement).sort((a, b) => (a.Sid ?? '').localeCompare(b.Sid ?? ''));

// ---------------------------------------------------------------------------------------------

let moto: MotoServer;
let scratch: string;
const stackDirs: Record<'role' | 'user', string> = { role: '', user: '' };
let destroyed = false;

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const s3 = (region: string) => new S3Client({ endpoint: moto.url, forcePathStyle: true, region, credentials });
const iam = () => new IAMClient({ endpoint: moto.url, region: 'us-east-1', credentials });
const kms = (region: string) => new KMSClient({ endpoint: moto.url, region, credentials });

interface Output { value: unknown; sensitive: boolean; type: unknown }
const outputs: Record<'role' | 'user', Record<string, Output>> = { role: {}, user: {} };
const applyOutputs: Record<'role' | 'user', string> = { role: '', user: '' };

/** Synthesizes a config of a stack into its directory (already initialised: the same providers). */
function synthStack(which: 'role' | 'user', config: IcaConfigInput): string {
  const outdir = join(scratch, which);
  return dirname(synthesize(resolveConfig(config), { outdir, endpointUrl: moto.url, localStatePath: join(outdir, 'terraform.tfstate') }));
}

/**
 * An apply right after this file's own apply: nothing changed behind Terraform's back, so reading
 * every resource back from moto first (the refresh) would only cost time.
 */
async function applyUnrefreshed(dir: string): Promise<void> {
  await terraformOk(dir, ['apply', '-auto-approve', '-input=false', '-refresh=false']);
}

/** The key the role stack created, found through its alias (not through the stack's outputs). */
async function roleKeyArn(): Promise<string> {
  const aliases = await kms(ROLE_REGION).send(new ListAliasesCommand({}));
  const alias = aliases.Aliases?.find((entry) => entry.AliasName === `alias/e2e-role/${ROLE_BUCKET}`);
  expect(alias?.TargetKeyId).toBeDefined();
  const key = await kms(ROLE_REGION).send(new DescribeKeyCommand({ KeyId: alias!.TargetKeyId }));
  return key.KeyMetadata!.Arn!;
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  return 'no error';
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ica-e2e-apply-'));
  moto = await startMoto({ enforceBucketPolicies: false });
  await allSettledOrThrow((['role', 'user'] as const).map(async (which) => {
    stackDirs[which] = synthStack(which, which === 'role' ? roleConfig : userConfig());
    await terraformOk(stackDirs[which], ['init', '-input=false']);
    applyOutputs[which] = (await terraformOk(stackDirs[which], ['apply', '-auto-approve', '-input=false'])).stdout;
    outputs[which] = JSON.parse((await terraformOk(stackDirs[which], ['output', '-json'])).stdout);
  }));
});

afterAll(async () => {
  try {
    // Normally the last test has destroyed both stacks already; clean up if it did not get there.
    if (!destroyed && moto) {
      await Promise.allSettled(Object.values(stackDirs).filter((dir) => dir !== '').map((dir) => terraform(dir, ['destroy', '-auto-approve', '-input=false'])));
    }
  } finally {
    await moto?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
});

describe('buckets', () => {
  test.each([[ROLE_BUCKET, ROLE_REGION], [USER_BUCKET, USER_REGION]])('%s: in the ICA region, the seeds\' CORS rule exactly, ownership enforced, public access blocked', async (bucket, region) => {
    const client = s3(region);
    const location = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(location.LocationConstraint ?? 'us-east-1').toBe(region);

    const cors = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules).toHaveLength(1);
    // The aws provider sends MaxAgeSeconds 0 when max_age_seconds is unset (the seeds set none; 0
    // and absent both mean the browser does not cache the preflight).
    const { MaxAgeSeconds, ...rule } = cors.CORSRules![0];
    expect(MaxAgeSeconds ?? 0).toBe(0);
    // The provider keeps the methods as a set, so their order on AWS is not the seeds' order.
    expect({ ...rule, AllowedMethods: [...(rule.AllowedMethods ?? [])].sort() }).toStrictEqual({ ...CORS_RULE, AllowedMethods: [...CORS_RULE.AllowedMethods].sort() });

    const ownership = await client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);

    const block = await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });

  test('role bucket: versioning Enabled, SSE-KMS with the created key and a bucket key, tags', async () => {
    const client = s3(ROLE_REGION);
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: ROLE_BUCKET }))).Status).toBe('Enabled');
    const encryption = await client.send(new GetBucketEncryptionCommand({ Bucket: ROLE_BUCKET }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules).toEqual([{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: await roleKeyArn() },
      BucketKeyEnabled: true,
    }]);
    const tagging = await client.send(new GetBucketTaggingCommand({ Bucket: ROLE_BUCKET }));
    // The bucket's own tags merged with the config's top-level tags (provider default tags).
    expect(Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({ team: 'genomics', owner: 'e2e-tests' });
  });

  test('user bucket: unversioned, SSE-S3 (AES256) without a key', async () => {
    const client = s3(USER_REGION);
    // Never versioned: S3 reports no status at all (not "Suspended").
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: USER_BUCKET }))).Status).toBeUndefined();
    const encryption = await client.send(new GetBucketEncryptionCommand({ Bucket: USER_BUCKET }));
    const rules = encryption.ServerSideEncryptionConfiguration?.Rules ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(rules[0].BucketKeyEnabled ?? false).toBe(false);
  });

  test.each([[ROLE_BUCKET, ROLE_REGION, ROLE_PREFIXES], [USER_BUCKET, USER_REGION, USER_PREFIXES]])('%s: one empty folder object per prefix and nothing else', async (bucket, region, prefixes) => {
    const client = s3(region);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual([...prefixes].sort());
    for (const prefix of prefixes) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix }));
      expect(head.ContentLength).toBe(0);
    }
  });

  test('role bucket: one policy with the restrict-to-ICA Deny and the cross-account copy Allow', async () => {
    const policy = await s3(ROLE_REGION).send(new GetBucketPolicyCommand({ Bucket: ROLE_BUCKET }));
    expect(statements(policy.Policy)).toEqual(bySid([
      {
        Sid: 'IcaRestrictObjectAccess',
        Effect: 'Deny',
        Principal: { AWS: ['*'] },
        Action: ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion', ...TAGGING],
        Resource: [`arn:aws:s3:::${ROLE_BUCKET}/*`],
        Condition: {
          ArnNotLike: {
            // The ICA role, its federated users, the admins, Illumina's copy role (whose Allow
            // below the Deny would otherwise cancel) and whoever runs Terraform (moto's caller).
            'aws:PrincipalArn': [ROLE_ARN, `arn:aws:sts::${ACCOUNT}:federated-user/*`, ADMIN_ARN, CROSS_ACCOUNT_ROLE, `arn:aws:sts::${ACCOUNT}:user/moto`],
          },
        },
      },
      {
        Sid: 'IcaCrossAccountCopy',
        Effect: 'Allow',
        Principal: { AWS: [CROSS_ACCOUNT_ROLE] },
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload', 's3:GetObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion', ...TAGGING],
        Resource: [`arn:aws:s3:::${ROLE_BUCKET}`, `arn:aws:s3:::${ROLE_BUCKET}/*`],
      },
    ]));
  });

  test('user bucket: no bucket policy (neither option is on)', async () => {
    expect(await errorName(s3(USER_REGION).send(new GetBucketPolicyCommand({ Bucket: USER_BUCKET })))).toBe('NoSuchBucketPolicy');
  });
});

describe('KMS key (role stack)', () => {
  test('rotation on, enabled, alias, tags, and the key policy: root administers, ICA role uses, Illumina copies', async () => {
    const client = kms(ROLE_REGION);
    const keyArn = await roleKeyArn();
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:${ROLE_REGION}:${ACCOUNT}:key/`));
    expect((await client.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled).toBe(true);
    const described = await client.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(described.KeyMetadata).toMatchObject({ KeyState: 'Enabled', KeyManager: 'CUSTOMER', KeyUsage: 'ENCRYPT_DECRYPT' });
    const tags = await client.send(new ListResourceTagsCommand({ KeyId: keyArn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((tag) => [tag.TagKey, tag.TagValue]))).toEqual({ team: 'genomics', owner: 'e2e-tests' });

    const policy = await client.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
    expect(statements(policy.Policy)).toEqual(bySid([
      { Sid: 'EnableAccountAdministration', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, Action: ['kms:*'], Resource: ['*'] },
      { Sid: 'AllowIcaUse', Effect: 'Allow', Principal: { AWS: [ROLE_ARN] }, Action: KMS_USE, Resource: ['*'] },
      {
        Sid: 'AllowCrossAccountAccess', Effect: 'Allow', Principal: { AWS: [CROSS_ACCOUNT_ROLE] },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: ['*'],
      },
    ]));
  });
});

describe('role method', () => {
  test('role: 12 h sessions and the trust policy built from the role page\'s words', async () => {
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(Role?.Arn).toBe(ROLE_ARN);
    expect(Role?.MaxSessionDuration).toBe(43200);
    // GetRole returns the trust policy URL-encoded.
    expect(statements(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual([statement({
      Sid: 'IcaAssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: [OIDC_PROVIDER_ARN] },
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Resource: [],
      Condition: {
        StringEquals: { [`${ISSUER}:aud`]: ['sts.amazonaws.com'] },
        StringLike: { [`${ISSUER}:sub`]: [`system:serviceaccount:${NAMESPACE}:irsa-${NAMESPACE}-gds*`], 'sts:RoleSessionName': ['Ab12Cd34-*'] },
      },
    })]);
  });

  test('OIDC provider: the region\'s EKS issuer, audience sts.amazonaws.com', async () => {
    const providers = await iam().send(new ListOpenIDConnectProvidersCommand({}));
    expect(providers.OpenIDConnectProviderList?.map((provider) => provider.Arn)).toEqual([OIDC_PROVIDER_ARN]);
    const provider = await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: OIDC_PROVIDER_ARN }));
    // IAM returns the URL without its https:// scheme.
    expect(provider.Url).toBe(ISSUER);
    expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
  });

  test('permission policy: attached, versioned + tagging action sets scoped to each prefix, the key, federation', async () => {
    const attached = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE_NAME }));
    expect(attached.AttachedPolicies?.map((policy) => policy.PolicyName)).toEqual([ROLE_POLICY]);
    const document = await policyDocument(attached.AttachedPolicies![0].PolicyArn!);
    expect(statements(document)).toEqual(bySid([
      { Sid: 'IcaVersionedBucketAccess', Effect: 'Allow', Action: BUCKET_VERSIONED_ACTIONS, Resource: [`arn:aws:s3:::${ROLE_BUCKET}`] },
      { Sid: 'IcaVersionedObjectAccess', Effect: 'Allow', Action: OBJECT_VERSIONED_TAGGING_ACTIONS, Resource: ROLE_PREFIXES.map((prefix) => `arn:aws:s3:::${ROLE_BUCKET}/${prefix}*`) },
      { Sid: 'IcaKmsAccess', Effect: 'Allow', Action: KMS_USE, Resource: [await roleKeyArn()] },
      { Sid: 'IcaFederationToken', Effect: 'Allow', Action: ['sts:GetFederationToken'], Resource: ['*'] },
    ]));
  });

  test('outputs: one storage configuration per prefix with the role ARN and the key; no secret', async () => {
    const keyArn = await roleKeyArn();
    expect(outputs.role.storage_configurations.value).toEqual(ROLE_PREFIXES.map((prefix) => ({
      name: storageConfigurationName(ROLE_BUCKET, prefix), bucketName: ROLE_BUCKET, keyPrefix: prefix, region: ROLE_REGION, icaRegion: 'EU',
      credentialType: 'AWS_ROLE', credential: ROLE_ARN,
      serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: keyArn,
    })));
    expect(outputs.role.principal_arn.value).toBe(ROLE_ARN);
    expect(Object.keys(outputs.role).sort()).toEqual(['principal_arn', 'storage_configurations']);
  });
});

describe('user method', () => {
  test('user: one active access key, the unversioned policy attached and scoped to each prefix', async () => {
    const { User } = await iam().send(new GetUserCommand({ UserName: USER_NAME }));
    expect(User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/${USER_NAME}`);
    const keys = await iam().send(new ListAccessKeysCommand({ UserName: USER_NAME }));
    expect(keys.AccessKeyMetadata?.map((key) => [key.AccessKeyId, key.Status])).toEqual([[outputs.user.access_key_id.value, 'Active']]);

    const attached = await iam().send(new ListAttachedUserPoliciesCommand({ UserName: USER_NAME }));
    expect(attached.AttachedPolicies?.map((policy) => policy.PolicyName)).toEqual([USER_POLICY]);
    expect(statements(await policyDocument(attached.AttachedPolicies![0].PolicyArn!))).toEqual(bySid([
      { Sid: 'IcaBucketAccess', Effect: 'Allow', Action: BUCKET_ACTIONS, Resource: [`arn:aws:s3:::${USER_BUCKET}`] },
      { Sid: 'IcaObjectAccess', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: USER_PREFIXES.map((prefix) => `arn:aws:s3:::${USER_BUCKET}/${prefix}*`) },
      { Sid: 'IcaFederationToken', Effect: 'Allow', Action: ['sts:GetFederationToken'], Resource: ['*'] },
    ]));
  });

  test('outputs: one storage configuration per prefix with the access key id; the secret is sensitive', () => {
    const keyId = outputs.user.access_key_id.value;
    expect(keyId).toEqual(expect.stringMatching(/^[A-Z0-9]{16,}$/));
    expect(outputs.user.storage_configurations.value).toEqual(USER_PREFIXES.map((prefix) => ({
      name: storageConfigurationName(USER_BUCKET, prefix), bucketName: USER_BUCKET, keyPrefix: prefix, region: USER_REGION, icaRegion: 'US',
      credentialType: 'AWS_USER', credential: keyId, serverSideEncryptionAlgorithm: 'AES256',
    })));
    expect(outputs.user.principal_arn.value).toBe(`arn:aws:iam::${ACCOUNT}:user/${USER_NAME}`);
    expect(outputs.user.access_key_ids.value).toEqual({ '2026-01': keyId });
    expect(outputs.user.storage_configurations.sensitive).toBe(false);
    expect(outputs.user.access_key_id.sensitive).toBe(false);
    expect(outputs.user.secret_access_key.sensitive).toBe(true);
    expect(outputs.user.secret_access_key.value).toEqual(expect.stringMatching(/^\S{20,}$/));
  });
});

async function policyDocument(policyArn: string): Promise<string> {
  const { Policy } = await iam().send(new GetPolicyCommand({ PolicyArn: policyArn }));
  const version = await iam().send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: Policy!.DefaultVersionId }));
  // IAM returns policy documents URL-encoded.
  return decodeURIComponent(version.PolicyVersion!.Document!);
}

function planReport(which: string, result: CommandResult): string {
  return `terraform plan of the ${which} stack exited ${result.code}:\n${result.stderr}\n${result.stdout.slice(-6000)}`;
}

// Last, in this order (jest runs a file's tests in the order they are declared): the read-backs
// above left everything as applied.
describe('after the read-backs', () => {
  test('no drift: terraform plan -detailed-exitcode exits 0 for both stacks', async () => {
    const plans = await allSettledOrThrow((['role', 'user'] as const).map(async (which) =>
      [which, await terraform(stackDirs[which], ['plan', '-detailed-exitcode', '-input=false'])] as const));
    for (const [which, result] of plans) {
      // 0: no changes; 2: changes (drift or a perpetual diff); 1: error.
      if (result.code !== 0) throw new Error(planReport(which, result));
      expect(result.stdout).toContain('No changes.');
    }
  });

  test('changes made behind Terraform\'s back are reported and repaired', async () => {
    await s3(ROLE_REGION).send(new DeleteBucketCorsCommand({ Bucket: ROLE_BUCKET }));
    // moto's UpdateRole clears a Description it is not sent (AWS keeps it), so send the current one.
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    await iam().send(new UpdateRoleCommand({ RoleName: ROLE_NAME, MaxSessionDuration: 3600, Description: Role?.Description }));
    const drifted = await terraform(stackDirs.role, ['plan', '-detailed-exitcode', '-input=false']);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toMatch(/aws_s3_bucket_cors_configuration\.\S+ will be created/);
    expect(drifted.stdout).toMatch(/max_session_duration\s+= 3600 -> 43200/);
    await terraformOk(stackDirs.role, ['apply', '-auto-approve', '-input=false']);
    expect((await iam().send(new GetRoleCommand({ RoleName: ROLE_NAME }))).Role?.MaxSessionDuration).toBe(43200);
    const cors = await s3(ROLE_REGION).send(new GetBucketCorsCommand({ Bucket: ROLE_BUCKET }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(['https://ica.illumina.com']);
  });

  test('the SSM SecureString parameter holds the active key id and secret', async () => {
    const parameter = await new SSMClient({ endpoint: moto.url, region: USER_REGION, credentials })
      .send(new GetParameterCommand({ Name: '/ica-s3-connect/e2e-user/access-key', WithDecryption: true }));
    expect(parameter.Parameter?.Type).toBe('SecureString');
    expect(JSON.parse(parameter.Parameter?.Value ?? '{}')).toEqual({ accessKeyId: outputs.user.access_key_id.value, secretAccessKey: outputs.user.secret_access_key.value });
  });

  test('the secret appears in no synthesized file, no apply output and no CLI output', async () => {
    const secret = String(outputs.user.secret_access_key.value);
    const synthesized = filesUnder(join(scratch, 'user')).filter((path) => !/terraform\.[^/]*tfstate/.test(path));
    expect(synthesized.length).toBeGreaterThan(0);
    for (const path of synthesized) expect(readFileSync(path, 'utf8')).not.toContain(secret);
    expect(applyOutputs.user).not.toContain(secret);
    expect((await terraformOk(stackDirs.user, ['output'])).stdout).not.toContain(secret);
    const lines: string[] = [];
    const recorder = { log: (text: string) => lines.push(text), error: (text: string) => lines.push(text) };
    expect(await main(['validate', '-c', join(__dirname, '..', '..', 'ica.config.json')], recorder)).toBe(0);
    expect(lines.join('\n')).not.toContain(secret);
  });

  test('rotation: a second label adds a key and makes it active; removing the first retires it', async () => {
    const keys = async () => (await iam().send(new ListAccessKeysCommand({ UserName: USER_NAME }))).AccessKeyMetadata?.map((key) => key.AccessKeyId) ?? [];
    const output = async (name: string) => JSON.parse((await terraformOk(stackDirs.user, ['output', '-json', name])).stdout);
    const oldId = outputs.user.access_key_id.value;

    synthStack('user', userConfig(['2026-01', '2026-11']));
    await applyUnrefreshed(stackDirs.user);
    const ids = await output('access_key_ids');
    expect(Object.keys(ids)).toEqual(['2026-01', '2026-11']);
    expect(ids['2026-01']).toBe(oldId);
    expect(await output('access_key_id')).toBe(ids['2026-11']);
    expect((await keys()).sort()).toEqual([ids['2026-01'], ids['2026-11']].sort());

    synthStack('user', userConfig(['2026-11']));
    await applyUnrefreshed(stackDirs.user);
    expect(await keys()).toEqual([ids['2026-11']]);
  });

  test('destroy and a bucket rename stop while a bucket may hold data, naming it; released the documented way, destroy removes every resource of both stacks', async () => {
    const keyArn = await roleKeyArn();
    await s3(ROLE_REGION).send(new PutObjectCommand({ Bucket: ROLE_BUCKET, Key: 'ica/sample.fastq', Body: 'ACGT' }));
    const destroyed1 = await terraform(stackDirs.role, ['destroy', '-auto-approve', '-input=false', '-refresh=false']);
    expect(destroyed1.code).toBe(1);
    // Terraform wraps its messages at 78 columns.
    expect(destroyed1.stderr.replace(/\s+/g, ' ')).toContain(`${protectionAddresses(ROLE_BUCKET, '')[0]} has lifecycle.prevent_destroy`);
    expect((await s3(ROLE_REGION).send(new ListObjectsV2Command({ Bucket: ROLE_BUCKET }))).Contents?.map((object) => object.Key)).toContain('ica/sample.fastq');

    synthStack('role', { ...roleConfig, buckets: roleConfig.buckets.map((bucket) => ({ ...bucket, name: `${ROLE_BUCKET}-renamed` })) });
    // Nothing changed behind Terraform's back since the apply: the plan needs no refresh.
    const blocked = await terraform(stackDirs.role, ['plan', '-input=false', '-refresh=false']);
    expect(blocked.code).toBe(1);
    for (const address of protectionAddresses(ROLE_BUCKET, '')) expect(blocked.stderr.replace(/\s+/g, ' ')).toContain(`${address} has lifecycle.prevent_destroy`);
    expect((await kms(ROLE_REGION).send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe('Enabled');

    // The documented way to really delete (docs/safety.md, "Removing a bucket on purpose"): forceDestroy where a bucket holds data,
    // the release command, apply, destroy.
    synthStack('role', { ...roleConfig, buckets: roleConfig.buckets.map((bucket) => ({ ...bucket, forceDestroy: true })) });
    await allSettledOrThrow(Object.entries(stackDirs).map(([which, dir]) =>
      terraformOk(dir, ['state', 'rm', ...protectionAddresses(which === 'role' ? ROLE_BUCKET : USER_BUCKET, '')])));
    await applyUnrefreshed(stackDirs.role);
    await allSettledOrThrow(Object.values(stackDirs).map((dir) => terraformOk(dir, ['destroy', '-auto-approve', '-input=false', '-refresh=false'])));
    destroyed = true;

    expect(await errorName(s3(ROLE_REGION).send(new HeadBucketCommand({ Bucket: ROLE_BUCKET })))).toBe('NotFound');
    expect(await errorName(s3(USER_REGION).send(new HeadBucketCommand({ Bucket: USER_BUCKET })))).toBe('NotFound');
    expect(await errorName(iam().send(new GetRoleCommand({ RoleName: ROLE_NAME })))).toBe('NoSuchEntityException');
    expect(await errorName(iam().send(new GetUserCommand({ UserName: USER_NAME })))).toBe('NoSuchEntityException');
    for (const name of [ROLE_POLICY, USER_POLICY]) {
      expect(await errorName(iam().send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${name}` })))).toBe('NoSuchEntityException');
    }
    expect((await iam().send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).toEqual([]);
    // KMS keys cannot be deleted at once: the key waits out its deletion window, its alias is gone.
    const aliases = await kms(ROLE_REGION).send(new ListAliasesCommand({}));
    expect(aliases.Aliases?.filter((alias) => !alias.AliasName?.startsWith('alias/aws/'))).toEqual([]);
    expect((await kms(ROLE_REGION).send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
  });
});
