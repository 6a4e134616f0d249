/**
 * The request matrix of the policy evaluation test, as data: for one config, every row names the
 * principal, the action, the resource, the request context, the policies in force and the
 * decision IAM must reach. `policy-evaluation.test.ts` evaluates each row with
 * @cloud-copilot/iam-simulate (AGPL: a devDependency, used by tests only).
 *
 * Every row is a test named "<principal> | <action> | <resource> -> <decision>": list them all with
 * `npx jest test/core/policy-evaluation --verbose`.
 *
 * The expectations are NOT derived from modules/core/ica-policies.ts: the action sets below are copied
 * from the seed pages (ICA's help pages), so a wrong action set in the
 * policies shows up as a failing row instead of being confirmed by itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bucketPolicy, iamPrincipalArn, kmsKeyPolicy, oidcProviderArn, permissionPolicies, PolicyRefs, trustPolicy,
} from '../../modules/core/ica-policies';
import { ICA_REGIONS, IcaRegion } from '../../modules/core/regions';
import { ResolvedBucket, ResolvedConfig, formatProblems, validateConfig } from '../../modules/core/validate';

/** The customer's AWS account in every row. */
export const ACCOUNT_ID = '111122223333';
/** Illumina's account, owner of the regional cross-account copy/move roles (seed table). */
export const ILLUMINA_ACCOUNT_ID = '079623148045';
/** A bucket no config names. */
export const OTHER_BUCKET = 'someone-elses-bucket';
/** A KMS key of the account that no config names. */
export const OTHER_KEY_ID = '99999999-9999-4999-8999-999999999999';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * Action sets copied from the seed pages. Every name is spelled here once more, on purpose:
 * these are the oracle the generated policies are checked against.
 */
export const SEED = {
  /** 002 "2 - Create Data Access Permission", first statement (unversioned tab). */
  bucket: ['s3:PutBucketNotification', 's3:ListBucket', 's3:GetBucketNotification', 's3:GetBucketLocation'],
  /** 002 "On Versioned OR Suspended buckets", first statement's extra actions. */
  bucketVersioned: ['s3:ListBucketVersions', 's3:GetBucketVersioning'],
  /** 002 second statement, unversioned tab: on YOUR_BUCKET_NAME/YOUR_FOLDER_NAME/*. */
  object: ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject'],
  /** 002 second statement's extra actions, versioned tab. */
  objectVersioned: ['s3:DeleteObjectVersion', 's3:GetObjectVersion'],
  /** 003 "Enable Copying Object Tags" and 004 both tabs. */
  tagging: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
  /** 004 "Versioned or Suspended" tab. */
  versionTagging: ['s3:GetObjectVersionTagging', 's3:PutObjectVersionTagging'],
  /** 004 "Add permission to use KMS key". */
  kmsUse: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  /** 002 third statement. */
  federation: ['sts:GetFederationToken'],
  /** 002 "5 - S3 Bucket Policy": the Deny for everyone but ICA. */
  restrictDeny: ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion'],
  /** 002 "7 - Enabling Cross Account Access". */
  crossAccount: ['s3:PutObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload', 's3:GetObject'],
  /**
   * 004 "KMS Policy" (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey), with the
   * wildcards spelled out as the concrete calls a copy job makes.
   */
  crossAccountKms: [
    'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey',
  ],
} as const;

/** Actions nobody asked ICA to have: they must stay denied to ICA's principals. */
const NOT_FOR_ICA = {
  bucket: ['s3:PutBucketPolicy', 's3:DeleteBucket', 's3:PutBucketVersioning', 's3:PutEncryptionConfiguration'],
  object: ['s3:PutObjectAcl'],
  kms: ['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey'],
};

/** What an account administrator must keep being able to do with a key this tool writes the policy of. */
const KEY_ADMINISTRATION = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:EnableKeyRotation', 'kms:DescribeKey'];

/** Names of the policy documents a row can use; the matrix keeps the documents by these names. */
export const DOC = {
  icaPermission: 'ica-permission-policy',
  administrator: 'AdministratorAccess (of another principal of the account)',
  illuminaSide: "Illumina's own policy on its cross-account role (assumed: s3:* and kms:* on *)",
  federationSession: 'session policy ICA passes to GetFederationToken (assumed: s3:* and kms:* on *)',
  trust: 'trust-policy',
  defaultKeyPolicy: 'AWS default key policy (account root only)',
  bucketPolicy: (bucket: string) => `bucket-policy ${bucket}`,
  keyPolicy: (bucket: string) => `kms-key-policy ${bucket}`,
} as const;

