import { resolveEndpointUrl } from '../core/emulator';
import { ResolvedConfig } from '../core/validate';
import { AwsTimeouts, resolveTimeouts } from '../aws/timeouts';
import { CONFIG_OPTIONS, GivenOption, HELP_OPTION, OptionSpecs, ParsedCommandArgs, UsageError, optionsHelp, optionsSynopsis, parseCommandArgs, synopsisParts } from './args';
import { loadConfigSourceOrReport } from './config';
import { readInputFile } from './files';
import { Output } from './output';

/** One `ica-s3` subcommand, as defineCommand builds it. */
export interface Command {
  readonly name: string;
  /** One line for the command list of `ica-s3 --help`. */
  readonly summary: string;
  /** Every option, -h/--help included. */
  readonly options: OptionSpecs;
  /** `ica-s3 <name>` and every option, on one line: the docs' table gives the same. */
  readonly synopsis: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Parses the arguments (misuse throws UsageError), prints the usage for --help, else runs; resolves to the exit status. */
  run(args: string[], out: Output): Promise<number>;
}

/** The parsed option values of a command with these options (--help included). */
export type OptionValues<O extends OptionSpecs> = ParsedCommandArgs<O & typeof HELP_OPTION>['values'];

/** What a command is made of; defineCommand adds --help, the usage and the parsing. */
export interface CommandDefinition<O extends OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  /** What the command does, for --help: the paragraphs between the usage line and the options. */
  readonly description: string;
  /** Every option of the command but --help; the usage line and "Options:" list them in this order. */
  readonly options: O;
  /** Sections after the options (environment variables, timeouts, exit status). */
  readonly notes?: string;
  /** Runs the command with the parsed options (and, where their order matters, the options as given); resolves to the exit status. */
  run(values: OptionValues<O>, out: Output, given: readonly GivenOption[]): Promise<number>;
}

const USAGE_WIDTH = 80;

/** `Usage: ica-s3 <name> <options>`, wrapped between options, continued under the first one. */
function usageLine(name: string, options: OptionSpecs): string {
  const lead = `Usage: ica-s3 ${name} `;
  const lines: string[] = [];
  let line = '';
  for (const part of synopsisParts(options)) {
    if (line && lead.length + line.length + 1 + part.length > USAGE_WIDTH) { lines.push(line); line = part; } else line = line ? `${line} ${part}` : part;
  }
  return `${lead}${[...lines, line].join(`\n${' '.repeat(lead.length)}`)}`.trimEnd();
}

/**
 * A command whose usage line and option list come from its declared options, and whose parsing
 * every command shares: --help, an unknown option (with "did you mean"), an option given twice, a
 * required option missing, a stray argument (all misuse, exit status 2).
 */
export function defineCommand<O extends OptionSpecs>(definition: CommandDefinition<O>): Command {
  const options: O & typeof HELP_OPTION = { ...definition.options, ...HELP_OPTION };
  const usage = [
    usageLine(definition.name, definition.options),
    '',
    definition.description,
    '',
    'Options:',
    optionsHelp(options),
    ...(definition.notes ? ['', definition.notes] : []),
  ].join('\n');
  return {
    name: definition.name,
    summary: definition.summary,
    options,
    synopsis: `ica-s3 ${definition.name} ${optionsSynopsis(definition.options)}`.trimEnd(),
    usage,
    async run(args: string[], out: Output): Promise<number> {
      const { values, given } = parseCommandArgs(args, options);
      if ((values as { help?: boolean }).help) { out.log(usage); return 0; }
      return definition.run(values as OptionValues<O>, out, given);
    },
  };
}

/** Where AWS calls go and how long they may take: --endpoint-url (or ICA_S3_ENDPOINT_URL) and ICA_S3_TIMEOUTS. */
export interface AwsSettings {
  readonly endpointUrl?: string;
  readonly timeouts: AwsTimeouts;
}

/** The option values startCommand reads. */
interface StartValues {
  readonly config?: string;
  readonly 'endpoint-url'?: string;
}

/** What a config-reading command goes on with once its prologue is done. */
export interface CommandStart {
  readonly config: ResolvedConfig;
  /** The config's text as read (adopt edits it in place). */
  readonly configText: string;
  /** Set when asked for with `aws: true`. */
  readonly aws?: AwsSettings;
}

/**
 * The prologue every config-reading command shares, in one order: resolve the AWS settings when
 * the command calls AWS (`aws: true`; an unusable value is misuse), then read and validate the
 * config (its problems are printed). Checks of the option values that throw UsageError come
 * before it. Returns 1 for a bad config, else what the command goes on with.
 */
export function startCommand(values: StartValues, out: Output, spec: { aws: true }): (CommandStart & { aws: AwsSettings }) | number;
export function startCommand(values: StartValues, out: Output, spec?: { aws?: boolean }): CommandStart | number;
export function startCommand(values: StartValues, out: Output, spec: { aws?: boolean } = {}): CommandStart | number {
  const aws = spec.aws ? awsSettings(values['endpoint-url']) : undefined;
  const source = loadConfigSourceOrReport(values.config ?? CONFIG_OPTIONS.config.default, out);
  if (!source) return 1;
  return { config: source.config, configText: source.text, ...(aws ? { aws } : {}) };
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
