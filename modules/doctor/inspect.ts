/**
 * Reads, with read-only calls, everything the checks need from one AWS account: the buckets,
 * their keys, the ICA user or role with its policies, and the OIDC provider. Each value is a
 * `Fact`: read, known to be absent, or unreadable (with the error), so the checks stay pure
 * functions of these facts and can be unit-tested without AWS.
 */
import {
  GetGroupPolicyCommand, GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand,
  GetRolePolicyCommand, GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand, ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand, ListGroupsForUserCommand, ListOpenIDConnectProvidersCommand, ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, ListGrantsCommand } from '@aws-sdk/client-kms';
import {
  CORSRule, GetBucketCorsCommand, GetBucketEncryptionCommand, GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command,
  NotificationConfigurationFilter, S3Client,
} from '@aws-sdk/client-s3';
import { ResolvedConfig } from '../core/validate';
import type { Caller } from './caller';
import { DoctorClients, EndpointUnreachable } from './clients';
import { Fact, absent, ok, unreadable } from './types';

export type Versioning = 'Enabled' | 'Suspended' | 'Disabled';

export interface NotificationEntry {
  readonly id?: string;
  readonly kind: 'SQS queue' | 'SNS topic' | 'Lambda function';
  readonly target: string;
  readonly events: readonly string[];
  /** The prefix filter, "" when there is none (the whole bucket). */
  readonly prefix: string;
  readonly suffix: string;
}

export interface NotificationFacts {
  readonly entries: readonly NotificationEntry[];
  /** Amazon EventBridge delivery is on (it has no filters and never conflicts with ICA's notifications). */
  readonly eventBridge: boolean;
}

export interface EncryptionFacts {
  /** AES256, aws:kms or aws:kms:dsse. */
  readonly algorithm: string;
  /** The key as the bucket names it (id, key ARN or alias); undefined for AES256 or the AWS managed aws/s3 key. */
  readonly kmsKeyId?: string;
  readonly bucketKeyEnabled?: boolean;
}

/** The alias of the AWS managed key S3 uses when a bucket names no key. */
const AWS_S3_KEY_ALIAS = 'alias/aws/s3';

/**
 * True when the bucket's default encryption uses the AWS managed key aws/s3, whose key policy no
 * one can change: named by no key, by its alias (or alias ARN), or by an id or ARN that
 * kms:DescribeKey says AWS manages.
 */
export function usesAwsManagedKey(facts: Pick<BucketFacts, 'encryption' | 'key'>): boolean {
  if (facts.encryption.state !== 'ok' || !facts.encryption.value.algorithm.startsWith('aws:kms')) return false;
  const { kmsKeyId } = facts.encryption.value;
  if (!kmsKeyId || kmsKeyId === AWS_S3_KEY_ALIAS || kmsKeyId.endsWith(`:${AWS_S3_KEY_ALIAS}`)) return true;
  return facts.key?.metadata.state === 'ok' && facts.key.metadata.value.manager === 'AWS';
}

