/**
 * Pointing the AWS provider at an emulator (moto, LocalStack) instead of AWS. Never on by
 * default: only `--endpoint-url` or ICA_S3_ENDPOINT_URL switch it on.
 */

/** The environment variable that sets the emulator endpoint when no flag is given. */
export const ENDPOINT_ENV = 'ICA_S3_ENDPOINT_URL';

/** The AWS services this tool's resources and data sources call. */
export const EMULATED_SERVICES = ['s3', 'iam', 'sts', 'kms', 'ssm', 'secretsmanager'] as const;

/** Provider settings for an emulator: every service at one URL, no real-AWS checks, path-style S3. */
export interface EmulatorProviderSettings {
  readonly endpoints: Record<(typeof EMULATED_SERVICES)[number], string>;
  readonly skipCredentialsValidation: true;
  readonly skipRequestingAccountId: true;
  readonly skipMetadataApiCheck: true;
  readonly s3UsePathStyle: true;
}

/** An endpoint URL that is not one: the command's misuse (exit 2), found before anything is written. */
export class InvalidEndpointUrl extends Error {
  constructor(value: string, reason: string) {
    super(`--endpoint-url (or ${ENDPOINT_ENV}) ${JSON.stringify(value)} ${reason}; give an emulator's base URL such as http://127.0.0.1:5000`);
    this.name = 'InvalidEndpointUrl';
  }
}

/**
 * The endpoint as every renderer writes it: http(s) scheme, host, optional port and path, nothing
 * else. It is rebuilt from the parsed URL, which percent-encodes braces, so no `${` or `%{` can reach
 * Terraform through it.
 */
export function normaliseEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidEndpointUrl(value, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidEndpointUrl(value, 'must start with http:// or https://');
  if (url.username || url.password || url.search || url.hash) throw new InvalidEndpointUrl(value, 'must not carry credentials, a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function emulatorProviderSettings(endpointUrl: string): EmulatorProviderSettings {
  const base = normaliseEndpointUrl(endpointUrl);
  return {
    endpoints: Object.fromEntries(EMULATED_SERVICES.map((service) => [service, base])) as EmulatorProviderSettings['endpoints'],
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    s3UsePathStyle: true,
  };
}

/** The endpoint from a flag, else from the environment, else none (real AWS); InvalidEndpointUrl when malformed. */
export function resolveEndpointUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = flag ?? env[ENDPOINT_ENV];
  return value === undefined || value === '' ? undefined : normaliseEndpointUrl(value);
}
