/**
 * The IAM action sets of the seed pages, each defined once. Every renderer (CDKTF constructs,
 * Terraform generator, `policies` command, tests) imports them from here.
 */

/** Bucket-level actions of the permission policy, unversioned tab ("2 - Create Data Access Permission"). */
export const BUCKET_ACTIONS = [
  's3:PutBucketNotification',
  's3:ListBucket',
  's3:GetBucketNotification',
  's3:GetBucketLocation',
] as const;

/** Extra bucket-level actions of the "Versioned OR Suspended buckets" tab. */
export const BUCKET_VERSIONED_ACTIONS = [
  's3:ListBucketVersions',
  's3:GetBucketVersioning',
] as const;

/** Object actions inside the ICA prefix, unversioned tab. */
export const OBJECT_ACTIONS = [
  's3:PutObject',
  's3:GetObject',
  's3:RestoreObject',
  's3:DeleteObject',
] as const;

/** Extra object actions of the "Versioned OR Suspended buckets" tab. */
export const OBJECT_VERSIONED_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:GetObjectVersion',
] as const;

/** Tagging actions for copy/move with object tags ("Enable Copying Object Tags", SSE-KMS page tabs). */
export const OBJECT_TAGGING_ACTIONS = [
  's3:GetObjectTagging',
  's3:PutObjectTagging',
] as const;

/** Extra tagging actions of the SSE-KMS page's "Versioned or Suspended" tab. */
export const OBJECT_VERSION_TAGGING_ACTIONS = [
  's3:GetObjectVersionTagging',
  's3:PutObjectVersionTagging',
] as const;

/** KMS actions the ICA principal needs on the bucket key (SSE-KMS page, "Connect the S3-SSE-KMS to ICA"). */
export const KMS_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;

/** The federation call ICA makes to hand out upload/download credentials (all permission policy tabs). */
export const FEDERATION_ACTIONS = ['sts:GetFederationToken'] as const;

/**
 * Object actions the seeds' "restrict to ICA" bucket policy denies to everyone but ICA
 * ("5 - S3 Bucket Policy").
 */
export const RESTRICTED_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:GetObject',
  's3:RestoreObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:GetObjectVersion',
] as const;

/** Illumina's cross-account copy/move role, bucket policy ("7 - Enabling Cross Account Access"). */
export const CROSS_ACCOUNT_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:DeleteObject',
  's3:ListMultipartUploadParts',
  's3:AbortMultipartUpload',
  's3:GetObject',
] as const;

/**
 * Extra cross-account actions for versioned and suspended buckets. The role page's second tab
 * lost its JSON; these mirror the versioned permission policy's extra object actions.
 */
export const CROSS_ACCOUNT_VERSIONED_ACTIONS = OBJECT_VERSIONED_ACTIONS;

/** Illumina's cross-account role in the KMS key policy (SSE-KMS page, "KMS Policy"). */
export const KMS_CROSS_ACCOUNT_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
] as const;

/** The CORS methods of "1 - Configure Bucket CORS Permission". */
export const CORS_ALLOWED_METHODS = ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'] as const;
/** The CORS headers ICA's browser uploads read back ("1 - Configure Bucket CORS Permission"). */
export const CORS_EXPOSE_HEADERS = ['ETag', 'x-amz-meta-custom-header'] as const;
/** ICA's web origin, the default allowed origin of the CORS rule. */
export const ICA_ORIGIN = 'https://ica.illumina.com';