export interface PublicAccessFacts {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

export interface KeyMetadataFacts {
  readonly arn: string;
  readonly region: string;
  readonly state: string;
  /** CUSTOMER or AWS (an AWS managed key such as aws/s3). */
  readonly manager: string;
  /** When a key pending deletion is deleted (ISO 8601). */
  readonly deletionDate?: string;
}

export interface GrantFacts {
  readonly grantee: string;
  readonly operations: readonly string[];
}

export interface KeyFacts {
  /** The key as the bucket's encryption names it. */
  readonly keyId: string;
  readonly metadata: Fact<KeyMetadataFacts>;
  readonly policy: Fact<string>;
  readonly grants: Fact<readonly GrantFacts[]>;
}

export interface ObjectEncryptionFacts {
  /** AES256, aws:kms or aws:kms:dsse: S3 encrypts every object. */
  readonly algorithm: string;
  /** The key ARN of an SSE-KMS object. */
  readonly kmsKeyId?: string;
  /** That key, described (once per key and run). */
  readonly key?: Fact<KeyMetadataFacts>;
}

export interface ObjectSample {
  readonly key: string;
  readonly encryption: Fact<ObjectEncryptionFacts>;
}

/** How many objects the doctor looks at per prefix: enough to meet an old key, few enough to stay fast. */
export const OBJECTS_PER_PREFIX = 5;

export interface BucketFacts {
  readonly name: string;
  /** ok when HeadBucket succeeds; absent for 404; error otherwise (403: exists but not ours or not readable). */
  readonly exists: Fact<true>;
  /** The AWS region the bucket lives in. */
  readonly region: Fact<string>;
  readonly notifications: Fact<NotificationFacts>;
  readonly cors: Fact<readonly CORSRule[]>;
  readonly versioning: Fact<Versioning>;
  readonly encryption: Fact<EncryptionFacts>;
  readonly ownership: Fact<string>;
  readonly publicAccess: Fact<PublicAccessFacts>;
  /** The bucket policy JSON. */
  readonly policy: Fact<string>;
  /** The bucket's default encryption key, when it uses a customer key. */
  readonly key?: KeyFacts;
  /** A few objects of each prefix, by prefix; only the doctor reads them, not adopt. */
  readonly objects?: ReadonlyMap<string, Fact<readonly ObjectSample[]>>;
}

export interface PolicySource {
  /** Policy name (managed or inline). */
  readonly name: string;
  /** Where it comes from: "managed policy <arn>", "inline policy", "group <name>". */
  readonly via: string;
  readonly document: string;
  readonly arn?: string;
}

export interface PrincipalEntity {
  readonly arn: string;
  /** Roles only. */
  readonly maxSessionDuration?: number;
  /** Roles only, decoded JSON. */
  readonly trustPolicy?: string;
  /** The permissions boundary's document, when one is set. */
  readonly boundary?: PolicySource;
}

export interface AccessKeyFacts {
  readonly id: string;
  readonly status: string;
}

export interface PrincipalFacts {
  readonly method: 'role' | 'user';
  readonly name: string;
  readonly entity: Fact<PrincipalEntity>;
  /** Every identity policy that applies: attached managed, inline, and (users) their groups'. */
  readonly policies: Fact<readonly PolicySource[]>;
  /** Users only. */
  readonly accessKeys?: Fact<readonly AccessKeyFacts[]>;
}

export interface OidcProviderFacts {
  readonly arn: string;
  /** As IAM returns it: real AWS and moto both drop the https:// scheme. */
  readonly url: string;
  readonly clientIds: readonly string[];
}

export interface OidcFacts {
  /** The provider for the configured issuer: absent when the account has none for that URL. */
  readonly provider: Fact<OidcProviderFacts>;
  /** ARNs of every OIDC provider in the account, to name a near miss (same region, other id). */
  readonly allProviderArns: readonly string[];
}

export interface DoctorFacts {
  readonly accountId: string;
  readonly callerArn?: string;
  readonly buckets: readonly BucketFacts[];
  readonly principal: PrincipalFacts;
  /** Role method only. */
  readonly oidc?: OidcFacts;
}

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function errorText(error: unknown): string {
  if (error instanceof EndpointUnreachable) return error.message;
  const e = error as AwsError;
  const name = e?.name ?? e?.Code ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const raw = e?.message && e.message !== name && !/^UnknownError$/.test(e.message) ? e.message.split('\n')[0] : '';
  // An HTML error page (an emulator's "not implemented") makes the SDK report an XML parse error.
  const message = raw === '' ? '' : /XML parse error|Deserialization error/i.test(raw) ? ': the answer was not an AWS response' : `: ${raw}`;
  return `${name}${status ? ` (HTTP ${status})` : ''}${message}`;
}

/** Runs a read; the error names listed mean "there is none" (absent), anything else is unreadable. */
export async function read<T>(call: () => Promise<T>, absentNames: readonly string[] = []): Promise<Fact<T>> {
  try {
    return ok(await call());
  } catch (error) {
    const name = (error as AwsError).name ?? (error as AwsError).Code ?? '';
    if (absentNames.includes(name)) return absent(name);
    return unreadable(errorText(error));
  }
}

/** S3 returns no LocationConstraint for us-east-1 and "EU" for the oldest eu-west-1 buckets. */
export function bucketRegionFromLocation(location: string | undefined | null): string {
  if (!location) return 'us-east-1';
  return location === 'EU' ? 'eu-west-1' : location;
}

function filterValue(filter: NotificationConfigurationFilter | undefined, name: 'prefix' | 'suffix'): string {
  return filter?.Key?.FilterRules?.find((rule) => (rule.Name ?? '').toLowerCase() === name)?.Value ?? '';
}

const arnRegion = (arn: string) => /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(arn)?.[1];

/** kms:DescribeKey of a key (id, ARN or alias), in the region its ARN names, else the given one. */
async function describeKey(clients: DoctorClients, keyId: string, region: string): Promise<Fact<KeyMetadataFacts>> {
  return read(async () => {
    const { KeyMetadata } = await clients.kms(arnRegion(keyId) ?? region).send(new DescribeKeyCommand({ KeyId: keyId }));
    const arn = KeyMetadata?.Arn ?? keyId;
    return {
      arn,
      region: arnRegion(arn) ?? arnRegion(keyId) ?? region,
      state: KeyMetadata?.KeyState ?? (KeyMetadata?.Enabled ? 'Enabled' : 'unknown'),
      manager: KeyMetadata?.KeyManager ?? 'CUSTOMER',
      ...(KeyMetadata?.DeletionDate ? { deletionDate: KeyMetadata.DeletionDate.toISOString() } : {}),
    };
  }, ['NotFoundException']);
}

/** Describes each key once per run: many objects, and the bucket itself, name the same key. */
export type KeyDescriber = (keyId: string, region: string) => Promise<Fact<KeyMetadataFacts>>;

function cachedKeyDescriber(clients: DoctorClients): KeyDescriber {
  const described = new Map<string, Promise<Fact<KeyMetadataFacts>>>();
  return (keyId, region) => {
    let fact = described.get(keyId);
    if (!fact) {
      fact = describeKey(clients, keyId, region);
      described.set(keyId, fact);
    }
    return fact;
  };
}

async function inspectKey(clients: DoctorClients, describe: KeyDescriber, keyId: string, bucketRegion: string): Promise<KeyFacts> {
  const kms = clients.kms(arnRegion(keyId) ?? bucketRegion);
  const metadata = await describe(keyId, bucketRegion);
  const keyArn = metadata.state === 'ok' ? metadata.value.arn : keyId;
  const policy = metadata.state === 'ok'
    ? await read(async () => (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy ?? '{}')
    : absent<string>('the key could not be described');
  const grants = metadata.state === 'ok'
    ? await read(async () => {
      const all: GrantFacts[] = [];
      let marker: string | undefined;
      do {
        const page = await kms.send(new ListGrantsCommand({ KeyId: keyArn, Marker: marker }));
        for (const grant of page.Grants ?? []) all.push({ grantee: grant.GranteePrincipal ?? '', operations: grant.Operations ?? [] });
        marker = page.Truncated ? page.NextMarker : undefined;
      } while (marker);
      return all;
    })
    : absent<readonly GrantFacts[]>('the key could not be described');
  return { keyId, metadata, policy, grants };
}

/** How one object is encrypted, and its key described. HeadObject reads metadata only: no kms:Decrypt. */
async function inspectObject(s3: S3Client, describe: KeyDescriber, bucket: string, key: string, bucketRegion: string): Promise<ObjectSample> {
  const encryption = await read(async (): Promise<ObjectEncryptionFacts> => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const kmsKeyId = head.SSEKMSKeyId;
    return {
      algorithm: head.ServerSideEncryption ?? 'AES256',
      ...(kmsKeyId ? { kmsKeyId, key: await describe(kmsKeyId, bucketRegion) } : {}),
    };
  });
  return { key, encryption };
}

/** A few objects under a prefix (the first keys S3 lists, not the folder object itself). */
async function sampleObjects(s3: S3Client, describe: KeyDescriber, bucket: string, prefix: string, bucketRegion: string): Promise<Fact<readonly ObjectSample[]>> {
  const listed = await read(async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: OBJECTS_PER_PREFIX + 1 }))).Contents ?? [])
      .map((object) => object.Key ?? '')
      .filter((key) => key !== '' && key !== prefix)
      .slice(0, OBJECTS_PER_PREFIX));
  if (listed.state !== 'ok') return listed;
  const samples: ObjectSample[] = [];
  for (const key of listed.value) samples.push(await inspectObject(s3, describe, bucket, key, bucketRegion));
  return ok(samples);
}

