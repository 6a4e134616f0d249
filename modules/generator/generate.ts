/**
 * `ica-s3 generate`: a plain Terraform root configuration and reusable module, rendered from the
 * same core data as the CDKTF stacks. Deterministic: the same config gives the same bytes.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ResolvedConfig, loadConfigFile } from '../core/validate';
import { hclValue } from './hcl';
import { createRenderer, templatesDir } from './templates';
import { MODULE_VARIABLES, OUTPUT_DESCRIPTIONS, moduleInputs, moduleViewModel } from './view-model';

export const MODULE_DIR = join('modules', 'ica-s3-connect');

export interface GenerateOptions {
  /** The config file's path as the user gave it, for the headers. */
  readonly configFile: string;
  /** Output directory, for the headers' regenerate command. */
  readonly outputDir: string;
}

function aligned(entries: [string, string][]): { name: string; value: string }[] {
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => ({ name: name.padEnd(width), value }));
}

function backendView(config: ResolvedConfig) {
  const backend = config.backend;
  return {
    s3: backend.type === 's3' ? backend : null,
    cloud: backend.type === 'cloud'
      ? { organization: backend.organization, hostname: backend.hostname ?? null, workspace: backend.workspace ?? null, workspaceTags: backend.workspaceTags ?? null }
      : null,
  };
}

/** The repository's example configs, rendered as the module's runnable examples. */
function exampleConfigs(): { name: string; config: ResolvedConfig }[] {
  const dir = join(templatesDir(), '..', 'examples');
  return readdirSync(dir).filter((file) => file.endsWith('.json')).sort().map((file) => {
    const result = loadConfigFile(join(dir, file));
    if (!result.ok) throw new Error(`examples/${file} is not a valid config`);
    return { name: basename(file, '.json'), config: result.config };
  });
}

/** Every generated file: path relative to the output directory -> content. */
export function generateFiles(config: ResolvedConfig, options: GenerateOptions): Map<string, string> {
  const render = createRenderer();
  const common = { configFile: options.configFile, outputDir: options.outputDir };
  const view = { ...common, ...moduleViewModel() };
  const outputs = Object.entries(OUTPUT_DESCRIPTIONS).map(([name, description]) => ({ name, description, sensitive: name === 'secret_access_key' }));
  const examples = exampleConfigs();
  const files = new Map<string, string>();
  const moduleFile = (name: string) => join(MODULE_DIR, name);

  files.set(moduleFile('main.tf'), render('module/main.tf.hbs', view));
  files.set(moduleFile('variables.tf'), render('module/variables.tf.hbs', view));
  files.set(moduleFile('outputs.tf'), render('module/outputs.tf.hbs', view));
  files.set(moduleFile('versions.tf'), render('module/versions.tf.hbs', view));
  files.set(moduleFile('README.md'), render('module/README.md.hbs', { ...view, outputs, examples: examples.map((example) => example.name) }));
  for (const example of examples) {
    const inputs = moduleInputs(example.config);
    files.set(moduleFile(join('examples', example.name, 'main.tf')), render('module/example.tf.hbs', {
      ...common,
      configFile: `examples/${example.name}.json`,
      awsRegion: example.config.region.awsRegion,
      arguments: aligned(MODULE_VARIABLES.map((variable) => [variable.name, hclValue(inputs[variable.name])])),
    }));
  }

  const rootView = {
    ...common,
    variables: MODULE_VARIABLES,
    tagsDescription: 'Tags applied to every resource (provider default tags).',
    arguments: aligned(MODULE_VARIABLES.map((variable) => [variable.name, `var.${variable.name}`])),
    outputs,
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
  files.set('terraform.tfvars.json', `${JSON.stringify({ ...moduleInputs(config), tags: config.tags }, null, 2)}\n`);
  return files;
}

/** Writes the files under `outputDir`; returns their paths. */
export function writeGeneratedFiles(files: Map<string, string>, outputDir: string): string[] {
  return [...files].map(([path, content]) => {
    const target = join(outputDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    return target;
  });
}

/** The files under a directory that `generateFiles` would write, read back (for staleness checks). */
export function readGeneratedFiles(files: Map<string, string>, outputDir: string): Map<string, string | undefined> {
  return new Map([...files.keys()].map((path) => {
    try { return [path, readFileSync(join(outputDir, path), 'utf8')]; } catch { return [path, undefined]; }
  }));
}
