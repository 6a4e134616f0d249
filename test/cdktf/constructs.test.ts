/**
 * The CDKTF constructs, synthesized in memory with cdktf's Testing helpers (no terraform). The
 * assertions name resource types through the provider classes and parse every policy JSON string
 * before looking at it.
 */
import { RULES } from '../../modules/core/rule-catalogue';
import { Testing } from 'cdktf';
// The types of cdktf's jest matchers (test/support/setup-cdktf.ts registers them).
import 'cdktf/lib/testing/adapters/jest';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { IcaBucket, IcaBucketProps } from '../../modules/cdktf/ica-bucket';
import { IcaConnectStack } from '../../modules/cdktf/ica-connect-stack';
import { IcaRoleCredential, IcaUserCredential } from '../../modules/cdktf/ica-credentials';
import { ICA_ROLE_MAX_SESSION_SECONDS } from '../../modules/core/regions';
import { IcaKmsKey } from '../../modules/cdktf/ica-kms-key';
import { EMULATED_SERVICES } from '../../modules/core/emulator';
import { SID } from '../../modules/core/ica-policies';
import { PROTECTION_RESOURCES, releaseCommand } from '../../modules/core/protection';
import { ResolvedOidc, resolveConfig } from '../../modules/core/validate';

type Json = Record<string, any>;
interface TerraformType { readonly tfResourceType: string }

/** Every resource of one type in a synthesized stack. */
/** The prefixes of the folder objects, in order: each bucket's folder resource has one instance per prefix. */
function folderPrefixes(synth: string): string[] {
  return resourcesOf(synth, S3Object).flatMap((folder) => Object.keys(folder.for_each));
}

function resourcesOf(synth: string, type: TerraformType): Json[] {
  return Object.values((JSON.parse(synth) as Json).resource?.[type.tfResourceType] ?? {});
}

function dataSourcesOf(synth: string, type: TerraformType): Json[] {
  return Object.values((JSON.parse(synth) as Json).data?.[type.tfResourceType] ?? {});
}

