import { parseArgs, ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called (exit status 2), as opposed to a bad config (1). */
export class UsageError extends Error {}

/** Options every command that reads a config accepts. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c', default: 'ica.config.json' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** parseArgs that reports misuse as a UsageError instead of a Node stack trace. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}
