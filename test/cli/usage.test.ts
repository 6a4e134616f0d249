/**
 * What every command gets from its declared options, checked on every command the CLI lists (a new
 * command is covered without a line here): `ica-s3 help CMD`, a usage line and an option list that
 * name every option, "did you mean" for commands and options, an option given twice and a required
 * option missing as misuse. Then validate's --json and its warnings. All in process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionSpec, UsageError, parseCommandArgs } from '../../modules/cli/args';
import type { Command } from '../../modules/cli/command';
import { allCommands, main } from '../../modules/cli/index';
import { RULES } from '../../modules/core/rule-catalogue';

const ROOT = join(__dirname, '..', '..');

async function run(...argv: string[]): Promise<{ status: number; logs: string; errors: string }> {
  const logs: string[] = [];
  const errors: string[] = [];
  const status = await main(argv, { log: (text) => { logs.push(text); }, error: (text) => { errors.push(text); } });
  return { status, logs: logs.join('\n'), errors: errors.join('\n') };
}

let commands: Command[];
let dir: string;
beforeAll(async () => {
  commands = await allCommands();
  dir = mkdtempSync(join(tmpdir(), 'ica-usage-'));
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** The usage line of a --help text, unwrapped. */
function usageLine(help: string): string {
  return help.slice(0, help.indexOf('\n\n')).replace(/\s+/g, ' ');
}

/** `--name`, or `--[no-]name` for a negatable flag. */
function long(name: string, spec: OptionSpec): string {
  return spec.type === 'boolean' && spec.negatable ? `--[no-]${name}` : `--${name}`;
}

/** How the usage writes an option: `-c FILE`, `--write`, `--[no-]restrict-to-ica`. */
function form(name: string, spec: OptionSpec): string {
  return `${spec.short ? `-${spec.short}` : long(name, spec)}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
}

const repeatable = (spec: OptionSpec) => spec.type === 'string' && spec.multiple === true;

const declared = (command: Command) => Object.entries(command.options).filter(([name]) => name !== 'help');

test('the usage lists every command under its own name', async () => {
  const { logs } = await run('help');
  expect(commands.length).toBeGreaterThanOrEqual(9);
  for (const command of commands) expect(logs).toMatch(new RegExp(`^  ${command.name}\\s{2,}${command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  expect(logs).toContain('Run "ica-s3 help <command>"');
});

