/**
 * The documents of the seed pages, built from the resolved config: permission policy, trust
 * policy, bucket policy, KMS key policy, CORS rule and the values of ICA's storage configuration
 * form. Values that exist only after apply (account id, role ARN, key ARN) come in as
 * `PolicyRefs`: Terraform references when a renderer builds resources, the seeds' placeholders
 * when the `policies` command writes files for the console.
 *
 * About 400 lines: every document ICA needs is here side by side, so that a change to one action
 * set or Sid shows in all of them, and both renderers and the doctor read one module.
 */
import {
  BUCKET_ACTIONS, BUCKET_VERSIONED_ACTIONS, CORS_ALLOWED_METHODS, CORS_EXPOSE_HEADERS, CROSS_ACCOUNT_OBJECT_ACTIONS,
  CROSS_ACCOUNT_VERSIONED_ACTIONS, FEDERATION_ACTIONS, KMS_CROSS_ACCOUNT_ACTIONS, KMS_USE_ACTIONS, OBJECT_ACTIONS,
  OBJECT_TAGGING_ACTIONS, OBJECT_VERSIONED_ACTIONS, OBJECT_VERSION_TAGGING_ACTIONS, RESTRICTED_OBJECT_ACTIONS,
} from './actions';
import { storageConfigurationName } from './ica-names';
import { PolicyDocument, PolicyStatement } from './iam-policy';
import { NAME_FORMATS, formatName } from './renderer-literals';
import { AWS_QUOTAS } from './quotas';
import { OIDC_AUDIENCE } from './regions';
import { ResolvedBucket, ResolvedConfig, ResolvedOidc } from './resolved-config';

/** Values known only after apply, as the renderer spells them. */
export interface PolicyRefs {
  /** The AWS account id of the bucket owner. */
  readonly accountId: string;
  /** ARN of the ICA IAM user or role. */
  readonly icaPrincipalArn: string;
  /** ARN of the SSE-KMS key of a bucket, or undefined for SSE-S3 buckets. */
  kmsKeyArn(bucket: ResolvedBucket): string | undefined;
  /** ARN of the IAM OIDC provider (role method). */
  readonly oidcProviderArn?: string;
  /**
   * The principal that runs Terraform, as `aws:PrincipalArn` names it (the role behind an
   * assumed-role session); exempted from the restrictToIca Deny when `exemptDeployer` is on.
   */
  readonly deployerArn?: string;
}

/** The seeds' placeholder for the account id. */
export const ACCOUNT_PLACEHOLDER = 'YOUR_ACCOUNT_ID';

/** Stable statement ids: bucket policy merges and tests find statements by them. */
export const SID = {
  bucketAccess: 'IcaBucketAccess',
  versionedBucketAccess: 'IcaVersionedBucketAccess',
  objectAccess: 'IcaObjectAccess',
  versionedObjectAccess: 'IcaVersionedObjectAccess',
  kmsAccess: 'IcaKmsAccess',
  federationToken: 'IcaFederationToken',
  restrictToIca: 'IcaRestrictObjectAccess',
  crossAccountCopy: 'IcaCrossAccountCopy',
  keyAdministration: 'EnableAccountAdministration',
  keyUse: 'AllowIcaUse',
  keyCrossAccount: 'AllowCrossAccountAccess',
  trust: 'IcaAssumeRoleWithWebIdentity',
} as const;

export function isVersioned(bucket: ResolvedBucket): boolean {
  return bucket.versioning !== 'Disabled';
}

export function bucketArn(bucketName: string): string {
  return `arn:aws:s3:::${bucketName}`;
}

/** Every object under one ICA prefix (the prefix already ends in "/"). */
export function prefixObjectsArn(bucketName: string, prefix: string): string {
  return `arn:aws:s3:::${bucketName}/${prefix}*`;
}

export function iamPrincipalArn(config: ResolvedConfig, accountId: string): string {
  return config.credential.method === 'role'
    ? `arn:aws:iam::${accountId}:role/${config.credential.roleName}`
    : `arn:aws:iam::${accountId}:user/${config.credential.userName}`;
}

