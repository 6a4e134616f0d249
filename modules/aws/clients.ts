/**
 * The AWS SDK clients every reading command uses (doctor, preflight, adopt, connect): the standard
 * credential chain (environment, profile, SSO, instance role), the ICA region, optionally an
 * emulator endpoint, and a guard that refuses any call that could change something. They are
 * read-only by construction, not by care.
 * Every call has timeouts and bounded retries, and a call that gets no answer fails with an
 * error naming the endpoint and what to check.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ENDPOINT_ENV } from '../core/emulator';
import { AWS_MAX_ATTEMPTS, AwsTimeouts, DEFAULT_TIMEOUTS, TIMEOUTS_ENV } from './timeouts';

/** Command names the doctor may send: reads only (IAM's simulator evaluates without changing anything). */
export const READ_ONLY_COMMAND = /^(Get|List|Head|Describe|SimulatePrincipalPolicy)/;

export class MutatingCallRefused extends Error {
  constructor(readonly commandName: string) {
    super(`ica-s3 doctor is read-only and refused to send ${commandName}`);
    this.name = 'MutatingCallRefused';
  }
}

interface MiddlewareClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority?: 'high' }): void;
  };
}

/** Adds the read-only guard to a client: a non-read command fails before anything is sent. */
export function guardReadOnly<T>(client: T): T {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const name = context.commandName ?? '(unnamed command)';
      if (!READ_ONLY_COMMAND.test(name)) throw new MutatingCallRefused(name);
      return next(args);
    },
    { step: 'initialize', name: 'icaS3DoctorReadOnlyGuard', priority: 'high' },
  );
  return client;
}

/** A call that got no HTTP answer: what happened (naming the endpoint), and what the user should check. */
export class EndpointUnreachable extends Error {
  constructor(readonly happened: string, readonly check: string) {
    super(`${happened}: ${check}`);
    this.name = 'EndpointUnreachable';
  }
}

/** Node's codes for a connection that failed before any HTTP answer, in words. */
const CONNECTION_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'dropped the connection',
  EPIPE: 'dropped the connection',
  ETIMEDOUT: 'cannot be reached',
  EHOSTUNREACH: 'cannot be reached',
  ENETUNREACH: 'cannot be reached',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'has a host name that does not resolve',
};

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { attempts?: number };
}

/**
 * Node's error code. The SDK's retry wraps an error that is not `instanceof Error` (Node's own,
 * seen from another realm such as a test runner's sandbox) in a new Error that keeps the code
 * only in its message.
 */
function connectionErrorCode(error: SdkError): string | undefined {
  if (error.code && CONNECTION_ERRORS[error.code]) return error.code;
  return Object.keys(CONNECTION_ERRORS).find((code) => new RegExp(`\\b${code}\\b`).test(error.message ?? ''));
}

/** Where a client sends its calls, in words, and what to check when they get no answer. */
interface EndpointDescription {
  /** The emulator URL, or "AWS S3 in eu-central-1". */
  readonly endpoint: string;
  readonly emulated: boolean;
  readonly timeouts: AwsTimeouts;
}

/**
 * The EndpointUnreachable for an SDK error of the network (no answer, or one that stalled after
 * its headers); undefined for any other error.
 */
function unreachableError(error: unknown, where: EndpointDescription): EndpointUnreachable | undefined {
  const e = (error ?? {}) as SdkError;
  // A timeout may carry ETIMEDOUT too; it is still a timeout, which the user can raise.
  const code = e.name === 'TimeoutError' ? undefined : connectionErrorCode(e);
  if (e.name !== 'TimeoutError' && !code) return undefined;
  const { endpoint, timeouts } = where;
  const attempts = e.$metadata?.attempts ?? 1;
  const tries = attempts > 1 ? `; ${attempts} tries` : '';
  const happened = code
    ? `${endpoint} ${CONNECTION_ERRORS[code]} (${code}${tries})`
    : `${endpoint} did not answer in time (connect timeout ${timeouts.connectSeconds} s, response timeout ${timeouts.responseSeconds} s${tries})`;
  const check = where.emulated
    ? `check that the emulator is running and answers at ${endpoint} (--endpoint-url or ${ENDPOINT_ENV})`
    : 'check this machine\'s network path to AWS (firewall, VPN, proxy, DNS) and the region';
  const slow = code ? '' : `; on a slow link, raise the timeouts with ${TIMEOUTS_ENV}=CONNECT,RESPONSE (now ${timeouts.connectSeconds},${timeouts.responseSeconds})`;
  return new EndpointUnreachable(happened, `${check}${slow}`);
}

/** Replaces a client's network errors (after its retries) by EndpointUnreachable. */
function explainNetworkErrors<T>(client: T, where: EndpointDescription): T {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        throw unreachableError(error, where) ?? error;
      }
    },
    { step: 'initialize', name: 'icaS3EndpointErrors' },
  );
  return client;
}

