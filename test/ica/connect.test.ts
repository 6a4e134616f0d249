/**
 * `ica-s3 connect` against the fake ICA API: the requests it sends (headers, media types,
 * bodies: the fake refuses anything else), what it prints, and its exit status, for a tenant
 * with nothing yet, a second run, the role method without its credential, a key rotation, drift,
 * refused credentials, rate limiting, an API that keeps failing, a validation error, a dry run,
 * and the secret, which must never appear in the output or in any file.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { storageConfigurations } from '../../modules/core/ica-policies';
import { resolveConfig } from '../../modules/core/validate';
import { main } from '../../modules/cli/index';
import { ConnectTuning, connectCommandWith } from '../../modules/cli/commands/connect';
import { IcaApiError, IcaClient } from '../../modules/ica/client';
import { icaPayloads, parseTerraformOutputs } from '../../modules/ica/payload';
import { EU_REGION, FakeIcaApi, FakeOptions, US_REGION, V3 } from './fake-ica-api';

const API_KEY = 'ica-api-key-0123456789abcdef';
const SECRET_A = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYAAAAAAAAAA';
const SECRET_B = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbBBBBBBBBBB';
const KEY_A = 'AKIAIOSFODNN7AAAAAAA';
const KEY_B = 'AKIAIOSFODNN7BBBBBBB';
const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const LONG_BUCKET = 'acme-genomics-sequencing-data-eu-central-1-prod01';

const userInput: IcaConfigInput = {
  name: 'acme-ica',
  icaRegion: 'EU',
  credential: { method: 'user', accessKeys: ['primary'] },
  buckets: [
    { name: 'acme-ica-data', prefixes: ['ica-data/'] },
    { name: LONG_BUCKET, prefixes: ['sequencing/runs-2026/novaseq-x-plus/'], encryption: { type: 'SSE-KMS' } },
  ],
};
const roleInput: IcaConfigInput = {
  name: 'acme-role',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', icaCredentialName: 'acme-role-credential' },
  buckets: [{ name: 'acme-role-data', prefixes: ['ica/'] }],
};

const dir = mkdtempSync(join(tmpdir(), 'ica-connect-'));
let fileCount = 0;
function writeJson(value: unknown): string {
  fileCount += 1;
  const path = join(dir, `file-${fileCount}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** `terraform output -json` of a deployed stack: the values as the stack outputs them. */
function outputsFor(input: IcaConfigInput, keys: Record<string, [string, string]> = { primary: [KEY_A, SECRET_A] }) {
  const config = resolveConfig(input);
  const labels = Object.keys(keys);
  const [activeId, activeSecret] = keys[labels[labels.length - 1]];
  const principal = config.credential.method === 'user' ? `arn:aws:iam::${ACCOUNT}:user/illumina_ica_admin` : `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`;
  const values = storageConfigurations(config, {
    accountId: ACCOUNT, icaPrincipalArn: principal,
    kmsKeyArn: (bucket) => (bucket.encryption.type === 'SSE-KMS' ? KEY_ARN : undefined),
    credential: config.credential.method === 'user' ? activeId : principal,
  });
  return {
    storage_configurations: { sensitive: false, type: ['list'], value: values },
    principal_arn: { sensitive: false, type: 'string', value: principal },
    ...(config.credential.method === 'user' ? {
      access_key_id: { sensitive: false, type: 'string', value: activeId },
      access_key_ids: { sensitive: false, type: ['map', 'string'], value: Object.fromEntries(labels.map((label) => [label, keys[label][0]])) },
      secret_access_key: { sensitive: true, type: 'string', value: activeSecret },
    } : {}),
  };
}

function recorder() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: { log: (text: string) => stdout.push(text), error: (text: string) => stderr.push(text) }, stdout, stderr, text: () => [...stdout, ...stderr].join('\n') };
}

const sleeps: number[] = [];
const fast: ConnectTuning = {
  poll: { intervalMs: 5, timeoutMs: 2_000 },
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 },
  requestTimeoutMs: 2_000,
  sleep: async (ms) => { sleeps.push(ms); await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))); },
  progressStream: { write: () => true },
};

const fakes: FakeIcaApi[] = [];
async function fake(options: FakeOptions = {}): Promise<FakeIcaApi> {
  const started = await new FakeIcaApi({ apiKey: API_KEY, ...options }).start();
  fakes.push(started);
  return started;
}