/**
 * Everything about one bucket; with prefixes, also a few objects of each (the doctor's
 * prefix.object-keys check). `describe` shares DescribeKey answers across buckets.
 */
export async function inspectBucket(clients: DoctorClients, name: string, prefixes: readonly string[] = [], describe = cachedKeyDescriber(clients)): Promise<BucketFacts> {
  const s3 = clients.s3();
  const exists = await read(async () => { await s3.send(new HeadBucketCommand({ Bucket: name })); return true as const; }, ['NotFound', 'NoSuchBucket']);
  const missing = <T>(): Fact<T> => absent(exists.state === 'absent' ? 'NoSuchBucket' : 'the bucket is not reachable');
  if (exists.state !== 'ok') {
    return {
      name, exists, region: missing(), notifications: missing(), cors: missing(), versioning: missing(), encryption: missing(),
      ownership: missing(), publicAccess: missing(), policy: missing(),
    };
  }
  const region = await read(async () => bucketRegionFromLocation((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint));
  const notifications = await read(async (): Promise<NotificationFacts> => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: name }));
    const entries: NotificationEntry[] = [
      ...(config.QueueConfigurations ?? []).map((c) => ({ id: c.Id, kind: 'SQS queue' as const, target: c.QueueArn ?? '', events: c.Events ?? [], prefix: filterValue(c.Filter, 'prefix'), suffix: filterValue(c.Filter, 'suffix') })),
      ...(config.TopicConfigurations ?? []).map((c) => ({ id: c.Id, kind: 'SNS topic' as const, target: c.TopicArn ?? '', events: c.Events ?? [], prefix: filterValue(c.Filter, 'prefix'), suffix: filterValue(c.Filter, 'suffix') })),
      ...(config.LambdaFunctionConfigurations ?? []).map((c) => ({ id: c.Id, kind: 'Lambda function' as const, target: c.LambdaFunctionArn ?? '', events: c.Events ?? [], prefix: filterValue(c.Filter, 'prefix'), suffix: filterValue(c.Filter, 'suffix') })),
    ];
    return { entries, eventBridge: config.EventBridgeConfiguration !== undefined };
  });
  const cors = await read(async () => (await s3.send(new GetBucketCorsCommand({ Bucket: name }))).CORSRules ?? [], ['NoSuchCORSConfiguration']);
  const versioning = await read(async (): Promise<Versioning> => {
    const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status;
    return status === 'Enabled' || status === 'Suspended' ? status : 'Disabled';
  });
  const encryption = await read(async (): Promise<EncryptionFacts> => {
    const rules = (await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules ?? [];
    const rule = rules[0];
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    return {
      algorithm: byDefault?.SSEAlgorithm ?? 'AES256',
      ...(byDefault?.KMSMasterKeyID ? { kmsKeyId: byDefault.KMSMasterKeyID } : {}),
      ...(rule?.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: rule.BucketKeyEnabled } : {}),
    };
  }, ['ServerSideEncryptionConfigurationNotFoundError']);
  const ownership = await read(async () =>
    (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: name }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'ObjectWriter',
  ['OwnershipControlsNotFoundError']);
  const publicAccess = await read(async (): Promise<PublicAccessFacts> => {
    const block = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration ?? {};
    return {
      BlockPublicAcls: block.BlockPublicAcls === true,
      IgnorePublicAcls: block.IgnorePublicAcls === true,
      BlockPublicPolicy: block.BlockPublicPolicy === true,
      RestrictPublicBuckets: block.RestrictPublicBuckets === true,
    };
  }, ['NoSuchPublicAccessBlockConfiguration']);
  const policy = await read(async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy ?? '{}', ['NoSuchBucketPolicy']);
  const bucketRegion = region.state === 'ok' ? region.value : clients.options.region;
  const key = encryption.state === 'ok' && encryption.value.kmsKeyId
    ? await inspectKey(clients, describe, encryption.value.kmsKeyId, bucketRegion)
    : undefined;
  const objects = new Map<string, Fact<readonly ObjectSample[]>>();
  for (const prefix of prefixes) objects.set(prefix, await sampleObjects(s3, describe, name, prefix, bucketRegion));
  return {
    name, exists, region, notifications, cors, versioning, encryption, ownership, publicAccess, policy,
    ...(key ? { key } : {}), ...(prefixes.length > 0 ? { objects } : {}),
  };
}

