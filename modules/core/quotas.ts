/**
 * The limits of AWS that make an apply fail, as data: the value, where AWS documents it, and what
 * breaks when a config exceeds it. `validate` checks them and both renderers honour them, so an
 * emulator that accepts more (moto does) never hides a failure a real account would report.
 */

export interface Quota {
  readonly value: number;
  /** Where AWS documents the limit. */
  readonly source: string;
  /** What fails when a config goes over it. */
  readonly breaks: string;
}

export const AWS_QUOTAS = {
  managedPolicyChars: {
    value: 6144,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    breaks: 'CreatePolicy fails (LimitExceeded: "Cannot exceed quota for PolicySize: 6144"); whitespace is not counted',
  },
  managedPoliciesPerPrincipal: {
    value: 10,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    breaks: 'AttachRolePolicy / AttachUserPolicy fails (LimitExceeded); an account can raise it to 20 (maxManagedPolicies)',
  },
  managedPoliciesPerPrincipalRaised: {
    value: 20,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    breaks: 'the most Service Quotas grants for managed policies per role or user',
  },
  trustPolicyChars: {
    value: 2048,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    breaks: 'CreateRole fails (LimitExceeded: ACLSizePerRole); whitespace is not counted',
  },
  bucketPolicyBytes: {
    value: 20480,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html',
    breaks: 'PutBucketPolicy fails (PolicyTooLarge)',
  },
  keyPolicyBytes: {
    value: 32768,
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html',
    breaks: 'CreateKey / PutKeyPolicy fails (LimitExceededException)',
  },
  tagsPerResource: {
    value: 50,
    source: 'https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html',
    breaks: 'creating or tagging the resource fails (TooManyTags / InvalidTag)',
  },
  tagsPerS3Object: {
    value: 10,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html',
    breaks: 'PutObject fails ("Object tags cannot be greater than 10"); so the folder objects carry no tags',
  },
  corsRulesPerBucket: {
    value: 100,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html',
    breaks: 'PutBucketCors fails; ICA\'s rule is one of them',
  },
} as const satisfies Record<string, Quota>;