function onlyResource(synth: string, type: TerraformType): Json {
  const all = resourcesOf(synth, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** The statements of a policy JSON string, by Sid. */
function statementsBySid(policy: string): Record<string, Json> {
  const document = JSON.parse(policy) as { Version: string; Statement: Json[] };
  expect(document.Version).toBe('2012-10-17');
  return Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

const SEED_CORS_RULE = {
  allowed_headers: ['*'],
  allowed_methods: ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'],
  allowed_origins: ['https://ica.illumina.com'],
  expose_headers: ['ETag', 'x-amz-meta-custom-header'],
};

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function bucketSynth(props: Partial<IcaBucketProps> = {}): string {
  return Testing.synthScope((scope) => {
    new IcaBucket(scope, 'bucket', { bucketName: 'acme-ica-data', prefixes: ['ica-data/'], ...props });
  });
}

describe('IcaBucket', () => {
  test('defaults: SSE-S3, the seeds\' CORS rule, public access blocked, BucketOwnerEnforced, no versioning, force_destroy false', () => {
    const synth = bucketSynth();
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-ica-data', force_destroy: false });
    expect(onlyResource(synth, S3BucketServerSideEncryptionConfigurationA).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    const cors = onlyResource(synth, S3BucketCorsConfiguration);
    expect(cors.cors_rule).toEqual([SEED_CORS_RULE]);
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(synth).not.toHaveResource(S3BucketVersioningA);
    expect(synth).not.toHaveResource(S3BucketNotification);
  });

  test('every bucket sub-resource points at the bucket', () => {
    const synth = bucketSynth();
    const bucketName = Object.keys((JSON.parse(synth) as Json).resource[S3Bucket.tfResourceType])[0];
    const reference = `\${${S3Bucket.tfResourceType}.${bucketName}.id}`;
    for (const type of [S3BucketServerSideEncryptionConfigurationA, S3BucketCorsConfiguration, S3BucketPublicAccessBlock, S3BucketOwnershipControls, S3Object]) {
      for (const resource of resourcesOf(synth, type)) expect(resource.bucket).toBe(reference);
    }
  });

  test('SSE-KMS: aws:kms with the key and an S3 bucket key', () => {
    const synth = bucketSynth({ kmsKeyArn: KEY_ARN });
    expect(onlyResource(synth, S3BucketServerSideEncryptionConfigurationA).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true },
    ]);
  });

  test('CORS origins can be overridden; the rest of the rule stays the seeds\'', () => {
    const synth = bucketSynth({ corsAllowedOrigins: ['https://a.example.com', 'https://b.example.com'] });
    expect(onlyResource(synth, S3BucketCorsConfiguration).cors_rule).toEqual([
      { ...SEED_CORS_RULE, allowed_origins: ['https://a.example.com', 'https://b.example.com'] },
    ]);
  });

  test('blockPublicAccess false turns every block off', () => {
    expect(bucketSynth({ blockPublicAccess: false })).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: false, block_public_policy: false, ignore_public_acls: false, restrict_public_buckets: false,
    });
  });

  test('objectOwnership can be set', () => {
    expect(bucketSynth({ objectOwnership: 'BucketOwnerPreferred' }))
      .toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerPreferred' } });
  });

  test.each(['Enabled', 'Suspended'] as const)('versioning %s is managed', (status) => {
    expect(bucketSynth({ versioning: status })).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status } });
    expect(resourcesOf(bucketSynth({ versioning: status }), S3BucketVersioningA)).toHaveLength(1);
  });

  test('versioning Disabled manages no versioning resource', () => {
    expect(bucketSynth({ versioning: 'Disabled' })).not.toHaveResource(S3BucketVersioningA);
  });

  test('one empty folder object per prefix', () => {
    const synth = bucketSynth({ prefixes: ['runs/', 'fastq/2026/'] });
    // One resource with an instance per prefix, keyed by the prefix (as the generated module's).
    expect(resourcesOf(synth, S3Object).map((object) => [object.for_each, object.key, object.content]))
      .toEqual([[{ 'runs/': 'runs/', 'fastq/2026/': 'fastq/2026/' }, '${each.key}', '']]);
  });

  test('forceDestroy and tags are passed on', () => {
    expect(bucketSynth({ forceDestroy: true, tags: { team: 'genomics' } }))
      .toHaveResourceWithProperties(S3Bucket, { force_destroy: true, tags: { team: 'genomics' } });
  });

  test('invalid props throw one error naming every bad prop', () => {
    let message = '';
    try {
      bucketSynth({ bucketName: 'Bad_Name', prefixes: ['ok/', 'no-slash', '/root/'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid IcaBucket props:\n/);
    expect(message).toContain(`bucketName: "Bad_Name" ${RULES['bucket-name.characters'].message}; fix: ${RULES['bucket-name.characters'].fix}`);
    expect(message).toContain(`prefixes: "no-slash" ${RULES['prefix.trailing-slash'].message}; fix: ${RULES['prefix.trailing-slash'].fix}`);
    expect(message).toContain(`prefixes: "/root/" ${RULES['prefix.leading-slash'].message}`);
    expect(message).not.toContain('"ok/"');
  });

  test('no prefixes is an error', () => {
    expect(() => bucketSynth({ prefixes: [] })).toThrow(`prefixes: ${RULES['schema.too-small'].message}`);
  });

  test('the bucket root as prefix is an error', () => {
    expect(() => bucketSynth({ prefixes: ['/'] })).toThrow(`prefixes: "/" ${RULES['prefix.root'].message}`);
  });

  test('validateProps returns the problems without throwing', () => {
    expect(IcaBucket.validateProps({ bucketName: 'acme-ica-data', prefixes: ['ica/'] })).toEqual([]);
    expect(IcaBucket.validateProps({ bucketName: 'ab', prefixes: ['ica/'] })).toEqual([
      `bucketName: "ab" ${RULES['bucket-name.length'].message} (2); fix: ${RULES['bucket-name.length'].fix}`,
    ]);
  });
});

const OIDC: ResolvedOidc = {
  providerId: '10FBA7EDEB5930CCFC300EF5AC3DB2FE',
  namespace: 'use1',
  issuer: 'oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE',
  url: 'https://oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE',
};

describe('IcaRoleCredential', () => {
  function roleSynth(props: Partial<ConstructorParameters<typeof IcaRoleCredential>[2]> = {}): string {
    return Testing.synthScope((scope) => {
      const role = new IcaRoleCredential(scope, 'role', { oidc: OIDC, sessionNamePrefix: 'Ab12Cd34', ...props });
      role.attachPolicies(['arn:aws:iam::111122223333:policy/illumina-ica-admin-policy']);
    });
  }

  test('creates the regional OIDC provider by default', () => {
    const synth = roleSynth();
    expect(synth).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: OIDC.url, client_id_list: ['sts.amazonaws.com'] });
    expect(synth).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
  });

  test('"existing" looks the provider up by URL instead of creating it', () => {
    const synth = roleSynth({ oidcProvider: 'existing' });
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: OIDC.url });
    expect(dataSourcesOf(synth, DataAwsIamOpenidConnectProvider)).toEqual([{ url: OIDC.url }]);
    expect(synth).not.toHaveResource(IamOpenidConnectProvider);
    const principal = statementsBySid(onlyResource(synth, IamRole).assume_role_policy)[SID.trust].Principal;
    expect(principal.Federated).toMatch(new RegExp(`^\\$\\{data\\.${DataAwsIamOpenidConnectProvider.tfResourceType}\\.[^.]+\\.arn\\}$`));
  });

  test('the role has 12 h sessions and the default name', () => {
    expect(ICA_ROLE_MAX_SESSION_SECONDS).toBe(43200);
    expect(roleSynth()).toHaveResourceWithProperties(IamRole, { name: 'Illumina_ICA_Role', max_session_duration: 43200 });
    expect(roleSynth({ roleName: 'ica-role' })).toHaveResourceWithProperties(IamRole, { name: 'ica-role' });
  });

  test('the trust policy admits ICA\'s service account through the created provider', () => {
    const synth = roleSynth();
    const providerName = Object.keys((JSON.parse(synth) as Json).resource[IamOpenidConnectProvider.tfResourceType])[0];
    const document = JSON.parse(onlyResource(synth, IamRole).assume_role_policy);
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: SID.trust,
        Effect: 'Allow',
        Principal: { Federated: `\${${IamOpenidConnectProvider.tfResourceType}.${providerName}.arn}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${OIDC.issuer}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${OIDC.issuer}:sub`]: 'system:serviceaccount:use1:irsa-use1-gds*', 'sts:RoleSessionName': 'Ab12Cd34-*' },
        },
      }],
    });
  });

  test('attachPolicies attaches the managed policy to the role', () => {
    const synth = roleSynth();
    const roleName = Object.keys((JSON.parse(synth) as Json).resource[IamRole.tfResourceType])[0];
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: `\${${IamRole.tfResourceType}.${roleName}.name}`,
      policy_arn: 'arn:aws:iam::111122223333:policy/illumina-ica-admin-policy',
    });
  });

  test('invalid props throw naming the prop', () => {
    expect(() => roleSynth({ roleName: 'bad/role' })).toThrow(`Invalid IcaRoleCredential props:\n  roleName: "bad/role" ${RULES['role-name.characters'].message}`);
    expect(() => roleSynth({ sessionNamePrefix: 'bad prefix' })).toThrow(`sessionNamePrefix: "bad prefix" ${RULES['session-name-prefix.characters'].message}`);
  });
});

