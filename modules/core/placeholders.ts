/**
 * The refs the `policies` command fills in for documents pasted into the console before any
 * resource exists: the seeds' own placeholders where the value is not known yet.
 */
import { ACCOUNT_PLACEHOLDER, PolicyRefs, iamPrincipalArn, oidcProviderArn, permissionPolicy } from './policies';
import { ResolvedBucket, ResolvedConfig } from './validate';

export const KEY_ID_PLACEHOLDER = 'YOUR_KEY_ID';
export const ACCESS_KEY_PLACEHOLDER = 'YOUR_ACCESS_KEY_ID';

export function placeholderRefs(config: ResolvedConfig): PolicyRefs & { readonly credential: string } {
  const principalArn = iamPrincipalArn(config, ACCOUNT_PLACEHOLDER);
  return {
    accountId: ACCOUNT_PLACEHOLDER,
    icaPrincipalArn: principalArn,
    kmsKeyArn: (bucket: ResolvedBucket) => bucket.encryption.type === 'SSE-KMS'
      ? bucket.encryption.kmsKeyArn ?? `arn:aws:kms:${config.region.awsRegion}:${ACCOUNT_PLACEHOLDER}:key/${KEY_ID_PLACEHOLDER}`
      : undefined,
    oidcProviderArn: config.oidc ? oidcProviderArn(config.oidc, ACCOUNT_PLACEHOLDER) : undefined,
    credential: config.credential.method === 'role' ? principalArn : ACCESS_KEY_PLACEHOLDER,
  };
}

/** IAM's limit for a managed policy document, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Warns when the permission policy would exceed IAM's managed policy size (AWS rejects it at
 * apply). Measured with the placeholders, which are as long as the real ARNs give or take a few
 * characters per key.
 */
export function permissionPolicySizeWarnings(config: ResolvedConfig): string[] {
  const size = permissionPolicy(config, placeholderRefs(config)).toString().length;
  if (size <= MANAGED_POLICY_MAX_CHARS) return [];
  return [`buckets: the permission policy would be about ${size} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS}-character limit for managed policies; split the buckets over several configs (each with its own policyName) or use fewer, broader prefixes`];
}