async function managedPolicy(iam: IAMClient, arn: string, via: string): Promise<PolicySource> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId }));
  return { name: Policy?.PolicyName ?? arn, via, arn, document: decodeURIComponent(PolicyVersion?.Document ?? '{}') };
}

type Page<T> = { items: T[]; marker?: string };
async function paginate<T>(fetchPage: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    all.push(...page.items);
    marker = page.marker;
  } while (marker);
  return all;
}

async function rolePolicies(iam: IAMClient, roleName: string): Promise<PolicySource[]> {
  const attached = await paginate(async (Marker) => {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  const inline = await paginate(async (Marker) => {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  const sources: PolicySource[] = [];
  for (const policy of attached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `managed policy ${policy.PolicyArn}`));
  for (const policyName of inline) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    sources.push({ name: policyName, via: 'inline policy', document: decodeURIComponent(PolicyDocument ?? '{}') });
  }
  return sources;
}

async function userPolicies(iam: IAMClient, userName: string): Promise<PolicySource[]> {
  const sources: PolicySource[] = [];
  const attached = await paginate(async (Marker) => {
    const page = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const policy of attached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `managed policy ${policy.PolicyArn}`));
  const inline = await paginate(async (Marker) => {
    const page = await iam.send(new ListUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const policyName of inline) {
    const { PolicyDocument } = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName }));
    sources.push({ name: policyName, via: 'inline policy', document: decodeURIComponent(PolicyDocument ?? '{}') });
  }
  const groups = await paginate(async (Marker) => {
    const page = await iam.send(new ListGroupsForUserCommand({ UserName: userName, Marker }));
    return { items: page.Groups ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const group of groups) {
    const groupName = group.GroupName ?? '';
    const groupAttached = await paginate(async (Marker) => {
      const page = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker }));
      return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
    });
    for (const policy of groupAttached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `group ${groupName}, managed policy ${policy.PolicyArn}`));
    const groupInline = await paginate(async (Marker) => {
      const page = await iam.send(new ListGroupPoliciesCommand({ GroupName: groupName, Marker }));
      return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
    });
    for (const policyName of groupInline) {
      const { PolicyDocument } = await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName }));
      sources.push({ name: policyName, via: `group ${groupName}, inline policy`, document: decodeURIComponent(PolicyDocument ?? '{}') });
    }
  }
  return sources;
}

