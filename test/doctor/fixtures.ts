/**
 * Facts as `inspect` would read them from an account set up exactly as this tool sets it up,
 * built from the core policy builders. Tests change one fact at a time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcaConfigInput } from '../../modules/core/config-schema';
import {
  PolicyRefs, bucketPolicy, icaCorsRule, iamPrincipalArn, kmsKeyPolicy, oidcProviderArn, permissionPolicy, trustPolicy,
} from '../../modules/core/ica-policies';
import { ResolvedConfig, resolveConfig } from '../../modules/core/validate';
import { BucketFacts, DoctorFacts, KeyMetadataFacts, ObjectSample, PrincipalFacts } from '../../modules/aws/facts';
import { CheckInputs } from '../../modules/doctor/run';
import { Fact, absent, ok } from '../../modules/aws/fact';

export const ACCOUNT = '111122223333';

export const roleInput: IcaConfigInput = {
  name: 'unit',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
  buckets: [{ name: 'unit-data', prefixes: ['ica-data/', 'runs/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
  bucketPolicy: { restrictToIca: true, crossAccountCopy: true, exemptPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/Admin`] },
  objectTagging: true,
};

export const userInput: IcaConfigInput = {
  name: 'unit-user',
  icaRegion: 'EU',
  credential: { method: 'user' },
  buckets: [{ name: 'unit-user-data', prefixes: ['ica/'] }],
};

export function keyArn(config: ResolvedConfig): string {
  return `arn:aws:kms:${config.region.awsRegion}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
}

export function refs(config: ResolvedConfig): PolicyRefs {
  return {
    accountId: ACCOUNT,
    icaPrincipalArn: iamPrincipalArn(config, ACCOUNT),
    kmsKeyArn: (bucket) => (bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn ?? keyArn(config) : undefined),
    oidcProviderArn: config.oidc ? oidcProviderArn(config.oidc, ACCOUNT) : undefined,
  };
}

/** The bucket's key as DescribeKey reads it: enabled, customer managed. */
export function keyMetadata(config: ResolvedConfig, change: Partial<KeyMetadataFacts> = {}): KeyMetadataFacts {
  return { arn: keyArn(config), region: config.region.awsRegion, state: 'Enabled', manager: 'CUSTOMER', ...change };
}

/** One object per prefix, written under the bucket's default encryption. */
function sampledObjects(config: ResolvedConfig, bucket: ResolvedConfig['buckets'][number]): Map<string, Fact<readonly ObjectSample[]>> {
  const kms = bucket.encryption.type === 'SSE-KMS';
  return new Map(bucket.prefixes.map((prefix) => [prefix, ok([{
    key: `${prefix}sample.bam`,
    encryption: ok(kms ? { algorithm: 'aws:kms', kmsKeyId: keyArn(config), key: ok(keyMetadata(config)) } : { algorithm: 'AES256' }),
  }])]));
}

export function healthyBucket(config: ResolvedConfig, index = 0): BucketFacts {
  const bucket = config.buckets[index];
  const kms = bucket.encryption.type === 'SSE-KMS';
  const policy = bucketPolicy(config, bucket, refs(config));
  return {
    name: bucket.name,
    exists: ok(true as const),
    region: ok(config.region.awsRegion),
    notifications: ok({ entries: [], eventBridge: false }),
    cors: ok([icaCorsRule(config.corsAllowedOrigins)]),
    versioning: ok(bucket.versioning),
    encryption: ok(kms ? { algorithm: 'aws:kms', kmsKeyId: keyArn(config), bucketKeyEnabled: true } : { algorithm: 'AES256' }),
    ownership: ok('BucketOwnerEnforced'),
    publicAccess: ok({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
    policy: policy ? ok(policy.toString()) : absent('NoSuchBucketPolicy'),
    ...(kms ? {
      key: {
        keyId: keyArn(config),
        metadata: ok(keyMetadata(config)),
        policy: ok(kmsKeyPolicy(config, refs(config)).toString()),
        grants: ok([]),
      },
    } : {}),
    objects: sampledObjects(config, bucket),
  };
}

export function healthyPrincipal(config: ResolvedConfig): PrincipalFacts {
  const arn = iamPrincipalArn(config, ACCOUNT);
  const policies = ok([{ name: config.policyName, via: `managed policy arn:aws:iam::${ACCOUNT}:policy/${config.policyName}`, document: permissionPolicy(config, refs(config)).toString() }]);
  if (config.credential.method === 'role') {
    return {
      method: 'role',
      name: config.credential.roleName,
      entity: ok({ arn, maxSessionDuration: 43200, trustPolicy: trustPolicy(config.oidc!, oidcProviderArn(config.oidc!, ACCOUNT), config.credential.sessionNamePrefix).toString() }),
      policies,
    };
  }
  return {
    method: 'user',
    name: config.credential.userName,
    entity: ok({ arn }),
    policies,
    accessKeys: ok([{ id: 'AKIAEXAMPLEKEY000001', status: 'Active' }]),
  };
}

export function healthyFacts(config: ResolvedConfig): DoctorFacts {
  return {
    accountId: ACCOUNT,
    buckets: config.buckets.map((_, index) => healthyBucket(config, index)),
    principal: healthyPrincipal(config),
    ...(config.oidc ? {
      oidc: {
        provider: ok({ arn: oidcProviderArn(config.oidc, ACCOUNT), url: config.oidc.issuer, clientIds: ['sts.amazonaws.com'] }),
        allProviderArns: [oidcProviderArn(config.oidc, ACCOUNT)],
      },
    } : {}),
  };
}

export function inputs(facts: DoctorFacts, extra: Partial<CheckInputs> = {}): CheckInputs {
  return { facts, emulated: false, ...extra };
}

export const roleConfig = (): ResolvedConfig => resolveConfig(roleInput);
export const userConfig = (): ResolvedConfig => resolveConfig(userInput);

/**
 * Config files for running `doctor` and `adopt` through the CLI, in a new scratch directory: the
 * user config, and one adopting the bucket "their-data".
 */
export function doctorAndAdoptConfigFiles(name: string): { dir: string; doctorConfig: string; adoptConfig: string } {
  const dir = mkdtempSync(join(tmpdir(), `ica-${name}-`));
  const doctorConfig = join(dir, 'doctor.json');
  const adoptConfig = join(dir, 'adopt.json');
  writeFileSync(doctorConfig, JSON.stringify(userInput));
  writeFileSync(adoptConfig, JSON.stringify({
    name, icaRegion: 'EU', credential: { method: 'user' },
    buckets: [{ name: 'their-data', prefixes: ['ica/'], existing: true, manage: ['cors'] }],
  }));
  return { dir, doctorConfig, adoptConfig };
}