/** Which evaluation entry point a row needs (see the test file for why two). */
export type Evaluator = 'runSimulation' | 'runUnsafeSimulation';

export interface MatrixRow {
  /** Readable, unique within a config: used as the test name. */
  readonly name: string;
  /** Who, in words. */
  readonly actor: string;
  /** The request principal (a session ARN for roles and federated users). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account owning the resource. */
  readonly resourceAccount: string;
  /** Request context: always aws:PrincipalArn and aws:PrincipalAccount, which the simulator does not fill in. */
  readonly context: Readonly<Record<string, string>>;
  /** Names (keys of `Matrix.documents`) of the identity policies of the principal. */
  readonly identityPolicies: readonly string[];
  readonly sessionPolicy?: string;
  /** Name of the resource policy (bucket, key or trust policy), if any. */
  readonly resourcePolicy?: string;
  readonly evaluator: Evaluator;
  readonly expected: Decision;
  /** Why this is the expected decision. */
  readonly why: string;
}

export interface MatrixConfig {
  /** Where the config comes from: a file of the repository, or "extra: ..." for the ones below. */
  readonly source: string;
  readonly raw: unknown;
  /**
   * Who runs Terraform, as Terraform's plan reads it (aws_iam_session_context).
   * @default 'assumed role'
   */
  readonly deployer?: DeployerKind;
}

/** The kinds of principal that run Terraform: each reaches the Deny's aws:PrincipalArn differently. */
export type DeployerKind = 'IAM user' | 'assumed role' | 'SSO role session';

/**
 * The deployer's request principal and the ARN Terraform reads for it: `issuer_arn` of
 * aws_iam_session_context, the role (with its path) behind an assumed-role session, which is
 * what aws:PrincipalArn holds; the user itself for an IAM user.
 */
const DEPLOYERS: Readonly<Record<DeployerKind, { principal: string; principalArn: string }>> = {
  'IAM user': { principal: `arn:aws:iam::111122223333:user/terraform`, principalArn: `arn:aws:iam::111122223333:user/terraform` },
  'assumed role': { principal: 'arn:aws:sts::111122223333:assumed-role/terraform-deployer/ci-run-42', principalArn: 'arn:aws:iam::111122223333:role/terraform-deployer' },
  'SSO role session': {
    principal: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/jane@example.com',
    principalArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef',
  },
};

export interface Matrix {
  readonly source: string;
  readonly config: ResolvedConfig;
  readonly refs: PolicyRefs;
  /** Policy documents by name, as JSON. */
  readonly documents: Readonly<Record<string, unknown>>;
  readonly rows: readonly MatrixRow[];
}

const ROOT = join(__dirname, '..', '..');

