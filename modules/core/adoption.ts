/**
 * Adopting a bucket that already exists ("existing": true): what this tool may change on it, and
 * how `terraform destroy` gives back what was there before.
 *
 * A bucket policy and a CORS configuration are single documents per bucket, and Terraform's
 * aws_s3_bucket_policy / aws_s3_bucket_cors_configuration delete the whole document on destroy,
 * foreign statements and rules included. So both renderers add one `terraform_data` per adopted
 * bucket whose input records what is not ours (the other statements of the policy as read at the
 * last apply, the kept CORS rules) and whose destroy-time provisioner puts it back with the AWS
 * CLI after the documents are deleted. The same resource checks at create time that the AWS CLI
 * is there and signed in to the same account, so a runner without it fails at the first apply,
 * before anything is merged, not at destroy.
 */
import { ManageableSetting, KeptCorsRule } from './config-schema';
import { SID, wantsBucketPolicy } from './ica-policies';
import { ResolvedBucket, ResolvedConfig } from './resolved-config';

/** Statement ids this tool owns in a bucket policy; every other statement is someone else's and is kept. */
export const OWN_BUCKET_POLICY_SIDS: readonly string[] = [SID.restrictToIca, SID.crossAccountCopy];

export function manages(bucket: ResolvedBucket, setting: ManageableSetting): boolean {
  return bucket.manage.includes(setting);
}

/** True when the bucket's current policy is read at plan time and merged with ICA's statements. */
export function mergesLivePolicy(config: ResolvedConfig, bucket: ResolvedBucket): boolean {
  return bucket.existing && bucket.existingPolicy && wantsBucketPolicy(config);
}

/** True when the bucket is adopted and this tool writes a document on it that destroy would delete. */
export function needsRestoreOnDestroy(config: ResolvedConfig, bucket: ResolvedBucket): boolean {
  return bucket.existing && (wantsBucketPolicy(config) || manages(bucket, 'cors'));
}

/**
 * JSON with every object's keys sorted: the text Terraform's jsonencode writes, so the generated
 * module records byte for byte what the CDKTF stack records.
 */
function jsonWithSortedKeys(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item !== null && typeof item === 'object' && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : item));
}

/** The kept CORS rules as `put-bucket-cors` takes them, or "" when there are none to put back. */
export function keptCorsConfiguration(bucket: ResolvedBucket): string {
  return bucket.keepCorsRules.length > 0 ? jsonWithSortedKeys({ CORSRules: bucket.keepCorsRules }) : '';
}

/** A kept CORS rule in the aws provider's cors_rule block (snake_case attributes). */
export function keptCorsRuleArguments(rule: KeptCorsRule) {
  return {
    id: rule.ID,
    allowedMethods: rule.AllowedMethods,
    allowedOrigins: rule.AllowedOrigins,
    allowedHeaders: rule.AllowedHeaders,
    exposeHeaders: rule.ExposeHeaders,
    maxAgeSeconds: rule.MaxAgeSeconds,
  };
}

/**
 * The keys of the restore resource's input, and the environment variable each reaches the
 * provisioner's commands as. Destroy-time provisioners may only read `self`, so everything the
 * restore needs is in the input. The region is passed as --region: AWS CLI v1 ignores AWS_REGION,
 * and v2 would let a user's AWS_REGION win over AWS_DEFAULT_REGION.
 */
export const RESTORE_INPUT_ENVIRONMENT = {
  bucket: 'ICA_S3_BUCKET',
  region: 'ICA_S3_REGION',
  account_id: 'ICA_S3_ACCOUNT_ID',
  kept_policy: 'ICA_S3_KEPT_POLICY',
  kept_cors: 'ICA_S3_KEPT_CORS',
} as const;
export type RestoreInputKey = keyof typeof RESTORE_INPUT_ENVIRONMENT;

/** Create time: the AWS CLI is installed and signed in to the account Terraform deploys to. */
export const RESTORE_CHECK_COMMAND = [
  'command -v aws >/dev/null 2>&1 || { echo "ica-s3-connect: bucket $ICA_S3_BUCKET is adopted; destroy puts back what was on it with the AWS CLI, which is not installed here. Install it (https://aws.amazon.com/cli/) on the machine that runs Terraform." >&2; exit 1; }',
  'account=$(aws sts get-caller-identity --region "$ICA_S3_REGION" --query Account --output text) || { echo "ica-s3-connect: the AWS CLI cannot sign in; give it the credentials Terraform uses." >&2; exit 1; }',
  '[ "$account" = "$ICA_S3_ACCOUNT_ID" ] || { echo "ica-s3-connect: the AWS CLI uses account $account, Terraform deploys to $ICA_S3_ACCOUNT_ID; give it the same credentials." >&2; exit 1; }',
].join('\n');

/** Destroy time, after the policy and CORS documents are deleted: put back what was not ours. */
export const RESTORE_COMMAND = [
  'set -e',
  'if [ -n "$ICA_S3_KEPT_POLICY" ]; then aws s3api put-bucket-policy --region "$ICA_S3_REGION" --bucket "$ICA_S3_BUCKET" --policy "$ICA_S3_KEPT_POLICY"; fi',
  'if [ -n "$ICA_S3_KEPT_CORS" ]; then aws s3api put-bucket-cors --region "$ICA_S3_REGION" --bucket "$ICA_S3_BUCKET" --cors-configuration "$ICA_S3_KEPT_CORS"; fi',
].join('\n');
