/**
 * The AWS SDK clients the doctor uses: the standard credential chain (environment, profile, SSO,
 * instance role), the ICA region, optionally an emulator endpoint, and a guard that refuses any
 * call that could change something. The doctor is read-only by construction, not by care.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

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

export interface ClientOptions {
  /** The AWS region of the ICA region: S3 and KMS calls start there. */
  readonly region: string;
  /** Emulator endpoint (moto, LocalStack). @default - real AWS */
  readonly endpointUrl?: string;
}

/** The clients of one doctor run; KMS and S3 clients for other regions are made on demand. */
export class DoctorClients {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  private readonly s3ByRegion = new Map<string, S3Client>();
  private readonly kmsByRegion = new Map<string, KMSClient>();

  constructor(readonly options: ClientOptions) {
    // The pinned AWS SDK runs on Node 20; its notice, emitted as each client is built, that later
    // releases will need Node 22 would only break into the doctor's progress line and the
    // commands' output, so it is switched off unless the user set it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // IAM is global; its API lives in us-east-1 (an emulator takes any region).
    this.iam = guardReadOnly(new IAMClient(this.base('us-east-1')));
    this.sts = guardReadOnly(new STSClient(this.base(options.region)));
  }

  /** True when the calls go to an emulator, not AWS. */
  get emulated(): boolean {
    return this.options.endpointUrl !== undefined;
  }

  s3(region = this.options.region): S3Client {
    let client = this.s3ByRegion.get(region);
    if (!client) {
      client = guardReadOnly(new S3Client({
        ...this.base(region),
        // A bucket in another region answers with a redirect; follow it so the doctor can say where it is.
        followRegionRedirects: true,
        ...(this.options.endpointUrl ? { forcePathStyle: true } : {}),
      }));
      this.s3ByRegion.set(region, client);
    }
    return client;
  }

  kms(region = this.options.region): KMSClient {
    let client = this.kmsByRegion.get(region);
    if (!client) {
      client = guardReadOnly(new KMSClient(this.base(region)));
      this.kmsByRegion.set(region, client);
    }
    return client;
  }

  private base(region: string) {
    return {
      region,
      maxAttempts: this.options.endpointUrl ? 1 : 3,
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
    };
  }

  destroy(): void {
    this.iam.destroy();
    this.sts.destroy();
    for (const client of this.s3ByRegion.values()) client.destroy();
    for (const client of this.kmsByRegion.values()) client.destroy();
  }
}
