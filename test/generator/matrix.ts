/**
 * The configs the equivalence test runs through both renderers: a pairwise matrix over
 *
 *   method (role, user) x versioning (Enabled, Suspended, Disabled) x encryption (SSE-S3, SSE-KMS
 *   with a created key, SSE-KMS with a given key ARN) x bucket policy (off, restrictToIca,
 *   crossAccountCopy, both) x objectTagging (off, on) x buckets (one, several) x prefixes per
 *   bucket (one, several):
 *
 * every pair of values of two factors occurs on at least one bucket of one config (versioning,
 * encryption and prefixes are per bucket, so a config with several buckets covers several
 * values). `factorsOf` reads the factors from the configs themselves and generate.test.ts checks
 * the coverage, so the matrix cannot silently lose a pair.
 *
 * Beyond the factors the configs spread the other options: regions with and without default
 * tags, the OIDC provider created, looked up (`existing`) and overridden, access key rotation
 * (two keys), no access key, a PGP-encrypted secret, SSM and Secrets Manager stores, bucket tags,
 * object ownership, public access, force_destroy, CORS origins, exempt principals, prefixes
 * written without their trailing slash, default and custom names, and adopted buckets (one with
 * some settings managed, its live policy merged and a kept CORS rule, one with nothing managed)
 * beside a new one.
 *
 * All configs live in one moto account side by side, so every name (bucket, role, user, policy,
 * OIDC provider URL, secret) is unique across the matrix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IcaConfigInput, KeptCorsRule } from '../../modules/core/config-schema';

/** moto's default account id. */
export const ACCOUNT = '123456789012';

/** A throwaway RSA public key (its private half was never kept): the provider encrypts the secret with it. */
export const TEST_PGP_KEY = readFileSync(join(__dirname, 'fixtures', 'test-pgp-public-key.b64'), 'utf8').trim();

/** An OIDC provider id no region publishes: case 6 looks it up ("existing"), so the test creates it first. */
export const EXISTING_OIDC_PROVIDER_ID = 'E0E0E0E0E0E0E0E0E0E0E0E0E0E0E0E0';
/** The issuer of that provider (US region). */
export const EXISTING_OIDC_ISSUER = `oidc.eks.us-east-1.amazonaws.com/id/${EXISTING_OIDC_PROVIDER_ID}`;

/** A CORS rule already on eq-c9-adopted: every key S3 knows but ExposeHeaders, ID first as S3 returns it. */
export const FOREIGN_CORS_RULE: KeptCorsRule = {
  ID: 'their-app', AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['https://app.example.com'], AllowedHeaders: ['Authorization'], MaxAgeSeconds: 600,
};
/** A statement of someone else's in eq-c9-adopted's policy, with its own Sid. */
export const FOREIGN_STATEMENT = {
  Sid: 'TheirAuditorRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Auditor` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::eq-c9-adopted/reports/*',
};

/** A bucket that exists before any plan, as `ica-s3 adopt` found it: an object, maybe a policy and CORS rules. */
export interface ExistingBucket {
  readonly name: string;
  readonly objectKey: string;
  readonly policyStatements?: readonly object[];
  readonly corsRules?: readonly KeptCorsRule[];
}

/** The buckets case c9 adopts, so the test creates them first. */
export const EXISTING_BUCKETS: readonly ExistingBucket[] = [
  { name: 'eq-c9-adopted', objectKey: 'reports/2026.csv', policyStatements: [FOREIGN_STATEMENT], corsRules: [FOREIGN_CORS_RULE] },
  { name: 'eq-c9-bare', objectKey: 'data.txt' },
];

