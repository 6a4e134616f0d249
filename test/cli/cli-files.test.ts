/**
 * How the commands treat files: atomic writes (the old file survives a full disk), output
 * directories (a user's file is never overwritten without --force), file system errors (named
 * option and a way out, never an errno or a stack), adopt --write's in-place edit, and the
 * config read from standard input, once.
 */
import fs = require('node:fs');
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { OUTPUT_MANIFEST } from '../../modules/cli/files';
import { writeFileAtomic } from '../../modules/core/files';
import { adoptBucket } from '../../modules/adoption/adopt';

jest.mock('../../modules/adoption/adopt', () => ({ ...jest.requireActual('../../modules/adoption/adopt'), adoptBucket: jest.fn() }));
const adoptBucketMock = adoptBucket as jest.MockedFunction<typeof adoptBucket>;

const CONFIG = {
  name: 'acme-ica',
  icaRegion: 'US',
  credential: { method: 'user' },
  buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'] }],
};

/** A Node stack frame, or an errno code as Node spells it in its messages. */
const STACK_FRAME = /^\s+at .+[:(]/m;
const ERRNO = /\bE(NOENT|NOTDIR|EXIST|ACCES|PERM|NOSPC|ISDIR|ROFS)\b/;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'ica-cli-files-'));
  adoptBucketMock.mockReset();
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ status: number; logs: string; errors: string }> {
  const logs: string[] = [];
  const errors: string[] = [];
  const status = await main(argv, { log: (text) => logs.push(text), error: (text) => errors.push(text) });
  return { status, logs: logs.join('\n'), errors: errors.join('\n') };
}

function writeConfig(content: unknown = CONFIG, name = 'ica.config.json'): string {
  const path = join(dir, name);
  fs.writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Every file under `root`, relative path -> bytes. */
function snapshot(root: string): Map<string, Buffer> {
  return new Map((fs.readdirSync(root, { recursive: true, encoding: 'utf8' }))
    .filter((path) => fs.statSync(join(root, path)).isFile())
    .sort()
    .map((path) => [path, fs.readFileSync(join(root, path))]));
}

function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall, errno: -1 });
}

/** The disk fills up after `room` more bytes: writes stop part way, then fail with ENOSPC. */
function diskFullAfter(room: number): jest.SpyInstance {
  const realWrite = fs.writeSync;
  let left = room;
  return jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset?: number, length?: number, ...rest: unknown[]) => {
    // Text written by others in this process (stderr) is not what is under test.
    if (typeof buffer === 'string') return (realWrite as (...args: unknown[]) => number)(fd, buffer, offset, length, ...rest);
    if (left === 0) throw errnoError('ENOSPC', 'write');
    const start = offset ?? 0;
    const written = realWrite(fd, buffer, start, Math.min(length ?? buffer.length - start, left));
    left -= written;
    return written;
  }) as typeof fs.writeSync);
}

