/**
 * `ica-s3`: the command-line entry. Each command module is imported only when that command runs,
 * so `validate` never loads cdktf.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEndpointUrl } from '../core/emulator';
import { UsageError } from './args';
import type { Command } from './command';
import { FileError } from './files';
import { Output, processOutput } from './output';

/** Command name -> loader. Add a command here and in its own module under commands/. */
const COMMANDS: Record<string, () => Promise<Command>> = {
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

async function usage(): Promise<string> {
  const lines = ['Usage: ica-s3 <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`);
  lines.push('', 'Run "ica-s3 <command> --help" for the options of a command.');
  return lines.join('\n');
}

/** The package version: package.json is two folders up from source, three from dist/. */
function version(): string {
  const path = [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', '..', '..', 'package.json')].find(existsSync) as string;
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** Runs the CLI; resolves to the exit status (0 ok, 1 bad config or failed check, 2 misuse). */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  // No command is misuse: the usage goes to stderr, so that `ica-s3 > file` does not swallow it.
  if (name === undefined) {
    out.error(await usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out.log(await usage());
    return 0;
  }
  if (name === '--version') { out.log(version()); return 0; }
  const load = COMMANDS[name];
  if (!load) {
    out.error(`ica-s3: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
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
