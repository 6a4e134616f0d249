/**
 * Reads, with read-only calls, everything the checks need from one AWS account (facts.ts): the
 * buckets, their keys, the ICA user or role with its policies, and the OIDC provider.
 */
import { ResolvedConfig } from '../core/validate';
import type { Caller } from '../aws/caller';
import { AwsReadClients } from '../aws/clients';
import { BucketFacts, DoctorFacts, OidcFacts } from '../aws/facts';
import { cachedKeyDescriber, inspectBucket } from '../aws/read-bucket';
import { inspectOidc, inspectPrincipal } from '../aws/read-principal';

/**
 * Everything the checks need, as `caller` (identifyCaller) reads it, one call after the other
 * (a few dozen calls, about a second).
 */
export async function inspect(
  clients: AwsReadClients,
  config: ResolvedConfig,
  caller: Caller,
  progress: (step: string) => void = () => undefined,
): Promise<DoctorFacts> {
  const describe = cachedKeyDescriber(clients);
  const buckets: BucketFacts[] = [];
  for (const bucket of config.buckets) {
    progress(`bucket ${bucket.name}`);
    buckets.push(await inspectBucket(clients, bucket.name, bucket.prefixes, describe));
  }
  progress(`IAM ${config.credential.method} ${config.credential.method === 'role' ? config.credential.roleName : config.credential.userName}`);
  const principal = await inspectPrincipal(clients, config);
  let oidc: OidcFacts | undefined;
  if (config.oidc) {
    progress('IAM OIDC provider');
    oidc = await inspectOidc(clients, config.oidc.issuer);
  }
  return { accountId: caller.accountId, ...(caller.arn ? { callerArn: caller.arn } : {}), buckets, principal, ...(oidc ? { oidc } : {}) };
}
