/**
 * The reading commands (doctor, preflight, adopt) change nothing: every SDK command they can send is a read, the clients refuse any
 * other before a request leaves the process, and no AGPL code is loaded at runtime.
 */
import { PutBucketCorsCommand, GetBucketCorsCommand } from '@aws-sdk/client-s3';
import { UpdateRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AwsReadClients, MutatingCallRefused, READ_ONLY_COMMAND } from '../../modules/aws/clients';
import { simulatePrincipal } from '../../modules/aws/simulate';
import { bucketRegionFromLocation, errorText } from '../../modules/aws/facts';

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const runtimeFiles = [...['aws', 'doctor', 'preflight', 'adoption'].flatMap((folder) => sources(join(__dirname, '../../modules', folder))), ...['doctor.ts', 'ica-payload.ts'].map((name) => join(__dirname, '../../modules/cli/commands', name))];

test('every AWS command the reading commands name is a read', () => {
  const commands = new Set<string>();
  for (const file of runtimeFiles) {
    for (const match of readFileSync(file, 'utf8').matchAll(/new (\w+)Command\(/g)) commands.add(match[1]);
  }
  expect(commands.size).toBeGreaterThan(25);
  for (const command of commands) expect(command).toMatch(READ_ONLY_COMMAND);
});

test('no runtime file imports the AGPL simulator', () => {
  for (const file of [...runtimeFiles, ...sources(join(__dirname, '../../modules/core')), ...sources(join(__dirname, '../../modules/cli'))]) {
    expect(readFileSync(file, 'utf8')).not.toMatch(/(from|import\(|require\()\s*['"]@cloud-copilot\/iam-simulate/);
  }
});

describe('the read-only guard', () => {
  // Port 9 (discard) on loopback: nothing answers, so a request that got through would fail differently.
  const clients = new AwsReadClients({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9' });
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  });
  afterAll(() => {
    clients.destroy();
    process.env = saved;
  });

  test('refuses a mutating call before sending it', async () => {
    await expect(clients.s3().send(new PutBucketCorsCommand({ Bucket: 'b', CORSConfiguration: { CORSRules: [] } }))).rejects.toBeInstanceOf(MutatingCallRefused);
    await expect(clients.iam.send(new UpdateRoleCommand({ RoleName: 'r', MaxSessionDuration: 3600 }))).rejects.toThrow(/read-only and refused to send UpdateRoleCommand/);
  });

  test('lets reads through (they then fail on the closed port, not on the guard)', async () => {
    const error = await clients.s3().send(new GetBucketCorsCommand({ Bucket: 'b' })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(MutatingCallRefused);
  });
});

describe('simulatePrincipal', () => {
  test('asks once per resource, with every action and the bucket policy, and maps the decisions', async () => {
    const sent: SimulatePrincipalPolicyCommand[] = [];
    const iam = {
      send: async (command: SimulatePrincipalPolicyCommand) => {
        sent.push(command);
        return {
          EvaluationResults: command.input.ActionNames!.map((action) => ({ EvalActionName: action, EvalDecision: action === 's3:GetObject' ? 'explicitDeny' : 'allowed' })),
          IsTruncated: false,
        };
      },
    };
    const result = await simulatePrincipal(iam as never, 'arn:aws:iam::1:role/r', [
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/p/x' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/p/x' },
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::b' },
    ], (resource) => (resource.startsWith('arn:aws:s3:::b') ? '{"Statement":[]}' : undefined));
    expect(sent).toHaveLength(2);
    expect(sent[0].input).toMatchObject({ PolicySourceArn: 'arn:aws:iam::1:role/r', ActionNames: ['s3:GetObject', 's3:PutObject'], ResourceArns: ['arn:aws:s3:::b/p/x'], ResourcePolicy: '{"Statement":[]}' });
    expect(result.state === 'ok' && [...result.value.entries()]).toEqual([
      ['s3:GetObject arn:aws:s3:::b/p/x', 'explicitDeny'],
      ['s3:PutObject arn:aws:s3:::b/p/x', 'allowed'],
      ['s3:ListBucket arn:aws:s3:::b', 'allowed'],
    ]);
  });

  test('an emulator without the simulator is reported, not thrown', async () => {
    const iam = { send: async () => { throw Object.assign(new Error('@aws-sdk XML parse error: mismatched tags'), { name: 'Error', $metadata: { httpStatusCode: 500 } }); } };
    const result = await simulatePrincipal(iam as never, 'arn', [{ action: 's3:GetObject', resource: '*' }]);
    expect(result).toEqual({ state: 'error', error: 'Error (HTTP 500): the answer was not an AWS response' });
  });
});

test('bucket locations and error texts', () => {
  expect(bucketRegionFromLocation(undefined)).toBe('us-east-1');
  expect(bucketRegionFromLocation('')).toBe('us-east-1');
  expect(bucketRegionFromLocation('EU')).toBe('eu-west-1');
  expect(bucketRegionFromLocation('eu-central-1')).toBe('eu-central-1');
  expect(errorText(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe('AccessDenied (HTTP 403): User is not authorized');
});