describe('IcaUserCredential', () => {
  function userSynth(props: ConstructorParameters<typeof IcaUserCredential>[2] = {}): string {
    return Testing.synthScope((scope) => {
      new IcaUserCredential(scope, 'user', props).attachPolicies(['arn:aws:iam::111122223333:policy/p']);
    });
  }

  test('a user named as the seeds suggest, with one access key and the policy attached', () => {
    const synth = userSynth();
    expect(synth).toHaveResourceWithProperties(IamUser, { name: 'illumina_ica_admin' });
    const userName = Object.keys((JSON.parse(synth) as Json).resource[IamUser.tfResourceType])[0];
    expect(onlyResource(synth, IamAccessKey)).toEqual({ user: `\${${IamUser.tfResourceType}.${userName}.name}` });
    expect(synth).toHaveResourceWithProperties(IamUserPolicyAttachment, {
      user: `\${${IamUser.tfResourceType}.${userName}.name}`, policy_arn: 'arn:aws:iam::111122223333:policy/p',
    });
  });

  test('a PGP key encrypts the secret', () => {
    expect(userSynth({ pgpKey: 'keybase:alice' })).toHaveResourceWithProperties(IamAccessKey, { pgp_key: 'keybase:alice' });
  });

  test('one key per label; the last label is the active key', () => {
    let active: string | undefined;
    const synth = Testing.synthScope((scope) => {
      const user = new IcaUserCredential(scope, 'user', { accessKeyLabels: ['old', 'new'] });
      active = user.activeAccessKey?.node.id;
    });
    expect(resourcesOf(synth, IamAccessKey)).toHaveLength(2);
    expect(active).toBe('access-key-new');
  });

  test('no labels: no access key', () => {
    expect(userSynth({ accessKeyLabels: [] })).not.toHaveResource(IamAccessKey);
  });

  test('invalid props throw naming the prop', () => {
    expect(() => userSynth({ userName: 'bad user' })).toThrow(`Invalid IcaUserCredential props:\n  userName: "bad user" ${RULES['user-name.characters'].message}`);
    expect(() => userSynth({ accessKeyLabels: ['a', 'b', 'c'] })).toThrow(/accessKeyLabels: is over its maximum \(3 labels; AWS allows at most 2 access keys per user\)/);
    expect(() => userSynth({ accessKeyLabels: ['a', 'a'] })).toThrow(`accessKeyLabels: "a" ${RULES['access-keys.unique'].message}`);
  });
});

