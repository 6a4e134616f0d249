/**
 * The `ica-s3` command: `main(argv, out)` with a recording Output, plus one real process to prove
 * the exit status and the absence of a stack trace from the shipped entry point.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { Output } from '../../modules/cli/output';
import { ENDPOINT_ENV } from '../../modules/core/emulator';
import { RULES } from '../../modules/core/rule-catalogue';

const ROOT = join(__dirname, '..', '..');

interface Recorder extends Output {
  readonly logs: string[];
  readonly errors: string[];
  /** Everything written, both streams. */
  text(): string;
}

function recorder(): Recorder {
  const logs: string[] = [];
  const errors: string[] = [];
  return {
    logs,
    errors,
    log: (text) => { logs.push(text); },
    error: (text) => { errors.push(text); },
    text: () => [...logs, ...errors].join('\n'),
  };
}

async function run(...argv: string[]): Promise<{ status: number; out: Recorder }> {
  const out = recorder();
  const status = await main(argv, out);
  return { status, out };
}

/** A Node stack frame ("    at fn (file:line:col)"). */
const STACK_FRAME = /^\s+at .+[:(]/m;

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ica-cli-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function writeConfig(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return path;
}

const ROLE_CONFIG = {
  name: 'acme-ica',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
  buckets: [
    { name: 'acme-ica-data', prefixes: ['ica-data/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } },
    { name: 'acme-ica-plain', prefixes: ['runs/'] },
  ],
  bucketPolicy: { crossAccountCopy: true },
};

const USER_CONFIG = {
  name: 'lab-ica',
  icaRegion: 'Germany',
  credential: { method: 'user' },
  buckets: [{ name: 'lab-ica-data', prefixes: ['ica-data/'] }],
};

const BAD_CONFIG = {
  name: 'acme-ica',
  icaRegion: 'Mars',
  credential: { method: 'role', sessionNamePrefix: 'bad prefix' },
  buckets: [{ name: 'Bad_Bucket', prefixes: ['/', 'a', 'a/'] }],
  typo: 1,
};

describe('usage and exit status', () => {
  test('no command: usage, exit 2', async () => {
    const { status, out } = await run();
    expect(status).toBe(2);
    expect(out.text()).toMatch(/^Usage: ica-s3 <command> \[options\]/);
  });

  test.each(['--help', '-h', 'help'])('%s: usage listing every command, exit 0', async (flag) => {
    const { status, out } = await run(flag);
    expect(status).toBe(0);
    for (const command of ['validate', 'synth', 'policies']) expect(out.logs.join('\n')).toMatch(new RegExp(`^  ${command}\\s{2,}\\S`, 'm'));
  });

  test('unknown command: exit 2 with the usage on stderr', async () => {
    const { status, out } = await run('deploy');
    expect(status).toBe(2);
    expect(out.logs).toEqual([]);
    expect(out.errors.join('\n')).toMatch(/^ica-s3: unknown command "deploy"\n\nUsage: ica-s3 <command>/);
  });

  test.each([
    ['validate', 'Usage: ica-s3 validate [-c FILE]'],
    ['synth', 'Usage: ica-s3 synth [-c FILE] [-o DIR] [--endpoint-url URL]'],
    ['policies', 'Usage: ica-s3 policies [-c FILE] [-o DIR]'],
  ])('%s --help: its usage, exit 0', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const { status, out } = await run(command, flag);
      expect(status).toBe(0);
      expect(out.logs.join('\n')).toMatch(new RegExp(`^${usage.replace(/[[\]]/g, '\\$&')}`));
      expect(out.logs.join('\n')).toContain('-c, --config FILE');
      expect(out.errors).toEqual([]);
    }
  });

  test.each(['validate', 'synth', 'policies'])('%s with an unknown option: exit 2 with the command usage', async (command) => {
    const { status, out } = await run(command, '--bogus');
    expect(status).toBe(2);
    const text = out.errors.join('\n');
    expect(text).toMatch(new RegExp(`^ica-s3 ${command}: Unknown option '--bogus'`));
    expect(text).toContain(`Usage: ica-s3 ${command}`);
    expect(text).not.toMatch(STACK_FRAME);
  });

  test('a stray positional argument is misuse too', async () => {
    const { status, out } = await run('validate', 'ica.config.json');
    expect(status).toBe(2);
    expect(out.errors.join('\n')).toContain('Usage: ica-s3 validate');
  });

  test('an option without its value is misuse', async () => {
    const { status } = await run('validate', '-c');
    expect(status).toBe(2);
  });
});

describe('validate', () => {
  test('a valid config: exit 0 and a summary', async () => {
    const path = writeConfig('role.json', ROLE_CONFIG);
    const { status, out } = await run('validate', '-c', path);
    expect(status).toBe(0);
    expect(out.logs).toEqual([`${path} is valid: 2 bucket(s), 2 prefix(es), ICA region US (us-east-1), role method`]);
    expect(out.errors).toEqual([]);
  });

  test('the repository\'s ica.config.json is the default', async () => {
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const { status, out } = await run('validate');
      expect(status).toBe(0);
      expect(out.logs[0]).toMatch(/^ica\.config\.json is valid: /);
    } finally {
      process.chdir(cwd);
    }
  });

  test('an invalid config: exit 1, every problem with its path and fix, no stack trace', async () => {
    const path = writeConfig('bad.json', BAD_CONFIG);
    const { status, out } = await run('validate', '-c', path);
    expect(status).toBe(1);
    expect(out.logs).toEqual([]);
    const text = out.errors.join('\n');
    expect(text).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 6 problems\n`));
    // Each problem's line: the path, the quoted value and the catalogue rule's words (a detail may
    // follow); the next line: the rule's fix.
    const lines = text.split('\n');
    for (const [path, rule, value] of [
      ['icaRegion', 'ica-region.known', 'Mars'],
      ['credential.sessionNamePrefix', 'session-name-prefix.characters', 'bad prefix'],
      ['buckets[0].name', 'bucket-name.characters', 'Bad_Bucket'],
      ['buckets[0].prefixes[0]', 'prefix.root', '/'],
      ['buckets[0].prefixes[2]', 'prefixes.unique', 'a/'],
    ] as const) {
      const at = lines.findIndex((line) => line.startsWith(`  ${path}: ${JSON.stringify(value)} ${RULES[rule].message}`));
      expect({ path, rule, printed: at >= 0 }).toEqual({ path, rule, printed: true });
      expect(lines[at + 1]).toBe(`    fix: ${RULES[rule].fix}`);
    }
    expect(text).toContain('  typo: unknown key "typo"\n    fix: ');
    expect(text).not.toMatch(STACK_FRAME);
    expect(text).not.toMatch(/ZodError|ConfigError|Error:/);
  });

  test('one problem is counted in the singular', async () => {
    const path = writeConfig('one.json', { ...USER_CONFIG, icaRegion: 'Mars' });
    const { status, out } = await run('validate', '--config', path);
    expect(status).toBe(1);
    expect(out.errors.join('\n')).toContain(`${path}: 1 problem\n`);
  });

  test('a missing file: exit 1 with the fix', async () => {
    const path = join(dir, 'missing.json');
    const { status, out } = await run('validate', '-c', path);
    expect(status).toBe(1);
    expect(out.errors.join('\n')).toContain(`(config): ${path} does not exist\n    fix: pass the config with -c FILE`);
  });

  test('a file that is not JSON: exit 1', async () => {
    const path = writeConfig('broken.json', '{ "name": ');
    const { status, out } = await run('validate', '-c', path);
    expect(status).toBe(1);
    expect(out.errors.join('\n')).toContain(`(config): ${path} is not valid JSON`);
    expect(out.errors.join('\n')).not.toMatch(STACK_FRAME);
  });

  test('warnings go to stderr and do not fail the config', async () => {
    const path = writeConfig('kr.json', { ...USER_CONFIG, icaRegion: 'KR' });
    const { status, out } = await run('validate', '-c', path);
    expect(status).toBe(0);
    expect(out.errors).toEqual([expect.stringMatching(/^warning: icaRegion: BSSH is not deployed/)]);
  });
});

describe('policies', () => {
  function readJson(path: string): any {
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('}\n') || text.endsWith(']\n')).toBe(true);
    expect(text).toContain('\n  '); // formatted for people
    return JSON.parse(text);
  }

  test('role method, SSE-KMS, cross-account copy: the full file set with the seeds\' placeholders', async () => {
    const path = writeConfig('policies-role.json', ROLE_CONFIG);
    const outDir = join(dir, 'policies-role');
    const { status, out } = await run('policies', '-c', path, '-o', outDir);
    expect(status).toBe(0);
    const files = [
      'bucket-policy.acme-ica-data.json',
      'bucket-policy.acme-ica-plain.json',
      'cors.json',
      'ica-storage-configuration.json',
      'kms-key-policy.acme-ica-data.json',
      'permission-policy.json',
      'trust-policy.json',
    ];
    // .ica-s3-connect.json records them, so that a rerun knows them as its own.
    expect(readdirSync(outDir).sort()).toEqual(['.ica-s3-connect.json', ...files]);
    expect(out.logs.slice().sort()).toEqual(files.map((file) => `wrote ${join(outDir, file)}`));

    const trust = readJson(join(outDir, 'trust-policy.json'));
    expect(trust.Statement[0].Principal.Federated).toBe('arn:aws:iam::YOUR_ACCOUNT_ID:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE');
    expect(trust.Statement[0].Condition.StringLike['sts:RoleSessionName']).toBe('Ab12Cd34-*');

    const permission = readJson(join(outDir, 'permission-policy.json'));
    const kms = permission.Statement.find((statement: { Sid: string }) => statement.Sid === 'IcaKmsAccess');
    expect(kms.Resource).toBe('arn:aws:kms:us-east-1:YOUR_ACCOUNT_ID:key/YOUR_KEY_ID');

    const keyPolicy = readJson(join(outDir, 'kms-key-policy.acme-ica-data.json'));
    expect(keyPolicy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual(['EnableAccountAdministration', 'AllowIcaUse', 'AllowCrossAccountAccess']);
    expect(keyPolicy.Statement[0].Principal.AWS).toBe('arn:aws:iam::YOUR_ACCOUNT_ID:root');
    expect(keyPolicy.Statement[1].Principal.AWS).toBe('arn:aws:iam::YOUR_ACCOUNT_ID:role/Illumina_ICA_Role');

    const bucketPolicy = readJson(join(outDir, 'bucket-policy.acme-ica-data.json'));
    expect(bucketPolicy.Statement[0]).toMatchObject({ Sid: 'IcaCrossAccountCopy', Principal: { AWS: 'arn:aws:iam::079623148045:role/ica_use1_crossacct' } });

    expect(readJson(join(outDir, 'cors.json'))).toEqual([{
      AllowedHeaders: ['*'],
      AllowedMethods: ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'],
      AllowedOrigins: ['https://ica.illumina.com'],
      ExposeHeaders: ['ETag', 'x-amz-meta-custom-header'],
    }]);

    expect(readJson(join(outDir, 'ica-storage-configuration.json'))).toEqual([
      {
        name: 'acme-ica-data-ica-data', bucketName: 'acme-ica-data', keyPrefix: 'ica-data/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_ROLE',
        credential: 'arn:aws:iam::YOUR_ACCOUNT_ID:role/Illumina_ICA_Role',
        serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: 'arn:aws:kms:us-east-1:YOUR_ACCOUNT_ID:key/YOUR_KEY_ID',
      },
      {
        name: 'acme-ica-plain-runs', bucketName: 'acme-ica-plain', keyPrefix: 'runs/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_ROLE',
        credential: 'arn:aws:iam::YOUR_ACCOUNT_ID:role/Illumina_ICA_Role', serverSideEncryptionAlgorithm: 'AES256',
      },
    ]);
  });

  test('user method, SSE-S3, no bucket policy: no trust, bucket or key policy files', async () => {
    const path = writeConfig('policies-user.json', USER_CONFIG);
    const outDir = join(dir, 'policies-user');
    const { status } = await run('policies', '--config', path, '--output', outDir);
    expect(status).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['.ica-s3-connect.json', 'cors.json', 'ica-storage-configuration.json', 'permission-policy.json']);
    expect(readJson(join(outDir, 'ica-storage-configuration.json'))[0]).toMatchObject({ credentialType: 'AWS_USER', credential: 'YOUR_ACCESS_KEY_ID', region: 'eu-central-1' });
  });

  test('restrictToIca with the user method: the Deny names the user with YOUR_ACCOUNT_ID', async () => {
    const path = writeConfig('policies-restrict.json', { ...USER_CONFIG, bucketPolicy: { restrictToIca: true } });
    const outDir = join(dir, 'policies-restrict');
    expect((await run('policies', '-c', path, '-o', outDir)).status).toBe(0);
    const deny = readJson(join(outDir, 'bucket-policy.lab-ica-data.json')).Statement[0];
    expect(deny.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::YOUR_ACCOUNT_ID:user/illumina_ica_admin',
      'arn:aws:sts::YOUR_ACCOUNT_ID:federated-user/*',
    ]);
  });

  test('an invalid config writes nothing: exit 1', async () => {
    const path = writeConfig('policies-bad.json', BAD_CONFIG);
    const outDir = join(dir, 'policies-bad');
    const { status, out } = await run('policies', '-c', path, '-o', outDir);
    expect(status).toBe(1);
    expect(existsSync(outDir)).toBe(false);
    expect(out.errors.join('\n')).toContain(`icaRegion: "Mars" ${RULES['ica-region.known'].message}`);
  });
});

describe('synth', () => {
  const saved = process.env[ENDPOINT_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[ENDPOINT_ENV];
    else process.env[ENDPOINT_ENV] = saved;
  });

  test('writes <out>/stacks/<name>/cdk.tf.json and says what to enter in ICA', async () => {
    delete process.env[ENDPOINT_ENV];
    const path = writeConfig('synth-role.json', ROLE_CONFIG);
    const outDir = join(dir, 'synth-role');
    const { status, out } = await run('synth', '-c', path, '-o', outDir);
    expect(status).toBe(0);
    const stackFile = join(outDir, 'stacks', 'acme-ica', 'cdk.tf.json');
    expect(out.logs[0]).toBe(`wrote ${stackFile}`);
    expect(out.logs.join('\n')).toContain('Key prefix: ica-data/');
    const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
    expect(Object.values(stack.resource.aws_s3_bucket).map((bucket: any) => bucket.bucket)).toEqual(['acme-ica-data', 'acme-ica-plain']);
    expect(stack.provider.aws[0].region).toBe('us-east-1');
    expect(stack.provider.aws[0].endpoints).toBeUndefined();
  });

  test('--endpoint-url points the provider at an emulator', async () => {
    const path = writeConfig('synth-user.json', USER_CONFIG);
    const outDir = join(dir, 'synth-endpoint');
    const { status, out } = await run('synth', '-c', path, '-o', outDir, '--endpoint-url', 'http://127.0.0.1:4566');
    expect(status).toBe(0);
    expect(out.logs[0]).toContain('(AWS endpoint http://127.0.0.1:4566)');
    const stack = JSON.parse(readFileSync(join(outDir, 'stacks', 'lab-ica', 'cdk.tf.json'), 'utf8'));
    expect(stack.provider.aws[0].endpoints[0]).toMatchObject({ s3: 'http://127.0.0.1:4566', iam: 'http://127.0.0.1:4566', sts: 'http://127.0.0.1:4566', kms: 'http://127.0.0.1:4566' });
  });

  test.each([
    ['not http', 'ftp://127.0.0.1:4566', 'must start with http:// or https://'],
    ['malformed', 'http//127.0.0.1', 'is not a URL'],
    ['with a query', 'http://127.0.0.1:4566/?x=${var.y}', 'must not carry credentials, a query or a fragment'],
  ])('--endpoint-url %s is misuse: exit 2, nothing written', async (_what, url, message) => {
    const path = writeConfig('synth-bad-endpoint.json', USER_CONFIG);
    const outDir = join(dir, 'synth-bad-endpoint');
    for (const command of ['synth', 'doctor', 'adopt']) {
      const { status, out } = await run(command, '-c', path, ...(command === 'synth' ? ['-o', outDir] : []), ...(command === 'adopt' ? ['-b', 'lab-ica-data'] : []), '--endpoint-url', url);
      expect({ command, status }).toEqual({ command, status: 2 });
      expect(out.errors.join('\n')).toContain(message);
    }
    expect(existsSync(outDir)).toBe(false);
  });

  test(`${ENDPOINT_ENV} does the same when no flag is given`, async () => {
    process.env[ENDPOINT_ENV] = 'http://127.0.0.1:5555';
    const path = writeConfig('synth-env.json', USER_CONFIG);
    const outDir = join(dir, 'synth-env');
    expect((await run('synth', '-c', path, '-o', outDir)).status).toBe(0);
    const stack = JSON.parse(readFileSync(join(outDir, 'stacks', 'lab-ica', 'cdk.tf.json'), 'utf8'));
    expect(stack.provider.aws[0].endpoints[0].s3).toBe('http://127.0.0.1:5555');
  });

  test('an invalid config synthesizes nothing: exit 1', async () => {
    const path = writeConfig('synth-bad.json', BAD_CONFIG);
    const outDir = join(dir, 'synth-bad');
    const { status } = await run('synth', '-c', path, '-o', outDir);
    expect(status).toBe(1);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('the real process', () => {
  const entry = join(ROOT, 'bin', 'ica-s3.js');

  beforeAll(() => {
    const compiled = join(ROOT, 'dist', 'modules', 'cli', 'index.js');
    if (existsSync(compiled)) return;
    try {
      // npm run build; tsc still emits when a type check fails elsewhere, so judge by the file.
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
    } catch (error) {
      if (!existsSync(compiled)) throw error;
    }
  }, 120_000);

  test('node bin/ica-s3.js validate -c <bad file>: exit 1, the problems, no stack trace', () => {
    const path = writeConfig('process-bad.json', BAD_CONFIG);
    const result = spawnSync(process.execPath, [entry, 'validate', '-c', path], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`icaRegion: "Mars" ${RULES['ica-region.known'].message}`);
    expect(result.stderr).toContain('typo: unknown key "typo"');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test('node bin/ica-s3.js with an unknown command: exit 2', () => {
    const result = spawnSync(process.execPath, [entry, 'bogus'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "bogus"');
  });

  test('node bin/ica-s3.js --version prints the package version', () => {
    const result = spawnSync(process.execPath, [entry, '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
