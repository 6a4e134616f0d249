/**
 * `ica-s3`: the command-line entry. Each command module is imported only when that command runs,
 * so `validate` never loads cdktf.
 */
import { readFileSync } from 'node:fs';
import { InvalidEndpointUrl } from '../core/emulator';
import { closestSpelling } from '../core/spelling';
import { UsageError } from './args';
import type { Command } from './command';
import { FileError, packageFile } from './files';
import { Output, processOutput } from './output';

/** Command name -> loader. Add a command here and in its own module under commands/. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init')).initCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  synth: async () => (await import('./commands/synth')).synthCommand,
  generate: async () => (await import('./commands/generate')).generateCommand,
  policies: async () => (await import('./commands/policies')).policiesCommand,
  explain: async () => (await import('./commands/explain')).explainCommand,
  preflight: async () => (await import('./commands/preflight')).preflightCommand,
  doctor: async () => (await import('./commands/doctor')).doctorCommand,
  adopt: async () => (await import('./commands/adopt')).adoptCommand,
  'ica-payload': async () => (await import('./commands/ica-payload')).icaPayloadCommand,
  connect: async () => (await import('./commands/connect')).connectCommand,
};

/** Every command, in the order of the usage (this loads them all). */
export async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

async function usage(): Promise<string> {
  const lines = ['Usage: ica-s3 <command> [options]', '', 'Commands:'];
  for (const command of await allCommands()) lines.push(`  ${command.name.padEnd(12)} ${command.summary}`);
  lines.push('', 'Run "ica-s3 help <command>" (or "ica-s3 <command> --help") for the options of a command;', '"ica-s3 --version" prints the version.');
  return lines.join('\n');
}

/** The words `ica-s3` takes first, for "did you mean". */
const FIRST_WORDS = [...Object.keys(COMMANDS), 'help', '--help', '--version'];

function loaderOf(name: string): (() => Promise<Command>) | undefined {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** `ica-s3 help`: the usage; `ica-s3 help CMD`: the same as `ica-s3 CMD --help`. */
async function help(args: readonly string[], out: Output): Promise<number> {
  const [topic, ...rest] = args;
  if (topic === undefined || topic === '--help' || topic === '-h') { out.log(await usage()); return 0; }
  if (rest.length > 0) { out.error(`ica-s3 help: give one command, as in "ica-s3 help validate"\n\n${await usage()}`); return 2; }
  const load = loaderOf(topic);
  if (!load) return unknownCommand(topic, out);
  out.log((await load()).usage);
  return 0;
}

/** Unknown command: misuse, with the closest command and the usage (stderr, exit 2). */
async function unknownCommand(name: string, out: Output): Promise<number> {
  const closest = closestSpelling(name, FIRST_WORDS);
  out.error(`ica-s3: unknown command ${JSON.stringify(name)}${closest ? `; did you mean "${closest}"?` : ''}\n\n${await usage()}`);
  return 2;
}

function version(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the CLI; resolves to the exit status (0 ok, 1 bad config or failed check, 2 misuse). */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  // No command is misuse: the usage goes to stderr, so that `ica-s3 > file` does not swallow it.
  if (name === undefined) {
    out.error(await usage());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    out.log(await usage());
    return 0;
  }
  if (name === '--version') { out.log(version()); return 0; }
  if (name === 'help') return help(args, out);
  const load = loaderOf(name);
  if (!load) return unknownCommand(name, out);
  const command = await load();
  try {
    return await command.run(args, out);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidEndpointUrl) {
      out.error(`ica-s3 ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof FileError) {
      out.error(`ica-s3 ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
