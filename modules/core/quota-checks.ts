/**
 * The AWS quotas of modules/core/quotas.ts checked against a resolved config: an error where the
 * apply would certainly fail, a warning where it depends on a quota the account must have raised.
 * Documents are measured with values as long as the real ones (`sizingRefs`), so what passes here
 * fits at apply.
 */
import {
  bucketPolicy, kmsKeyPolicy, permissionPolicies, permissionPolicyName, sizingRefs, trustPolicy,
} from './ica-policies';
import { PolicyDocument } from './iam-policy';
import { AWS_QUOTAS, Quota } from './quotas';
import { IAM_NAME_MAX_LENGTH } from './rules';
import { RuleId, ruleProblem } from './rule-catalogue';
import type { ConfigProblem, ResolvedConfig } from './resolved-config';

/**
 * What the policy-count rule reports: the generated module renders it with `format` verbs
 * (`%d`, `%s`) for the values it knows only at plan.
 */
export function policyCountDetail(count: number | string, method: string, max: number | string): string {
  return `${count} policies of at most ${AWS_QUOTAS.managedPolicyChars.value} characters; the ${method} takes ${max}`;
}

/** The problem of one document over a size quota, or none. */
export function documentSizeProblem(document: PolicyDocument, quota: Quota, path: string, rule: RuleId, what: string): ConfigProblem[] {
  const size = document.sizeForQuota();
  return size <= quota.value ? [] : [{ path, ...ruleProblem(rule, undefined, `${what}: ${size} characters, over the ${quota.value} AWS allows; ${quota.breaks}`) }];
}

function permissionPolicyProblems(config: ResolvedConfig): ConfigProblem[] {
  const documents = permissionPolicies(config, sizingRefs(config));
  // Each split-off policy fits by construction unless a single ARN cannot fit one.
  const problems = documents.flatMap((document, index) => documentSizeProblem(document, AWS_QUOTAS.managedPolicyChars, 'buckets',
    'quota.permission-policy-size', `the permission policy ${JSON.stringify(permissionPolicyName(config, index))}`));
  if (documents.length > config.maxManagedPolicies) {
    problems.push({
      path: 'buckets',
      ...ruleProblem('quota.policy-count', undefined, policyCountDetail(documents.length, config.credential.method, config.maxManagedPolicies)),
    });
  }
  const lastName = permissionPolicyName(config, documents.length - 1);
  if (lastName.length > IAM_NAME_MAX_LENGTH.policy) {
    problems.push({
      path: 'policyName',
      ...ruleProblem('quota.split-policy-name', undefined,
        `${JSON.stringify(lastName)} is ${lastName.length} characters; give policyName at most ${IAM_NAME_MAX_LENGTH.policy - (lastName.length - config.policyName.length)}`),
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
      'credential', 'quota.trust-policy-size', 'the role\'s trust policy'));
  }
  config.buckets.forEach((bucket, index) => {
    const policy = bucketPolicy(config, bucket, refs);
    if (policy) {
      problems.push(...documentSizeProblem(policy, AWS_QUOTAS.bucketPolicyBytes, 'bucketPolicy.exemptPrincipalArns', 'quota.bucket-policy-size', `the bucket policy of buckets[${index}]`));
    }
  });
  if (config.buckets.some((bucket) => bucket.encryption.type === 'SSE-KMS' && !bucket.encryption.kmsKeyArn)) {
    problems.push(...documentSizeProblem(kmsKeyPolicy(config, refs), AWS_QUOTAS.keyPolicyBytes, 'buckets', 'quota.key-policy-size', 'the KMS key policy'));
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