const savedEnv = { key: process.env.ICA_API_KEY, token: process.env.ICA_ACCESS_TOKEN };
beforeEach(() => {
  process.env.ICA_API_KEY = API_KEY;
  delete process.env.ICA_ACCESS_TOKEN;
  sleeps.length = 0;
});
afterAll(async () => {
  await Promise.all(fakes.map((started) => started.stop()));
  if (savedEnv.key === undefined) delete process.env.ICA_API_KEY; else process.env.ICA_API_KEY = savedEnv.key;
  if (savedEnv.token !== undefined) process.env.ICA_ACCESS_TOKEN = savedEnv.token;
});

/** Runs connect in process, with the fast waits, and checks that no secret was printed. */
async function connect(api: FakeIcaApi | undefined, args: string[], tuning: ConnectTuning = fast) {
  const run = recorder();
  const status = await connectCommandWith(tuning).run([...(api ? ['--ica-url', api.url] : []), ...args], run.out);
  for (const secret of [SECRET_A, SECRET_B, API_KEY]) expect(run.text()).not.toContain(secret);
  return { status, ...run };
}

const writes = (api: FakeIcaApi) => api.calls().filter((call) => call.startsWith('POST') && !call.endsWith(':validate'));

describe('a tenant with nothing yet, then a second run', () => {
  const config = resolveConfig(userInput);
  const names = storageConfigurations(config, { accountId: ACCOUNT, icaPrincipalArn: '', kmsKeyArn: () => undefined, credential: '' }).map((value) => value.name);
  let api: FakeIcaApi;
  let configFile: string;
  let outputsFile: string;

  beforeAll(async () => {
    api = await fake();
    configFile = writeJson(userInput);
    outputsFile = writeJson(outputsFor(userInput));
  });

  test('creates the credential and one configuration per prefix, validates each: exit 0', async () => {
    const run = await connect(api, ['-c', configFile, '--outputs', outputsFile]);
    expect(run.stderr).toEqual([]);
    expect(run.status).toBe(0);
    const created = api.configurations;
    expect(api.calls().slice(0, 6)).toEqual([
      'GET /api/regions',
      'GET /api/storageCredentials',
      'POST /api/storageCredentials',
      'GET /api/storageConfigurations',
      'POST /api/storageConfigurations',
      'POST /api/storageConfigurations',
    ]);
    expect(api.calls().slice(6, 8)).toEqual(created.map((configuration) => `POST /api/storageConfigurations/${configuration.id}:validate`));
    expect(api.calls().slice(8).every((call) => /^GET \/api\/storageConfigurations\/[0-9a-f-]+$/.test(call))).toBe(true);

    // Every request: the API key, the Accept header, and the v3 media type on every body.
    for (const request of api.requests) {
      expect(request.headers['x-api-key']).toBe(API_KEY);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.accept).toBe(`application/problem+json, ${V3}`);
      expect(request.headers['content-type']).toBe(request.body === undefined ? undefined : V3);
      expect(request.status).toBeLessThan(300);
    }

    // The bodies are ica-payload's, with the ids ICA gave: one builder for both.
    const credentialId = api.credentials[0].id;
    const payloadBodies = icaPayloads(config, { outputs: parseTerraformOutputs(outputsFor(userInput)), includeSecret: true })
      .files.map((file) => JSON.parse(JSON.stringify(file.body).replace('YOUR_ICA_REGION_ID', EU_REGION.id).replace('YOUR_STORAGE_CREDENTIAL_ID', credentialId)));
    const posted = api.requests.filter((request) => request.method === 'POST' && !request.path.endsWith(':validate')).map((request) => request.body);
    expect(posted).toEqual(payloadBodies);
    expect(posted[0]).toEqual({ name: 'acme-ica', type: 'AWS_USER', awsCredentials: { accessKeyId: KEY_A, secretAccessKey: SECRET_A } });
    expect(posted[2]).toMatchObject({ name: names[1], regionId: EU_REGION.id, storageCredentialId: credentialId, awsDetails: { serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: KEY_ARN } });
    expect(names[1]).toHaveLength(63);

    expect(api.credentials[0]).toMatchObject({ name: 'acme-ica', accessKeyId: KEY_A, secretAccessKey: SECRET_A });
    expect(created.map((configuration) => [configuration.name, configuration.status])).toEqual(names.map((name) => [name, 'READY']));
    const text = run.stdout.join('\n');
    expect(text).toMatch(/credential {3}"acme-ica" \(id [0-9a-f-]+\): created/);
    for (const name of names) expect(text).toMatch(new RegExp(`^OK +${name} .*created, validated \\(READY\\)`, 'm'));
    expect(text).toMatch(/a second run changes nothing/);
  });

  test('a second run finds everything, sends no create, validates again, and says nothing changed', async () => {
    const before = api.requests.length;
    const terminal: string[] = [];
    const run = await connect(api, ['-c', configFile, '--outputs', outputsFile], { ...fast, progressStream: { isTTY: true, write: (text: string) => terminal.push(text) } });
    for (const name of names) expect(terminal.join('')).toMatch(new RegExp(`validating ${name}: READY \\(\\d+ s\\)`));
    expect(terminal[terminal.length - 1]).toBe('\r\x1b[K');
    expect(run.status).toBe(0);
    const calls = api.calls().slice(before);
    expect(calls.filter((call) => call.startsWith('POST') && !call.endsWith(':validate'))).toEqual([]);
    expect(api.credentials).toHaveLength(1);
    expect(api.configurations).toHaveLength(2);
    expect(run.stdout.join('\n')).toMatch(/Nothing to change: ICA already holds the credential and every storage configuration/);
    expect(run.stdout.join('\n')).toMatch(/found, validated/);
  });

  test('--json: the report for pipelines', async () => {
    const run = await connect(api, ['-c', configFile, '--outputs', outputsFile, '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout.join('\n'));
    expect(report).toMatchObject({ ok: true, changed: false, region: { id: EU_REGION.id, code: 'EU' }, credential: { name: 'acme-ica', action: 'found' } });
    expect(report.configurations.map((result: { name: string; validation: { result: string } }) => [result.name, result.validation.result])).toEqual(names.map((name) => [name, 'valid']));
  });

  test('after a key rotation: the credential\'s secret is updated, no second credential', async () => {
    const rotated = writeJson(outputsFor(userInput, { primary: [KEY_A, SECRET_A], '2026-11': [KEY_B, SECRET_B] }));
    const before = api.requests.length;
    const run = await connect(api, ['-c', configFile, '--outputs', rotated]);
    expect(run.status).toBe(0);
    const credential = api.credentials[0];
    expect(writes(api).slice(-1)).toEqual([`POST /api/storageCredentials/${credential.id}:updateSecrets`]);
    expect(api.calls().slice(before).filter((call) => call === 'POST /api/storageCredentials')).toEqual([]);
    expect(api.requests.find((request) => request.path.endsWith(':updateSecrets'))?.body).toEqual({ awsCredentials: { accessKeyId: KEY_B, secretAccessKey: SECRET_B } });
    expect(api.credentials).toHaveLength(1);
    expect(credential).toMatchObject({ accessKeyId: KEY_B, secretAccessKey: SECRET_B });
    expect(run.stdout.join('\n')).toMatch(/its secret updated to the active access key/);
  });

  test('drift: a configuration with other values is reported, not changed, not validated: exit 1', async () => {
    const target = api.configurations[0];
    target.awsDetails.serverSideEncryptionAlgorithm = 'aws:kms';
    target.awsDetails.serverSideEncryptionKey = KEY_ARN;
    const before = api.requests.length;
    const run = await connect(api, ['-c', configFile, '--outputs', outputsFile]);
    expect(run.status).toBe(1);
    const calls = api.calls().slice(before);
    expect(calls.filter((call) => call.startsWith('POST') && !call.endsWith(':validate'))).toEqual([]);
    expect(calls).not.toContain(`POST /api/storageConfigurations/${target.id}:validate`);
    expect(target.awsDetails.serverSideEncryptionAlgorithm).toBe('aws:kms');
    const text = run.stdout.join('\n');
    expect(text).toMatch(new RegExp(`^DRIFT ${target.name} .*serverSideEncryptionAlgorithm: ICA has aws:kms, the config wants AES256.*\\| fix: .*no call that changes a storage configuration`, 'm'));
    expect(text).toMatch(/Not connected/);
    target.awsDetails.serverSideEncryptionAlgorithm = 'AES256';
    delete target.awsDetails.serverSideEncryptionKey;
  });
});

describe('the role method', () => {
  test('without its credential in ICA: stops with the UI steps, creates nothing: exit 1', async () => {
    const api = await fake();
    const run = await connect(api, ['-c', writeJson(roleInput), '--outputs', writeJson(outputsFor(roleInput))]);
    expect(run.status).toBe(1);
    expect(api.calls()).toEqual(['GET /api/regions', 'GET /api/storageCredentials']);
    expect(run.stdout.join('\n')).toMatch(/ICA holds no storage credential named "acme-role-credential" \| fix: create it in the ICA UI .*type AWS_Role, name "acme-role-credential", role ARN arn:aws:iam::111122223333:role\/Illumina_ICA_Role, with the RoleSessionName prefix "Ab12Cd34"/);
  });

  test('with its credential (found by credential.icaCredentialName): the configurations are created against it', async () => {
    const api = await fake();
    const credential = api.addCredential('acme-role-credential', 'AWS_ROLE');
    const run = await connect(api, ['-c', writeJson(roleInput), '--outputs', writeJson(outputsFor(roleInput))]);
    expect(run.status).toBe(0);
    expect(writes(api)).toEqual(['POST /api/storageConfigurations']);
    expect(api.configurations[0]).toMatchObject({ name: 'acme-role-data-ica', regionId: US_REGION.id, storageCredentialId: credential.id });
  });
});

describe('errors from ICA', () => {
  test.each([
    ['a wrong API key', { apiKey: 'another-key' }, 401, /HTTP 401: Unauthorized: Full authentication is required.*\| fix: ICA did not accept the credentials: set ICA_API_KEY/],
    ['a user without the rights', { forbidden: true }, 403, /HTTP 403: Forbidden: Access is denied.*\| fix: .*administrator rights/],
  ])('%s: ICA\'s message and the fix, exit 1', async (_name, options, status, expected) => {
    const api = await fake(options);
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))]);
    expect(run.status).toBe(1);
    expect(api.requests.map((request) => request.status)).toEqual([status]);
    expect(run.stdout.join('\n')).toMatch(expected);
  });

  test('a bearer token instead of an API key', async () => {
    const api = await fake({ apiKey: undefined, bearerToken: 'token-xyz' });
    delete process.env.ICA_API_KEY;
    process.env.ICA_ACCESS_TOKEN = 'token-xyz';
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))]);
    expect(run.status).toBe(0);
    expect(api.requests.every((request) => request.headers.authorization === 'Bearer token-xyz' && request.headers['x-api-key'] === undefined)).toBe(true);
    expect(run.text()).not.toContain('token-xyz');
  });

  test('429, then success: waits (Retry-After, within the bound) and carries on', async () => {
    const api = await fake();
    api.faults.push({ method: 'GET', path: /^\/api\/regions$/, status: 429, times: 1, retryAfter: '3600' });
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))]);
    expect(run.status).toBe(0);
    expect(api.calls().slice(0, 2)).toEqual(['GET /api/regions', 'GET /api/regions']);
    expect(api.requests[0].status).toBe(429);
    // An hour of Retry-After is capped at the retry policy's longest wait.
    expect(sleeps[0]).toBe(fast.retry!.maxDelayMs);
  });

  test('500 forever: bounded retries, then the prefix fails with ICA\'s message: exit 1', async () => {
    const api = await fake();
    api.faults.push({ method: 'POST', path: /^\/api\/storageConfigurations$/, status: 500, times: Infinity });
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))]);
    expect(run.status).toBe(1);
    expect(api.calls().filter((call) => call === 'POST /api/storageConfigurations')).toHaveLength(2 * fast.retry!.attempts);
    expect(api.configurations).toEqual([]);
    const fails = run.stdout.join('\n').split('\n').filter((line) => line.startsWith('FAIL'));
    expect(fails).toHaveLength(2);
    for (const line of fails) expect(line).toMatch(/HTTP 500: Internal Server Error: forced 500 \(after 3 attempts\) \| fix: ICA is unavailable or failed: run connect again later/);
  });

  test('a request that gets no answer times out and is reported', async () => {
    const api = await fake();
    api.faults.push({ method: 'GET', path: /^\/api\/regions$/, status: 0, times: Infinity, hang: true });
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))], { ...fast, requestTimeoutMs: 100 });
    expect(run.status).toBe(1);
    expect(run.stdout.join('\n')).toMatch(/GET \/api\/regions: no answer within 0.1 s \(after 3 attempts\)/);
  });

  test('a validation error names ICA\'s message and the doctor checks that find its cause', async () => {
    const api = await fake({ validationPolls: 2, validationError: (configuration) => (configuration.awsDetails.bucketName === 'acme-ica-data' ? 'Access forbidden: not authorized to perform s3:GetBucketLocation' : undefined) });
    const configFile = writeJson(userInput);
    const run = await connect(api, ['-c', configFile, '--outputs', writeJson(outputsFor(userInput))]);
    expect(run.status).toBe(1);
    expect(run.stdout.join('\n')).toMatch(new RegExp(`^FAIL +acme-ica-data-ica-data .*ICA's validation failed \\(ERROR\\): "Access forbidden: not authorized to perform s3:GetBucketLocation" \\| fix: run npx ica-s3 doctor -c ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its checks policy.bucket find the cause`, 'm'));
    expect(run.stdout.join('\n')).toMatch(/^OK .*validated \(READY\)/m);
  });

  test('validation that never finishes: stops at the bound, says so: exit 1', async () => {
    const api = await fake({ validationPolls: Infinity });
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput))], { ...fast, poll: { intervalMs: 20, timeoutMs: 150 } });
    expect(run.status).toBe(1);
    expect(run.stdout.join('\n').split('\n').filter((line) => line.startsWith('WAIT'))).toHaveLength(2);
    // One read per prefix and round: 150 ms in rounds of 20 ms.
    expect(api.calls().filter((call) => /^GET \/api\/storageConfigurations\/.+/.test(call))).toHaveLength(2 * Math.ceil(150 / 20));
  });
});