export async function inspectPrincipal(clients: DoctorClients, config: ResolvedConfig): Promise<PrincipalFacts> {
  const iam = clients.iam;
  const credential = config.credential;
  if (credential.method === 'role') {
    const name = credential.roleName;
    const entity = await read(async (): Promise<PrincipalEntity> => {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
      const boundaryArn = Role?.PermissionsBoundary?.PermissionsBoundaryArn;
      return {
        arn: Role?.Arn ?? '',
        maxSessionDuration: Role?.MaxSessionDuration,
        // GetRole returns the trust policy URL-encoded (on AWS and moto alike).
        trustPolicy: decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}'),
        ...(boundaryArn ? { boundary: await managedPolicy(iam, boundaryArn, `permissions boundary ${boundaryArn}`) } : {}),
      };
    }, ['NoSuchEntity', 'NoSuchEntityException']);
    const policies = entity.state === 'ok' ? await read(() => rolePolicies(iam, name)) : absent<readonly PolicySource[]>('the role does not exist');
    return { method: 'role', name, entity, policies };
  }
  const name = credential.userName;
  const entity = await read(async (): Promise<PrincipalEntity> => {
    const { User } = await iam.send(new GetUserCommand({ UserName: name }));
    const boundaryArn = User?.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      arn: User?.Arn ?? '',
      ...(boundaryArn ? { boundary: await managedPolicy(iam, boundaryArn, `permissions boundary ${boundaryArn}`) } : {}),
    };
  }, ['NoSuchEntity', 'NoSuchEntityException']);
  const exists = entity.state === 'ok';
  const policies = exists ? await read(() => userPolicies(iam, name)) : absent<readonly PolicySource[]>('the user does not exist');
  const accessKeys = exists
    ? await read(async () => (await iam.send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata?.map((key) => ({ id: key.AccessKeyId ?? '', status: key.Status ?? 'Unknown' })) ?? [])
    : absent<readonly AccessKeyFacts[]>('the user does not exist');
  return { method: 'user', name, entity, policies, accessKeys };
}