describe('IcaKmsKey', () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });

  test('a key with rotation, the given policy and an alias pointing at it', () => {
    const synth = Testing.synthScope((scope) => {
      new IcaKmsKey(scope, 'kms', { aliasName: 'alias/acme-ica/acme-ica-data', policy, description: 'SSE-KMS key', tags: { team: 'genomics' } });
    });
    expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, policy, description: 'SSE-KMS key', tags: { team: 'genomics' } });
    const keyName = Object.keys((JSON.parse(synth) as Json).resource[KmsKey.tfResourceType])[0];
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: 'alias/acme-ica/acme-ica-data', target_key_id: `\${${KmsKey.tfResourceType}.${keyName}.key_id}` });
  });

  test.each(['acme', 'alias/aws/s3', 'alias/has.dot'])('alias %j is refused', (aliasName) => {
    expect(() => Testing.synthScope((scope) => { new IcaKmsKey(scope, 'kms', { aliasName, policy, description: 'x' }); }))
      .toThrow(/^Invalid IcaKmsKey props:\n  aliasName: /);
  });
});

// ---------------------------------------------------------------------------------------------
// The whole stack.
// ---------------------------------------------------------------------------------------------

function stackSynth(raw: Json, endpointUrl?: string): string {
  const config = resolveConfig({ name: 'acme-ica', icaRegion: 'US', ...raw });
  const app = Testing.app();
  return Testing.synth(new IcaConnectStack(app, config.name, { config, endpointUrl }));
}

const ROLE = { method: 'role', sessionNamePrefix: 'Ab12Cd34' };
const USER = { method: 'user' };
const SSE_S3 = { type: 'SSE-S3' };
const SSE_KMS = { type: 'SSE-KMS' };

