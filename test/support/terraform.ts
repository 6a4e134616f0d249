/**
 * Running Terraform in tests, offline: a CLI config with a filesystem mirror of the aws provider
 * (the machine's TF_CLI_CONFIG_FILE points at a file that does not exist), a plugin cache shared
 * by every test file, and no checkpoint calls.
 *
 * Terraform does not lock its plugin cache: two inits that put the provider into it at the same
 * moment fail ("failed to create directory .../linux_amd64: file exists"), and a provider re-linked
 * while another test starts it fails to load. So the e2e project's global setup warms the cache
 * once (warmPluginCache), and `plugin_cache_may_break_dependency_lock_file` lets every later init
 * link from the warm cache without writing to it (a fresh test directory has no lock file, which
 * otherwise makes terraform install into the cache again).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the offline provider mirror lives; ICA_S3_TF_MIRROR overrides it. */
export const PROVIDER_MIRROR = process.env.ICA_S3_TF_MIRROR ?? '/opt/tf-plugins';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let cachedEnv: NodeJS.ProcessEnv | undefined;

/** The environment every terraform run in the tests uses. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!cachedEnv) {
    const home = join(tmpdir(), 'ica-s3-connect-terraform');
    const cache = join(home, 'plugin-cache');
    mkdirSync(cache, { recursive: true });
    const cliConfig = join(home, 'terraformrc');
    writeFileSync(cliConfig, [
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      'plugin_cache_may_break_dependency_lock_file = true',
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(PROVIDER_MIRROR)}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
      '',
    ].join('\n'));
    cachedEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_PLUGIN_CACHE_DIR: cache,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete cachedEnv.AWS_PROFILE;
  }
  return { ...cachedEnv, ...extra };
}

/** Runs a command and collects its output; never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `terraform <args>` in a directory with the offline environment. */
export function terraform(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return run('terraform', ['-chdir=' + cwd, ...args, ...(needsNoColor(args) ? ['-no-color'] : [])], { cwd, env: terraformEnv(env) });
}

function needsNoColor(args: readonly string[]): boolean {
  return ['init', 'validate', 'plan', 'apply', 'destroy', 'output', 'show', 'fmt'].includes(args[0]) && !args.includes('-no-color');
}

/** Like `terraform`, but throws with terraform's output when the command fails. */
export async function terraformOk(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const result = await terraform(cwd, args, env);
  if (result.code !== 0) {
    throw new Error(`terraform ${args.join(' ')} failed in ${cwd} (exit ${result.code}):\n${result.stderr}\n${result.stdout.slice(-4000)}`);
  }
  return result;
}

/** Puts the aws provider into the shared plugin cache, before any test runs terraform. */
export async function warmPluginCache(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ica-s3-warm-cache-'));
  try {
    writeFileSync(join(dir, 'versions.tf'), 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n');
    await terraformOk(dir, ['init', '-input=false']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits for every promise (no terraform run is left behind), then rethrows the first failure. */
export async function allSettledOrThrow<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}
