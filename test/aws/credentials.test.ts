/**
 * Wrong, expired or missing credentials: `doctor` and `adopt` both ask sts:GetCallerIdentity
 * first and say what is wrong with the credentials and how to fix it, in the same words (one
 * function, accessProblem), instead of a bare 403 on the first bucket call.
 */
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { accessProblem } from '../../modules/aws/caller';
import { FakeEndpoint, awsErrorEndpoint } from '../support/fake-endpoint';
import { doctorAndAdoptConfigFiles } from '../doctor/fixtures';

const { dir, doctorConfig, adoptConfig } = doctorAndAdoptConfigFiles('credentials');

const saved = { ...process.env };
beforeEach(() => {
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'ICA_S3_ENDPOINT_URL', 'ICA_S3_TIMEOUTS']) delete process.env[name];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAWRONG', AWS_SECRET_ACCESS_KEY: 'wrong', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
});
afterEach(() => { process.env = { ...saved }; });

let endpoint: FakeEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function run(args: string[]) {
  const lines: string[] = [];
  const status = await main(args, { log: (text) => lines.push(text), error: (text) => lines.push(text) });
  return { status, output: lines.join('\n') };
}

/** The doctor's account line, and adopt's output, against the same endpoint. */
async function both(url: string) {
  const doctor = await run(['doctor', '-c', doctorConfig, '--endpoint-url', url, '--json']);
  expect(doctor.status).toBe(1);
  const checks = JSON.parse(doctor.output).checks as { id: string; status: string; found: string; fix: string }[];
  expect(checks).toHaveLength(1);
  const [account] = checks;
  expect(account).toMatchObject({ id: 'aws.account', status: 'FAIL' });
  const adopt = await run(['adopt', '-c', adoptConfig, '-b', 'their-data', '--endpoint-url', url]);
  expect(adopt.status).toBe(1);
  expect(adopt.output).toContain(`bucket their-data cannot be adopted:\n  ${account.found} | fix: ${account.fix}`);
  return account;
}

test.each([
  ['InvalidClientTokenId', 'The security token included in the request is invalid.', /^AWS does not know the access key id of these credentials; AWS said InvalidClientTokenId \(HTTP 403\)/, /leftover AWS_SESSION_TOKEN.*with an active key/],
  ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', /^the secret access key does not belong to the access key id; AWS said SignatureDoesNotMatch/, /AWS_SECRET_ACCESS_KEY/],
  ['ExpiredToken', 'The security token included in the request is expired', /^the credentials have expired; AWS said ExpiredToken/, /aws sso login/],
])('%s: doctor and adopt say the same about the credentials', async (code, message, found, fix) => {
  endpoint = await awsErrorEndpoint(code, message);
  const account = await both(endpoint.url);
  expect(account.found).toMatch(found);
  expect(account.found).toContain(message);
  expect(account.fix).toMatch(fix);
});

test('no credentials at all: both say none could be loaded', async () => {
  endpoint = await awsErrorEndpoint('InvalidClientTokenId', 'not reached');
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) delete process.env[name];
  Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials') });
  const account = await both(endpoint.url);
  expect(account.found).toMatch(/^no AWS credentials could be loaded; the SDK said CredentialsProviderError/);
  expect(account.fix).toMatch(/AWS_PROFILE, aws sso login/);
  expect(endpoint.connections()).toBe(0);
});

test('each service\'s spelling of the same credential problem reads the same', () => {
  const problem = (name: string) => accessProblem(Object.assign(new Error('m'), { name, $metadata: { httpStatusCode: 400 } }), false).found;
  expect(problem('InvalidAccessKeyId')).toMatch(/^AWS does not know the access key id/);
  expect(problem('UnrecognizedClientException')).toMatch(/^AWS does not know the access key id/);
  expect(problem('InvalidSignatureException')).toMatch(/^the secret access key does not belong/);
  expect(problem('ExpiredTokenException')).toMatch(/^the credentials have expired/);
  expect(accessProblem(Object.assign(new Error('boom'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }), false))
    .toEqual({ found: 'could not call sts:GetCallerIdentity: InternalFailure (HTTP 500): boom', fix: expect.stringMatching(/AWS_PROFILE.*or pass --endpoint-url for an emulator$/) });
});
