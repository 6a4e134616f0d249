/**
 * The facts the checks read from one AWS account: the buckets, their keys, the ICA user or role
 * with its policies, and the OIDC provider. Each value is a `Fact`: read, known to be absent, or
 * unreadable (with the error), so the checks stay pure functions of these facts and can be
 * unit-tested without AWS. inspect.ts reads them (read-bucket.ts, read-principal.ts).
 */
import { CORSRule } from '@aws-sdk/client-s3';
import { EndpointUnreachable } from './clients';
import { Fact, absent, ok, unreadable } from './fact';

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
