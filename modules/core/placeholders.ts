/**
 * The refs the `policies` command fills in for documents pasted into the console before any
 * resource exists: the seeds' own placeholders where the value is not known yet.
 */
import { ACCOUNT_PLACEHOLDER, PolicyRefs, iamPrincipalArn, oidcProviderArn } from './ica-policies';
import { ResolvedBucket, ResolvedConfig } from './resolved-config';

export const KEY_ID_PLACEHOLDER = 'YOUR_KEY_ID';
export const ACCESS_KEY_PLACEHOLDER = 'YOUR_ACCESS_KEY_ID';

/** The placeholders of values that exist only after apply: text holding one is not deployed yet. */
export const DEPLOYED_VALUE_PLACEHOLDERS = [ACCOUNT_PLACEHOLDER, KEY_ID_PLACEHOLDER, ACCESS_KEY_PLACEHOLDER] as const;

export function holdsPlaceholder(text: string): boolean {
  return DEPLOYED_VALUE_PLACEHOLDERS.some((placeholder) => text.includes(placeholder));
}

/**
 * The refs with a placeholder only for what is not known yet: pass the account id once read (STS
 * names it), and no line names YOUR_ACCOUNT_ID; a key not created yet stays YOUR_KEY_ID.
 */
export function placeholderRefs(config: ResolvedConfig, accountId: string = ACCOUNT_PLACEHOLDER): PolicyRefs & { readonly credential: string } {
  const principalArn = iamPrincipalArn(config, accountId);
  return {
    accountId,
    icaPrincipalArn: principalArn,
    kmsKeyArn: (bucket: ResolvedBucket) => bucket.encryption.type === 'SSE-KMS'
      ? bucket.encryption.kmsKeyArn ?? `arn:aws:kms:${config.region.awsRegion}:${accountId}:key/${KEY_ID_PLACEHOLDER}`
      : undefined,
    oidcProviderArn: config.oidc ? oidcProviderArn(config.oidc, accountId) : undefined,
    credential: config.credential.method === 'role' ? principalArn : ACCESS_KEY_PLACEHOLDER,
  };
}
