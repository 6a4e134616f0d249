/**
 * `ica-s3 doctor` and `ica-s3 ica-payload` as commands: help, misuse, the progress indicator,
 * the shape of the API bodies, and where secrets go.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { createProgress } from '../../modules/cli/progress';
import {
  ICA_REGION_ID_PLACEHOLDER, SECRET_PLACEHOLDER, STORAGE_CREDENTIAL_ID_PLACEHOLDER, icaPayloads, parseTerraformOutputs,
} from '../../modules/ica/payload';
import { storageConfigurationName } from '../../modules/core/ica-names';
import { formatCheck } from '../../modules/account-report/run';
import { judge, pass } from '../../modules/account-report/checks';
import { outsideTool } from '../../modules/account-report/verdict';
import { resolveConfig } from '../../modules/core/validate';
import { roleInput, userInput } from './fixtures';

function recorder() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: { log: (text: string) => stdout.push(text), error: (text: string) => stderr.push(text) }, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'ica-doctor-cli-'));
function configFile(config: unknown, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const userOutputs = {
  access_key_id: { sensitive: false, type: 'string', value: 'AKIAREALKEY000000001' },
  secret_access_key: { sensitive: true, type: 'string', value: secret },
  principal_arn: { sensitive: false, type: 'string', value: 'arn:aws:iam::111122223333:user/illumina_ica_admin' },
  storage_configurations: { sensitive: false, type: ['list'], value: [{ bucketName: 'unit-user-data', keyPrefix: 'ica/', region: 'eu-central-1', icaRegion: 'EU', credentialType: 'AWS_USER', credential: 'AKIAREALKEY000000001', serverSideEncryptionAlgorithm: 'AES256' }] },
};

describe('ica-s3 --help and misuse', () => {
  test('both commands are listed and have --help', async () => {
    const help = recorder();
    expect(await main(['--help'], help.out)).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/doctor\s+check a live AWS account/);
    expect(help.stdout.join('\n')).toMatch(/ica-payload\s+write the JSON bodies/);
    for (const command of ['doctor', 'ica-payload']) {
      const run = recorder();
      expect(await main([command, '--help'], run.out)).toBe(0);
      expect(run.stdout.join('\n')).toMatch(new RegExp(`^Usage: ica-s3 ${command}`));
    }
  });

  test('an unknown option is misuse (exit 2)', async () => {
    const run = recorder();
    expect(await main(['doctor', '--jsn'], run.out)).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/Unknown option '--jsn'/);
  });

  test('an invalid config exits 1 before any AWS call', async () => {
    const run = recorder();
    expect(await main(['doctor', '-c', configFile({ name: 'x' }, 'bad.json')], run.out)).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/icaRegion: is required/);
  });

  test('without reachable AWS the doctor fails on the account line, fast', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    try {
      const run = recorder();
      const started = Date.now();
      expect(await main(['doctor', '-c', configFile(userInput, 'user.json'), '--endpoint-url', 'http://127.0.0.1:9', '--json'], run.out)).toBe(1);
      expect(Date.now() - started).toBeLessThan(10_000);
      const report = JSON.parse(run.stdout.join('\n'));
      expect(report.ok).toBe(false);
      expect(report.checks).toEqual([expect.objectContaining({
        id: 'aws.account', status: 'FAIL', found: 'http://127.0.0.1:9 refused the connection (ECONNREFUSED)',
        fix: expect.stringContaining('check that the emulator is running and answers at http://127.0.0.1:9'),
      })]);
      // Even then it says what to enter in ICA, with placeholders.
      expect(report.storageConfigurations[0]).toMatchObject({ bucketName: 'unit-user-data', keyPrefix: 'ica/', serverSideEncryptionAlgorithm: 'AES256' });
    } finally {
      process.env = saved;
    }
  });
});

describe('the report', () => {
  test('one line per check; ICA error and fix only on WARN and FAIL', () => {
    expect(formatCheck(pass('bucket.cors', 'b', 'fine'), 12)).toBe('PASS  bucket.cors   b: fine');
    const line = formatCheck(judge('bucket.cors', 'b', 'no rule', 'the error', outsideTool('the step', 'fails')));
    expect(line).toBe('FAIL  bucket.cors  b: no rule | ICA error: "the error" | fix: outside this tool: the step');
    expect(line).not.toContain('\n');
  });

  test('the progress indicator writes to a terminal only, and clears its line', () => {
    const written: string[] = [];
    const tty = createProgress({ isTTY: true, write: (text: string) => written.push(text) });
    tty.step('bucket acme');
    tty.done();
    expect(written[0]).toMatch(/^\r\x1b\[K. checking bucket acme \.\.\.$/);
    expect(written.at(-1)).toBe('\r\x1b[K');
    const piped: string[] = [];
    const pipe = createProgress({ isTTY: false, write: (text: string) => piped.push(text) });
    pipe.step('x');
    pipe.done();
    expect(piped).toEqual([]);
  });
});

describe('ica-payload', () => {
  test('user method without outputs: placeholders everywhere, never a secret', () => {
    const payloads = icaPayloads(resolveConfig(userInput));
    const credential = payloads.files.find((file) => file.name === 'storage-credential.json')!;
    expect(credential.body).toEqual({ name: 'unit-user', type: 'AWS_USER', awsCredentials: { accessKeyId: 'YOUR_ACCESS_KEY_ID', secretAccessKey: SECRET_PLACEHOLDER } });
    expect(credential.secret).toBe(false);
    const configuration = payloads.files.find((file) => file.name === 'storage-configuration.unit-user-data-ica.json')!;
    expect(configuration.body).toEqual({
      regionId: ICA_REGION_ID_PLACEHOLDER,
      name: 'unit-user-data-ica',
      description: expect.stringContaining('s3://unit-user-data/ica/'),
      storageCredentialId: STORAGE_CREDENTIAL_ID_PLACEHOLDER,
      type: 'AWS_S3',
      awsDetails: { bucketName: 'unit-user-data', keyPrefix: 'ica/', serverSideEncryptionAlgorithm: 'AES256' },
    });
    expect(payloads.notes.join('\n')).toMatch(/GET \/api\/regions .*Germany \(EU, AWS eu-central-1\)/);
  });

  test('role method: no credential body, one configuration per prefix with the KMS key', () => {
    const payloads = icaPayloads(resolveConfig(roleInput));
    expect(payloads.files.map((file) => file.name)).toEqual(['storage-configuration.unit-data-ica-data.json', 'storage-configuration.unit-data-runs.json']);
    expect(payloads.files[0].body).toMatchObject({
      type: 'AWS_S3',
      awsDetails: { keyPrefix: 'ica-data/', serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: 'arn:aws:kms:us-east-1:YOUR_ACCOUNT_ID:key/YOUR_KEY_ID' },
    });
    expect(payloads.notes.join('\n')).toMatch(/created in the ICA UI/);
    expect(payloads.notes.join('\n')).toMatch(/AWS_Role/);
  });

  test('the secret only with --include-secret, only from the outputs, in a private file', async () => {
    const config = configFile(userInput, 'payload-user.json');
    const outputs = join(dir, 'outputs.json');
    writeFileSync(outputs, JSON.stringify(userOutputs));

    const plain = join(dir, 'plain');
    const run = recorder();
    expect(await main(['ica-payload', '-c', config, '-o', plain, '--outputs', outputs], run.out)).toBe(0);
    const credential = JSON.parse(readFileSync(join(plain, 'storage-credential.json'), 'utf8'));
    expect(credential.awsCredentials).toEqual({ accessKeyId: 'AKIAREALKEY000000001', secretAccessKey: SECRET_PLACEHOLDER });
    for (const name of readdirSync(plain)) expect(readFileSync(join(plain, name), 'utf8')).not.toContain(secret);

    const withSecret = join(dir, 'secret');
    const secretRun = recorder();
    expect(await main(['ica-payload', '-c', config, '-o', withSecret, '--outputs', outputs, '--include-secret'], secretRun.out)).toBe(0);
    const file = join(withSecret, 'storage-credential.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).awsCredentials.secretAccessKey).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect([...secretRun.stdout, ...secretRun.stderr].join('\n')).not.toContain(secret);

    const refused = recorder();
    expect(await main(['ica-payload', '-c', config, '-o', join(dir, 'refused'), '--include-secret'], refused.out)).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/--include-secret needs --outputs FILE/);
  });

  test('outputs: terraform output -json or a state file; anything else is refused', () => {
    expect(parseTerraformOutputs(userOutputs).accessKeyId).toBe('AKIAREALKEY000000001');
    expect(parseTerraformOutputs({ version: 4, terraform_version: '1.11.4', outputs: userOutputs }).secretAccessKey).toBe(secret);
    expect(() => parseTerraformOutputs({ something: { value: 1 } })).toThrow(/no storage_configurations or principal_arn/);
    expect(() => parseTerraformOutputs([])).toThrow(/not a JSON object/);
    const pgp = parseTerraformOutputs({ principal_arn: { value: 'arn' }, encrypted_secret_access_key: { value: 'wcBMA...' } });
    expect(() => icaPayloads(resolveConfig(userInput), { outputs: pgp, includeSecret: true })).toThrow(/only encrypted_secret_access_key/);
  });

  test('configuration names keep letters, digits, - and _', () => {
    expect(storageConfigurationName('my.bucket', 'projects/ica data/')).toBe('my-bucket-projects-ica-data');
  });
});