describe('IcaConnectStack: both methods x both encryption types', () => {
  const variants = [
    ['role', 'SSE-S3', ROLE, SSE_S3],
    ['role', 'SSE-KMS', ROLE, SSE_KMS],
    ['user', 'SSE-S3', USER, SSE_S3],
    ['user', 'SSE-KMS', USER, SSE_KMS],
  ] as const;

  describe.each(variants)('%s method, %s', (method, encryptionType, credential, encryption) => {
    const synth = stackSynth({
      credential,
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/', 'runs/'], versioning: 'Enabled', encryption }],
    });
    const permission = statementsBySid(onlyResource(synth, IamPolicy).policy);

    test('the bucket with its settings, and never a bucket notification', () => {
      expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-ica-data', force_destroy: false });
      expect(onlyResource(synth, S3BucketCorsConfiguration).cors_rule).toEqual([SEED_CORS_RULE]);
      expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
      expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
      expect(folderPrefixes(synth)).toEqual(['ica-data/', 'runs/']);
      expect(synth).not.toHaveResource(S3BucketNotification);
    });

    test('the AWS provider in the ICA region, the account from the caller identity', () => {
      expect(synth).toHaveProviderWithProperties(AwsProvider, { region: 'us-east-1' });
      expect(synth).toHaveDataSource(DataAwsCallerIdentity);
    });

    test('the permission policy: versioned variant, object actions per prefix, federation token', () => {
      expect(onlyResource(synth, IamPolicy).name).toBe('illumina-ica-admin-policy');
      expect(permission[SID.versionedBucketAccess].Resource).toBe('arn:aws:s3:::acme-ica-data');
      expect(permission[SID.versionedObjectAccess].Resource).toEqual(['arn:aws:s3:::acme-ica-data/ica-data/*', 'arn:aws:s3:::acme-ica-data/runs/*']);
      expect(permission[SID.versionedObjectAccess].Action).toEqual(expect.arrayContaining(['s3:GetObjectVersion', 's3:DeleteObjectVersion']));
      expect(permission[SID.federationToken]).toMatchObject({ Action: 'sts:GetFederationToken', Resource: '*' });
    });

    if (encryptionType === 'SSE-KMS') {
      test('a KMS key with rotation and alias; the bucket encrypts with it and a bucket key; the policy grants its use', () => {
        const keyName = Object.keys((JSON.parse(synth) as Json).resource[KmsKey.tfResourceType])[0];
        const keyArn = `\${${KmsKey.tfResourceType}.${keyName}.arn}`;
        expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
        expect(synth).toHaveResourceWithProperties(KmsAlias, { name: 'alias/acme-ica/acme-ica-data' });
        expect(onlyResource(synth, S3BucketServerSideEncryptionConfigurationA).rule).toEqual([
          { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true },
        ]);
        expect(permission[SID.kmsAccess]).toMatchObject({ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: keyArn });
      });

      test('the key policy keeps the account root, lets the ICA principal use the key', () => {
        const keyPolicy = statementsBySid(onlyResource(synth, KmsKey).policy);
        expect(keyPolicy[SID.keyAdministration]).toMatchObject({
          Principal: { AWS: `arn:aws:iam::\${data.${DataAwsCallerIdentity.tfResourceType}.current.account_id}:root` }, Action: 'kms:*', Resource: '*',
        });
        const principalType = method === 'role' ? IamRole : IamUser;
        const principalName = Object.keys((JSON.parse(synth) as Json).resource[principalType.tfResourceType])[0];
        expect(keyPolicy[SID.keyUse].Principal).toEqual({ AWS: `\${${principalType.tfResourceType}.${principalName}.arn}` });
        expect(keyPolicy[SID.keyCrossAccount]).toBeUndefined();
      });
    } else {
      test('AES256 default encryption, no KMS key, no KMS grant', () => {
        expect(onlyResource(synth, S3BucketServerSideEncryptionConfigurationA).rule).toEqual([
          { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
        ]);
        expect(synth).not.toHaveResource(KmsKey);
        expect(synth).not.toHaveResource(KmsAlias);
        expect(permission[SID.kmsAccess]).toBeUndefined();
      });
    }

    if (method === 'role') {
      test('the OIDC provider and the role, with the policy attached to the role; no user', () => {
        expect(synth).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: OIDC.url, client_id_list: ['sts.amazonaws.com'] });
        expect(synth).toHaveResourceWithProperties(IamRole, { name: 'Illumina_ICA_Role', max_session_duration: 43200 });
        const trust = statementsBySid(onlyResource(synth, IamRole).assume_role_policy)[SID.trust];
        expect(trust.Condition.StringLike['sts:RoleSessionName']).toBe('Ab12Cd34-*');
        expect(trust.Condition.StringLike[`${OIDC.issuer}:sub`]).toBe('system:serviceaccount:use1:irsa-use1-gds*');
        expect(trust.Condition.StringEquals[`${OIDC.issuer}:aud`]).toBe('sts.amazonaws.com');
        const policyName = Object.keys((JSON.parse(synth) as Json).resource[IamPolicy.tfResourceType])[0];
        expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: `\${${IamPolicy.tfResourceType}.${policyName}.arn}` });
        expect(synth).not.toHaveResource(IamUser);
        expect(synth).not.toHaveResource(IamAccessKey);
      });

      test('outputs: the role ARN in every storage configuration, no secret', () => {
        const outputs = (JSON.parse(synth) as Json).output;
        const roleName = Object.keys((JSON.parse(synth) as Json).resource[IamRole.tfResourceType])[0];
        const roleArn = `\${${IamRole.tfResourceType}.${roleName}.arn}`;
        expect(outputs.principal_arn.value).toBe(roleArn);
        expect(outputs.storage_configurations.value.map((entry: Json) => [entry.keyPrefix, entry.credentialType, entry.credential]))
          .toEqual([['ica-data/', 'AWS_ROLE', roleArn], ['runs/', 'AWS_ROLE', roleArn]]);
        expect(outputs.secret_access_key).toBeUndefined();
      });
    } else {
      test('the user with an access key and the policy attached to the user; no role, no OIDC provider', () => {
        expect(synth).toHaveResourceWithProperties(IamUser, { name: 'illumina_ica_admin' });
        expect(resourcesOf(synth, IamAccessKey)).toHaveLength(1);
        const policyName = Object.keys((JSON.parse(synth) as Json).resource[IamPolicy.tfResourceType])[0];
        expect(synth).toHaveResourceWithProperties(IamUserPolicyAttachment, { policy_arn: `\${${IamPolicy.tfResourceType}.${policyName}.arn}` });
        expect(synth).not.toHaveResource(IamRole);
        expect(synth).not.toHaveResource(IamOpenidConnectProvider);
        expect(synth).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
      });

      test('outputs: the access key id, the secret only as a sensitive output', () => {
        const outputs = (JSON.parse(synth) as Json).output;
        const keyName = Object.keys((JSON.parse(synth) as Json).resource[IamAccessKey.tfResourceType])[0];
        expect(outputs.access_key_id.value).toBe(`\${${IamAccessKey.tfResourceType}.${keyName}.id}`);
        expect(outputs.secret_access_key).toEqual(expect.objectContaining({ sensitive: true, value: `\${${IamAccessKey.tfResourceType}.${keyName}.secret}` }));
        expect(outputs.storage_configurations.value[0]).toMatchObject({ credentialType: 'AWS_USER', credential: `\${${IamAccessKey.tfResourceType}.${keyName}.id}` });
      });
    }
  });
});

