/**
 * One moto server per test file, on a free port of 127.0.0.1. moto emulates S3, IAM, STS and KMS
 * well enough for terraform apply/plan/destroy. It does not enforce every policy AWS does (the
 * tests turn its bucket-policy check off where it misreads ArnNotLike).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  /** Base URL, such as http://127.0.0.1:41234 */
  readonly url: string;
  /** Forgets every resource (moto's reset API), as a fresh server would. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /**
   * Whether moto checks bucket policies on object requests.
   *
   * WORKAROUND for moto 5.2, not for our stacks: moto's check understands only StringEquals and
   * never knows the caller, so the restrictToIca Deny (`ArnNotLike aws:PrincipalArn`) becomes an
   * unconditional Deny there and terraform gets 403 on its own folder objects (on AWS the deployer
   * is in exemptPrincipalArns). Turned off, policies are still stored and read back unchanged;
   * their enforcement is proven with an IAM policy simulator in test/core (policy-evaluation.test.ts).
   * @default true
   */
  readonly enforceBucketPolicies?: boolean;
}

/** moto's server entry point with `FakeBucket.get_permission` answering NEUTRAL, and nothing else changed. */
const SERVER_WITHOUT_BUCKET_POLICY_CHECK = [
  'import sys',
  'from moto.iam.access_control import PermissionResult',
  'from moto.s3.models import FakeBucket',
  'FakeBucket.get_permission = lambda self, action, resource: PermissionResult.NEUTRAL',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/**
 * The interpreter moto is installed in (MOTO_PYTHON, else the python3 on the PATH), resolved to the
 * real executable so that stopping the child stops moto, not a version-manager shim.
 */
function motoPython(): string {
  const python = process.env.MOTO_PYTHON ?? 'python3';
  try {
    return execFileSync(python, ['-c', 'import moto, sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`cannot import moto with ${python} (set MOTO_PYTHON to the python moto_server runs with): ${(error as Error).message}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto did not start within 20 s:\n${output()}`);
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const address = ['-H', '127.0.0.1', '-p', String(port)];
  const child = options.enforceBucketPolicies === false
    ? spawn(motoPython(), ['-c', SERVER_WITHOUT_BUCKET_POLICY_CHECK, ...address], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('moto_server', address, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk) => { log = (log + chunk).slice(-4000); });
  child.stderr?.on('data', (chunk) => { log = (log + chunk).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, () => log);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return {
    url,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
