import { ParseArgsConfig } from 'node:util';
import { resolveEndpointUrl } from '../core/emulator';
import { ResolvedConfig } from '../core/validate';
import { AwsTimeouts, resolveTimeouts } from '../aws/timeouts';
import { CONFIG_OPTIONS, UsageError, parseCommandArgs } from './args';
import { loadConfigSourceOrReport } from './config';
import { readInputFile } from './files';
import { Output } from './output';

/** One `ica-s3` subcommand. */
export interface Command {
  /** One line for the command list of `ica-s3 --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs the command; resolves to the exit status. */
  run(args: string[], out: Output): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
/** The parsed option values of a command with these options. */
export type OptionValues<O extends Options> = ReturnType<typeof parseCommandArgs<O>>['values'];

/** Where AWS calls go and how long they may take: --endpoint-url (or ICA_S3_ENDPOINT_URL) and ICA_S3_TIMEOUTS. */
export interface AwsSettings {
  readonly endpointUrl?: string;
  readonly timeouts: AwsTimeouts;
}

export interface CommandSpec<O extends Options> {
  /** Every option of the command: CONFIG_OPTIONS (-c, -h) and its own. */
  readonly options: O;
  /**
   * The command calls AWS: resolve --endpoint-url (ENDPOINT_OPTIONS must be among the options)
   * and the timeouts, before the config is read.
   */
  readonly aws?: boolean;
  /** Checks of the option values that throw UsageError (exit 2), run before the config is read. */
  check?(values: OptionValues<O>): void;
}

/** What a command goes on with once its prologue is done. */
export interface CommandStart<O extends Options> {
  readonly values: OptionValues<O>;
  readonly config: ResolvedConfig;
  /** The config's text as read (adopt edits it in place). */
  readonly configText: string;
  /** Set when the spec says `aws: true`. */
  readonly aws?: AwsSettings;
}

/**
 * The prologue every config-reading command shares, in one order: parse the arguments (misuse
 * throws UsageError), print the usage for --help, run the usage checks and resolve the AWS
 * settings, then read and validate the config (its problems are printed). Returns the exit status
 * when the command is already done (0 after --help, 1 for a bad config), else what it goes on with.
 */
export function startCommand<O extends Options>(command: Command, args: string[], out: Output, spec: CommandSpec<O> & { aws: true }): (CommandStart<O> & { aws: AwsSettings }) | number;
export function startCommand<O extends Options>(command: Command, args: string[], out: Output, spec: CommandSpec<O>): CommandStart<O> | number;
export function startCommand<O extends Options>(command: Command, args: string[], out: Output, spec: CommandSpec<O>): CommandStart<O> | number {
  const { values } = parseCommandArgs(args, spec.options);
  const common = values as { help?: boolean; config?: string; 'endpoint-url'?: string };
  if (common.help) { out.log(command.usage); return 0; }
  spec.check?.(values);
  const aws = spec.aws ? awsSettings(common['endpoint-url']) : undefined;
  const source = loadConfigSourceOrReport(common.config ?? CONFIG_OPTIONS.config.default, out);
  if (!source) return 1;
  return { values, config: source.config, configText: source.text, ...(aws ? { aws } : {}) };
}

/** The endpoint and timeouts of AWS calls; an unusable value of either is misuse (exit 2). */
export function awsSettings(endpointFlag: string | undefined): AwsSettings {
  const endpointUrl = resolveEndpointUrl(endpointFlag);
  const timeouts = resolveTimeouts();
  if ('problem' in timeouts) throw new UsageError(timeouts.problem);
  return { endpointUrl, timeouts: timeouts.timeouts };
}

/**
 * Reads the JSON file an option names (--outputs, --state) with `parse`. Undefined when the file
 * is not JSON or `parse` refuses it: that is printed (the command exits 1). `{}` without a path.
 */
export function readJsonOption<T>(out: Output, commandName: string, flag: string, path: string | undefined, parse: (json: unknown) => T): { value?: T } | undefined {
  if (path === undefined) return {};
  const text = readInputFile(flag, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    out.error(`ica-s3 ${commandName}: ${flag} ${path} is not JSON (${(error as Error).message})`);
    return undefined;
  }
  try {
    return { value: parse(json) };
  } catch (error) {
    out.error(`ica-s3 ${commandName}: ${flag} ${path} ${(error as Error).message}`);
    return undefined;
  }
}
