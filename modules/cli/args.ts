import { parseArgs, ParseArgsConfig } from 'node:util';
import { ENDPOINT_ENV } from '../core/emulator';

/** A mistake in how the command was called (exit status 2), as opposed to a bad config (1). */
export class UsageError extends Error {}

/** Options every command that reads a config accepts. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c', default: 'ica.config.json' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** The option of every command that writes into an output directory. */
export const FORCE_OPTIONS = {
  force: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

/** The emulator option of every command that calls AWS; resolveEndpointUrl adds ICA_S3_ENDPOINT_URL. */
export const ENDPOINT_OPTIONS = {
  'endpoint-url': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The options of the commands that check an account and print a report (doctor, preflight). */
export const REPORT_OPTIONS = {
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', default: false },
  ...ENDPOINT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

/** The --help lines of ENDPOINT_OPTIONS. */
export const ENDPOINT_HELP = `      --endpoint-url URL send every AWS call to an emulator (moto, LocalStack);
                         also read from ${ENDPOINT_ENV}. Never set for real AWS.`;

/** What parseArgs returns for these options (written out: declaration files need a nameable type). */
export type ParsedCommandArgs<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true }>>;

/** parseArgs that reports misuse as a UsageError instead of a Node stack trace. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw usageError(error);
  }
}

/** What parseCommandTokens returns: the values, and the options in the order they were given. */
export type TokenizedCommandArgs<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true; tokens: true; allowNegative: true }>>;

/**
 * parseCommandArgs for a command whose options' order means something (init: a --prefix belongs
 * to the --bucket before it) and whose yes/no answers need a way to say no (--no-restrict-to-ica).
 */
export function parseCommandTokens<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): TokenizedCommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true, tokens: true, allowNegative: true });
  } catch (error) {
    throw usageError(error);
  }
}

function usageError(error: unknown): UsageError {
  return new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
}
