import { parseArgs } from 'node:util';
import { ENDPOINT_ENV } from '../core/emulator';
import { closestSpelling } from '../core/spelling';

/** A mistake in how the command was called (exit status 2), as opposed to a bad config (1). */
export class UsageError extends Error {}

/**
 * One option of a command: what parseArgs needs, and what --help says of it. A command's usage
 * line and its "Options:" section are built from these, so neither can leave an option out.
 * An option takes one value (or is a flag): given twice, it is misuse, unless it says `multiple`.
 */
export type OptionSpec =
  | {
    readonly type: 'boolean';
    readonly short?: string;
    readonly default?: boolean;
    /** `--no-NAME` sets it to false: for a yes/no whose "no" must be sayable (shown `--[no-]NAME`). */
    readonly negatable?: true;
    readonly help: string;
  }
  | {
    readonly type: 'string';
    readonly short?: string;
    readonly default?: string;
    /** The value in the usage: FILE, DIR, URL. */
    readonly value: string;
    /** The command cannot run without it: misuse when missing, shown without brackets. */
    readonly required?: true;
    /** It may be given more than once: its value is the list, in the order given (shown `[...]...`). */
    readonly multiple?: true;
    /** What the option is for; the default, when there is one, is added. */
    readonly help: string;
  };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The option every command has; the framework adds it. */
export const HELP_OPTION = {
  help: { type: 'boolean', short: 'h', default: false, help: 'show this help' },
} as const satisfies OptionSpecs;

/** Options every command that reads a config accepts. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c', default: 'ica.config.json', value: 'FILE', help: 'config file, or - for standard input' },
} as const satisfies OptionSpecs;

/** The option of every command that writes into an output directory. */
export const FORCE_OPTIONS = {
  force: { type: 'boolean', default: false, help: 'overwrite files in DIR that ica-s3-connect did not write' },
} as const satisfies OptionSpecs;

/** The emulator option of every command that calls AWS; resolveEndpointUrl adds ICA_S3_ENDPOINT_URL. */
export const ENDPOINT_OPTIONS = {
  'endpoint-url': {
    type: 'string', value: 'URL',
    help: `send every AWS call to an emulator (moto, LocalStack); also read from ${ENDPOINT_ENV}. Never set for real AWS.`,
  },
} as const satisfies OptionSpecs;

/** The options of the commands that check an account and print a report (doctor, preflight). */
export const REPORT_OPTIONS = {
  ...CONFIG_OPTIONS,
  json: { type: 'boolean', default: false, help: 'print the report as JSON (no progress indicator)' },
  ...ENDPOINT_OPTIONS,
} as const satisfies OptionSpecs;

/**
 * One option as it was given, in the order of the arguments: for a command whose options' order
 * means something (init: a --prefix belongs to the --bucket before it). No value for a flag.
 */
export interface GivenOption {
  readonly name: string;
  readonly value?: string;
}

/** What parseArgs returns for these options (written out: declaration files need a nameable type), and the options as given. */
export type ParsedCommandArgs<T extends OptionSpecs> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true }>> & {
  readonly given: readonly GivenOption[];
};

/** `--NAME`, or `--[no-]NAME` for a negatable flag. */
function longForm(name: string, spec: OptionSpec): string {
  return spec.type === 'boolean' && spec.negatable ? `--[no-]${name}` : `--${name}`;
}

