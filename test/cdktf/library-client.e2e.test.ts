/**
 * The package as a library, proven by a client: `npm pack` the project, install the tarball into a
 * fresh cdktf app with a stack, provider, S3 backend and resource of its own (examples/cdktf-app,
 * in plain JavaScript), `cdktf synth` there, and `terraform validate` the stack.
 *
 * Offline: npm cannot resolve the package's dependencies without the registry, so the tarball is
 * unpacked into node_modules as npm installs it, and each package its package.json declares
 * (dependencies and peer dependencies) is linked to this repository's installed copy. A
 * dependency the package forgot to declare is then missing, and the peers resolve to one copy of
 * cdktf for the app and the library, as npm's peer dependencies would have them. Needs
 * `npm run build` (npm test does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CommandResult, run, terraform } from '../support/terraform';

type Json = Record<string, any>;

const root = join(__dirname, '..', '..');

const MAIN_JS = `
const { App, S3Backend, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { IamPolicy } = require('@cdktf/provider-aws/lib/iam-policy');
const { IcaS3Connect } = require('ica-s3-connect');

class PlatformStack extends TerraformStack {
  constructor(scope, id) {
    super(scope, id);
    new S3Backend(this, { bucket: 'platform-terraform-state', key: 'platform/terraform.tfstate', region: 'us-east-1' });
    new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { owner: 'platform' } }] });
    const ica = new IcaS3Connect(this, 'ica', {
      config: {
        name: 'platform-ica',
        icaRegion: 'US',
        credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
        buckets: [{ name: 'platform-ica-data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS' } }],
      },
    });
    new IamPolicy(this, 'audit-ica', {
      name: 'platform-audit-ica',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: ica.principalArn }] }),
    });
  }
}

const app = new App();
new PlatformStack(app, 'platform');
app.synth();
`;

let work: string;
let files: string[];
let packed: Json;
let appDir: string;
let synth: CommandResult;
let stack: Json;
let init: CommandResult;
let validate: CommandResult | undefined;

/** Links node_modules/<name> of the app to the repository's installed copy. */
function linkInstalled(name: string): void {
  const target = join(appDir, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(root, 'node_modules', name), target, 'dir');
}

beforeAll(async () => {
  expect(existsSync(join(root, 'dist', 'modules', 'index.js'))).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'ica-e2e-library-'));
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [report] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  files = report.files.map((file) => file.path);

  appDir = join(work, 'app');
  const installed = join(appDir, 'node_modules', 'ica-s3-connect');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, report.filename), '-C', installed, '--strip-components=1']);
  packed = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Json;
  for (const name of Object.keys({ ...packed.dependencies, ...packed.peerDependencies })) linkInstalled(name);
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ name: 'platform', private: true, dependencies: { 'ica-s3-connect': `file:${report.filename}` } }, null, 2)}\n`);
  writeFileSync(join(appDir, 'cdktf.json'), `${JSON.stringify({ language: 'typescript', app: 'node main.js', sendCrashReports: 'false' }, null, 2)}\n`);
  writeFileSync(join(appDir, 'main.js'), MAIN_JS);

  synth = await run(join(root, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: appDir, env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' } });
  if (synth.code !== 0) return;
  const stackDir = join(appDir, 'cdktf.out', 'stacks', 'platform');
  stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as Json;
  // The S3 backend is the app's: validate needs none of it.
  init = await terraform(stackDir, ['init', '-input=false', '-backend=false']);
  validate = init.code === 0 ? await terraform(stackDir, ['validate', '-json']) : undefined;
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled library with its declarations, the CLI, templates, example configs, schema and the docs README links to, and nothing else', () => {
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'bin/ica-s3.js', 'ica-config.schema.json',
    'dist/modules/index.js', 'dist/modules/index.d.ts',
    'dist/modules/cdktf/ica-s3-connect.js', 'dist/modules/cdktf/ica-s3-connect.d.ts',
    'dist/modules/cli/index.js', 'templates/module/main.tf.hbs', 'examples/two-buckets-several-prefixes.json',
    'docs/configuration.md', 'docs/commands.md',
  ]));
  const unexpected = files.filter((path) => !/^(package\.json|README\.md|LICENSE|ica-config\.schema\.json|bin\/[^/]+\.js|dist\/modules\/.+\.(js|d\.ts)|templates\/.+\.hbs|examples\/[^/]+\.json|docs\/[^/]+\.md)$/.test(path));
  expect(unexpected).toEqual([]);
  for (const excluded of ['test/', 'bench/', 'tools/', 'dist/test/', 'dist/bench/', 'terraform-out/', 'cdktf.out/', 'examples/cdktf-app/']) {
    expect(files.filter((path) => path.startsWith(excluded))).toEqual([]);
  }
});

test('cdktf, constructs and the aws provider are peer dependencies, so app and library share one copy', () => {
  const peers = ['@cdktf/provider-aws', 'cdktf', 'constructs'];
  expect(Object.keys(packed.peerDependencies).sort()).toEqual(peers);
  for (const name of peers) expect(packed.dependencies[name]).toBeUndefined();
  const library = join(appDir, 'node_modules', 'ica-s3-connect', 'dist', 'modules', 'cdktf');
  for (const name of peers) {
    expect(require.resolve(`${name}/package.json`, { paths: [library] })).toBe(require.resolve(`${name}/package.json`, { paths: [appDir] }));
  }
  expect(packed.exports['.']).toEqual({ types: './dist/modules/index.d.ts', default: './dist/modules/index.js' });
});

test('cdktf synth in the app: its own backend, provider and resource, the connection under the construct id', () => {
  expect(synth.stderr).not.toMatch(/Error/);
  expect(synth.code).toBe(0);
  expect(stack.terraform.backend.s3).toMatchObject({ bucket: 'platform-terraform-state', key: 'platform/terraform.tfstate' });
  expect(stack.provider.aws).toEqual([expect.objectContaining({ region: 'us-east-1', default_tags: [{ tags: { owner: 'platform' } }] })]);
  const [roleName] = Object.keys(stack.resource.aws_iam_role);
  expect(roleName).toMatch(/^ica_ica-role_[0-9A-F]{8}$/);
  expect(Object.keys(stack.resource.aws_s3_bucket)).toEqual([expect.stringMatching(/^ica_bucket-platform-ica-data_bucket_[0-9A-F]{8}$/)]);
  const own = JSON.parse(stack.resource.aws_iam_policy['audit-ica'].policy) as Json;
  expect(own.Statement[0].Resource).toBe(`\${aws_iam_role.${roleName}.arn}`);
});

test('terraform validate finds the synthesized stack valid', () => {
  expect(init?.code).toBe(0);
  expect(validate?.code).toBe(0);
  expect(JSON.parse(validate!.stdout)).toMatchObject({ valid: true, error_count: 0 });
});