export function oidcProviderArn(oidc: ResolvedOidc, accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${oidc.issuer}`;
}

/** The object actions ICA needs inside a prefix, per the seeds' tab for the bucket's versioning. */
export function icaObjectActions(versioned: boolean, objectTagging: boolean): string[] {
  return [
    ...OBJECT_ACTIONS,
    ...(versioned ? OBJECT_VERSIONED_ACTIONS : []),
    ...(objectTagging ? OBJECT_TAGGING_ACTIONS : []),
    ...(objectTagging && versioned ? OBJECT_VERSION_TAGGING_ACTIONS : []),
  ];
}

export function icaBucketActions(versioned: boolean): string[] {
  return [...BUCKET_ACTIONS, ...(versioned ? BUCKET_VERSIONED_ACTIONS : [])];
}

/** The actions Illumina's cross-account role needs for copy and move. */
export function crossAccountActions(versioned: boolean, objectTagging: boolean): string[] {
  return [
    ...CROSS_ACCOUNT_OBJECT_ACTIONS,
    ...(versioned ? CROSS_ACCOUNT_VERSIONED_ACTIONS : []),
    ...(objectTagging ? OBJECT_TAGGING_ACTIONS : []),
    ...(objectTagging && versioned ? OBJECT_VERSION_TAGGING_ACTIONS : []),
  ];
}

function objectStatement(config: ResolvedConfig, versioned: boolean, resources: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    sid: versioned ? SID.versionedObjectAccess : SID.objectAccess,
    actions: icaObjectActions(versioned, config.objectTagging),
    resources,
  });
}

/** The prefix ARNs of one versioning variant, sorted: the order the split fills policies in. */
function objectArns(config: ResolvedConfig, versioned: boolean): string[] {
  return [...new Set(config.buckets.filter((bucket) => isVersioned(bucket) === versioned)
    .flatMap((bucket) => bucket.prefixes.map((prefix) => prefixObjectsArn(bucket.name, prefix))))].sort();
}

function federationStatement(): PolicyStatement {
  return new PolicyStatement({ sid: SID.federationToken, actions: [...FEDERATION_ACTIONS], resources: ['*'] });
}

/**
 * The whole permission policy as one document: per versioning variant one bucket and one object
 * statement, then KMS use on the keys and sts:GetFederationToken. `permissionPolicies` splits it
 * when IAM would refuse it.
 */
export function permissionPolicy(config: ResolvedConfig, refs: PolicyRefs): PolicyDocument {
  return documentOf(config, policyEntries(config, refs), true);
}

/**
 * A key ARN as long as a real one, for measuring policies before the keys exist: distinct per
 * bucket, as the keys will be. The generated module builds the same.
 */
function sizingKeyArn(config: ResolvedConfig, bucketIndex: number): string {
  return `arn:aws:kms:${config.region.awsRegion}:000000000000:key/00000000-0000-0000-0000-${String(bucketIndex).padStart(12, '0')}`;
}

/** Refs with values as long as the real ones: what the quota checks measure with. */
export function sizingRefs(config: ResolvedConfig): PolicyRefs {
  const indexOf = new Map(config.buckets.map((bucket, index) => [bucket.name, index]));
  return {
    accountId: '000000000000',
    icaPrincipalArn: iamPrincipalArn(config, '000000000000'),
    kmsKeyArn: (bucket) => (bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn ?? sizingKeyArn(config, indexOf.get(bucket.name) as number) : undefined),
    oidcProviderArn: config.oidc ? oidcProviderArn(config.oidc, '000000000000') : undefined,
  };
}

/** The statements a permission policy holds, in the order the split fills policies with their ARNs. */
export const STATEMENT_KINDS = ['bucket', 'object', 'versionedBucket', 'versionedObject', 'kms'] as const;
type StatementKind = (typeof STATEMENT_KINDS)[number];

/** One resource ARN of the permission policy and the statement it belongs to. */
interface PolicyEntry {
  readonly kind: StatementKind;
  readonly arn: string;
}

function statementOf(config: ResolvedConfig, kind: StatementKind, resources: readonly string[]): PolicyStatement {
  switch (kind) {
    case 'bucket': case 'versionedBucket':
      return new PolicyStatement({ sid: kind === 'bucket' ? SID.bucketAccess : SID.versionedBucketAccess, actions: icaBucketActions(kind === 'versionedBucket'), resources });
    case 'object': case 'versionedObject':
      return objectStatement(config, kind === 'versionedObject', resources);
    case 'kms':
      return new PolicyStatement({ sid: SID.kmsAccess, actions: [...KMS_USE_ACTIONS], resources });
  }
}

/**
 * Every resource ARN of the permission policy, in split order: per variant the bucket ARNs, then
 * the prefix ARNs (each sorted), then the keys: the ones given by ARN (sorted, once each), then the created ones
 * in bucket-name order, which the generated module can order before their ARNs are known.
 */
function policyEntries(config: ResolvedConfig, refs: PolicyRefs): PolicyEntry[] {
  const byName = [...config.buckets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const given = [...new Set(byName.flatMap((bucket) => (bucket.encryption.type === 'SSE-KMS' && bucket.encryption.kmsKeyArn ? [bucket.encryption.kmsKeyArn] : [])))].sort();
  const created = byName.filter((bucket) => bucket.encryption.type === 'SSE-KMS' && !bucket.encryption.kmsKeyArn).map((bucket) => refs.kmsKeyArn(bucket) as string);
  const arns: Record<StatementKind, string[]> = {
    bucket: [...new Set(config.buckets.filter((bucket) => !isVersioned(bucket)).map((bucket) => bucketArn(bucket.name)))].sort(),
    versionedBucket: [...new Set(config.buckets.filter(isVersioned).map((bucket) => bucketArn(bucket.name)))].sort(),
    object: objectArns(config, false),
    versionedObject: objectArns(config, true),
    kms: [...given, ...created],
  };
  return STATEMENT_KINDS.flatMap((kind) => arns[kind].map((arn) => ({ kind, arn })));
}

/** The document of one group of entries; the first also holds sts:GetFederationToken. */
function documentOf(config: ResolvedConfig, entries: readonly PolicyEntry[], first: boolean): PolicyDocument {
  const statements = STATEMENT_KINDS
    .filter((kind) => entries.some((entry) => entry.kind === kind))
    .map((kind) => statementOf(config, kind, entries.filter((entry) => entry.kind === kind).map((entry) => entry.arn)));
  return new PolicyDocument(first ? [...statements, federationStatement()] : statements);
}

/**
 * Which policy of a split each entry goes to. The room of a policy is IAM's limit less the skeleton
 * of every statement the config has (one empty ARN each) and the federation statement; the ARNs are
 * dealt out in order by their running total (each with its quotes and comma), and a policy takes
 * one longest ARN less than its room, so an ARN that straddles a boundary still fits the next one.
 * Plain arithmetic, so the generated module computes the same.
 */
function splitIndexes(config: ResolvedConfig, entries: readonly PolicyEntry[]): number[] {
  const kinds = STATEMENT_KINDS.filter((kind) => entries.some((entry) => entry.kind === kind));
  const skeleton = documentOf(config, kinds.map((kind) => ({ kind, arn: '' })), true).sizeForQuota();
  const costs = entries.map((entry) => entry.arn.length + 3);
  const room = Math.max(1, AWS_QUOTAS.managedPolicyChars.value - skeleton - Math.max(...costs));
  let end = 0;
  return costs.map((cost) => {
    end += cost;
    return Math.floor((end - 1) / room);
  });
}

/**
 * The permission policy as the managed policies IAM accepts, the first named `policyName`, the
 * others `<policyName>-2`, `-3`, ... One document when it fits IAM's 6,144 characters (measured
 * with key ARNs as long as the real ones, so what fits at validate fits at apply); otherwise its
 * ARNs are dealt out in order (`splitIndexes`). The generated module splits the same way.
 */
export function permissionPolicies(config: ResolvedConfig, refs: PolicyRefs): PolicyDocument[] {
  const sizing = sizingRefs(config);
  if (permissionPolicy(config, sizing).sizeForQuota() <= AWS_QUOTAS.managedPolicyChars.value) return [permissionPolicy(config, refs)];
  const indexes = splitIndexes(config, policyEntries(config, sizing));
  const entries = policyEntries(config, refs);
  return Array.from({ length: indexes[indexes.length - 1] + 1 }, (_, policy) =>
    documentOf(config, entries.filter((_entry, index) => indexes[index] === policy), policy === 0));
}

/** The name of the n-th managed permission policy (0-based). */
export function permissionPolicyName(config: ResolvedConfig, index: number): string {
  return index === 0 ? config.policyName : `${config.policyName}-${index + 1}`;
}

/**
 * The role's trust policy, built from the role page's words: ICA's OIDC provider may assume the
 * role for ICA's service account, with audience sts.amazonaws.com and a session name that starts
 * with the prefix ICA generated.
 */
export function trustPolicy(oidc: ResolvedOidc, providerArn: string, sessionNamePrefix: string): PolicyDocument {
  return new PolicyDocument([new PolicyStatement({
    sid: SID.trust,
    principals: { Federated: [providerArn] },
    actions: ['sts:AssumeRoleWithWebIdentity'],
    conditions: {
      StringEquals: { [`${oidc.issuer}:aud`]: [OIDC_AUDIENCE] },
      StringLike: {
        [`${oidc.issuer}:sub`]: [`system:serviceaccount:${oidc.namespace}:irsa-${oidc.namespace}-gds*`],
        'sts:RoleSessionName': [`${sessionNamePrefix}-*`],
      },
    },
  })]);
}

/** True when the restrictToIca Deny exempts the principal running Terraform (read at plan time). */
export function exemptsDeployer(config: ResolvedConfig): boolean {
  return config.bucketPolicy.restrictToIca && config.bucketPolicy.exemptDeployer;
}

/** True when the config asks for a bucket policy. */
export function wantsBucketPolicy(config: ResolvedConfig): boolean {
  return config.bucketPolicy.restrictToIca || config.bucketPolicy.crossAccountCopy;
}

/**
 * The statements this tool owns in a bucket's policy: the seeds' "restrict to ICA" Deny and the
 * cross-account copy/move Allow. The Deny exempts the cross-account role when both are on: the
 * seeds' two documents pasted together would deny Illumina's copy jobs.
 */
export function bucketPolicyStatements(config: ResolvedConfig, bucket: ResolvedBucket, refs: PolicyRefs): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const { restrictToIca, crossAccountCopy, exemptPrincipalArns } = config.bucketPolicy;
  if (restrictToIca) {
    statements.push(new PolicyStatement({
      sid: SID.restrictToIca,
      effect: 'Deny',
      principals: { AWS: ['*'] },
      actions: [...RESTRICTED_OBJECT_ACTIONS, ...(config.objectTagging ? [...OBJECT_TAGGING_ACTIONS, ...OBJECT_VERSION_TAGGING_ACTIONS] : [])],
      resources: [`${bucketArn(bucket.name)}/*`],
      conditions: {
        ArnNotLike: {
          'aws:PrincipalArn': [
            refs.icaPrincipalArn,
            `arn:aws:sts::${refs.accountId}:federated-user/*`,
            ...exemptPrincipalArns,
            ...(crossAccountCopy ? [config.crossAccountRoleArn] : []),
            // Else, on AWS, Terraform's own put and delete of the folder objects gets 403 once the policy is in place.
            ...(exemptsDeployer(config) && refs.deployerArn ? [refs.deployerArn] : []),
          ],
        },
      },
    }));
  }
  if (crossAccountCopy) {
    statements.push(new PolicyStatement({
      sid: SID.crossAccountCopy,
      principals: { AWS: [config.crossAccountRoleArn] },
      actions: crossAccountActions(isVersioned(bucket), config.objectTagging),
      resources: [bucketArn(bucket.name), `${bucketArn(bucket.name)}/*`],
    }));
  }
  return statements;
}

export function bucketPolicy(config: ResolvedConfig, bucket: ResolvedBucket, refs: PolicyRefs): PolicyDocument | undefined {
  const statements = bucketPolicyStatements(config, bucket, refs);
  return statements.length > 0 ? new PolicyDocument(statements) : undefined;
}

/**
 * The policy of a KMS key this tool creates: the account root administers it (so nobody is
 * locked out and IAM policies can grant use), ICA uses it, and Illumina's cross-account role
 * uses it when cross-account copy is on (SSE-KMS page, "KMS Policy").
 */
export function kmsKeyPolicy(config: ResolvedConfig, refs: PolicyRefs): PolicyDocument {
  return new PolicyDocument([
    new PolicyStatement({
      sid: SID.keyAdministration,
      principals: { AWS: [`arn:aws:iam::${refs.accountId}:root`] },
      actions: ['kms:*'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: SID.keyUse,
      principals: { AWS: [refs.icaPrincipalArn] },
      actions: [...KMS_USE_ACTIONS],
      resources: ['*'],
    }),
    ...(config.bucketPolicy.crossAccountCopy
      ? [new PolicyStatement({
        sid: SID.keyCrossAccount,
        principals: { AWS: [config.crossAccountRoleArn] },
        actions: [...KMS_CROSS_ACCOUNT_ACTIONS],
        resources: ['*'],
      })]
      : []),
  ]);
}

/** One CORS rule as S3's console and API spell it. */
export interface CorsRule {
  readonly AllowedHeaders: string[];
  readonly AllowedMethods: string[];
  readonly AllowedOrigins: string[];
  readonly ExposeHeaders: string[];
}

/** The seeds' CORS rule, with the given origins. */
export function icaCorsRule(allowedOrigins: readonly string[]): CorsRule {
  return {
    AllowedHeaders: ['*'],
    AllowedMethods: [...CORS_ALLOWED_METHODS],
    AllowedOrigins: [...allowedOrigins],
    ExposeHeaders: [...CORS_EXPOSE_HEADERS],
  };
}

/** The KMS alias of the key this tool creates for a bucket (alias names cannot hold dots). */
export function kmsAliasName(config: ResolvedConfig, bucket: ResolvedBucket): string {
  return formatName(NAME_FORMATS.kmsAlias, config.name, bucket.name.replace(/\./g, '_'));
}

/** What ICA's "create storage configuration" form needs for one prefix (ICA API field names). */
export interface StorageConfigurationValues {
  /** The storage configuration's name in ICA (3 to 63 characters, see ica-names.ts). */
  readonly name: string;
  readonly bucketName: string;
  readonly keyPrefix: string;
  /** The AWS region the bucket lives in (the ICA region's). */
  readonly region: string;
  readonly icaRegion: string;
  /** `AWS_ROLE` or `AWS_USER`, the storage credential type. */
  readonly credentialType: 'AWS_ROLE' | 'AWS_USER';
  /** Role ARN (role method) or access key id (user method). */
  readonly credential: string;
  readonly serverSideEncryptionAlgorithm: 'AES256' | 'aws:kms';
  readonly serverSideEncryptionKey?: string;
}

export function storageConfigurations(
  config: ResolvedConfig,
  refs: PolicyRefs & { readonly credential: string },
): StorageConfigurationValues[] {
  return config.buckets.flatMap((bucket) => bucket.prefixes.map((prefix) => {
    const keyArn = refs.kmsKeyArn(bucket);
    return {
      name: storageConfigurationName(bucket.name, prefix),
      bucketName: bucket.name,
      keyPrefix: prefix,
      region: config.region.awsRegion,
      icaRegion: config.region.code,
      credentialType: config.credential.method === 'role' ? 'AWS_ROLE' as const : 'AWS_USER' as const,
      credential: refs.credential,
      serverSideEncryptionAlgorithm: keyArn ? 'aws:kms' as const : 'AES256' as const,
      ...(keyArn ? { serverSideEncryptionKey: keyArn } : {}),
    };
  }));
}