/** Extra configs: combinations the examples do not cover. */
export const EXTRA_CONFIGS: readonly MatrixConfig[] = [
  {
    source: 'extra: user method + restrictToIca (versioned, tagging, two prefixes, exemptions)',
    raw: {
      name: 'extra-user-restricted',
      icaRegion: 'GB',
      credential: { method: 'user', userName: 'ica-connector' },
      buckets: [{ name: 'extra-user-restricted-data', prefixes: ['ica/project-a/', 'ica-b'], versioning: 'Enabled' }],
      bucketPolicy: {
        restrictToIca: true,
        exemptPrincipalArns: ['arn:aws:iam::111122223333:role/BreakGlass', 'arn:aws:iam::111122223333:user/backup-*'],
      },
      objectTagging: true,
    },
    deployer: 'IAM user',
  },
  {
    source: 'extra: restrictToIca with exemptDeployer off: the deployer is denied like any other principal',
    raw: {
      name: 'extra-no-deployer-exemption',
      icaRegion: 'US',
      credential: { method: 'role', sessionNamePrefix: 'Nd0Ex1' },
      buckets: [{ name: 'extra-no-deployer-exemption', prefixes: ['ica/'] }],
      bucketPolicy: { restrictToIca: true, exemptDeployer: false },
    },
  },
  {
    source: 'extra: role method + crossAccountCopy + restrictToIca + SSE-KMS (created key, suspended versioning)',
    raw: {
      name: 'extra-role-locked',
      icaRegion: 'DE',
      credential: { method: 'role', sessionNamePrefix: 'Qw3rTy-9', roleName: 'ica-locked-role' },
      buckets: [{ name: 'extra-role-locked-data', prefixes: ['genomes/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS' } }],
      bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
    },
    deployer: 'SSO role session',
  },
  {
    source: 'extra: user method + crossAccountCopy + restrictToIca + SSE-KMS (existing key, unversioned, tagging)',
    raw: {
      name: 'extra-user-locked-kms',
      icaRegion: 'JP',
      credential: { method: 'user' },
      buckets: [
        {
          name: 'extra-user-locked-kms',
          prefixes: ['ica-data/'],
          encryption: { type: 'SSE-KMS', kmsKeyArn: 'arn:aws:kms:ap-northeast-1:111122223333:key/0d4f7c2e-5b1a-4c3d-9e8f-7a6b5c4d3e2f' },
        },
        { name: 'extra-user-locked-plain', prefixes: ['incoming/'], versioning: 'Enabled' },
      ],
      bucketPolicy: { restrictToIca: true, crossAccountCopy: true, exemptPrincipalArns: ['arn:aws:iam::111122223333:role/Admin'] },
      objectTagging: true,
    },
  },
  {
    source: 'extra: prefixes too long for one managed policy: the permission policy is split, ICA still reaches every prefix',
    raw: {
      name: 'extra-split-policy',
      icaRegion: 'US',
      credential: { method: 'role', sessionNamePrefix: 'Sp1it00' },
      buckets: [
        { name: 'extra-split-raw', prefixes: Array.from({ length: 8 }, (_, index) => `${'sequencing-run-archive/'.repeat(20)}${index}/`), encryption: { type: 'SSE-KMS' } },
        { name: 'extra-split-results', prefixes: Array.from({ length: 6 }, (_, index) => `${'analysis-results/'.repeat(25)}${index}/`), versioning: 'Enabled' },
      ],
    },
  },
  {
    source: 'extra: role method in Indonesia with the OIDC provider id and namespace overridden',
    raw: {
      name: 'extra-role-override',
      icaRegion: 'ID',
      credential: { method: 'role', sessionNamePrefix: 'Idn0001', oidcProviderId: '0123456789ABCDEF0123456789ABCDEF', namespace: 'aps4' },
      buckets: [{ name: 'extra-role-override-data', prefixes: ['ica/'] }],
    },
  },
];

/** Every config the matrix covers: every examples/*.json, the config at the root, the extras. */
export function matrixConfigs(): MatrixConfig[] {
  const files = [
    ...readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json')).sort().map((file) => `examples/${file}`),
    'ica.config.json',
  ];
  return [
    ...files.map((file) => ({ source: file, raw: JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as unknown })),
    ...EXTRA_CONFIGS,
  ];
}