describe('every command', () => {
  test('ica-s3 help CMD prints what CMD --help and CMD -h print, on stdout, exit 0', async () => {
    for (const command of commands) {
      const help = await run('help', command.name);
      expect({ command: command.name, status: help.status, errors: help.errors }).toEqual({ command: command.name, status: 0, errors: '' });
      expect(help.logs).toBe(command.usage);
      for (const flag of ['--help', '-h']) expect((await run(command.name, flag)).logs).toBe(help.logs);
    }
  });

  test('its usage line names every option it takes, in its declared order, and nothing else', () => {
    for (const command of commands) {
      const line = usageLine(command.usage);
      const expected = declared(command).map(([name, spec]) => `${spec.type === 'string' && spec.required ? form(name, spec) : `[${form(name, spec)}]`}${repeatable(spec) ? '...' : ''}`);
      expect(line).toBe(`Usage: ${command.synopsis}`);
      expect(command.synopsis).toBe([`ica-s3 ${command.name}`, ...expected].join(' '));
      for (const usage of command.usage.split('\n\n')[0].split('\n')) expect(usage.length).toBeLessThanOrEqual(80);
    }
  });

  test('its option list gives every option with its help and its default, -h included', () => {
    for (const command of commands) {
      const options = command.usage.slice(command.usage.indexOf('\nOptions:\n')).split('\n\n')[0].replace(/\s+/g, ' ');
      for (const [name, spec] of Object.entries(command.options)) {
        const label = `${spec.short ? `-${spec.short}, ` : ''}${long(name, spec)}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
        const help = spec.type === 'string' && spec.default !== undefined ? `${spec.help} (default ${spec.default})` : spec.help;
        expect({ command: command.name, option: name, listed: options.includes(` ${label} ${help.replace(/\s+/g, ' ')}`) })
          .toEqual({ command: command.name, option: name, listed: true });
      }
    }
  });

  test('a mistyped option: misuse, exit 2, with the closest option', async () => {
    for (const command of commands) {
      const [name] = declared(command).find(([option]) => option.length >= 4) ?? [];
      if (!name) continue;
      const typo = `${name.slice(0, -2)}${name.slice(-1)}${name.slice(-2, -1)}`; // the last two letters swapped
      const { status, errors } = await run(command.name, `--${typo}`);
      expect({ command: command.name, status }).toEqual({ command: command.name, status: 2 });
      expect(errors).toMatch(new RegExp(`^ica-s3 ${command.name}: Unknown option '--${typo}': did you mean --${name}\\?\n\nUsage: ica-s3 ${command.name}`));
    }
  });

  test('any option given twice is misuse (but one that says it repeats), exit 2, naming the option; nothing runs', async () => {
    for (const command of commands) {
      for (const [name, spec] of declared(command).filter(([, option]) => !repeatable(option))) {
        const once = spec.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
        const twice = spec.short && spec.type === 'string' ? [...once, `-${spec.short}`, 'y'] : [...once, ...once];
        const { status, logs, errors } = await run(command.name, ...twice);
        expect({ command: command.name, option: name, status, logs }).toEqual({ command: command.name, option: name, status: 2, logs: '' });
        expect(errors.split('\n')[0]).toBe(`ica-s3 ${command.name}: ${spec.short ? `-${spec.short}/` : ''}--${name} is given twice: give it once${spec.type === 'string' ? ' (the second value would silently replace the first)' : ''}`);
      }
    }
  });

  test('a required option missing is misuse; --help still shows the usage', async () => {
    const required = commands.flatMap((command) => declared(command).filter(([, spec]) => spec.type === 'string' && spec.required).map(([name, spec]) => ({ command, name, spec })));
    expect(required.map(({ command, name }) => `${command.name} --${name}`)).toContain('adopt --bucket');
    for (const { command, name, spec } of required) {
      const { status, errors } = await run(command.name);
      expect(status).toBe(2);
      expect(errors).toMatch(new RegExp(`^ica-s3 ${command.name}: ${spec.short ? `-${spec.short}/` : ''}--${name} is required\n\nUsage: `));
      expect((await run(command.name, '--help')).status).toBe(0);
    }
  });
});

describe('commands', () => {
  test.each([
    ['valdate', 'validate'],
    ['doctr', 'doctor'],
    ['ica-paylaod', 'ica-payload'],
    ['--verison', '--version'],
  ])('%s: unknown, exit 2, did you mean "%s"', async (typo, meant) => {
    for (const argv of [[typo], ['help', typo]]) {
      const { status, logs, errors } = await run(...argv);
      expect(status).toBe(2);
      expect(logs).toBe('');
      expect(errors).toMatch(new RegExp(`^ica-s3: unknown command "${typo}"; did you mean "${meant}"\\?\n\nUsage: ica-s3 <command>`));
    }
  });

  test('nothing close: no hint', async () => {
    expect((await run('deploy')).errors).toMatch(/^ica-s3: unknown command "deploy"\n\n/);
  });

  test('ica-s3 help, help --help: the usage, exit 0; help with two words: misuse', async () => {
    const general = await run('--help');
    for (const argv of [['help'], ['help', '--help'], ['help', '-h']]) expect(await run(...argv)).toEqual({ status: 0, logs: general.logs, errors: '' });
    const two = await run('help', 'validate', 'synth');
    expect(two.status).toBe(2);
    expect(two.errors).toMatch(/^ica-s3 help: give one command/);
  });
});

describe('options that repeat or negate', () => {
  const OPTIONS = {
    bucket: { type: 'string', value: 'BUCKET', multiple: true, help: 'a bucket' },
    prefix: { type: 'string', value: 'PREFIX', multiple: true, help: 'a prefix of the bucket before it' },
    restrict: { type: 'boolean', negatable: true, help: 'yes or no' },
    json: { type: 'boolean', default: false, help: 'a plain flag' },
  } as const;

  test('a multiple option gives its values in order, and every option comes back in the order given', () => {
    const { values, given } = parseCommandArgs(['--bucket', 'a', '--prefix', 'x/', '--bucket', 'b', '--prefix', 'y/', '--restrict'], OPTIONS);
    expect(values.bucket).toEqual(['a', 'b']);
    expect(given).toEqual([
      { name: 'bucket', value: 'a' }, { name: 'prefix', value: 'x/' }, { name: 'bucket', value: 'b' }, { name: 'prefix', value: 'y/' }, { name: 'restrict' },
    ]);
  });

  test('a negatable flag takes --no-, once; a plain flag does not, with the closest spelling', () => {
    expect(parseCommandArgs(['--no-restrict'], OPTIONS).values.restrict).toBe(false);
    expect(parseCommandArgs([], OPTIONS).values.restrict).toBeUndefined();
    expect(() => parseCommandArgs(['--restrict', '--no-restrict'], OPTIONS)).toThrow(new UsageError('--restrict is given twice: give it once'));
    expect(() => parseCommandArgs(['--no-json'], OPTIONS)).toThrow(new UsageError("Unknown option '--no-json'"));
    expect(() => parseCommandArgs(['--no-restrcit'], OPTIONS)).toThrow(new UsageError("Unknown option '--no-restrcit': did you mean --no-restrict?"));
  });
});

describe('validate', () => {
  const VALID = { name: 'lab-ica', icaRegion: 'Germany', credential: { method: 'user' }, buckets: [{ name: 'lab-ica-data', prefixes: ['ica-data/', ' runs/'] }] };

  function writeConfig(name: string, config: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  test('a prefix with a spaced folder name: a warning that names it, exit 0', async () => {
    const { status, errors } = await run('validate', '-c', writeConfig('spaced.json', VALID));
    expect(status).toBe(0);
    const rule = RULES['prefix.surrounding-space'];
    expect(errors).toBe(`warning: buckets[0].prefixes[1]: " runs/" ${rule.message} (folder " runs"); fix: ${rule.fix}`);
  });

  test('--json, valid: the summary, the problems (none) and the warnings on stdout only, exit 0', async () => {
    const path = writeConfig('json-valid.json', VALID);
    const { status, logs, errors } = await run('validate', '-c', path, '--json');
    expect(status).toBe(0);
    expect(errors).toBe('');
    const result = JSON.parse(logs);
    expect(result).toEqual({
      config: path, ok: true, name: 'lab-ica', icaRegion: 'EU', awsRegion: 'eu-central-1', method: 'user', buckets: 1, prefixes: 2,
      problems: [],
      warnings: [expect.stringMatching(/^buckets\[0\]\.prefixes\[1\]: " runs\/" /)],
    });
  });

  test('--json, invalid: every problem with its path, rule, message and fix, exit 1', async () => {
    const path = writeConfig('json-bad.json', { ...VALID, icaRegion: 'Germny', buckets: [{ name: 'Bad_Bucket', prefixes: ['/'] }], typo: 1 });
    const { status, logs, errors } = await run('validate', '--json', '-c', path);
    expect(status).toBe(1);
    expect(errors).toBe('');
    const result = JSON.parse(logs);
    expect(result).toMatchObject({ config: path, ok: false, warnings: [] });
    expect(result.problems.map((problem: { path: string; rule: string }) => `${problem.path} ${problem.rule}`).sort()).toEqual([
      'buckets[0].name bucket-name.characters', 'buckets[0].prefixes[0] prefix.root', 'icaRegion ica-region.known', 'typo schema.unknown-key',
    ]);
    for (const problem of result.problems) expect(Object.keys(problem).sort()).toEqual(['fix', 'message', 'path', 'rule']);
    expect(result.problems.find((problem: { rule: string }) => problem.rule === 'ica-region.known').message).toContain('did you mean "Germany"?');
  });

  test('--json, a file that cannot be read: the problem as JSON, exit 1', async () => {
    const path = join(dir, 'missing.json');
    const { status, logs } = await run('validate', '--json', '-c', path);
    expect(status).toBe(1);
    expect(JSON.parse(logs)).toMatchObject({ ok: false, problems: [{ path: '(config)', rule: 'config.file', message: `${path} does not exist` }] });
  });
});

test('the default output directories the commands write are ignored by git, but terraform-out/, which is committed', () => {
  const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n');
  const outputs = commands.flatMap((command) => {
    const output = command.options.output;
    return output?.type === 'string' && output.default !== undefined ? [output.default] : [];
  });
  expect(outputs).toEqual(expect.arrayContaining(['cdktf.out', 'terraform-out', 'policies-out', 'ica-payload']));
  for (const output of outputs.filter((name) => name !== 'terraform-out')) {
    expect({ output, ignored: ignored.includes(`/${output}/`) || ignored.includes(`${output}/`) }).toEqual({ output, ignored: true });
  }
});