const keyArn = (region: string, id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
const US_TAGS = { owner: 'equivalence', 'cost-center': 'ica 42' };

export const MATRIX: Readonly<Record<string, IcaConfigInput>> = {
  // role, restrictToIca + crossAccountCopy, no tagging, three buckets: the Deny exempts Illumina's role.
  c1: {
    name: 'eq-c1', icaRegion: 'US',
    credential: { method: 'role', sessionNamePrefix: 'Eq1Ab34' },
    buckets: [
      { name: 'eq-c1-raw', prefixes: ['runs'], versioning: 'Disabled', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('us-east-1', '11111111-1111-4111-8111-111111111111') } },
      { name: 'eq-c1-work', prefixes: ['a/', 'b/c/'], versioning: 'Suspended', tags: { stage: 'work' } },
      { name: 'eq-c1-results', prefixes: ['x/', 'y/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' }, tags: { stage: 'results' }, forceDestroy: true },
    ],
    bucketPolicy: { restrictToIca: true, exemptPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/Admin`, `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/*`], crossAccountCopy: true },
    tags: US_TAGS,
  },
  // user rotating its key (two keys) into SSM, crossAccountCopy, tagging, three buckets, two CORS origins.
  c2: {
    name: 'eq-c2', icaRegion: 'US',
    credential: { method: 'user', userName: 'eq-c2-user', accessKeys: ['old', 'new'], secretStore: { type: 'ssm' } },
    policyName: 'eq-c2-policy',
    buckets: [
      { name: 'eq-c2-a', prefixes: ['p/', 'q/'], versioning: 'Disabled', encryption: { type: 'SSE-KMS' } },
      { name: 'eq-c2-b', prefixes: ['r/', 's/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('us-east-1', '22222222-2222-4222-8222-222222222222') } },
      { name: 'eq-c2-c', prefixes: ['t/'], versioning: 'Enabled', objectOwnership: 'BucketOwnerPreferred' },
    ],
    bucketPolicy: { crossAccountCopy: true },
    objectTagging: true,
    corsAllowedOrigins: ['https://ica.illumina.com', 'https://ica.example.org:8443'],
    tags: US_TAGS,
  },
  // user with a PGP-encrypted secret, restrictToIca, one bucket with a created key.
  c3: {
    name: 'eq-c3', icaRegion: 'US',
    credential: { method: 'user', pgpKey: TEST_PGP_KEY },
    policyName: 'eq-c3-policy',
    buckets: [{ name: 'eq-c3-data', prefixes: ['ica-data/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS' } }],
    bucketPolicy: { restrictToIca: true },
    tags: US_TAGS,
  },
  // role in Germany (no default tags), tagging, one SSE-S3 bucket, no bucket policy.
  c4: {
    name: 'eq-c4', icaRegion: 'Germany',
    credential: { method: 'role', sessionNamePrefix: 'Eq4Cd56', roleName: 'eq-c4-role' },
    policyName: 'eq-c4-policy',
    buckets: [{ name: 'eq-c4-data', prefixes: ['fastq', 'bam/'], versioning: 'Disabled', blockPublicAccess: false, objectOwnership: 'ObjectWriter' }],
    objectTagging: true,
  },
  // user without an access key, no bucket policy, two buckets.
  c5: {
    name: 'eq-c5', icaRegion: 'US',
    credential: { method: 'user', userName: 'eq-c5-user', createAccessKey: false },
    policyName: 'eq-c5-policy',
    buckets: [
      { name: 'eq-c5-a', prefixes: ['one/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS' } },
      { name: 'eq-c5-b', prefixes: ['two/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('us-east-1', '55555555-5555-4555-8555-555555555555') } },
    ],
    tags: US_TAGS,
  },
  // role through an existing OIDC provider with overridden id and namespace, restrictToIca, tagging.
  c6: {
    name: 'eq-c6', icaRegion: 'us-east-1',
    credential: { method: 'role', sessionNamePrefix: 'Eq6Ef78', roleName: 'eq-c6-role', oidcProvider: 'existing', oidcProviderId: EXISTING_OIDC_PROVIDER_ID.toLowerCase(), namespace: 'use9' },
    policyName: 'eq-c6-policy',
    buckets: [
      { name: 'eq-c6-a', prefixes: ['m/', 'n/'], versioning: 'Disabled', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('us-east-1', '66666666-6666-4666-8666-666666666666') } },
      { name: 'eq-c6-b', prefixes: ['o/'], versioning: 'Enabled' },
    ],
    bucketPolicy: { restrictToIca: true, exemptPrincipalArns: [`arn:aws:iam::${ACCOUNT}:user/break-glass`] },
    objectTagging: true,
    tags: US_TAGS,
  },
  // role in the UK (no default tags), crossAccountCopy with a given key, several prefixes.
  c7: {
    name: 'eq-c7', icaRegion: 'UK',
    credential: { method: 'role', sessionNamePrefix: 'Eq7Gh90', roleName: 'eq-c7-role' },
    policyName: 'eq-c7-policy',
    buckets: [{ name: 'eq-c7-data', prefixes: ['runs/2026/', 'reports'], versioning: 'Enabled', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('eu-west-2', '77777777-7777-4777-8777-777777777777') } }],
    bucketPolicy: { crossAccountCopy: true },
  },
  // user storing its key in Secrets Manager, restrictToIca + crossAccountCopy, tagging, one bucket.
  c8: {
    name: 'eq-c8', icaRegion: 'US',
    credential: { method: 'user', userName: 'eq-c8-user', secretStore: { type: 'secretsmanager', name: 'eq-c8/ica-access-key' } },
    policyName: 'eq-c8-policy',
    buckets: [{ name: 'eq-c8-data', prefixes: ['ica/'], versioning: 'Suspended', tags: { team: 'genomics' } }],
    bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
    objectTagging: true,
    tags: US_TAGS,
  },
  // user, crossAccountCopy, two adopted buckets (one managing CORS, versioning and public access
  // with its live policy merged and a kept CORS rule; one managing nothing, with a given key)
  // beside a new one with a created key.
  c9: {
    name: 'eq-c9', icaRegion: 'US',
    credential: { method: 'user', userName: 'eq-c9-user' },
    policyName: 'eq-c9-policy',
    buckets: [
      {
        name: 'eq-c9-adopted', prefixes: ['ica/', 'runs/'], versioning: 'Enabled',
        existing: true, manage: ['cors', 'versioning', 'publicAccessBlock'], existingPolicy: true, keepCorsRules: [FOREIGN_CORS_RULE],
      },
      { name: 'eq-c9-bare', prefixes: ['x/'], encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn('us-east-1', '99999999-9999-4999-8999-999999999999') }, existing: true },
      { name: 'eq-c9-new', prefixes: ['new/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS' } },
    ],
    bucketPolicy: { crossAccountCopy: true },
    tags: US_TAGS,
  },
  // user, one bucket whose prefixes overflow one managed policy (the permission policy is split
  // over several), restrictToIca (the deployer exempt), and more tags than an S3 object takes.
  c10: {
    name: 'eq-c10', icaRegion: 'US',
    credential: { method: 'user', userName: 'eq-c10-user' },
    policyName: 'eq-c10-policy',
    buckets: [{
      name: 'eq-c10-data', versioning: 'Enabled', encryption: { type: 'SSE-KMS' },
      prefixes: Array.from({ length: 14 }, (_, index) => `${'sequencing-run-archive/'.repeat(20)}${index}/`),
    }],
    bucketPolicy: { restrictToIca: true },
    tags: Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`cost-tag-${index}`, `value ${index}`])),
  },
};

export const FACTORS = {
  method: ['role', 'user'],
  versioning: ['Enabled', 'Suspended', 'Disabled'],
  encryption: ['SSE-S3', 'SSE-KMS created', 'SSE-KMS given'],
  bucketPolicy: ['off', 'restrictToIca', 'crossAccountCopy', 'both'],
  objectTagging: ['off', 'on'],
  buckets: ['one', 'several'],
  prefixes: ['one', 'several'],
} as const;

export type Factor = keyof typeof FACTORS;

/** The factor values of each bucket of a config, read from the config itself. */
export function factorsOf(config: IcaConfigInput): Record<Factor, string>[] {
  const policy = config.bucketPolicy ?? {};
  const bucketPolicy = policy.restrictToIca && policy.crossAccountCopy ? 'both'
    : policy.restrictToIca ? 'restrictToIca' : policy.crossAccountCopy ? 'crossAccountCopy' : 'off';
  return config.buckets.map((bucket) => ({
    method: config.credential.method,
    versioning: bucket.versioning ?? 'Disabled',
    encryption: bucket.encryption?.type !== 'SSE-KMS' ? 'SSE-S3' : bucket.encryption.kmsKeyArn ? 'SSE-KMS given' : 'SSE-KMS created',
    bucketPolicy,
    objectTagging: config.objectTagging ? 'on' : 'off',
    buckets: config.buckets.length > 1 ? 'several' : 'one',
    prefixes: bucket.prefixes.length > 1 ? 'several' : 'one',
  }));
}

/** Every pair of factor values no bucket of the matrix exhibits, as "factor=value & factor=value". */
export function uncoveredPairs(matrix: Readonly<Record<string, IcaConfigInput>>): string[] {
  const seen = new Set<string>();
  for (const config of Object.values(matrix)) {
    for (const values of factorsOf(config)) {
      for (const a of Object.keys(FACTORS) as Factor[]) {
        for (const b of Object.keys(FACTORS) as Factor[]) if (a < b) seen.add(`${a}=${values[a]} & ${b}=${values[b]}`);
      }
    }
  }
  const missing: string[] = [];
  for (const a of Object.keys(FACTORS) as Factor[]) {
    for (const b of Object.keys(FACTORS) as Factor[]) {
      if (a >= b) continue;
      for (const x of FACTORS[a]) for (const y of FACTORS[b]) if (!seen.has(`${a}=${x} & ${b}=${y}`)) missing.push(`${a}=${x} & ${b}=${y}`);
    }
  }
  return missing;
}