function allowAll(actions: string[]): unknown {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/** The key ARN of a bucket: its own kmsKeyArn, or a concrete stand-in for the key the stack creates. */
function keyArnOf(config: ResolvedConfig, bucket: ResolvedBucket, index: number): string | undefined {
  if (bucket.encryption.type !== 'SSE-KMS') return undefined;
  return bucket.encryption.kmsKeyArn
    ?? `arn:aws:kms:${config.region.awsRegion}:${ACCOUNT_ID}:key/${String(index + 1).padStart(8, '0')}-1111-4222-8333-444444444444`;
}

function shortResource(resource: string): string {
  return resource.replace(/^arn:aws:s3:::/, 's3://').replace(/^arn:aws:kms:[^:]+:\d+:key\//, 'key/');
}

/** A principal making requests, with the context IAM derives from it. */
interface Actor {
  readonly label: string;
  readonly principal: string;
  /** aws:PrincipalArn: the role ARN for a role session, the session ARN for a federated user. */
  readonly principalArn: string;
  readonly account: string;
  readonly identityPolicies: readonly string[];
  readonly sessionPolicy?: string;
}

function roleSession(roleArn: string, sessionName: string): string {
  const [, , , , account, resource] = roleArn.split(':');
  const roleName = resource.slice(resource.lastIndexOf('/') + 1);
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

/** A concrete principal for an exempt ARN pattern (wildcards filled in). */
function exemptActor(pattern: string): Actor {
  const arn = pattern.replace(/\*/g, 'x');
  const account = arn.split(':')[4];
  const isRole = /:role\//.test(arn);
  return {
    label: `exempt ${pattern}`,
    principal: isRole ? roleSession(arn, 'admin-session') : arn,
    principalArn: arn,
    account,
    identityPolicies: [DOC.administrator],
  };
}

/** Builds the documents and every row for one config. */
export function buildMatrix(entry: MatrixConfig): Matrix {
  const result = validateConfig(entry.raw);
  if (!result.ok) throw new Error(`${entry.source} does not validate:\n${formatProblems(result.problems)}`);
  const config = result.config;
  const deployerKind = entry.deployer ?? 'assumed role';
  const deployer = DEPLOYERS[deployerKind];
  const versioned = (bucket: ResolvedBucket) => bucket.versioning !== 'Disabled';

  const keyArns = new Map(config.buckets.map((bucket, index) => [bucket.name, keyArnOf(config, bucket, index)]));
  const icaPrincipalArn = iamPrincipalArn(config, ACCOUNT_ID);
  const refs: PolicyRefs = {
    accountId: ACCOUNT_ID,
    icaPrincipalArn,
    kmsKeyArn: (bucket) => keyArns.get(bucket.name),
    oidcProviderArn: config.oidc ? oidcProviderArn(config.oidc, ACCOUNT_ID) : undefined,
    deployerArn: deployer.principalArn,
  };

  // The permission policy as the managed policies the renderers create: more than one when it is split.
  const permissionDocuments = permissionPolicies(config, refs);
  const permissionNames = permissionDocuments.map((_document, index) => (index === 0 ? DOC.icaPermission : `${DOC.icaPermission}-${index + 1}`));
  const documents: Record<string, unknown> = {
    ...Object.fromEntries(permissionDocuments.map((document, index) => [permissionNames[index], document.toJSON()])),
    [DOC.administrator]: allowAll(['*']),
    [DOC.illuminaSide]: allowAll(['s3:*', 'kms:*']),
    [DOC.federationSession]: allowAll(['s3:*', 'kms:*']),
    [DOC.defaultKeyPolicy]: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'kms:*', Resource: '*' }],
    },
  };
  for (const bucket of config.buckets) {
    const policy = bucketPolicy(config, bucket, refs);
    if (policy) documents[DOC.bucketPolicy(bucket.name)] = policy.toJSON();
    // For a key the stack creates this is its policy; for an existing key (kmsKeyArn) it is the
    // policy the `policies` command writes for the user to apply.
    if (keyArns.get(bucket.name)) documents[DOC.keyPolicy(bucket.name)] = kmsKeyPolicy(config, refs).toJSON();
  }
  if (config.credential.method === 'role' && config.oidc && refs.oidcProviderArn) {
    documents[DOC.trust] = trustPolicy(config.oidc, refs.oidcProviderArn, config.credential.sessionNamePrefix).toJSON();
  }

  const { restrictToIca, crossAccountCopy, exemptPrincipalArns } = config.bucketPolicy;
  const bucketPolicyName = (bucket: string) => (documents[DOC.bucketPolicy(bucket)] ? DOC.bucketPolicy(bucket) : undefined);
  const rows: MatrixRow[] = [];
  const byName = new Map<string, MatrixRow>();
  const add = (actor: Actor, action: string, resource: string, resourcePolicy: string | undefined, expected: Decision, why: string,
    resourceAccount = ACCOUNT_ID) => {
    const row: MatrixRow = {
      name: `${actor.label} | ${action} | ${shortResource(resource)} -> ${expected}`,
      actor: actor.label,
      principal: actor.principal,
      action,
      resource,
      resourceAccount,
      context: { 'aws:PrincipalArn': actor.principalArn, 'aws:PrincipalAccount': actor.account },
      identityPolicies: actor.identityPolicies,
      ...(actor.sessionPolicy ? { sessionPolicy: actor.sessionPolicy } : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
      evaluator: 'runSimulation',
      expected,
      why,
    };
    // Several buckets ask the same question about another bucket: keep one row.
    const key = `${actor.label} | ${action} | ${resource}`;
    const existing = byName.get(key);
    if (existing && existing.expected !== expected) throw new Error(`${entry.source}: contradictory rows for ${key}`);
    if (!existing) { byName.set(key, row); rows.push(row); }
  };

  // --- The principals -----------------------------------------------------------------------
  const icaActors: Actor[] = [];
  if (config.credential.method === 'user') {
    icaActors.push({ label: `ICA user ${config.credential.userName}`, principal: icaPrincipalArn, principalArn: icaPrincipalArn, account: ACCOUNT_ID, identityPolicies: permissionNames });
  } else {
    icaActors.push({
      label: `ICA role session ${config.credential.roleName}`,
      principal: roleSession(icaPrincipalArn, `${config.credential.sessionNamePrefix}-5f0c2a`),
      principalArn: icaPrincipalArn,
      account: ACCOUNT_ID,
      identityPolicies: permissionNames,
    });
  }
  // The federated user ICA hands to browsers and tools: it holds at most the policies of the
  // principal that called GetFederationToken, intersected with the session policy ICA passes.
  const federatedArn = `arn:aws:sts::${ACCOUNT_ID}:federated-user/ica-transfer`;
  icaActors.push({
    label: 'ICA federated user ica-transfer',
    principal: federatedArn,
    principalArn: federatedArn,
    account: ACCOUNT_ID,
    identityPolicies: permissionNames,
    sessionPolicy: DOC.federationSession,
  });
  const crossAccountRole = config.crossAccountRoleArn;
  const crossAccount: Actor = {
    label: `Illumina cross-account ${crossAccountRole.split('/')[1]}`,
    principal: roleSession(crossAccountRole, 'ica-copy-job'),
    principalArn: crossAccountRole,
    account: ILLUMINA_ACCOUNT_ID,
    identityPolicies: [DOC.illuminaSide],
  };
  const otherAdmin: Actor = {
    label: 'other account admin DataScientist',
    principal: roleSession(`arn:aws:iam::${ACCOUNT_ID}:role/DataScientist`, 'jane'),
    principalArn: `arn:aws:iam::${ACCOUNT_ID}:role/DataScientist`,
    account: ACCOUNT_ID,
    identityPolicies: [DOC.administrator],
  };
  const keyAdmin: Actor = { ...otherAdmin, label: 'account admin DataScientist (key administration)' };
  const deployerActor: Actor = {
    label: `deployer (${deployerKind}) running Terraform`,
    principal: deployer.principal,
    principalArn: deployer.principalArn,
    account: ACCOUNT_ID,
    identityPolicies: [DOC.administrator],
  };

  // --- Where objects live ----------------------------------------------------------------------
  const allPrefixes = new Set(config.buckets.flatMap((bucket) => bucket.prefixes));
  const outside = (bucket: ResolvedBucket): { what: string; key: string }[] => {
    const locations = [
      { what: 'another prefix', key: 'not-ica/sample.fastq.gz' },
      { what: 'bucket root object', key: 'root-object.txt' },
      // "fastq" normalised to "fastq/" must not grant "fastq-private/..."
      ...bucket.prefixes.map((prefix) => ({ what: 'sibling with the same stem', key: `${prefix.replace(/\/$/, '')}-private/sample.fastq.gz` })),
      // a prefix configured on another bucket is still outside on this one
      ...[...allPrefixes].filter((prefix) => !bucket.prefixes.some((own) => prefix.startsWith(own)))
        .map((prefix) => ({ what: "another bucket's prefix", key: `${prefix}sample.fastq.gz` })),
    ];
    return locations.filter((location, index) => locations.findIndex((other) => other.key === location.key) === index);
  };

  for (const bucket of config.buckets) {
    const bucketArn = `arn:aws:s3:::${bucket.name}`;
    const policy = bucketPolicyName(bucket.name);
    const needObject = [
      ...SEED.object,
      ...(versioned(bucket) ? SEED.objectVersioned : []),
      ...(config.objectTagging ? SEED.tagging : []),
      ...(config.objectTagging && versioned(bucket) ? SEED.versionTagging : []),
    ];
    const notNeededObject = [
      ...NOT_FOR_ICA.object,
      ...(versioned(bucket) ? [] : SEED.objectVersioned),
      ...(config.objectTagging ? [] : SEED.tagging),
    ];
    const needBucket = [...SEED.bucket, ...(versioned(bucket) ? SEED.bucketVersioned : [])];
    const deniedByRestriction = new Set<string>([...SEED.restrictDeny, ...(config.objectTagging ? [...SEED.tagging, ...SEED.versionTagging] : [])]);
    const inside = bucket.prefixes.map((prefix) => `${bucketArn}/${prefix}run-0042/sample.fastq.gz`);
    const outsideObjects = outside(bucket).map((location) => ({ ...location, arn: `${bucketArn}/${location.key}` }));

    // ICA's principals: everything they need inside each prefix, nothing outside.
    for (const actor of icaActors) {
      for (const action of needBucket) add(actor, action, bucketArn, policy, 'Allowed', 'seed permission policy, bucket statement');
      for (const action of needBucket) add(actor, action, `arn:aws:s3:::${OTHER_BUCKET}`, undefined, 'ImplicitlyDenied', 'another bucket');
      for (const action of NOT_FOR_ICA.bucket) add(actor, action, bucketArn, policy, 'ImplicitlyDenied', 'not an action ICA needs');
      for (const object of inside) {
        for (const action of needObject) add(actor, action, object, policy, 'Allowed', 'seed permission policy, object statement');
        for (const action of notNeededObject) add(actor, action, object, policy, 'ImplicitlyDenied', 'not needed for this versioning/tagging');
      }
      for (const location of outsideObjects) {
        for (const action of needObject) add(actor, action, location.arn, policy, 'ImplicitlyDenied', location.what);
      }
      for (const prefix of bucket.prefixes) {
        for (const action of needObject) add(actor, action, `arn:aws:s3:::${OTHER_BUCKET}/${prefix}sample.fastq.gz`, undefined, 'ImplicitlyDenied', 'same prefix in another bucket');
      }
      const keyArn = keyArns.get(bucket.name);
      if (keyArn) {
        for (const action of SEED.kmsUse) add(actor, action, keyArn, DOC.keyPolicy(bucket.name), 'Allowed', 'SSE-KMS: KMS use on the bucket key');
        for (const action of NOT_FOR_ICA.kms) add(actor, action, keyArn, DOC.keyPolicy(bucket.name), 'ImplicitlyDenied', 'ICA does not administer the key');
      }
    }

    // Illumina's cross-account role: copy/move in and out when crossAccountCopy is on.
    const needCross = [
      ...SEED.crossAccount,
      ...(versioned(bucket) ? SEED.objectVersioned : []),
      ...(config.objectTagging ? SEED.tagging : []),
      ...(config.objectTagging && versioned(bucket) ? SEED.versionTagging : []),
    ];
    const crossDecision = (action: string): [Decision, string] => {
      if (crossAccountCopy) return ['Allowed', 'crossAccountCopy: bucket policy Allow, exempt from restrictToIca'];
      if (restrictToIca && deniedByRestriction.has(action)) return ['ExplicitlyDenied', 'restrictToIca without crossAccountCopy'];
      return ['ImplicitlyDenied', 'crossAccountCopy is off: no bucket policy grant'];
    };
    for (const object of [...inside, `${bucketArn}/root-object.txt`]) {
      for (const action of needCross) {
        const [decision, why] = crossDecision(action);
        // The seeds grant the role the whole bucket ("YOUR_BUCKET_NAME/*"), not only the prefixes.
        add(crossAccount, action, object, policy, decision, object.endsWith('/root-object.txt') && decision === 'Allowed' ? `${why} (the seeds grant the whole bucket)` : why);
      }
    }
    for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucket', 's3:ListBucket']) {
      add(crossAccount, action, bucketArn, policy, 'ImplicitlyDenied', 'the cross-account role gets object actions only');
    }
    add(crossAccount, 's3:GetObject', `arn:aws:s3:::${OTHER_BUCKET}/${bucket.prefixes[0]}sample.fastq.gz`, undefined, 'ImplicitlyDenied', 'another bucket');
    const keyArn = keyArns.get(bucket.name);
    if (keyArn) {
      for (const action of SEED.crossAccountKms) {
        add(crossAccount, action, keyArn, DOC.keyPolicy(bucket.name), crossAccountCopy ? 'Allowed' : 'ImplicitlyDenied',
          crossAccountCopy ? 'crossAccountCopy: key policy AllowCrossAccountAccess' : 'crossAccountCopy is off: key policy does not name the role');
      }
      add(crossAccount, 'kms:ScheduleKeyDeletion', keyArn, DOC.keyPolicy(bucket.name), 'ImplicitlyDenied', 'the cross-account role only uses the key');
    }

    // Another principal of the account, with an administrator identity policy.
    for (const object of [inside[0], `${bucketArn}/root-object.txt`]) {
      for (const action of deniedByRestriction) {
        add(otherAdmin, action, object, policy, restrictToIca ? 'ExplicitlyDenied' : 'Allowed',
          restrictToIca ? 'restrictToIca: Deny for every principal but ICA and the exemptions' : 'no restriction: the admin identity policy allows');
      }
    }
    // restrictToIca denies object access only: the account keeps control of the bucket policy.
    for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPolicy']) {
      add(otherAdmin, action, bucketArn, policy, 'Allowed', 'no lockout: bucket-level administration stays with the account');
    }
    // Terraform puts and deletes the folder objects after the bucket policy is in place.
    if (restrictToIca) {
      for (const prefix of bucket.prefixes) {
        for (const action of ['s3:PutObject', 's3:DeleteObject']) {
          add(deployerActor, action, `${bucketArn}/${prefix}`, policy, config.bucketPolicy.exemptDeployer ? 'Allowed' : 'ExplicitlyDenied',
            config.bucketPolicy.exemptDeployer ? 'exemptDeployer: the principal running Terraform keeps the folder objects' : 'exemptDeployer is off: the deployer must be in exemptPrincipalArns');
        }
      }
    }
    if (restrictToIca) {
      for (const pattern of exemptPrincipalArns) {
        const actor = exemptActor(pattern);
        for (const object of [inside[0], `${bucketArn}/root-object.txt`]) {
          for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) add(actor, action, object, policy, 'Allowed', 'exemptPrincipalArns');
        }
      }
    }

    // The key keeps an administrator: no lockout.
    if (keyArn) {
      for (const action of KEY_ADMINISTRATION) add(keyAdmin, action, keyArn, DOC.keyPolicy(bucket.name), 'Allowed', 'key policy EnableAccountAdministration (account root) lets IAM policies grant');
    }
  }

  // ICA never reaches another key of the account; it gets the federation token it needs.
  const otherKey = `arn:aws:kms:${config.region.awsRegion}:${ACCOUNT_ID}:key/${OTHER_KEY_ID}`;
  for (const actor of icaActors) {
    for (const action of SEED.kmsUse) add(actor, action, otherKey, DOC.defaultKeyPolicy, 'ImplicitlyDenied', 'another key of the account');
  }
  add(icaActors[0], 'sts:GetFederationToken', federatedArn, undefined, 'Allowed', 'seed permission policy, third statement');

  if (documents[DOC.trust]) rows.push(...trustRows(config, refs));
  assertUniqueNames(entry.source, rows);
  return { source: entry.source, config, refs, documents, rows };
}

