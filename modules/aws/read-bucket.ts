/**
 * Reads one bucket (read-only): location, policy, CORS, versioning, encryption and its KMS key,
 * notifications, ownership, public access, and a few objects per prefix with their keys.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, ListGrantsCommand } from '@aws-sdk/client-kms';
import {
  GetBucketCorsCommand, GetBucketEncryptionCommand, GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command,
  NotificationConfigurationFilter, S3Client,
} from '@aws-sdk/client-s3';
import { AwsReadClients } from './clients';
import {
  BucketFacts, EncryptionFacts, GrantFacts, KeyFacts, KeyMetadataFacts, NotificationEntry, NotificationFacts, OBJECTS_PER_PREFIX,
  ObjectEncryptionFacts, ObjectSample, PublicAccessFacts, Versioning, bucketRegionFromLocation, read,
} from './facts';
import { Fact, absent, ok } from './fact';

function filterValue(filter: NotificationConfigurationFilter | undefined, name: 'prefix' | 'suffix'): string {
  return filter?.Key?.FilterRules?.find((rule) => (rule.Name ?? '').toLowerCase() === name)?.Value ?? '';
}

const arnRegion = (arn: string) => /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(arn)?.[1];

/** kms:DescribeKey of a key (id, ARN or alias), in the region its ARN names, else the given one. */
async function describeKey(clients: AwsReadClients, keyId: string, region: string): Promise<Fact<KeyMetadataFacts>> {
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

export function cachedKeyDescriber(clients: AwsReadClients): KeyDescriber {
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

async function inspectKey(clients: AwsReadClients, describe: KeyDescriber, keyId: string, bucketRegion: string): Promise<KeyFacts> {
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
export async function inspectBucket(clients: AwsReadClients, name: string, prefixes: readonly string[] = [], describe = cachedKeyDescriber(clients)): Promise<BucketFacts> {
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
    try {
      const rules = (await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules ?? [];
      const rule = rules[0];
      const byDefault = rule?.ApplyServerSideEncryptionByDefault;
      return {
        algorithm: byDefault?.SSEAlgorithm ?? 'AES256',
        ...(byDefault?.KMSMasterKeyID ? { kmsKeyId: byDefault.KMSMasterKeyID } : {}),
        ...(rule?.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: rule.BucketKeyEnabled } : {}),
      };
    } catch (error) {
      // S3 encrypts every object with SSE-S3 when a bucket names no default (older buckets and
      // emulators answer so): the doctor and adopt read that as the SSE-S3 it is.
      if ((error as { name?: string }).name === 'ServerSideEncryptionConfigurationNotFoundError') return { algorithm: 'AES256' };
      throw error;
    }
  });
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