describe('IcaConnectStack: options', () => {
  test('no bucket policy unless asked', () => {
    const synth = stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(synth).not.toHaveResource(S3BucketPolicy);
  });

  test('crossAccountCopy: a bucket policy and a KMS key policy statement for the region\'s role', () => {
    const synth = stackSynth({
      icaRegion: 'Germany', credential: ROLE,
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], encryption: SSE_KMS }],
      bucketPolicy: { crossAccountCopy: true },
    });
    const role = 'arn:aws:iam::079623148045:role/ica_euc1_crossacct';
    const bucketStatements = statementsBySid(onlyResource(synth, S3BucketPolicy).policy);
    expect(Object.keys(bucketStatements)).toEqual([SID.crossAccountCopy]);
    expect(bucketStatements[SID.crossAccountCopy]).toMatchObject({
      Effect: 'Allow', Principal: { AWS: role }, Resource: ['arn:aws:s3:::acme-ica-data', 'arn:aws:s3:::acme-ica-data/*'],
    });
    expect(statementsBySid(onlyResource(synth, KmsKey).policy)[SID.keyCrossAccount]).toEqual({
      Sid: SID.keyCrossAccount, Effect: 'Allow', Principal: { AWS: role },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: '*',
    });
    expect(synth).toHaveProviderWithProperties(AwsProvider, { region: 'eu-central-1' });
  });

  test.each([
    [true, [`\${data.${DataAwsIamSessionContext.tfResourceType}.deployer.issuer_arn}`]],
    [false, []],
  ])('restrictToIca: the Deny exempts the ICA role, federated users, the exempt principals and (exemptDeployer %s) the deployer', (exemptDeployer, deployer) => {
    const synth = stackSynth({
      credential: ROLE,
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }],
      bucketPolicy: { restrictToIca: true, exemptPrincipalArns: ['arn:aws:iam::111122223333:role/Admin'], exemptDeployer },
    });
    const roleName = Object.keys((JSON.parse(synth) as Json).resource[IamRole.tfResourceType])[0];
    const deny = statementsBySid(onlyResource(synth, S3BucketPolicy).policy)[SID.restrictToIca];
    expect(deny.Effect).toBe('Deny');
    expect([...asList(deny.Condition.ArnNotLike['aws:PrincipalArn'])].sort()).toEqual([
      `\${${IamRole.tfResourceType}.${roleName}.arn}`,
      'arn:aws:iam::111122223333:role/Admin',
      `arn:aws:sts::\${data.${DataAwsCallerIdentity.tfResourceType}.current.account_id}:federated-user/*`,
      ...deployer,
    ].sort());
    // The role behind the caller's session, read at plan time; not read at all when off.
    if (exemptDeployer) {
      expect(synth).toHaveDataSourceWithProperties(DataAwsIamSessionContext, { arn: `\${data.${DataAwsCallerIdentity.tfResourceType}.current.arn}` });
    } else {
      expect(synth).not.toHaveDataSource(DataAwsIamSessionContext);
    }
  });

  test('an existing kmsKeyArn is used as is: no key is created', () => {
    const synth = stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } }] });
    expect(synth).not.toHaveResource(KmsKey);
    expect(onlyResource(synth, S3BucketServerSideEncryptionConfigurationA).rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(KEY_ARN);
    expect(statementsBySid(onlyResource(synth, IamPolicy).policy)[SID.kmsAccess].Resource).toBe(KEY_ARN);
  });

  test('oidcProvider "existing" looks the provider up', () => {
    const synth = stackSynth({ credential: { ...ROLE, oidcProvider: 'existing' }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: OIDC.url });
    expect(synth).not.toHaveResource(IamOpenidConnectProvider);
  });

  test('several buckets: one policy, each bucket with its own resources', () => {
    const synth = stackSynth({
      credential: USER,
      buckets: [
        { name: 'acme-a', prefixes: ['a/', 'b/'] },
        { name: 'acme-b', prefixes: ['x/'], versioning: 'Suspended' },
      ],
    });
    expect(resourcesOf(synth, S3Bucket).map((bucket) => bucket.bucket)).toEqual(['acme-a', 'acme-b']);
    expect(folderPrefixes(synth)).toEqual(['a/', 'b/', 'x/']);
    expect(resourcesOf(synth, S3BucketVersioningA).map((versioning) => versioning.versioning_configuration.status)).toEqual(['Suspended']);
    const permission = statementsBySid(onlyResource(synth, IamPolicy).policy);
    expect(permission[SID.bucketAccess].Resource).toBe('arn:aws:s3:::acme-a');
    expect(permission[SID.versionedBucketAccess].Resource).toBe('arn:aws:s3:::acme-b');
    expect(permission[SID.objectAccess].Resource).toEqual(['arn:aws:s3:::acme-a/a/*', 'arn:aws:s3:::acme-a/b/*']);
    expect(synth).not.toHaveResource(S3BucketNotification);
  });

  test('top-level tags go on every taggable resource under its own, never on the folder objects, never as provider default tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`tag${index}`, 'x']));
    const tagged = stackSynth({
      credential: { method: 'user', secretStore: { type: 'secretsmanager' } },
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], encryption: SSE_KMS, tags: { tag0: 'bucket' } }],
      tags,
    });
    for (const type of [IamPolicy, IamUser, SecretsmanagerSecret]) expect(onlyResource(tagged, type).tags).toEqual(tags);
    for (const type of [S3Bucket, KmsKey]) expect(onlyResource(tagged, type).tags).toEqual({ ...tags, tag0: 'bucket' });
    // S3 allows 10 tags per object: with provider default tags, 11 config tags failed every folder object.
    expect(onlyResource(tagged, S3Object).tags).toBeUndefined();
    expect((JSON.parse(tagged) as Json).provider.aws[0].default_tags).toBeUndefined();
    const role = stackSynth({ credential: ROLE, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }], tags });
    for (const type of [IamRole, IamOpenidConnectProvider]) expect(onlyResource(role, type).tags).toEqual(tags);
    const plain = stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(onlyResource(plain, IamUser).tags).toBeUndefined();
  });

  test('pgpKey: the encrypted secret is output, the plain secret is not', () => {
    const synth = stackSynth({ credential: { method: 'user', pgpKey: 'keybase:alice' }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(synth).toHaveResourceWithProperties(IamAccessKey, { pgp_key: 'keybase:alice' });
    const outputs = (JSON.parse(synth) as Json).output;
    expect(outputs.encrypted_secret_access_key.value).toMatch(/\.encrypted_secret\}$/);
    expect(outputs.secret_access_key).toBeUndefined();
  });

  test('key rotation: two keys, the last label is the active one', () => {
    const synth = stackSynth({ credential: { method: 'user', accessKeys: ['old', 'new'] }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(resourcesOf(synth, IamAccessKey)).toHaveLength(2);
    const outputs = (JSON.parse(synth) as Json).output;
    expect(Object.keys(outputs.access_key_ids.value).sort()).toEqual(['new', 'old']);
    expect(outputs.access_key_id.value).toBe(outputs.access_key_ids.value.new);
  });

  test('createAccessKey false: no key, no secret outputs', () => {
    const synth = stackSynth({ credential: { method: 'user', createAccessKey: false }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(synth).not.toHaveResource(IamAccessKey);
    const outputs = (JSON.parse(synth) as Json).output;
    expect(outputs.access_key_id).toBeUndefined();
    expect(outputs.secret_access_key).toBeUndefined();
  });

  test('secretStore ssm: a SecureString parameter holding references, never a literal secret', () => {
    const synth = stackSynth({ credential: { method: 'user', secretStore: { type: 'ssm' } }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    const parameter = onlyResource(synth, SsmParameter);
    expect(parameter).toMatchObject({ name: '/ica-s3-connect/acme-ica/access-key', type: 'SecureString' });
    const value = JSON.parse(parameter.value);
    expect(value.accessKeyId).toMatch(new RegExp(`^\\$\\{${IamAccessKey.tfResourceType}\\.[^.]+\\.id\\}$`));
    expect(value.secretAccessKey).toMatch(new RegExp(`^\\$\\{${IamAccessKey.tfResourceType}\\.[^.]+\\.secret\\}$`));
  });

  test('secretStore secretsmanager: a secret and its version', () => {
    const synth = stackSynth({ credential: { method: 'user', secretStore: { type: 'secretsmanager', name: 'ica/key' } }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] });
    expect(synth).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'ica/key' });
    expect(synth).toHaveResource(SecretsmanagerSecretVersion);
  });

  test('backend s3 with a lock file; cloud by workspace name or tags', () => {
    const s3 = JSON.parse(stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }], backend: { type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1' } })) as Json;
    expect(s3.terraform.backend).toEqual({ s3: { bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1', use_lockfile: true } });
    const named = JSON.parse(stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }], backend: { type: 'cloud', organization: 'acme', workspace: 'ica' } })) as Json;
    expect(named.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'ica' } });
    const tagged = JSON.parse(stackSynth({ credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }], backend: { type: 'cloud', organization: 'acme', workspaceTags: ['ica'] } })) as Json;
    expect(tagged.terraform.cloud.workspaces).toEqual({ tags: ['ica'] });
  });
});

