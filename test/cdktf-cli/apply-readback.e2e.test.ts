/**
 * The CDKTF stack applied on moto for both methods, read back with the AWS SDK: what the seed
 * pages ask for is what AWS holds. (Policy enforcement is proven by test/safety, not by moto.)
 */
import { GetBucketCorsCommand, GetBucketEncryptionCommand, GetBucketOwnershipControlsCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetOpenIDConnectProviderCommand, GetRoleCommand, IAMClient, ListAccessKeysCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { CORS_ALLOWED_METHODS, CORS_EXPOSE_HEADERS, ICA_ORIGIN } from '../../modules/core/actions';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { PolicyDocument } from '../../modules/core/policy';
import { resolveConfig } from '../../modules/core/validate';
import { MotoServer, startMoto } from '../support/moto';
import { terraformOk } from '../support/terraform';

const role: IcaConfigInput = {
  name: 'readback-role', icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Rb12Cd34', roleName: 'readback-role' },
  policyName: 'readback-role-policy',
  buckets: [{ name: 'readback-role-data', prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
  bucketPolicy: { crossAccountCopy: true },
  objectTagging: true,
};
const user: IcaConfigInput = {
  name: 'readback-user', icaRegion: 'US',
  credential: { method: 'user', userName: 'readback-user' },
  policyName: 'readback-user-policy',
  buckets: [{ name: 'readback-user-data', prefixes: ['ica-data/', 'more/'] }],
};

let moto: MotoServer;
const scratch = mkdtempSync(join(tmpdir(), 'ica-readback-'));
const dirs: Record<string, string> = {};
const aws = () => ({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const s3 = () => new S3Client({ ...aws(), forcePathStyle: true });

beforeAll(async () => {
  moto = await startMoto();
  await Promise.all(Object.entries({ role, user }).map(async ([name, config]) => {
    const outdir = join(scratch, name);
    dirs[name] = dirname(synthesize(resolveConfig(config), { outdir, endpointUrl: moto.url, localStatePath: join(outdir, 'terraform.tfstate') }));
    await terraformOk(dirs[name], ['init', '-input=false']);
    await terraformOk(dirs[name], ['apply', '-auto-approve', '-input=false']);
  }));
});

afterAll(async () => {
  await Promise.all(Object.values(dirs).map((dir) => terraformOk(dir, ['destroy', '-auto-approve', '-input=false'])));
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test.each([['readback-role-data'], ['readback-user-data']])('%s: the seeds\' CORS rule, ownership enforced, public access blocked', async (bucket) => {
  const cors = await s3().send(new GetBucketCorsCommand({ Bucket: bucket }));
  // The provider keeps the methods as a set, so AWS holds them in another order.
  const rules = cors.CORSRules?.map((rule) => ({ ...rule, AllowedMethods: [...(rule.AllowedMethods ?? [])].sort() }));
  expect(rules).toEqual([expect.objectContaining({ AllowedHeaders: ['*'], AllowedMethods: [...CORS_ALLOWED_METHODS].sort(), AllowedOrigins: [ICA_ORIGIN], ExposeHeaders: [...CORS_EXPOSE_HEADERS] })]);
  const ownership = await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
  expect(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
  const block = await s3().send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
  expect(block.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
});

test('role: versioning Enabled, SSE-KMS with a bucket key and a rotating key, folder object', async () => {
  expect((await s3().send(new GetBucketVersioningCommand({ Bucket: 'readback-role-data' }))).Status).toBe('Enabled');
  const rule = (await s3().send(new GetBucketEncryptionCommand({ Bucket: 'readback-role-data' }))).ServerSideEncryptionConfiguration?.Rules?.[0];
  expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
  expect(rule?.BucketKeyEnabled).toBe(true);
  const keyArn = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID as string;
  expect((await new KMSClient(aws()).send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled).toBe(true);
  await expect(s3().send(new HeadObjectCommand({ Bucket: 'readback-role-data', Key: 'ica/' }))).resolves.toBeDefined();
});

test('role: 12 h sessions, the trust policy of the role page, the OIDC provider, the policy attached', async () => {
  const iam = new IAMClient(aws());
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'readback-role' }));
  expect(Role?.MaxSessionDuration).toBe(43200);
  const trust = PolicyDocument.fromJSON(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).statements[0];
  const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE';
  expect(trust.principals.Federated).toEqual([`arn:aws:iam::123456789012:oidc-provider/${issuer}`]);
  expect(trust.conditions).toEqual({
    StringEquals: { [`${issuer}:aud`]: ['sts.amazonaws.com'] },
    StringLike: { [`${issuer}:sub`]: ['system:serviceaccount:use1:irsa-use1-gds*'], 'sts:RoleSessionName': ['Rb12Cd34-*'] },
  });
  const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: trust.principals.Federated?.[0] }));
  expect(provider.Url).toBe(issuer);
  expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'readback-role' }));
  expect(attached.AttachedPolicies?.map((policy) => policy.PolicyName)).toEqual(['readback-role-policy']);
});

test('user: unversioned, SSE-S3, one folder per prefix, an access key, outputs for the ICA form', async () => {
  expect((await s3().send(new GetBucketVersioningCommand({ Bucket: 'readback-user-data' }))).Status).toBeUndefined();
  const rule = (await s3().send(new GetBucketEncryptionCommand({ Bucket: 'readback-user-data' }))).ServerSideEncryptionConfiguration?.Rules?.[0];
  expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  for (const key of ['ica-data/', 'more/']) await expect(s3().send(new HeadObjectCommand({ Bucket: 'readback-user-data', Key: key }))).resolves.toBeDefined();
  const keys = await new IAMClient(aws()).send(new ListAccessKeysCommand({ UserName: 'readback-user' }));
  expect(keys.AccessKeyMetadata).toHaveLength(1);
  const outputs = JSON.parse((await terraformOk(dirs.user, ['output', '-json'])).stdout);
  expect(outputs.secret_access_key.sensitive).toBe(true);
  expect(outputs.storage_configurations.value).toEqual([
    { bucketName: 'readback-user-data', keyPrefix: 'ica-data/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_USER', credential: keys.AccessKeyMetadata?.[0].AccessKeyId, serverSideEncryptionAlgorithm: 'AES256' },
    { bucketName: 'readback-user-data', keyPrefix: 'more/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_USER', credential: keys.AccessKeyMetadata?.[0].AccessKeyId, serverSideEncryptionAlgorithm: 'AES256' },
  ]);
});
