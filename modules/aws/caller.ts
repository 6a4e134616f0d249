/**
 * Who the doctor and adopt read AWS as (sts:GetCallerIdentity, which every identity may call),
 * and, when that fails, why in words the user can act on: no credentials, an access key AWS does
 * not know, a secret that does not match it, expired credentials, or an endpoint that does not
 * answer. Both commands ask this first, so they report these alike and stop before every other
 * call fails the same way.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsReadClients, EndpointUnreachable } from './clients';
import { errorText } from './facts';
import type { AwsTimeouts } from './timeouts';

/** How the doctor and preflight reach AWS, and whom they tell what they read. */
export interface AccountReadOptions {
  /** Emulator endpoint. @default - real AWS */
  readonly endpointUrl?: string;
  /** @default DEFAULT_TIMEOUTS */
  readonly timeouts?: AwsTimeouts;
  /** Called before each step, for a progress indicator. */
  readonly progress?: (step: string) => void;
}

export interface Caller {
  readonly accountId: string;
  readonly arn?: string;
}

/** Why the credentials running the command cannot read AWS, and what to do about it. */
export interface AccessProblem {
  readonly found: string;
  readonly fix: string;
}

const CONFIGURE = 'configure AWS credentials the standard way (AWS_PROFILE, aws sso login, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)';

/** Each service spells these differently: STS and IAM, S3, KMS. */
const UNKNOWN_ACCESS_KEY = ['InvalidClientTokenId', 'InvalidAccessKeyId', 'UnrecognizedClientException'];
const WRONG_SECRET = ['SignatureDoesNotMatch', 'InvalidSignatureException'];
const EXPIRED = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'];

/** The problem behind an error of the first call to AWS, in words, with the fix. */
export function accessProblem(error: unknown, emulated: boolean): AccessProblem {
  if (error instanceof EndpointUnreachable) return { found: error.happened, fix: error.check };
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const text = errorText(error);
  if (name === 'CredentialsProviderError') {
    return { found: `no AWS credentials could be loaded; the SDK said ${text}`, fix: CONFIGURE };
  }
  if (UNKNOWN_ACCESS_KEY.includes(name)) {
    return {
      found: `AWS does not know the access key id of these credentials; AWS said ${text}`,
      fix: `the key was deleted or deactivated, or a leftover AWS_SESSION_TOKEN belongs to other credentials: ${CONFIGURE} with an active key`,
    };
  }
  if (WRONG_SECRET.includes(name)) {
    return {
      found: `the secret access key does not belong to the access key id; AWS said ${text}`,
      fix: 'set the secret issued with this access key id (AWS_SECRET_ACCESS_KEY, or aws_secret_access_key in the profile), without extra spaces or line breaks',
    };
  }
  if (EXPIRED.includes(name)) {
    return { found: `the credentials have expired; AWS said ${text}`, fix: 'renew them: aws sso login for an SSO profile, or new temporary credentials with their AWS_SESSION_TOKEN' };
  }
  return { found: `could not call sts:GetCallerIdentity: ${text}`, fix: `${CONFIGURE}${emulated ? '' : ', or pass --endpoint-url for an emulator'}` };
}

/** The account and identity the credentials belong to, or the problem that stops every read. */
export async function identifyCaller(clients: AwsReadClients): Promise<{ caller: Caller } | { problem: AccessProblem }> {
  try {
    const { Account, Arn } = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!Account) return { problem: { found: 'sts:GetCallerIdentity answered without an account', fix: 'check the endpoint: AWS always names the account' } };
    return { caller: { accountId: Account, ...(Arn ? { arn: Arn } : {}) } };
  } catch (error) {
    return { problem: accessProblem(error, clients.emulated) };
  }
}

/**
 * Opens the read-only clients, identifies the caller first (with bad credentials every later read
 * only answers 403, which says nothing) and then runs `read`; the clients are closed either way.
 * `unidentified` turns the credentials problem into the command's result.
 */
export async function readAccount<T>(
  region: string,
  options: AccountReadOptions,
  read: (clients: AwsReadClients, caller: Caller, progress: (step: string) => void) => Promise<T>,
  unidentified: (problem: AccessProblem) => T,
): Promise<T> {
  const clients = new AwsReadClients({ region, endpointUrl: options.endpointUrl, timeouts: options.timeouts });
  const progress = options.progress ?? (() => undefined);
  try {
    progress('AWS account (sts:GetCallerIdentity)');
    const identified = await identifyCaller(clients);
    if ('problem' in identified) return unidentified(identified.problem);
    return await read(clients, identified.caller, progress);
  } finally {
    clients.destroy();
  }
}