/**
 * The trust policy: AssumeRoleWithWebIdentity from the region's OIDC provider, for ICA's service
 * account in the region's namespace, audience sts.amazonaws.com, session name "<prefix>-...".
 */
function trustRows(config: ResolvedConfig, refs: PolicyRefs): MatrixRow[] {
  if (config.credential.method !== 'role' || !config.oidc || !refs.oidcProviderArn) return [];
  const { issuer, namespace } = config.oidc;
  const prefix = config.credential.sessionNamePrefix;
  const roleArn = refs.icaPrincipalArn;
  const regions: readonly IcaRegion[] = ICA_REGIONS;
  const otherNamespace = regions.map((region) => region.oidc?.namespace).find((candidate) => candidate && candidate !== namespace) as string;
  const otherRegion = regions.find((region) => region.oidc && region.awsRegion !== config.region.awsRegion);
  const otherProvider = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.${otherRegion?.awsRegion}.amazonaws.com/id/${otherRegion?.oidc?.providerId}`;
  const sub = `system:serviceaccount:${namespace}:irsa-${namespace}-gds-7d9f8`;
  const good: Record<string, string> = {
    [`${issuer}:sub`]: sub,
    [`${issuer}:aud`]: 'sts.amazonaws.com',
    'sts:RoleSessionName': `${prefix}-0c1d2e3f`,
  };
  const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([name]) => name !== key));
  const cases: [string, string, Record<string, string>, Decision][] = [
    ['right sub, aud and session name', refs.oidcProviderArn, good, 'Allowed'],
    [`wrong namespace ${otherNamespace}`, refs.oidcProviderArn, { ...good, [`${issuer}:sub`]: `system:serviceaccount:${otherNamespace}:irsa-${otherNamespace}-gds-7d9f8` }, 'ImplicitlyDenied'],
    ['another service account in the namespace', refs.oidcProviderArn, { ...good, [`${issuer}:sub`]: `system:serviceaccount:${namespace}:default` }, 'ImplicitlyDenied'],
    ['no sub', refs.oidcProviderArn, without(`${issuer}:sub`), 'ImplicitlyDenied'],
    ['wrong audience', refs.oidcProviderArn, { ...good, [`${issuer}:aud`]: 'sts.amazonaws.com.evil.example' }, 'ImplicitlyDenied'],
    ['no audience', refs.oidcProviderArn, without(`${issuer}:aud`), 'ImplicitlyDenied'],
    ['session name of another prefix', refs.oidcProviderArn, { ...good, 'sts:RoleSessionName': 'SomeoneElse-0c1d2e3f' }, 'ImplicitlyDenied'],
    ['session name = prefix without "-"', refs.oidcProviderArn, { ...good, 'sts:RoleSessionName': `${prefix}0c1d2e3f` }, 'ImplicitlyDenied'],
    ['session name with the prefix inside, not at the start', refs.oidcProviderArn, { ...good, 'sts:RoleSessionName': `x${prefix}-0c1d2e3f` }, 'ImplicitlyDenied'],
    ['no session name', refs.oidcProviderArn, without('sts:RoleSessionName'), 'ImplicitlyDenied'],
    [`another region's OIDC provider (${otherRegion?.code})`, otherProvider, good, 'ImplicitlyDenied'],
  ];
  if (prefix.toLowerCase() !== prefix) {
    cases.push(['session name prefix in another case', refs.oidcProviderArn, { ...good, 'sts:RoleSessionName': `${prefix.toLowerCase()}-0c1d2e3f` }, 'ImplicitlyDenied']);
  }
  const rows: MatrixRow[] = cases.map(([what, principal, context, expected]) => ({
    name: `OIDC web identity: ${what} | sts:AssumeRoleWithWebIdentity | ${roleArn.split(':')[5]} -> ${expected}`,
    actor: `OIDC web identity (${what})`,
    principal,
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: roleArn,
    resourceAccount: ACCOUNT_ID,
    context,
    identityPolicies: [],
    resourcePolicy: DOC.trust,
    evaluator: 'runUnsafeSimulation',
    expected,
    why: expected === 'Allowed' ? 'trust policy conditions all met' : what,
  }));
  // Nobody in the account (not even an admin) assumes the role by plain AssumeRole.
  const admin = `arn:aws:iam::${ACCOUNT_ID}:role/DataScientist`;
  rows.push({
    name: `other account admin DataScientist | sts:AssumeRole | ${roleArn.split(':')[5]} -> ImplicitlyDenied`,
    actor: 'other account admin DataScientist',
    principal: roleSession(admin, 'jane'),
    action: 'sts:AssumeRole',
    resource: roleArn,
    resourceAccount: ACCOUNT_ID,
    context: { 'aws:PrincipalArn': admin, 'aws:PrincipalAccount': ACCOUNT_ID, 'sts:RoleSessionName': `${prefix}-0c1d2e3f` },
    identityPolicies: [DOC.administrator],
    resourcePolicy: DOC.trust,
    evaluator: 'runSimulation',
    expected: 'ImplicitlyDenied',
    why: 'the trust policy admits only AssumeRoleWithWebIdentity from the OIDC provider',
  });
  return rows;
}

function assertUniqueNames(source: string, rows: readonly MatrixRow[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.name)) throw new Error(`${source}: duplicate matrix row "${row.name}"`);
    seen.add(row.name);
  }
}