describe('dry run, misuse and placeholders', () => {
  test('--dry-run sends nothing (needs no API key) and prints the requests with the secret masked', async () => {
    const api = await fake();
    delete process.env.ICA_API_KEY;
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput)), '--dry-run']);
    expect(run.status).toBe(0);
    expect(api.requests).toEqual([]);
    const text = run.stdout.join('\n');
    expect(text).toMatch(/^POST \/api\/storageCredentials {4}# if "acme-ica" is missing$/m);
    expect(text).toContain('"secretAccessKey": "********"');
    expect(text).toMatch(/POST \/api\/storageConfigurations\/\{id of "acme-ica-data-ica-data"\}:validate/);
    const json = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(outputsFor(userInput)), '--dry-run', '--json']);
    expect(JSON.parse(json.stdout.join('\n')).requests.length).toBeGreaterThan(5);
    expect(api.requests).toEqual([]);
  });

  test('misuse is exit 2: no API key in the environment, plain http to a remote host, an unknown option', async () => {
    delete process.env.ICA_API_KEY;
    const noKey = recorder();
    expect(await main(['connect', '-c', writeJson(userInput)], noKey.out)).toBe(2);
    expect(noKey.stderr.join('\n')).toMatch(/set ICA_API_KEY .* or ICA_ACCESS_TOKEN/);
    process.env.ICA_API_KEY = API_KEY;
    const http = recorder();
    expect(await main(['connect', '--ica-url', 'http://ica.example.com/ica/rest'], http.out)).toBe(2);
    expect(http.stderr.join('\n')).toMatch(/must use https:\/\//);
    expect(await main(['connect', '--api-key', 'x'], recorder().out)).toBe(2);
  });

  test('values that are still placeholders: refused before any request: exit 1', async () => {
    const api = await fake();
    const outputs = outputsFor(userInput);
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson({ principal_arn: outputs.principal_arn })]);
    expect(run.status).toBe(1);
    expect(api.requests).toEqual([]);
    expect(run.stderr.join('\n')).toMatch(/placeholders[\s\S]*YOUR_ACCESS_KEY_ID[\s\S]*YOUR_KEY_ID/);
  });

  test('the user method without the secret in the outputs: says where it comes from: exit 1', async () => {
    const api = await fake();
    const { secret_access_key: _secret, ...withoutSecret } = outputsFor(userInput);
    const run = await connect(api, ['-c', writeJson(userInput), '--outputs', writeJson(withoutSecret)]);
    expect(run.status).toBe(1);
    expect(api.credentials).toEqual([]);
    expect(run.stdout.join('\n')).toMatch(/creating the storage credential "acme-ica", which needs the access key's secret; the outputs hold no secret_access_key.*\| fix: pass --outputs FILE/);
  });

  test('the secret and the API key are in no file but the outputs file the user gave', () => {
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text).not.toContain(API_KEY);
      if (!text.includes('secret_access_key')) {
        expect(text).not.toContain(SECRET_A);
        expect(text).not.toContain(SECRET_B);
      }
    }
  });
});

describe('the client', () => {
  test('an IcaApiError never carries the request body', async () => {
    const api = await fake();
    api.faults.push({ method: 'POST', path: /^\/api\/storageCredentials$/, status: 500, times: Infinity });
    const client = new IcaClient({ baseUrl: api.url, auth: { kind: 'api-key', secret: API_KEY }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await client.createStorageCredential({ name: 'x', type: 'AWS_USER', awsCredentials: { accessKeyId: KEY_A, secretAccessKey: SECRET_A } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IcaApiError);
    expect(JSON.stringify(error) + String(error)).not.toContain(SECRET_A);
  });
});
