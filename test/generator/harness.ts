/**
 * Running many configs through terraform at once. Each config's CDKTF stack and each config's
 * generated root configuration becomes a module of one harness root per renderer, so one
 * `terraform plan` and one `apply` cover the whole matrix, and configs whose provider settings are
 * equal share one provider instance (starting the aws provider costs seconds per instance).
 *
 * Nothing that decides a resource is changed: the stack's JSON and the generated files are used as
 * written, except that each one's provider block moves, unchanged, into the harness (a module
 * that receives providers cannot declare its own) and the stack's backend block, which only the
 * root may have, is dropped. The generated providers.tf is parsed to check that it holds nothing
 * but the region before it is replaced the same way.
 */
import { CreateOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketCorsCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from '@cdktf/hcl2json';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { emulatorProviderSettings } from '../../modules/core/emulator';
import { ResolvedConfig } from '../../modules/core/validate';
import { generateFiles, writeGeneratedFiles } from '../../modules/generator/generate';
import { CommandResult, terraformOk } from '../support/terraform';
import { ExistingBucket } from './matrix';

type Json = Record<string, unknown>;

/** Aliased provider configurations, one per distinct setting. */
class ProviderGroups {
  private readonly aliases = new Map<string, string>();
  readonly blocks: Json[] = [];

  aliasFor(block: Json): string {
    const key = JSON.stringify(block, Object.keys(block).sort());
    let alias = this.aliases.get(key);
    if (!alias) {
      alias = `g${this.aliases.size}`;
      this.aliases.set(key, alias);
      this.blocks.push({ ...block, alias });
    }
    return `aws.${alias}`;
  }
}

function writeHarnessRoot(dir: string, providers: ProviderGroups, modules: Record<string, Json>): void {
  writeFileSync(join(dir, 'main.tf.json'), `${JSON.stringify({
    terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } },
    provider: { aws: providers.blocks },
    module: modules,
    // Every output of every config, for the comparison after apply.
    output: Object.fromEntries(Object.keys(modules).map((id) => [id, { value: `\${module.${id}}`, sensitive: true }])),
  }, null, 2)}\n`);
}

/** The CDKTF stacks of the configs, synthesized with `synthesize()` for the emulator, as modules of one root. */
export function buildCdktfHarness(dir: string, configs: Readonly<Record<string, ResolvedConfig>>, endpointUrl: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const providers = new ProviderGroups();
  const modules: Record<string, Json> = {};
  for (const [id, config] of Object.entries(configs)) {
    const stackFile = synthesize(config, { outdir: join(dir, '.synth', id), endpointUrl });
    const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as Json & { provider: { aws: Json[] }; terraform: Json };
    const [provider, ...others] = stack.provider.aws;
    if (others.length > 0) throw new Error(`stack ${id} has several aws provider blocks`);
    delete (stack as Partial<typeof stack>).provider;
    delete stack.terraform.backend;
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
    modules[id] = { source: `./${id}`, providers: { aws: providers.aliasFor(provider) } };
  }
  writeHarnessRoot(dir, providers, modules);
}

/** The generated root configurations of the configs, with their tfvars as module arguments, as modules of one root. */
export async function buildGeneratedHarness(dir: string, configs: Readonly<Record<string, ResolvedConfig>>, endpointUrl: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const providers = new ProviderGroups();
  const modules: Record<string, Json> = {};
  const settings = emulatorProviderSettings(endpointUrl);
  const emulator = {
    endpoints: [settings.endpoints],
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: 'true',
    s3_use_path_style: true,
  };
  for (const [id, config] of Object.entries(configs)) {
    const files = generateFiles(config, { configFile: `${id}.json`, outputDir: 'terraform-out' });
    writeGeneratedFiles(files, join(dir, id));
    const parsed = await parse('providers.tf', files.get('providers.tf') as string) as { provider?: { aws?: Json[] } };
    const blocks = parsed.provider?.aws ?? [];
    const block = blocks[0] ?? {};
    if (blocks.length !== 1 || Object.keys(block).join() !== 'region') {
      throw new Error(`the generated providers.tf of ${id} is not the expected region-only block: ${JSON.stringify(parsed)}`);
    }
    rmSync(join(dir, id, 'providers.tf'));
    const { '//': _header, ...tfvars } = JSON.parse(files.get('terraform.tfvars.json') as string) as Json;
    const provider = { region: block.region, ...emulator };
    modules[id] = { source: `./${id}`, providers: { aws: providers.aliasFor(provider) }, ...tfvars };
  }
  writeHarnessRoot(dir, providers, modules);
}

/** An OIDC provider that exists before any plan, for configs with `oidcProvider: "existing"`. */
export async function createOidcProvider(endpointUrl: string, issuer: string): Promise<void> {
  const iam = new IAMClient({ endpoint: endpointUrl, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${issuer}`, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['0'.repeat(40)] }));
  iam.destroy();
}

/** Buckets that exist before any plan, for configs that adopt them (`existing`). */
export async function createExistingBuckets(endpointUrl: string, buckets: readonly ExistingBucket[]): Promise<void> {
  const s3 = new S3Client({ endpoint: endpointUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  for (const bucket of buckets) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: bucket.objectKey, Body: 'not ICA\'s' }));
    if (bucket.policyStatements) {
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket.name, Policy: JSON.stringify({ Version: '2012-10-17', Statement: bucket.policyStatements }) }));
    }
    if (bucket.corsRules) await s3.send(new PutBucketCorsCommand({ Bucket: bucket.name, CORSConfiguration: { CORSRules: [...bucket.corsRules] } }));
  }
  s3.destroy();
}

/**
 * The environment of an apply that creates an adopted bucket's restore resource: its create-time
 * provisioner runs the AWS CLI (signed in with the test credentials of ../support/terraform.ts),
 * here against the emulator.
 */
export function awsCliEnvironment(endpointUrl: string): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: endpointUrl };
}

/** `terraform init`, throwing with terraform's output when it fails. */
export function initOk(dir: string, args: readonly string[] = []): Promise<CommandResult> {
  return terraformOk(dir, ['init', '-input=false', ...args]);
}

/** `terraform show -json` of a saved plan, or of the state without one. */
export async function showJson(dir: string, planFile?: string): Promise<Json> {
  return JSON.parse((await terraformOk(dir, ['show', '-json', ...(planFile ? [planFile] : [])])).stdout) as Json;
}
