/**
 * `ica-s3 generate`: a plain Terraform root configuration and reusable module, rendered from the
 * same core data as the CDKTF stacks. Deterministic: the same config gives the same bytes.
 *
 * The module's files do not depend on the config (only their header names it); the config's
 * values reach Terraform as data, in terraform.tfvars.json. Only the backend block, which
 * Terraform reads before any variable, and the provider's region are written into HCL, through
 * the escaping helpers of ./hcl.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/files';
import { ResolvedConfig, loadConfigFile } from '../core/validate';
import { attributeLines, hclPretty } from './hcl';
import { Render, createRenderer, templatesDir } from './templates';
import { MOCKS, exampleRun, validationRuns } from './module-tests';
import { MODULE_OUTPUTS, MODULE_VARIABLES, moduleArguments, moduleInputs, moduleViewModel } from './view-model';

export const MODULE_DIR = join('modules', 'ica-s3-connect');

export interface GenerateOptions {
  /** The config file's path as the user gave it, for the headers. */
  readonly configFile: string;
  /** Output directory as the user gave it, for the headers' regenerate command. */
  readonly outputDir: string;
}

/**
 * The module's `terraform test` file that plans each of `examples` with the mocked provider and
 * asserts what ICA depends on (the bench plans a large config through it too).
 */
export function exampleTestsFile(render: Render, options: GenerateOptions, examples: readonly { readonly name: string; readonly config: ResolvedConfig }[]): string {
  return render('module/tests/examples.tftest.hcl.hbs', {
    configFile: options.configFile, outputDir: options.outputDir, mocks: MOCKS, examples: examples.map((example) => exampleRun(example.name, example.config)),
  });
}

/** Names padded so that `terraform fmt` finds the `=` signs of a block aligned. */
function aligned(entries: readonly (readonly [string, string])[]): { name: string; value: string }[] {
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => ({ name: name.padEnd(width), value }));
}

function backendView(config: ResolvedConfig) {
  const backend = config.backend;
  return {
    type: backend.type,
    s3: backend.type === 's3' ? backend : null,
    cloud: backend.type === 'cloud'
      ? { organization: backend.organization, hostname: backend.hostname ?? null, workspace: backend.workspace ?? null, workspaceTags: backend.workspaceTags ?? null }
      : null,
  };
}

/** The repository's example configs, rendered as the module's runnable examples. */
let examples: { name: string; file: string; config: ResolvedConfig }[] | undefined;
function exampleConfigs(): { name: string; file: string; config: ResolvedConfig }[] {
  if (!examples) {
    const dir = join(templatesDir(), '..', 'examples');
    examples = readdirSync(dir).filter((file) => file.endsWith('.json')).sort().map((file) => {
      const result = loadConfigFile(join(dir, file));
      if (!result.ok) throw new Error(`examples/${file} is not a valid config`);
      return { name: basename(file, '.json'), file: `examples/${file}`, config: result.config };
    });
  }
  return examples;
}

/** One example: a runnable root configuration that calls the module with an example's choices. */
function renderExample(render: Render, options: GenerateOptions, example: { name: string; file: string; config: ResolvedConfig }): string {
  const args = Object.entries(moduleArguments(example.config)).map(([name, value]) => [name, hclPretty(value, 2)] as const);
  return render('module/example.tf.hbs', {
    ...options,
    exampleFile: example.file,
    awsRegion: example.config.region.awsRegion,
    regionCode: example.config.region.code,
    // Arguments whose value spans lines stand alone; the others align (terraform fmt's layout).
    arguments: attributeLines(args, 2),
  });
}

/** Documentation of the resource types that are Terraform's own, not the aws provider's. */
const BUILT_IN_RESOURCE_PAGES: Readonly<Record<string, string>> = {
  terraform_data: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
};

