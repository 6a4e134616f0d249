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

export function emulatorProviderSettings(endpointUrl: string): EmulatorProviderSettings {
  const url = new URL(endpointUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`endpoint URL ${endpointUrl} must start with http:// or https://`);
  }
  const base = endpointUrl.replace(/\/+$/, '');
  return {
    endpoints: Object.fromEntries(EMULATED_SERVICES.map((service) => [service, base])) as EmulatorProviderSettings['endpoints'],
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    s3UsePathStyle: true,
  };
}

/** The endpoint from a flag, else from the environment, else none (real AWS). */
export function resolveEndpointUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = flag ?? env[ENDPOINT_ENV];
  return value === undefined || value === '' ? undefined : value;
}