export interface ClientOptions {
  /** The AWS region of the ICA region: S3 and KMS calls start there. */
  readonly region: string;
  /** Emulator endpoint (moto, LocalStack). @default - real AWS */
  readonly endpointUrl?: string;
  /** @default DEFAULT_TIMEOUTS */
  readonly timeouts?: AwsTimeouts;
}

/** The clients of one doctor run; KMS and S3 clients for other regions are made on demand. */
export class AwsReadClients {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  private readonly s3ByRegion = new Map<string, S3Client>();
  private readonly kmsByRegion = new Map<string, KMSClient>();
  private ssmClient?: Promise<SSMClient>;
  private secretsManagerClient?: Promise<SecretsManagerClient>;
  /** The clients whose SDK package was loaded on demand, for destroy. */
  private readonly loadedClients: { destroy(): void }[] = [];

  constructor(readonly options: ClientOptions) {
    // The pinned AWS SDK runs on Node 20; its notice, emitted as each client is built, that later
    // releases will need Node 22 would only break into the doctor's progress line and the
    // commands' output, so it is switched off unless the user set it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // IAM is global; its API lives in us-east-1 (an emulator takes any region).
    this.iam = this.prepare(new IAMClient(this.base('us-east-1')), 'AWS IAM');
    this.sts = this.prepare(new STSClient(this.base(options.region)), `AWS STS in ${options.region}`);
  }

  /** True when the calls go to an emulator, not AWS. */
  get emulated(): boolean {
    return this.options.endpointUrl !== undefined;
  }

  s3(region = this.options.region): S3Client {
    let client = this.s3ByRegion.get(region);
    if (!client) {
      client = this.prepare(new S3Client({
        ...this.base(region),
        // A bucket in another region answers with a redirect; follow it so the doctor can say where it is.
        followRegionRedirects: true,
        ...(this.options.endpointUrl ? { forcePathStyle: true } : {}),
      }), `AWS S3 in ${region}`);
      this.s3ByRegion.set(region, client);
    }
    return client;
  }

  kms(region = this.options.region): KMSClient {
    let client = this.kmsByRegion.get(region);
    if (!client) {
      client = this.prepare(new KMSClient(this.base(region)), `AWS KMS in ${region}`);
      this.kmsByRegion.set(region, client);
    }
    return client;
  }

  /**
   * SSM in the ICA region. Its SDK package loads on first use: only preflight asks, and only for
   * a config that stores the access key in Parameter Store.
   */
  ssm(): Promise<SSMClient> {
    const region = this.options.region;
    this.ssmClient ??= import('@aws-sdk/client-ssm')
      .then(({ SSMClient }) => this.loaded(new SSMClient(this.base(region)), `AWS SSM in ${region}`));
    return this.ssmClient;
  }

  /** Secrets Manager in the ICA region, loaded on first use as `ssm` is. */
  secretsManager(): Promise<SecretsManagerClient> {
    const region = this.options.region;
    this.secretsManagerClient ??= import('@aws-sdk/client-secrets-manager')
      .then(({ SecretsManagerClient }) => this.loaded(new SecretsManagerClient(this.base(region)), `AWS Secrets Manager in ${region}`));
    return this.secretsManagerClient;
  }

  private loaded<T extends { destroy(): void }>(client: T, awsEndpoint: string): T {
    this.loadedClients.push(client);
    return this.prepare(client, awsEndpoint);
  }

  private get timeouts(): AwsTimeouts {
    return this.options.timeouts ?? DEFAULT_TIMEOUTS;
  }

  private base(region: string) {
    const { connectSeconds, responseSeconds } = this.timeouts;
    return {
      region,
      maxAttempts: this.emulated ? 1 : AWS_MAX_ATTEMPTS,
      retryMode: 'standard',
      requestHandler: new NodeHttpHandler({
        connectionTimeout: connectSeconds * 1000,
        // Without throwOnRequestTimeout the handler only logs a warning and keeps waiting; the
        // socket timeout covers a response whose headers came but whose body stalls.
        requestTimeout: responseSeconds * 1000,
        throwOnRequestTimeout: true,
        socketTimeout: responseSeconds * 1000,
      }),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
    };
  }

  /** The read-only guard and the endpoint's name in network errors (an emulator's URL, or the AWS service and region). */
  private prepare<T>(client: T, awsEndpoint: string): T {
    const endpoint = this.options.endpointUrl ?? awsEndpoint;
    return explainNetworkErrors(guardReadOnly(client), { endpoint, emulated: this.emulated, timeouts: this.timeouts });
  }

  destroy(): void {
    this.iam.destroy();
    this.sts.destroy();
    for (const client of this.s3ByRegion.values()) client.destroy();
    for (const client of this.kmsByRegion.values()) client.destroy();
    for (const client of this.loadedClients) client.destroy();
  }
}