export async function inspectOidc(clients: DoctorClients, issuer: string): Promise<OidcFacts> {
  const iam = clients.iam;
  const list = await read(async () => (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList?.map((p) => p.Arn ?? '') ?? []);
  if (list.state !== 'ok') return { provider: list.state === 'absent' ? list : unreadable(list.error), allProviderArns: [] };
  const wanted = list.value.find((arn) => arn.toLowerCase().endsWith(`:oidc-provider/${issuer.toLowerCase()}`));
  if (!wanted) return { provider: absent('no provider for this URL'), allProviderArns: list.value };
  const provider = await read(async (): Promise<OidcProviderFacts> => {
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: wanted }));
    return { arn: wanted, url: got.Url ?? '', clientIds: got.ClientIDList ?? [] };
  }, ['NoSuchEntity', 'NoSuchEntityException']);
  return { provider, allProviderArns: list.value };
}

/**
 * Everything the checks need, as `caller` (identifyCaller) reads it, one call after the other
 * (a few dozen calls, about a second).
 */
export async function inspect(
  clients: DoctorClients,
  config: ResolvedConfig,
  caller: Caller,
  progress: (step: string) => void = () => undefined,
): Promise<DoctorFacts> {
  const describe = cachedKeyDescriber(clients);
  const buckets: BucketFacts[] = [];
  for (const bucket of config.buckets) {
    progress(`bucket ${bucket.name}`);
    buckets.push(await inspectBucket(clients, bucket.name, bucket.prefixes, describe));
  }
  progress(`IAM ${config.credential.method} ${config.credential.method === 'role' ? config.credential.roleName : config.credential.userName}`);
  const principal = await inspectPrincipal(clients, config);
  let oidc: OidcFacts | undefined;
  if (config.oidc) {
    progress('IAM OIDC provider');
    oidc = await inspectOidc(clients, config.oidc.issuer);
  }
  return { accountId: caller.accountId, ...(caller.arn ? { callerArn: caller.arn } : {}), buckets, principal, ...(oidc ? { oidc } : {}) };
}