describe('IcaConnectStack: data protection', () => {
  const KEY_OF_DATA = `arn:aws:kms:us-east-1:123456789012:key/${'1'.repeat(8)}-1111-1111-1111-${'1'.repeat(12)}`;
  const synth = stackSynth({
    credential: ROLE,
    buckets: [
      { name: 'acme-data', prefixes: ['a/'], encryption: SSE_KMS },
      { name: 'acme-scratch', prefixes: ['a/'], encryption: SSE_KMS, forceDestroy: true },
      { name: 'acme-given-key', prefixes: ['a/'], encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_OF_DATA } },
      { name: 'acme-adopted', prefixes: ['a/'], existing: true, manage: ['encryption'], encryption: SSE_KMS },
    ],
  });
  const protection = (JSON.parse(synth) as Json).resource.terraform_data as Json;

  test('every created bucket without forceDestroy is protected, keyed by its name', () => {
    expect(protection[PROTECTION_RESOURCES.bucket]).toMatchObject({
      for_each: { 'acme-data': { bucket: 'acme-data' }, 'acme-given-key': { bucket: 'acme-given-key' } },
      input: { bucket: '${each.value.bucket}' },
      lifecycle: { prevent_destroy: true },
    });
  });

  test('every key this tool created for a bucket that may hold data is protected, adopted buckets included', () => {
    const keys = protection[PROTECTION_RESOURCES.kmsKey];
    expect(Object.keys(keys.for_each).sort()).toEqual(['acme-adopted', 'acme-data']);
    expect(keys.for_each['acme-data'].kms_key_arn).toMatch(/^\$\{aws_kms_key\.kms-acme-data_key_\w+\.arn\}$/);
    expect(keys).toMatchObject({ triggers_replace: { kms_key_arn: '${each.value.kms_key_arn}' }, lifecycle: { prevent_destroy: true } });
  });

  test('a stack with nothing to protect keeps both resource blocks, so removing the last bucket is still stopped', () => {
    const bare = (JSON.parse(stackSynth({ credential: ROLE, buckets: [{ name: 'acme-scratch', prefixes: ['a/'], forceDestroy: true }] })) as Json).resource.terraform_data as Json;
    expect(bare[PROTECTION_RESOURCES.bucket]).toMatchObject({ for_each: {}, lifecycle: { prevent_destroy: true } });
    expect(bare[PROTECTION_RESOURCES.kmsKey]).toMatchObject({ for_each: {}, lifecycle: { prevent_destroy: true } });
  });

  test('the release command names both protection instances of the bucket', () => {
    expect(releaseCommand('acme-data', '')).toBe(`terraform state rm 'terraform_data.${PROTECTION_RESOURCES.bucket}["acme-data"]' 'terraform_data.${PROTECTION_RESOURCES.kmsKey}["acme-data"]'`);
  });
});