/** How the usage writes an option: `-c FILE`, `--write`, `--[no-]restrict-to-ica`. */
function optionForm(name: string, spec: OptionSpec): string {
  return `${spec.short ? `-${spec.short}` : longForm(name, spec)}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
}

/** Both spellings of an option, for messages: `-c/--config`, `--write`. */
function optionNames(name: string, spec: OptionSpec): string {
  return spec.short ? `-${spec.short}/--${name}` : `--${name}`;
}

/** The options as the usage line lists them, one entry each, in their declared order: `-b BUCKET`, `[-c FILE]`, `[--prefix P]...`. */
export function synopsisParts(options: OptionSpecs): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const form = spec.type === 'string' && spec.required ? optionForm(name, spec) : `[${optionForm(name, spec)}]`;
    return spec.type === 'string' && spec.multiple ? `${form}...` : form;
  });
}

/** synopsisParts on one line: `-b BUCKET [-c FILE] [--write]`. */
export function optionsSynopsis(options: OptionSpecs): string {
  return synopsisParts(options).join(' ');
}

const HELP_WIDTH = 80;

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** The "Options:" lines: `  -c, --config FILE   help (default ...)`, help aligned and wrapped. */
export function optionsHelp(options: OptionSpecs): string {
  const labels = Object.entries(options).map(([name, spec]) => ({
    label: `${spec.short ? `-${spec.short}, ` : '    '}${longForm(name, spec)}${spec.type === 'string' ? ` ${spec.value}` : ''}`,
    help: spec.type === 'string' && spec.default !== undefined ? `${spec.help} (default ${spec.default})` : spec.help,
  }));
  const column = Math.max(...labels.map(({ label }) => label.length)) + 4;
  return labels.flatMap(({ label, help }) => wrap(help, HELP_WIDTH - column).map((line, index) => (index === 0 ? `  ${label.padEnd(column - 2)}${line}` : `${' '.repeat(column)}${line}`))).join('\n');
}

/** The long names an option is written as: `NAME`, and `no-NAME` for a negatable flag. */
function longNames(options: OptionSpecs): string[] {
  return Object.entries(options).flatMap(([name, spec]) => (spec.type === 'boolean' && spec.negatable ? [name, `no-${name}`] : [name]));
}

/** The `--name` an unknown option was written as, from the arguments (`--jsno`, `--jsno=1`). */
function unknownLongOption(args: readonly string[], options: OptionSpecs): string | undefined {
  const known = new Set(longNames(options));
  for (const arg of args) {
    if (arg === '--') return undefined;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name !== undefined && !known.has(name)) return name;
  }
  return undefined;
}

/** Misuse for an unknown option, with the closest known one when `unknown` (the name as written) is close to one. */
function unknownOptionError(message: string, unknown: string | undefined, options: OptionSpecs): UsageError {
  const closest = unknown === undefined ? undefined : closestSpelling(unknown, longNames(options));
  return new UsageError(closest ? `${message}: did you mean --${closest}?` : message);
}

/**
 * parseArgs with the misuse reported as a UsageError instead of a Node stack trace: an unknown
 * option (with the closest known one), a stray argument, a missing value, an option given twice
 * (`--x` and `--no-x` too) but a `multiple` one, a required option missing. --help wins over a
 * missing required option.
 */
export function parseCommandArgs<T extends OptionSpecs>(args: string[], options: T): ParsedCommandArgs<T> {
  const config = Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, {
    type: spec.type,
    ...(spec.short ? { short: spec.short } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
  }]));
  // parseArgs negates every flag or none: a `--no-` of a flag that is not negatable is refused below.
  const allowNegative = Object.values(options).some((spec) => spec.type === 'boolean' && spec.negatable);
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof config; allowPositionals: false; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: false, strict: true, tokens: true, allowNegative });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw unknownOptionError(message, (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownLongOption(args, options) : undefined, options);
  }
  const seen = new Set<string>();
  const given: GivenOption[] = [];
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (token.rawName === `--no-${token.name}` && spec.type === 'boolean' && !spec.negatable) {
      throw unknownOptionError(`Unknown option '${token.rawName}'`, token.rawName.slice(2), options);
    }
    if (seen.has(token.name) && !(spec.type === 'string' && spec.multiple)) {
      throw new UsageError(`${optionNames(token.name, spec)} is given twice: give it once${spec.type === 'string' ? ' (the second value would silently replace the first)' : ''}`);
    }
    seen.add(token.name);
    given.push(token.value === undefined ? { name: token.name } : { name: token.name, value: token.value });
  }
  const values = parsed.values as Record<string, unknown>;
  if (!values.help) {
    for (const [name, spec] of Object.entries(options)) {
      if (spec.type === 'string' && spec.required && values[name] === undefined) throw new UsageError(`${optionNames(name, spec)} is required`);
    }
  }
  // parseArgs typed the values by the config built above, not by T: the same options, spelled out.
  return { values: parsed.values as unknown, positionals: parsed.positionals, given } as ParsedCommandArgs<T>;
}
