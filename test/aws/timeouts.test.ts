/**
 * No hang: `doctor` and `adopt` against an endpoint that accepts connections and never answers
 * (or sends the headers and then stalls) end within seconds, exit 1, and name the endpoint and
 * what to check. ICA_S3_TIMEOUTS sets the limits; on AWS each call is tried a bounded number of times.
 */
import { main } from '../../modules/cli/index';
import { DEFAULT_TIMEOUTS, resolveTimeouts } from '../../modules/aws/timeouts';
import { FakeEndpoint, silentEndpoint } from '../support/fake-endpoint';
import { doctorAndAdoptConfigFiles } from '../doctor/fixtures';

/** Far below "forever", far above the 1 s timeouts these runs use. */
const BOUND_MS = 15_000;

const { doctorConfig, adoptConfig } = doctorAndAdoptConfigFiles('timeouts');

const saved = { ...process.env };
beforeEach(() => {
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'ICA_S3_ENDPOINT_URL', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS']) delete process.env[name];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ICA_S3_TIMEOUTS: '1,1',
  });
});
afterEach(() => { process.env = { ...saved }; });

let endpoint: FakeEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** Runs the CLI in-process; resolves to its exit status, output and time taken. */
async function run(args: string[]) {
  const lines: string[] = [];
  const started = Date.now();
  const status = await main(args, { log: (text) => lines.push(text), error: (text) => lines.push(text) });
  return { status, output: lines.join('\n'), ms: Date.now() - started };
}

describe('an endpoint that accepts connections and never answers', () => {
  test('doctor: exit 1 within the bound, the account line names the endpoint and what to check', async () => {
    endpoint = await silentEndpoint();
    const { status, output, ms } = await run(['doctor', '-c', doctorConfig, '--endpoint-url', endpoint.url, '--json']);
    expect(status).toBe(1);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(JSON.parse(output).checks).toEqual([expect.objectContaining({
      id: 'aws.account',
      status: 'FAIL',
      found: `${endpoint.url} did not answer in time (connect timeout 1 s, response timeout 1 s)`,
      fix: expect.stringMatching(new RegExp(`^outside this tool: check that the emulator is running and answers at ${endpoint.url} .*ICA_S3_TIMEOUTS=CONNECT,RESPONSE \\(now 1,1\\)`)),
    })]);
  });

  test('adopt: exit 1 within the bound, naming the endpoint and what to check', async () => {
    endpoint = await silentEndpoint();
    const { status, output, ms } = await run(['adopt', '-c', adoptConfig, '-b', 'their-data', '--endpoint-url', endpoint.url]);
    expect(status).toBe(1);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(output).toContain(`bucket their-data cannot be adopted:\n  ${endpoint.url} did not answer in time (connect timeout 1 s, response timeout 1 s) | fix: outside this tool: check that the emulator is running and answers at ${endpoint.url}`);
  });
});

test('a response that stalls after its headers ends too', async () => {
  endpoint = await silentEndpoint('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<GetCallerIdentityResponse>');
  const { status, output, ms } = await run(['doctor', '-c', doctorConfig, '--endpoint-url', endpoint.url]);
  expect(status).toBe(1);
  expect(ms).toBeLessThan(BOUND_MS);
  expect(output).toMatch(new RegExp(`^FAIL +aws\\.account +\\(credentials\\): ${endpoint.url} did not answer in time`, 'm'));
});

test('on AWS a call is tried 3 times, then reported by service and region', async () => {
  endpoint = await silentEndpoint();
  // The SDK's own per-service endpoint setting sends STS here while the doctor believes it talks to AWS.
  Object.assign(process.env, { AWS_ENDPOINT_URL_STS: endpoint.url, ICA_S3_TIMEOUTS: '0.5,0.5' });
  const { status, output, ms } = await run(['doctor', '-c', doctorConfig, '--json']);
  expect(status).toBe(1);
  expect(ms).toBeLessThan(BOUND_MS);
  expect(endpoint.connections()).toBe(3);
  const [account] = JSON.parse(output).checks;
  expect(account.found).toBe('AWS STS in eu-central-1 did not answer in time (connect timeout 0.5 s, response timeout 0.5 s; 3 tries)');
  expect(account.fix).toMatch(/^outside this tool: check this machine's network path to AWS .*ICA_S3_TIMEOUTS=CONNECT,RESPONSE \(now 0\.5,0\.5\)$/);
});

describe('ICA_S3_TIMEOUTS', () => {
  test('unset: 5 s to connect, 30 s for the response; else CONNECT,RESPONSE in seconds', () => {
    expect(resolveTimeouts({})).toEqual({ timeouts: DEFAULT_TIMEOUTS });
    expect(DEFAULT_TIMEOUTS).toEqual({ connectSeconds: 5, responseSeconds: 30 });
    expect(resolveTimeouts({ ICA_S3_TIMEOUTS: '2, 120' })).toEqual({ timeouts: { connectSeconds: 2, responseSeconds: 120 } });
  });

  test.each(['30', '5,30,1', '0,30', '5,-1', 'five,30', '5,'])('"%s" is refused', (value) => {
    expect(resolveTimeouts({ ICA_S3_TIMEOUTS: value })).toEqual({ problem: expect.stringContaining('two positive numbers of seconds, CONNECT,RESPONSE') });
  });

  test('a bad value is misuse (exit 2) before any AWS call; --help documents the setting', async () => {
    process.env.ICA_S3_TIMEOUTS = '30';
    const doctor = await run(['doctor', '-c', doctorConfig, '--endpoint-url', 'http://127.0.0.1:9']);
    expect(doctor.status).toBe(2);
    expect(doctor.output).toMatch(/^ica-s3 doctor: ICA_S3_TIMEOUTS is "30"; it takes two positive numbers/);
    const adopt = await run(['adopt', '-c', adoptConfig, '-b', 'their-data', '--endpoint-url', 'http://127.0.0.1:9']);
    expect(adopt.status).toBe(2);
    expect((await run(['doctor', '--help'])).output).toMatch(/ICA_S3_TIMEOUTS=CONNECT,RESPONSE\s+seconds to wait/);
  });
});
