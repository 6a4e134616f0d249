/**
 * What `connect` needs deployed before it can send real values to ICA, read from the account the
 * way the doctor reads it: the ICA principal, each bucket, each bucket's KMS key, and the user
 * method's access key. On an account where nothing is applied yet, this names what is missing,
 * so the user is told to apply rather than shown the placeholders that stand in for it.
 */
import type { DoctorFacts } from '../aws/facts';
import { ResolvedConfig } from '../core/validate';

/** One line per deployed thing that is not there yet; empty when everything connect sends exists. */
export function notDeployed(config: ResolvedConfig, facts: DoctorFacts): string[] {
  const missing: string[] = [];
  const { principal, accountId } = facts;
  const kind = config.credential.method === 'role' ? 'role' : 'user';
  if (principal.entity.state === 'absent') missing.push(`the IAM ${kind} ${principal.name} does not exist in account ${accountId}`);
  config.buckets.forEach((bucket, index) => {
    const read = facts.buckets[index];
    if (read.exists.state === 'absent') {
      missing.push(`bucket ${bucket.name} does not exist`);
      return;
    }
    if (bucket.encryption.type === 'SSE-KMS' && !bucket.encryption.kmsKeyArn && !read.key) {
      missing.push(`bucket ${bucket.name} has no KMS key of its own yet (the stack creates it and sets it as the bucket's default encryption)`);
    }
  });
  if (config.credential.method === 'user' && principal.entity.state === 'ok' && principal.accessKeys?.state === 'ok'
    && !principal.accessKeys.value.some((key) => key.status === 'Active')) {
    missing.push(`the IAM user ${principal.name} has no active access key`);
  }
  return missing;
}