/** The resources and data sources a module file declares, for the README (terraform-docs' table). */
function resourcesOf(hcl: string): { name: string; kind: string }[] {
  return [...hcl.matchAll(/^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)"/gm)].map(([, block, type, name]) => {
    const builtIn = BUILT_IN_RESOURCE_PAGES[type];
    if (!builtIn && !type.startsWith('aws_')) throw new Error(`main.tf declares ${type}, which has no documentation page here`);
    const page = builtIn ?? `https://registry.terraform.io/providers/hashicorp/aws/latest/docs/${block === 'data' ? 'data-sources' : 'resources'}/${type.replace(/^aws_/, '')}`;
    return { name: `[${block === 'data' ? 'data.' : ''}${type}.${name}](${page})`, kind: block === 'data' ? 'data source' : 'resource' };
  });
}

/** The `//` entry that Terraform ignores in a .tfvars.json file: the JSON file's header. */
function tfvarsHeader(options: GenerateOptions): string {
  return `Generated by ica-s3-connect from ${options.configFile}. Do not edit by hand: change the config and run \`npx ica-s3 generate -c ${options.configFile} -o ${options.outputDir}\`. These values are data: Terraform never interprets them as templates.`;
}

/** Every generated file: path relative to the output directory -> content. */
export function generateFiles(config: ResolvedConfig, options: GenerateOptions): Map<string, string> {
  const render = createRenderer();
  const header = { configFile: options.configFile, outputDir: options.outputDir };
  const view = { ...header, ...moduleViewModel() };
  const files = new Map<string, string>();
  const moduleFile = (name: string) => join(MODULE_DIR, name);
  const exampleList = exampleConfigs();

  const main = render('module/main.tf.hbs', view);
  files.set(moduleFile('main.tf'), main);
  const variables = render('module/variables.tf.hbs', view);
  files.set(moduleFile('variables.tf'), variables);
  files.set(moduleFile('outputs.tf'), render('module/outputs.tf.hbs', view));
  files.set(moduleFile('versions.tf'), render('module/versions.tf.hbs', view));
  files.set(moduleFile('README.md'), render('module/README.md.hbs', {
    ...view, examples: exampleList.map((example) => example.name), resources: resourcesOf(main),
  }));
  for (const example of exampleList) {
    files.set(moduleFile(join('examples', example.name, 'main.tf')), renderExample(render, options, example));
  }
  files.set(moduleFile(join('tests', 'examples.tftest.hcl')), exampleTestsFile(render, options, exampleList));
  files.set(moduleFile(join('tests', 'validations.tftest.hcl')), render('module/tests/validations.tftest.hcl.hbs', { ...header, runs: validationRuns(MODULE_VARIABLES) }));
  files.set(moduleFile(join('tests', 'validations', 'main.tf')), render('module/tests/validations/main.tf.hbs', view));
  files.set(moduleFile(join('tests', 'validations', 'variables.tf')), variables);

  const rootView = {
    ...header,
    requirements: view.requirements,
    variables: MODULE_VARIABLES,
    arguments: aligned(MODULE_VARIABLES.map((variable) => [variable.name, `var.${variable.name}`] as const)),
    outputs: MODULE_OUTPUTS,
    regionCode: config.region.code,
    regionName: config.region.name,
    awsRegion: config.region.awsRegion,
    backend: backendView(config),
  };
  files.set('main.tf', render('root/main.tf.hbs', rootView));
  files.set('variables.tf', render('root/variables.tf.hbs', rootView));
  files.set('providers.tf', render('root/providers.tf.hbs', rootView));
  files.set('versions.tf', render('root/versions.tf.hbs', rootView));
  files.set('outputs.tf', render('root/outputs.tf.hbs', rootView));
  files.set('terraform.tfvars.json', `${JSON.stringify({ '//': tfvarsHeader(options), ...moduleInputs(config) }, null, 2)}\n`);
  return files;
}

/** Writes the files under `outputDir`; returns their paths. */
export function writeGeneratedFiles(files: Map<string, string>, outputDir: string): string[] {
  return [...files].map(([path, content]) => {
    const target = join(outputDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, content);
    return target;
  });
}
