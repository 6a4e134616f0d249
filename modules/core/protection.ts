/**
 * What keeps data safe when the config changes. A bucket that may hold data (forceDestroy false)
 * and the KMS key that encrypts it must never be removed as a side effect of a config edit: a
 * removed or renamed bucket used to lose its key (Terraform deleted the public access block,
 * encryption, CORS and alias and scheduled the key for deletion before the bucket's own delete
 * failed with BucketNotEmpty; the objects then became unreadable when the window ended).
 *
 * Both renderers add two `terraform_data` resources with `for_each` and `prevent_destroy`: one
 * instance per protected bucket and one per key this tool created for a protected bucket. The
 * resource blocks exist whatever the config holds, so an instance whose bucket left the config is
 * still checked: any plan that would destroy it (a removed or renamed bucket, forceDestroy switched
 * on, a created key replaced or dropped, `terraform destroy`) stops before changing anything,
 * naming the bucket. Releasing a bucket is one deliberate command: `terraform state rm` of its
 * protection instances (see `releaseCommands`).
 */
import { ResolvedBucket, ResolvedConfig } from './resolved-config';

/** The two protection resources: their Terraform names, the same in both renderers. */
export const PROTECTION_RESOURCES = {
  /** One instance per created bucket with forceDestroy false. */
  bucket: 'bucket_holds_data',
  /** One instance per KMS key this tool created for a bucket with forceDestroy false (adopted ones too). */
  kmsKey: 'kms_key_encrypts_data',
} as const;

/** The line the templates put on the resource header, which Terraform quotes in its prevent_destroy error. */
export const PROTECTION_HINT = 'may hold data: to release it on purpose, see "Removing a bucket on purpose" in this module\'s README.md';

/** A created bucket that may hold data: destroying it is refused until it is released. */
export function isProtectedBucket(bucket: ResolvedBucket): boolean {
  return !bucket.existing && !bucket.forceDestroy;
}

/** This tool created the bucket's KMS key (SSE-KMS without kmsKeyArn). */
export function hasCreatedKey(bucket: ResolvedBucket): boolean {
  return bucket.encryption.type === 'SSE-KMS' && bucket.encryption.kmsKeyArn === undefined;
}

/** A created key of a bucket that may hold data (adopted buckets hold data by definition). */
export function isProtectedKey(bucket: ResolvedBucket): boolean {
  return hasCreatedKey(bucket) && !bucket.forceDestroy;
}

export function protectedBuckets(config: ResolvedConfig): ResolvedBucket[] {
  return config.buckets.filter(isProtectedBucket);
}

export function protectedKeyBuckets(config: ResolvedConfig): ResolvedBucket[] {
  return config.buckets.filter(isProtectedKey);
}

/** The state addresses of one bucket's protection instances. */
export function protectionAddresses(bucketName: string, modulePrefix: string): string[] {
  return Object.values(PROTECTION_RESOURCES).map((resource) => `${modulePrefix}terraform_data.${resource}[${JSON.stringify(bucketName)}]`);
}

/**
 * The one command that releases a bucket: `terraform state rm` of its protection instances (the
 * key's is skipped when there is none). After it, a plan may delete the bucket (with forceDestroy,
 * its objects too) and its key. `modulePrefix` is the module's address in the root
 * ("module.ica_s3_connect." for the generated root, "" for the CDKTF stack).
 */
export function releaseCommand(bucketName: string, modulePrefix: string): string {
  return `terraform state rm ${protectionAddresses(bucketName, modulePrefix).map((address) => `'${address}'`).join(' ')}`;
}
