/**
 * `ica-s3 init` answered by options, without a terminal: what it writes (and that validate accepts
 * it), how --prefix and the other bucket options attach to their --bucket, the defaults --yes takes,
 * an open question as misuse (exit 2) naming its option, an answer that breaks a rule (exit 1, the
 * rule's words and fix, nothing written), and the file it will not overwrite without --force.
 * The terminal and the prompts are in init-terminal.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { main } from '../../modules/cli/index';
import { RULES, RuleId } from '../../modules/core/rule-catalogue';

const ROOT = join(__dirname, '..', '..');
const SCHEMA = join(ROOT, 'ica-config.schema.json');
const KMS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let dir: string;
let path: string;
// jest may run this file in its own process on a terminal: init must not find one and prompt.
const stdinTty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
beforeAll(() => { Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true }); });
afterAll(() => {
  if (stdinTty) Object.defineProperty(process.stdin, 'isTTY', stdinTty);
  else delete (process.stdin as { isTTY?: boolean }).isTTY;
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ica-init-'));
  path = join(dir, 'ica.config.json');
});
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

async function run(...argv: string[]): Promise<{ status: number; logs: string; errors: string }> {
  const logs: string[] = [];
  const errors: string[] = [];
  const status = await main(argv, { log: (text) => logs.push(text), error: (text) => errors.push(text) });
  return { status, logs: logs.join('\n'), errors: errors.join('\n') };
}

function written(): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

const ROLE = ['--region', 'US', '--session-name-prefix', 'Ab12Cd34'];

describe('init answered by options', () => {
  test('writes the answers, each --prefix, --versioning, --encryption and --kms-key-arn in the --bucket before it; validate accepts the file', async () => {
    const result = await run('init', '-c', path, '--name', 'acme-ica', '--region', 'united states', '--method', 'role', '--session-name-prefix', 'Ab12Cd34',
      '--ica-credential-name', 'acme-role-credential',
      '--bucket', 'acme-ica-data', '--prefix', 'ica-data/', '--versioning', 'Enabled', '--encryption', 'SSE-KMS', '--kms-key-arn', KMS_KEY,
      '--bucket', 'acme-ica-runs', '--prefix', 'runs', '--prefix', 'fastq/', '--versioning', 'Suspended', '--encryption', 'SSE-KMS',
      '--restrict-to-ica', '--no-cross-account-copy');
    expect(result.errors).toBe('');
    expect(result.status).toBe(0);
    const { $schema, ...config } = written();
    expect(config).toEqual({
      name: 'acme-ica',
      icaRegion: 'US',
      credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', icaCredentialName: 'acme-role-credential' },
      buckets: [
        { name: 'acme-ica-data', prefixes: ['ica-data/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS', kmsKeyArn: KMS_KEY } },
        { name: 'acme-ica-runs', prefixes: ['runs/', 'fastq/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS' } },
      ],
      bucketPolicy: { restrictToIca: true, crossAccountCopy: false },
    });
    // "$schema" leads from the file's folder to the schema this package ships.
    expect(resolve(dirname(path), $schema as string)).toBe(SCHEMA);
    expect((await run('validate', '-c', path)).status).toBe(0);
  });

  test('--yes takes the default of every question no option answers', async () => {
    const result = await run('init', '-c', path, ...ROLE, '--bucket', 'acme-ica-data', '--yes');
    expect(result.status).toBe(0);
    const { $schema: _, ...config } = written();
    expect(config).toEqual({
      name: 'ica-s3-connect',
      icaRegion: 'US',
      credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'], versioning: 'Disabled', encryption: { type: 'SSE-S3' } }],
      bucketPolicy: { restrictToIca: false, crossAccountCopy: false },
    });
    expect((await run('validate', '-c', path)).status).toBe(0);
  });

  test('the next steps are the real commands, with -c when the file is not the default', async () => {
    const result = await run('init', '-c', path, ...ROLE, '--bucket', 'acme-ica-data', '--yes');
    for (const command of ['validate', 'preflight', 'synth', 'generate', 'connect']) {
      expect(result.logs).toContain(`npx ica-s3 ${command} -c ${path}`);
    }
    expect(result.logs).toContain(`ICA_S3_CONFIG=${path} npx cdktf deploy`);
    expect(result.logs).toContain('cdktf.out/stacks/ica-s3-connect/');
  });

  test('where ICA publishes no OIDC provider, --yes takes the user method; the role method asks for the provider id and namespace', async () => {
    expect((await run('init', '-c', path, '--region', 'IL', '--bucket', 'acme-ica-data', '--yes')).status).toBe(0);
    expect(written().credential).toEqual({ method: 'user' });
    rmSync(path);
    const missing = await run('init', '-c', path, '--region', 'IL', '--session-name-prefix', 'Ab12Cd34', '--bucket', 'acme-ica-data', '--yes');
    expect(missing.status).toBe(2);
    expect(missing.errors).toContain('no answer for --oidc-provider-id');
    const given = await run('init', '-c', path, '--region', 'IL', '--session-name-prefix', 'Ab12Cd34', '--oidc-provider-id', '0123456789ABCDEF0123456789ABCDEF', '--namespace', 'ilc1',
      '--bucket', 'acme-ica-data', '--yes');
    expect(given.status).toBe(0);
    expect(written().credential).toEqual({ method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProviderId: '0123456789ABCDEF0123456789ABCDEF', namespace: 'ilc1' });
  });

  test('the warnings of validate are printed (a region with a published limitation)', async () => {
    const result = await run('init', '-c', path, '--region', 'IN', '--session-name-prefix', 'Ab12Cd34', '--bucket', 'acme-ica-data', '--yes');
    expect(result.status).toBe(0);
    expect(result.errors).toMatch(/^warning: icaRegion: .*namespace/m);
  });
});

describe('a question no option answers, without a terminal, is misuse (exit 2) naming its option', () => {
  test.each([
    ['--region', ['--session-name-prefix', 'Ab12Cd34', '--bucket', 'acme-ica-data', '--yes']],
    ['--session-name-prefix', ['--region', 'US', '--bucket', 'acme-ica-data', '--yes']],
    ['--bucket', [...ROLE, '--yes']],
    // Without --yes even a question with a default needs its option: the first one is the name.
    ['--name', [...ROLE, '--bucket', 'acme-ica-data']],
  ])('%s', async (flag, args) => {
    const result = await run('init', '-c', path, ...args);
    expect(result.status).toBe(2);
    expect(result.errors).toContain(`ica-s3 init: no answer for ${flag}`);
    expect(result.errors).toContain('Usage: ica-s3 init');
    expect(existsSync(path)).toBe(false);
  });

  test('the message offers --yes only for a question that has a default', async () => {
    expect((await run('init', '-c', path, ...ROLE, '--bucket', 'acme-ica-data')).errors).toContain('give it, or --yes for its default');
    expect((await run('init', '-c', path, ...ROLE, '--yes')).errors).toContain('no answer for --bucket: give it (there is no terminal to ask on)');
  });
});

describe('an answer that breaks a rule stops init: exit 1, the rule and its fix, nothing written', () => {
  const bucket = ['--bucket', 'acme-ica-data'];
  // The schema's own checks word the allowed values themselves.
  const enumOf = (values: string) => ({ message: 'is not allowed', fix: `use one of ${values}` });
  test.each<[RuleId, string, string[], { message: string; fix: string }?]>([
    ['bucket-name.characters', '--bucket', [...ROLE, '--bucket', 'Bad_Bucket', '--yes']],
    ['bucket-name.ip-address', '--bucket', [...ROLE, '--bucket', '192.168.0.1', '--yes']],
    ['buckets.unique', '--bucket', [...ROLE, ...bucket, ...bucket, '--yes']],
    ['prefix.root', '--prefix', [...ROLE, ...bucket, '--prefix', '/', '--yes']],
    ['prefixes.overlap', '--prefix', [...ROLE, ...bucket, '--prefix', 'ica/', '--prefix', 'ica/data/', '--yes']],
    ['ica-region.known', '--region', ['--region', 'Mars', '--session-name-prefix', 'Ab12Cd34', ...bucket, '--yes']],
    ['session-name-prefix.characters', '--session-name-prefix', ['--region', 'US', '--session-name-prefix', 'bad prefix', ...bucket, '--yes']],
    ['name.pattern', '--name', ['--name', '1st', ...ROLE, ...bucket, '--yes']],
    ['schema.enum', '--method', ['--method', 'key', ...ROLE, ...bucket, '--yes'], enumOf('"user", "role"')],
    ['schema.enum', '--versioning', [...ROLE, ...bucket, '--versioning', 'On', '--yes'], enumOf('"Enabled", "Suspended", "Disabled"')],
    ['kms-key.region', '--kms-key-arn', [...ROLE, ...bucket, '--encryption', 'SSE-KMS', '--kms-key-arn', KMS_KEY.replace('us-east-1', 'eu-west-2'), '--yes']],
  ])('%s (%s)', async (rule, flag, args, words = RULES[rule]) => {
    const result = await run('init', '-c', path, ...args);
    expect(result.status).toBe(1);
    expect(result.errors).toMatch(new RegExp(`^ica-s3 init: ${flag} `));
    expect(result.errors).toContain(words.message);
    expect(result.errors).toContain(`fix: ${words.fix}`);
    expect(result.errors).toContain('nothing was written');
    expect(existsSync(path)).toBe(false);
  });

  test('a mistyped --region gets the closest region, as validate gives it', async () => {
    const result = await run('init', '-c', path, '--region', 'Germny', '--session-name-prefix', 'Ab12Cd34', ...bucket, '--yes');
    expect(result.status).toBe(1);
    expect(result.errors).toMatch(/^ica-s3 init: --region "Germny":\n.*did you mean "Germany"\?/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('misuse (exit 2)', () => {
  test.each([
    ['a bucket option before any --bucket', ['--prefix', 'ica-data/', ...ROLE, '--bucket', 'acme-ica-data', '--yes'], '--prefix belongs to a bucket'],
    ['a bucket option twice for one bucket', [...ROLE, '--bucket', 'acme-ica-data', '--versioning', 'Enabled', '--versioning', 'Disabled', '--yes'], '--versioning is given twice for --bucket "acme-ica-data"'],
    ['a role option with the user method', ['--region', 'US', '--method', 'user', '--session-name-prefix', 'Ab12Cd34', '--bucket', 'acme-ica-data', '--yes'], '--session-name-prefix is for --method role'],
    ['a key for SSE-S3', [...ROLE, '--bucket', 'acme-ica-data', '--kms-key-arn', KMS_KEY, '--yes'], '--kms-key-arn is for --encryption SSE-KMS'],
    ['an unknown option', [...ROLE, '--bucket', 'acme-ica-data', '--yes', '--colour'], "Unknown option '--colour'"],
    ['a mistyped option', [...ROLE, '--bucket', 'acme-ica-data', '--yes', '--no-restrict-to-ca'], "Unknown option '--no-restrict-to-ca': did you mean --no-restrict-to-ica?"],
    ['an answer option given twice', [...ROLE, '--name', 'a', '--name', 'b', '--bucket', 'acme-ica-data', '--yes'], '--name is given twice'],
  ])('%s', async (_, args, message) => {
    const result = await run('init', '-c', path, ...args);
    expect(result.status).toBe(2);
    expect(result.errors).toContain(message);
    expect(existsSync(path)).toBe(false);
  });

  test('standard input as the file', async () => {
    const result = await run('init', '-c', '-', ...ROLE, '--bucket', 'acme-ica-data', '--yes');
    expect(result.status).toBe(2);
    expect(result.errors).toContain('init writes a file');
  });
});

describe('the file', () => {
  const answers = [...ROLE, '--bucket', 'acme-ica-data', '--yes'];

  test('is not overwritten without --force (exit 1, before any question); --force replaces it', async () => {
    writeFileSync(path, '{"mine": true}\n');
    const refused = await run('init', '-c', path, ...answers);
    expect(refused.status).toBe(1);
    expect(refused.errors).toContain(`-c "${path}": "${path}" exists; nothing was written: run again with --force to replace it`);
    expect(readFileSync(path, 'utf8')).toBe('{"mine": true}\n');
    const forced = await run('init', '-c', path, ...answers, '--force');
    expect(forced.status).toBe(0);
    expect(written().name).toBe('ica-s3-connect');
  });

  test('a file that exists is refused before the answers are looked at', async () => {
    writeFileSync(path, '{}');
    const result = await run('init', '-c', path, '--region', 'US');
    expect(result.status).toBe(1);
    expect(result.errors).toContain('exists');
  });

  test('a directory where the file should be is refused, even with --force', async () => {
    mkdirSync(join(dir, 'config.json'));
    const result = await run('init', '-c', join(dir, 'config.json'), ...answers, '--force');
    expect(result.status).toBe(1);
    expect(result.errors).toContain('is a directory');
  });

  test('its folder is created when missing', async () => {
    const nested = join(dir, 'infra', 'ica', 'ica.config.json');
    expect((await run('init', '-c', nested, ...answers)).status).toBe(0);
    expect((await run('validate', '-c', nested)).status).toBe(0);
    const schema = (JSON.parse(readFileSync(nested, 'utf8')) as { $schema: string }).$schema;
    expect(resolve(dirname(nested), schema)).toBe(SCHEMA);
  });

  test('--help prints the usage with every answer option', async () => {
    const result = await run('init', '--help');
    expect(result.status).toBe(0);
    for (const flag of ['--region', '--method', '--session-name-prefix', '--bucket', '--prefix', '--versioning', '--encryption', '--kms-key-arn', '--[no-]restrict-to-ica', '--[no-]cross-account-copy', '--yes', '--force']) {
      expect(result.logs).toContain(flag);
    }
  });
});