describe('atomic writes', () => {
  test('a full disk part way through leaves the old file byte for byte, and no temporary file', () => {
    const path = join(dir, 'ica.config.json');
    const original = Buffer.from('{"name": "the original"}\n');
    fs.writeFileSync(path, original);
    diskFullAfter(4096);
    expect(() => writeFileAtomic(path, 'x'.repeat(10_000))).toThrow(/ENOSPC/);
    jest.restoreAllMocks();
    expect(fs.readFileSync(path).equals(original)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['ica.config.json']);
  });

  test('a new file replaces the old one whole; its permissions are kept, a symlink stays a symlink', () => {
    const real = join(dir, 'real.json');
    fs.writeFileSync(real, 'old', { mode: 0o640 });
    fs.chmodSync(real, 0o640);
    const link = join(dir, 'link.json');
    fs.symlinkSync(real, link);
    writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('new');
    expect(fs.statSync(real).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
  });

  test('adopt --write on a full disk: exit 1, the config unchanged, no temporary file', async () => {
    const config = writeConfig({ ...CONFIG, buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'], existing: true, manage: ['cors'] }] });
    const original = fs.readFileSync(config);
    adoptBucketMock.mockResolvedValue({ bucket: { name: 'acme-ica-data', prefixes: ['ica-data/'], existing: true, manage: ['cors'], existingPolicy: true }, notes: [], problems: [] });
    diskFullAfter(16);
    const { status, errors } = await run('adopt', '-b', 'acme-ica-data', '-c', config, '--write');
    jest.restoreAllMocks();
    expect(status).toBe(1);
    expect(errors).toBe(`ica-s3 adopt: -c ${JSON.stringify(config)} (--write): no space left (the disk is full) while writing ${JSON.stringify(config)}; no file was replaced: free some space and run again`);
    expect(fs.readFileSync(config).equals(original)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['ica.config.json']);
  });

  test('generate on a full disk replaces none of the earlier output: all files or none', async () => {
    const out = join(dir, 'infra');
    expect((await run('generate', '-c', writeConfig(), '-o', out)).status).toBe(0);
    const before = snapshot(out);
    const changed = writeConfig({ ...CONFIG, name: 'other-ica', icaRegion: 'EU' }, 'other.json');
    diskFullAfter(20_000);
    const { status, errors } = await run('generate', '-c', changed, '-o', out);
    jest.restoreAllMocks();
    expect(status).toBe(1);
    expect(errors).toMatch(/^ica-s3 generate: -o ".*infra": no space left \(the disk is full\) while writing ".*"; no file was replaced/);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('output directories: nothing of the user is overwritten', () => {
  const HAND_WRITTEN = 'resource "null_resource" "mine" {}\n';

  test('generate -o over a hand-written main.tf: exit 1, the file listed and unchanged, nothing written', async () => {
    const out = join(dir, 'infra');
    fs.mkdirSync(out);
    fs.writeFileSync(join(out, 'main.tf'), HAND_WRITTEN);
    const { status, errors } = await run('generate', '-c', writeConfig(), '-o', out);
    expect(status).toBe(1);
    expect(errors).toBe([
      `ica-s3 generate: -o ${JSON.stringify(out)}: refusing to overwrite a file that ica-s3-connect did not write:`,
      `  ${JSON.stringify(join(out, 'main.tf'))} (not written by ica-s3-connect)`,
      'nothing was written; move it away, choose another directory for -o, or run again with --force to overwrite it',
    ].join('\n'));
    expect(fs.readdirSync(out)).toEqual(['main.tf']);
    expect(fs.readFileSync(join(out, 'main.tf'), 'utf8')).toBe(HAND_WRITTEN);
  });

  test('every file that would be overwritten is listed', async () => {
    const out = join(dir, 'infra');
    fs.mkdirSync(out);
    for (const name of ['main.tf', 'outputs.tf', 'terraform.tfvars.json']) fs.writeFileSync(join(out, name), '{}\n');
    const { status, errors } = await run('generate', '-c', writeConfig(), '-o', out);
    expect(status).toBe(1);
    expect(errors).toContain('refusing to overwrite 3 files that ica-s3-connect did not write:');
    for (const name of ['main.tf', 'outputs.tf', 'terraform.tfvars.json']) expect(errors).toContain(JSON.stringify(join(out, name)));
  });

  test('with --force the hand-written main.tf is overwritten', async () => {
    const out = join(dir, 'infra');
    fs.mkdirSync(out);
    fs.writeFileSync(join(out, 'main.tf'), HAND_WRITTEN);
    expect((await run('generate', '-c', writeConfig(), '-o', out, '--force')).status).toBe(0);
    expect(fs.readFileSync(join(out, 'main.tf'), 'utf8')).toMatch(/^# Generated by ica-s3-connect from /);
  });

  test('a rerun over its own output is fine; the user\'s other files neither stop it nor change', async () => {
    const out = join(dir, 'infra');
    fs.mkdirSync(out);
    fs.writeFileSync(join(out, 'backend.tf'), HAND_WRITTEN);
    const config = writeConfig();
    expect((await run('generate', '-c', config, '-o', out)).status).toBe(0);
    const { status, errors } = await run('generate', '-c', writeConfig({ ...CONFIG, icaRegion: 'EU' }), '-o', out);
    expect({ status, errors }).toEqual({ status: 0, errors: '' });
    expect(fs.readFileSync(join(out, 'providers.tf'), 'utf8')).toContain('eu-central-1');
    expect(fs.readFileSync(join(out, 'backend.tf'), 'utf8')).toBe(HAND_WRITTEN);
  });

  test('ica-payload -o . next to a repository\'s README.md: refused, the README unchanged', async () => {
    const readme = '# My infrastructure repository\n';
    fs.writeFileSync(join(dir, 'README.md'), readme);
    const { status, errors } = await run('ica-payload', '-c', writeConfig(), '-o', dir);
    expect(status).toBe(1);
    expect(errors).toContain(`${JSON.stringify(join(dir, 'README.md'))} (not written by ica-s3-connect)`);
    expect(fs.readFileSync(join(dir, 'README.md'), 'utf8')).toBe(readme);
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'ica.config.json']);
  });

  test('ica-payload reruns over its own JSON files (recorded in the manifest), but not over one the user edited', async () => {
    const out = join(dir, 'payload');
    const config = writeConfig();
    expect((await run('ica-payload', '-c', config, '-o', out)).status).toBe(0);
    expect(fs.readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^<!-- Generated by ica-s3-connect \(ica-s3 ica-payload\) from /);
    expect(Object.keys(JSON.parse(fs.readFileSync(join(out, OUTPUT_MANIFEST), 'utf8')).files).sort())
      .toEqual(['storage-configuration.acme-ica-data-ica-data.json', 'storage-credential.json']);
    expect((await run('ica-payload', '-c', config, '-o', out)).status).toBe(0);

    const edited = join(out, 'storage-configuration.acme-ica-data-ica-data.json');
    const text = fs.readFileSync(edited, 'utf8').replace('YOUR_ICA_REGION_ID', 'c39b1feb-3e94-4440-805e-45e0c76462bf');
    fs.writeFileSync(edited, text);
    const { status, errors } = await run('ica-payload', '-c', config, '-o', out);
    expect(status).toBe(1);
    expect(errors).toContain(`${JSON.stringify(edited)} (changed since ica-s3-connect wrote it)`);
    expect(fs.readFileSync(edited, 'utf8')).toBe(text);
  });

  test('policies: a rerun is fine, a user\'s permission-policy.json is not overwritten', async () => {
    const out = join(dir, 'policies');
    const config = writeConfig();
    expect((await run('policies', '-c', config, '-o', out)).status).toBe(0);
    expect((await run('policies', '-c', config, '-o', out)).status).toBe(0);
    const mine = '{"Version": "2012-10-17", "Statement": []}\n';
    const other = join(dir, 'theirs');
    fs.mkdirSync(other);
    fs.writeFileSync(join(other, 'permission-policy.json'), mine);
    expect((await run('policies', '-c', config, '-o', other)).status).toBe(1);
    expect(fs.readFileSync(join(other, 'permission-policy.json'), 'utf8')).toBe(mine);
  });

  test('synth: cdktf\'s own output is overwritten, a user\'s manifest.json is not', async () => {
    const out = join(dir, 'cdktf.out');
    const config = writeConfig();
    expect((await run('synth', '-c', config, '-o', out)).status).toBe(0);
    expect((await run('synth', '-c', config, '-o', out)).status).toBe(0);
    const webManifest = '{"name": "my app", "icons": []}\n';
    fs.writeFileSync(join(out, 'manifest.json'), webManifest);
    const { status, errors } = await run('synth', '-c', config, '-o', out);
    expect(status).toBe(1);
    expect(errors).toContain(`${JSON.stringify(join(out, 'manifest.json'))} (not written by ica-s3-connect)`);
    expect(fs.readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(webManifest);
  });

  test.each(['generate', 'synth', 'policies', 'ica-payload'])('%s --help offers --force', async (command) => {
    const { status, logs } = await run(command, '--help');
    expect(status).toBe(0);
    // The option lines wrap at 80 columns: compare the words.
    const words = logs.replace(/\s+/g, ' ');
    expect(words).toContain(' --force overwrite files in DIR that ica-s3-connect did not write ');
    expect(words).toContain('-c, --config FILE config file, or - for standard input (default ica.config.json)');
  });
});

describe('file system errors name the option and what to do', () => {
  test('-o names a file: a file is in the way', async () => {
    const out = join(dir, 'main.tf');
    fs.writeFileSync(out, 'x');
    const { status, errors } = await run('generate', '-c', writeConfig(), '-o', out);
    expect(status).toBe(1);
    expect(errors).toBe(`ica-s3 generate: -o ${JSON.stringify(out)}: a file is in the way: ${JSON.stringify(out)} is a file, not a directory; move it away or choose another directory for -o`);
  });

  test('-o below a file: the file in the way is named', async () => {
    const file = join(dir, 'infra');
    fs.writeFileSync(file, 'x');
    const { status, errors } = await run('policies', '-c', writeConfig(), '-o', join(file, 'ica', 'policies'));
    expect(status).toBe(1);
    expect(errors).toContain(`a file is in the way: ${JSON.stringify(file)} is a file, not a directory`);
    expect(errors).not.toMatch(ERRNO);
  });

  test('a directory where a file is to be written', async () => {
    const out = join(dir, 'infra');
    fs.mkdirSync(join(out, 'main.tf'), { recursive: true });
    const { status, errors } = await run('generate', '-c', writeConfig(), '-o', out, '--force');
    expect(status).toBe(1);
    expect(errors).toBe(`ica-s3 generate: -o ${JSON.stringify(out)}: ${JSON.stringify(join(out, 'main.tf'))} is a directory, where a file is to be written; move it away or choose another directory for -o`);
  });

  test('permission denied', async () => {
    // Tests may run as root, which no mode keeps out: the refusal of new files is simulated.
    const realOpen = fs.openSync;
    jest.spyOn(fs, 'openSync').mockImplementation(((path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      if (flags === 'wx') throw errnoError('EACCES', 'open');
      return realOpen(path, flags as fs.OpenMode, mode);
    }) as typeof fs.openSync);
    const out = join(dir, 'policies');
    const { status, errors } = await run('policies', '-c', writeConfig(), '-o', out);
    expect(status).toBe(1);
    expect(errors).toMatch(/^ica-s3 policies: -o ".*policies": permission denied writing ".*\.json"; change the permissions or choose another directory for -o$/);
  });

  test('--outputs names a missing file', async () => {
    const missing = join(dir, 'outputs.json');
    const { status, errors } = await run('ica-payload', '-c', writeConfig(), '-o', join(dir, 'out'), '--outputs', missing);
    expect(status).toBe(1);
    expect(errors).toBe(`ica-s3 ica-payload: --outputs ${JSON.stringify(missing)}: ${JSON.stringify(missing)} does not exist; check the path`);
  });

  test('-c names a directory', async () => {
    const { status, errors } = await run('validate', '-c', dir);
    expect(status).toBe(1);
    expect(errors).toContain(`(config): ${dir} cannot be read: it is a directory, not a file`);
  });

  test.each([
    ['ENOSPC', /no space left \(the disk is full\)/],
    ['EROFS', /is on a read-only file system; choose another directory for -o/],
  ])('%s while writing', async (code, message) => {
    jest.spyOn(fs, 'writeSync').mockImplementation(() => { throw errnoError(code, 'write'); });
    const { status, errors } = await run('policies', '-c', writeConfig(), '-o', join(dir, 'out'));
    expect(status).toBe(1);
    expect(errors).toMatch(message);
  });

  test.each([
    ['generate', (root: string) => ['-c', writeConfig(), '-o', join(root, 'a-file')]],
    ['policies', (root: string) => ['-c', writeConfig(), '-o', join(root, 'a-file', 'below')]],
    ['ica-payload', (root: string) => ['-c', writeConfig(), '--outputs', join(root, 'missing.json')]],
    ['doctor', (root: string) => ['-c', writeConfig(), '--outputs', root]],
    ['validate', (root: string) => ['-c', root]],
  ])('%s: no errno code and no stack trace', async (command, args) => {
    fs.writeFileSync(join(dir, 'a-file'), 'x');
    const { status, errors } = await run(command, ...args(dir));
    expect(status).toBe(1);
    expect(errors).not.toMatch(ERRNO);
    expect(errors).not.toMatch(STACK_FRAME);
  });
});

describe('adopt --write edits only the entry it changes', () => {
  const COMPACT = [
    '{',
    '  "name": "acme-ica", "icaRegion": "US",',
    '  "credential": { "method": "role", "sessionNamePrefix": "Ab12Cd34" },',
    '  "buckets": [',
    '    { "name": "acme-lab-data", "prefixes": ["ica/"], "existing": true, "manage": ["cors"] },',
    '    { "name": "acme-ica-new",  "prefixes": ["runs/", "ref/"] }',
    '  ],',
    '  "tags": { "team": "lab" }',
    '}',
    '',
  ].join('\n');
  const THEIR_RULE = { ID: 'their-app', AllowedMethods: ['GET'], AllowedOrigins: ['https://app.example.com'] };

  test('the other lines stay byte for byte; the file holds the adopted entry', async () => {
    const config = writeConfig(COMPACT);
    const adopted = { name: 'acme-lab-data', prefixes: ['ica/'], existing: true, manage: ['cors'], existingPolicy: true, keepCorsRules: [THEIR_RULE], versioning: 'Enabled' };
    adoptBucketMock.mockResolvedValue({ bucket: adopted, notes: [], problems: [] });
    const { status, errors } = await run('adopt', '-b', 'acme-lab-data', '-c', config, '--write');
    expect({ status, errors }).toEqual({ status: 0, errors: '' });

    const written = fs.readFileSync(config, 'utf8');
    const before = COMPACT.split('\n');
    const after = written.split('\n');
    // Lines 0-3 and the last 5 are untouched; only the first bucket's entry grew.
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(after.slice(-5)).toEqual(before.slice(-5));
    expect(JSON.parse(written)).toEqual({ ...JSON.parse(COMPACT), buckets: [adopted, JSON.parse(COMPACT).buckets[1]] });
    expect(adoptBucketMock).toHaveBeenCalledTimes(1);
  });

  test('in a file laid out by JSON.stringify, the new key is the only change', async () => {
    const original = `${JSON.stringify(JSON.parse(COMPACT), null, 2)}\n`;
    const config = writeConfig(original);
    adoptBucketMock.mockResolvedValue({ bucket: { ...JSON.parse(COMPACT).buckets[0], existingPolicy: true }, notes: [], problems: [] });
    expect((await run('adopt', '-b', 'acme-lab-data', '-c', config, '--write')).status).toBe(0);
    expect(fs.readFileSync(config, 'utf8')).toBe(original.replace('"cors"\n      ]', '"cors"\n      ],\n      "existingPolicy": true'));
  });

  test('a key the adopted entry drops is removed; nothing else moves', async () => {
    const config = writeConfig(COMPACT.replace('"existing": true, "manage": ["cors"]', '"existing": true, "manage": ["cors"], "existingPolicy": true'));
    const original = fs.readFileSync(config, 'utf8');
    adoptBucketMock.mockResolvedValue({ bucket: { name: 'acme-lab-data', prefixes: ['ica/'], existing: true, manage: ['cors'] }, notes: [], problems: [] });
    expect((await run('adopt', '-b', 'acme-lab-data', '-c', config, '--write')).status).toBe(0);
    expect(fs.readFileSync(config, 'utf8')).toBe(original.replace(', "existingPolicy": true', ''));
  });

  test('the config is read once (a pipe such as /dev/stdin can be read only once)', async () => {
    const config = writeConfig(COMPACT);
    adoptBucketMock.mockResolvedValue({ bucket: JSON.parse(COMPACT).buckets[0], notes: [], problems: [] });
    const read = jest.spyOn(fs, 'readFileSync');
    expect((await run('adopt', '-b', 'acme-lab-data', '-c', config)).status).toBe(0);
    expect(read.mock.calls.filter(([path]) => path === config)).toHaveLength(1);
  });
});

describe('the config from standard input, and the usage', () => {
  function standardInput(text: string): void {
    const realRead = fs.readFileSync;
    jest.spyOn(fs, 'readFileSync').mockImplementation(((path: fs.PathOrFileDescriptor, options?: unknown) =>
      (path === 0 ? text : realRead(path, options as BufferEncoding))) as typeof fs.readFileSync);
  }

  test('-c - reads the config from standard input', async () => {
    standardInput(JSON.stringify(CONFIG));
    const { status, logs } = await run('validate', '-c', '-');
    expect(status).toBe(0);
    expect(logs).toMatch(/^standard input is valid: 1 bucket/);
  });

  test('-c - names standard input in its problems', async () => {
    standardInput('{"name": "acme-ica",}');
    const { status, errors } = await run('validate', '-c', '-');
    expect(status).toBe(1);
    expect(errors).toMatch(/^standard input: 1 problem\n {2}\(config\): standard input is not valid JSON: line 1, column 20: /);
  });

  test('adopt --write with -c -: misuse, exit 2, nothing read', async () => {
    const read = jest.spyOn(fs, 'readFileSync');
    const { status, errors } = await run('adopt', '-b', 'acme-ica-data', '-c', '-', '--write');
    expect(status).toBe(2);
    expect(errors).toMatch(/^ica-s3 adopt: --write writes the config back into its file, and -c - reads standard input: pass the config file with -c FILE\n\nUsage: ica-s3 adopt/);
    expect(read.mock.calls.filter(([path]) => path === 0)).toEqual([]);
  });

  test('ica-s3 with no arguments: the usage on stderr, exit 2; --help: stdout, exit 0', async () => {
    const bare = await run();
    expect(bare.status).toBe(2);
    expect(bare.logs).toBe('');
    expect(bare.errors).toMatch(/^Usage: ica-s3 <command> \[options\]/);
    const help = await run('--help');
    expect(help.status).toBe(0);
    expect(help.errors).toBe('');
    expect(help.logs).toBe(bare.errors);
  });
});