describe('IcaConnectStack: endpoint override for emulators', () => {
  const base = { credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'] }] };

  test('with an endpoint URL every service points at it, path-style S3, real-AWS checks off', () => {
    const synth = stackSynth(base, 'http://127.0.0.1:5000/');
    const provider = (JSON.parse(synth) as Json).provider.aws[0];
    expect(provider.endpoints).toHaveLength(1);
    for (const service of ['s3', 'iam', 'sts', 'kms']) expect(provider.endpoints[0][service]).toBe('http://127.0.0.1:5000');
    expect(Object.keys(provider.endpoints[0]).sort()).toEqual([...EMULATED_SERVICES].sort());
    expect(provider).toMatchObject({ s3_use_path_style: true, skip_credentials_validation: true, skip_requesting_account_id: true });
    expect(String(provider.skip_metadata_api_check)).toBe('true');
  });

  test('without one the provider talks to AWS', () => {
    const provider = (JSON.parse(stackSynth(base)) as Json).provider.aws[0];
    expect(provider.endpoints).toBeUndefined();
    expect(provider.s3_use_path_style).toBeUndefined();
    expect(provider.skip_credentials_validation).toBeUndefined();
    expect(provider.skip_requesting_account_id).toBeUndefined();
  });

  test('a non-http endpoint is refused', () => {
    expect(() => stackSynth(base, 'ftp://127.0.0.1:5000')).toThrow(/must start with http:\/\/ or https:\/\//);
  });

  test('the endpoint reaches the AWS CLI of an adopted bucket\'s restore, and no template sequence reaches Terraform', () => {
    const adopted = { credential: USER, buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], existing: true, manage: ['cors'] }] };
    const restore = Object.values((JSON.parse(stackSynth(adopted, 'http://127.0.0.1:5000/moto/${var.x}')) as Json).resource.terraform_data as Json)
      .find((resource) => resource.provisioner) as Json;
    for (const provisioner of restore.provisioner) expect(provisioner['local-exec'].environment.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:5000/moto/$%7Bvar.x%7D');
    const real = Object.values((JSON.parse(stackSynth(adopted)) as Json).resource.terraform_data as Json).find((resource) => resource.provisioner) as Json;
    expect(real.provisioner[0]['local-exec'].environment.AWS_ENDPOINT_URL).toBeUndefined();
  });
});
