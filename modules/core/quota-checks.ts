/**
 * The AWS quotas of modules/core/quotas.ts checked against a resolved config: an error where the
 * apply would certainly fail, a warning where it depends on a quota the account must have raised.
 * Documents are measured with values as long as the real ones (`sizingRefs`), so what passes here
 * fits at apply.
 */
import {
  bucketPolicy, kmsKeyPolicy, permissionPolicies, permissionPolicyName, sizingRefs, trustPolicy,
} from './policies';
import { PolicyDocument } from './policy';
import { AWS_QUOTAS, Quota } from './quotas';
import { IAM_NAME_MAX_LENGTH } from './rules';
import type { ConfigProblem, ResolvedConfig } from './validate';

/** The problem of one document over a size quota, or none. */
export function documentSizeProblem(document: PolicyDocument, quota: Quota, path: string, what: string, fix: string): ConfigProblem[] {
  const size = document.sizeForQuota();
  return size <= quota.value ? [] : [{ path, message: `${what} would be ${size} characters, over the ${quota.value} AWS allows (${quota.breaks})`, fix }];
}

function permissionPolicyProblems(config: ResolvedConfig): ConfigProblem[] {
  const documents = permissionPolicies(config, sizingRefs(config));
  // Each split-off policy fits by construction unless a single ARN cannot fit one.
  const problems = documents.flatMap((document, index) => documentSizeProblem(document, AWS_QUOTAS.managedPolicyChars, 'buckets',
    `the permission policy ${JSON.stringify(permissionPolicyName(config, index))}`, 'shorten the longest prefixes'));
  if (documents.length > config.maxManagedPolicies) {
    problems.push({
      path: 'buckets',
      message: `the permission policy needs ${documents.length} managed policies of at most ${AWS_QUOTAS.managedPolicyChars.value} characters, but the ${config.credential.method} takes ${config.maxManagedPolicies} (maxManagedPolicies)`,
      fix: `use fewer or shorter prefixes, or split the buckets over several configs; with a raised "Managed policies per ${config.credential.method}" quota (up to ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value}), set maxManagedPolicies to ${documents.length}`,
    });
  }
  const lastName = permissionPolicyName(config, documents.length - 1);
  if (lastName.length > IAM_NAME_MAX_LENGTH.policy) {
    problems.push({
      path: 'policyName',
      message: `the permission policy is split over ${documents.length} policies, and ${JSON.stringify(lastName)} is ${lastName.length} characters long`,
      fix: `shorten policyName to at most ${IAM_NAME_MAX_LENGTH.policy - (lastName.length - config.policyName.length)} characters`,
    });
  }
  return problems;
}

/** Every quota problem of the config; empty when an apply fits every quota. */
export function quotaProblems(config: ResolvedConfig): ConfigProblem[] {
  const refs = sizingRefs(config);
  const problems = permissionPolicyProblems(config);
  if (config.oidc && config.credential.method === 'role' && refs.oidcProviderArn) {
    problems.push(...documentSizeProblem(trustPolicy(config.oidc, refs.oidcProviderArn, config.credential.sessionNamePrefix), AWS_QUOTAS.trustPolicyChars,
      'credential', 'the role\'s trust policy', 'shorten sessionNamePrefix'));
  }
  config.buckets.forEach((bucket, index) => {
    const policy = bucketPolicy(config, bucket, refs);
    if (policy) {
      problems.push(...documentSizeProblem(policy, AWS_QUOTAS.bucketPolicyBytes, 'bucketPolicy.exemptPrincipalArns',
        `the bucket policy of buckets[${index}]`, 'exempt fewer principals: use wildcards such as arn:aws:iam::<account-id>:role/admins-*'));
    }
  });
  if (config.buckets.some((bucket) => bucket.encryption.type === 'SSE-KMS' && !bucket.encryption.kmsKeyArn)) {
    problems.push(...documentSizeProblem(kmsKeyPolicy(config, refs), AWS_QUOTAS.keyPolicyBytes, 'buckets', 'the KMS key policy', 'report this: the key policy has a fixed size'));
  }
  return problems;
}

/**
 * The plan-time message of a bucket policy over S3's limit: an adopted bucket's own statements are
 * read at plan, so only the renderers can measure the merged document.
 */
export function mergedBucketPolicySizeMessage(bucketName: string): string {
  const quota = AWS_QUOTAS.bucketPolicyBytes;
  return `bucket ${bucketName}: its policy, with the statements kept from the bucket's own, is over the ${quota.value} characters S3 allows (${quota.breaks}); merge or remove statements of the bucket's own policy, or exempt fewer principals.`;
}

/** Quotas the config counts on being raised. */
export function quotaWarnings(config: ResolvedConfig): string[] {
  const standard = AWS_QUOTAS.managedPoliciesPerPrincipal.value;
  return config.maxManagedPolicies > standard
    ? [`maxManagedPolicies: ${config.maxManagedPolicies} needs the account's "Managed policies per ${config.credential.method}" quota raised from ${standard} (Service Quotas); apply fails otherwise`]
    : [];
}
