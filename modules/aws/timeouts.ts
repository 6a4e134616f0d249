/**
 * How long the doctor and adopt wait for AWS. Without limits, an endpoint that accepts the
 * connection and never answers (a firewall that drops packets, a stuck emulator) hangs them for
 * good. Free of the AWS SDK, so the commands can read the setting before they load it.
 */

/** The environment variable that overrides the timeouts: "CONNECT,RESPONSE" in seconds. */
export const TIMEOUTS_ENV = 'ICA_S3_TIMEOUTS';

export interface AwsTimeouts {
  /** Seconds to open the connection to the endpoint. */
  readonly connectSeconds: number;
  /** Seconds to wait for the response, and the longest silence while it arrives. */
  readonly responseSeconds: number;
}

export const DEFAULT_TIMEOUTS: AwsTimeouts = { connectSeconds: 5, responseSeconds: 30 };

/**
 * Tries per call on AWS, in the SDK's standard retry mode (timeouts and throttling are retried).
 * An emulator gets one: it runs on this machine, so a second try would only fail the same way.
 */
export const AWS_MAX_ATTEMPTS = 3;

/** The --help lines of the setting, for every command that reads AWS. */
export const TIMEOUTS_HELP = `Environment:
  ${TIMEOUTS_ENV}=CONNECT,RESPONSE
                         seconds to wait for a connection and for each response
                         from AWS (default ${DEFAULT_TIMEOUTS.connectSeconds},${DEFAULT_TIMEOUTS.responseSeconds}); a call that gets no answer
                         is tried at most ${AWS_MAX_ATTEMPTS} times on AWS (once on an emulator),
                         then reported with the endpoint and what to check.`;

/** The timeouts from ICA_S3_TIMEOUTS, the defaults when it is unset, or why its value is unusable. */
export function resolveTimeouts(env: NodeJS.ProcessEnv = process.env): { timeouts: AwsTimeouts } | { problem: string } {
  const value = env[TIMEOUTS_ENV];
  if (value === undefined || value.trim() === '') return { timeouts: DEFAULT_TIMEOUTS };
  const seconds = value.split(',').map(Number);
  const [connectSeconds, responseSeconds] = seconds;
  if (seconds.length !== 2 || !seconds.every((number) => Number.isFinite(number) && number > 0)) {
    return { problem: `${TIMEOUTS_ENV} is "${value}"; it takes two positive numbers of seconds, CONNECT,RESPONSE, such as ${DEFAULT_TIMEOUTS.connectSeconds},${DEFAULT_TIMEOUTS.responseSeconds}` };
  }
  return { timeouts: { connectSeconds, responseSeconds } };
}
