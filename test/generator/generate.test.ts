/**
 * The generator without terraform: the committed terraform-out/ is what `generate` writes for
 * ica.config.json; the root files of two more configs match golden files byte for byte and their
 * module is terraform-out's (refresh the golden files only with `npm run test:update`); output is
 * deterministic; every file has its header; every config option is a described, typed module
 * variable; the README's tables come from the same descriptions; the region table and action sets
 * come from the core; config values stay out of the HCL text.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as actions from '../../modules/core/actions';
import { configReferenceRows } from '../../modules/core/config-reference';
import { PROTECTION_HINT, PROTECTION_RESOURCES, releaseCommand } from '../../modules/core/protection';
import { mergedBucketPolicySizeMessage } from '../../modules/core/quota-checks';
import { AWS_QUOTAS } from '../../modules/core/quotas';
import { ICA_REGIONS, IcaRegion, crossAccountRoleArn, findIcaRegion, ICA_REGION_SPELLINGS } from '../../modules/core/regions';
import { loadConfigFile, resolveConfig, ResolvedConfig } from '../../modules/core/validate';
import { generateFiles, MODULE_DIR } from '../../modules/generator/generate';
import { filesUnder } from '../support/files';
import { hclHeredoc, hclPretty, hclString, hclValue } from '../../modules/generator/hcl';
import { createRenderer } from '../../modules/generator/templates';
import { OUTPUT_DESCRIPTIONS } from '../../modules/core/renderer-literals';
import { MODULE_VARIABLES, moduleInputs } from '../../modules/generator/view-model';
import { moduleWords, snakeCase } from '../../modules/generator/validations';

const root = join(__dirname, '..', '..');
const update = process.env.UPDATE_GOLDEN === '1';

function load(path: string): ResolvedConfig {
  const result = loadConfigFile(join(root, path));
  if (!result.ok) throw new Error(`${path} is invalid`);
  return result.config;
}

/** Every file under a directory but terraform's own (plugins, lock file, state). */
function generatedFilesUnder(directory: string): string[] {
  return filesUnder(directory).filter((path) => basename(path) !== '.terraform.lock.hcl' && !/\.tfstate/.test(basename(path)));
}

const defaultFiles = generateFiles(load('ica.config.json'), { configFile: 'ica.config.json', outputDir: 'terraform-out' });
const text = (path: string) => defaultFiles.get(path) as string;

describe('terraform-out/ (committed)', () => {
  const dir = join(root, 'terraform-out');
  test.each([...defaultFiles.keys()])('%s is what `npx ica-s3 generate` writes for ica.config.json (run it when this fails)', (path) => {
    const committed = existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : '(missing)';
    expect(committed).toBe(defaultFiles.get(path));
  });

  test('holds no file that generate no longer writes', () => {
    expect(generatedFilesUnder(dir).map((path) => relative(dir, path)).sort()).toEqual([...defaultFiles.keys()].sort());
  });
});

const isModuleFile = (path: string) => path.startsWith(`${MODULE_DIR}/`);

describe.each([
  ['user-unversioned-sse-s3', 'examples/user-unversioned-sse-s3.json'],
  ['two-buckets-several-prefixes', 'examples/two-buckets-several-prefixes.json'],
])('golden files for %s (npm run test:update refreshes them)', (name, configFile) => {
  const config = load(configFile);
  const files = generateFiles(config, { configFile, outputDir: 'terraform-out' });
  // Only the root configuration depends on the config; the module is pinned once, below.
  const rootFiles = [...files.keys()].filter((path) => !isModuleFile(path));
  const goldenDir = join(root, 'test', 'golden', name);
  if (update) {
    rmSync(goldenDir, { recursive: true, force: true });
    for (const path of rootFiles) {
      mkdirSync(dirname(join(goldenDir, path)), { recursive: true });
      writeFileSync(join(goldenDir, path), files.get(path) as string);
    }
  }

  test.each(rootFiles)('%s', (path) => {
    const golden = join(goldenDir, path);
    expect(files.get(path)).toBe(existsSync(golden) ? readFileSync(golden, 'utf8') : '(no golden file)');
  });

  test('no golden file is left over', () => {
    expect(generatedFilesUnder(goldenDir).map((path) => relative(goldenDir, path)).sort()).toEqual(rootFiles.sort());
  });

  test('the module is byte for byte the committed terraform-out/ module under the same header', () => {
    const sameHeader = generateFiles(config, { configFile: 'ica.config.json', outputDir: 'terraform-out' });
    const modulePaths = [...sameHeader.keys()].filter(isModuleFile);
    expect(modulePaths.sort()).toEqual([...defaultFiles.keys()].filter(isModuleFile).sort());
    for (const path of modulePaths) expect({ path, text: sameHeader.get(path) }).toEqual({ path, text: defaultFiles.get(path) });
  });
});

test('output is deterministic: the same config gives the same bytes, with or without other runs in between', () => {
  const options = { configFile: 'c.json', outputDir: 'out' };
  const config = load('examples/role-versioned-kms-bucket-policy-tagging.json');
  const first = generateFiles(config, options);
  generateFiles(load('examples/two-buckets-several-prefixes.json'), options);
  expect(generateFiles(resolveConfig(JSON.parse(readFileSync(join(root, 'examples/role-versioned-kms-bucket-policy-tagging.json'), 'utf8'))), options)).toEqual(first);
  for (const content of first.values()) expect(content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:|\r/);
});

test('every file starts with the header: generated, from which config, how to regenerate', () => {
  const files = generateFiles(load('ica.config.json'), { configFile: 'configs/prod.json', outputDir: 'infra/ica' });
  const regenerate = 'npx ica-s3 generate -c configs/prod.json -o infra/ica';
  for (const [path, content] of files) {
    if (path.endsWith('.json')) {
      // JSON has no comments: Terraform ignores a "//" key in .tfvars.json files.
      const header = (JSON.parse(content) as Record<string, string>)['//'];
      expect(Object.keys(JSON.parse(content))[0]).toBe('//');
      expect(header).toContain('Generated by ica-s3-connect from configs/prod.json');
      expect(header).toContain(regenerate);
    } else {
      const [first, second] = content.split('\n');
      expect(`${first}\n${second}`).toMatch(/^(# |<!-- )Generated by ica-s3-connect from configs\/prod\.json\. Do not edit by hand:\n(#|    ) change the config and run `npx ica-s3 generate -c configs\/prod\.json -o infra\/ica`\./);
    }
  }
});

describe('module variables', () => {
  test('every option of the config file is a module variable or a field of one (snake_case), but $schema and backend', () => {
    const variables = text(`${MODULE_DIR}/variables.tf`);
    for (const row of configReferenceRows()) {
      const [top, ...rest] = row.path.replace(/\[\]/g, '').split('.');
      if (top === 'backend') continue;
      const variable = MODULE_VARIABLES.find((candidate) => candidate.configKey === top);
      expect({ path: row.path, variable: variable?.name }).toEqual({ path: row.path, variable: snakeCase(top) });
      expect(variables).toContain(`variable "${snakeCase(top)}" {`);
      for (const field of rest) expect({ path: row.path, type: variable?.type }).toEqual({ path: row.path, type: expect.stringMatching(new RegExp(`\\b${snakeCase(field)}\\s+= `)) });
    }
  });

  test('every variable has a type, a description from the config schema (each field described) and the schema default', () => {
    const rows = new Map(configReferenceRows().map((row) => [row.path, row]));
    for (const variable of MODULE_VARIABLES) {
      expect(variable.type).toMatch(/^(string|bool|number|list\(|object\(|map\()/);
      if (variable.configKey !== 'icaRegion') expect(variable.summary).toBe(moduleWords(rows.get(variable.configKey)?.description ?? ''));
      const fieldRows = [...rows.values()].filter((row) => row.path.startsWith(`${variable.configKey}.`) || row.path.startsWith(`${variable.configKey}[].`));
      for (const row of fieldRows) expect(variable.description).toContain(`- ${snakeCase(row.path.split('.').at(-1) as string)}`);
      const row = rows.get(variable.configKey);
      expect(variable.hasDefault).toBe(row?.default !== 'required');
    }
    expect(MODULE_VARIABLES.find((variable) => variable.name === 'policy_name')?.default).toBe('illumina-ica-admin-policy');
    expect(MODULE_VARIABLES.find((variable) => variable.name === 'bucket_policy')?.default).toEqual({ restrict_to_ica: false, exempt_principal_arns: [], exempt_deployer: true, cross_account_copy: false });
  });

  test('the rules Terraform can check are validation blocks rendering the core patterns', () => {
    const variables = text(`${MODULE_DIR}/variables.tf`);
    expect(variables.match(/^ {2}validation \{$/gm)?.length).toBeGreaterThanOrEqual(25);
    for (const name of ['name', 'ica_region', 'credential', 'policy_name', 'buckets', 'bucket_policy', 'cors_allowed_origins']) {
      expect(MODULE_VARIABLES.find((variable) => variable.name === name)?.validations.length).toBeGreaterThan(0);
    }
    // The prefix rule and the region table's codes, from modules/core.
    expect(variables).toContain(hclString("^[A-Za-z0-9!_.'() /-]+$"));
  });

  test('terraform.tfvars.json holds the config\'s values as data, keyed like the variables', () => {
    const tfvars = JSON.parse(text('terraform.tfvars.json')) as Record<string, unknown>;
    expect(Object.keys(tfvars)).toEqual(['//', ...MODULE_VARIABLES.map((variable) => variable.name)]);
    expect(tfvars).toMatchObject({
      name: 'acme-ica', ica_region: 'US',
      credential: { method: 'role', session_name_prefix: 'Ab12Cd34', role_name: 'Illumina_ICA_Role', oidc_provider: 'create' },
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' }, tags: { team: 'genomics' } }],
      bucket_policy: { restrict_to_ica: false, exempt_principal_arns: [], cross_account_copy: true },
    });
    // Map keys (tag names) are data too: never renamed.
    const config = resolveConfig({ ...JSON.parse(readFileSync(join(root, 'ica.config.json'), 'utf8')), tags: { costCenter: 'x' } });
    expect(moduleInputs(config).buckets).toEqual([expect.objectContaining({ tags: { team: 'genomics' } })]);
  });
});

/** The body of one resource block of the module's main.tf, up to its closing brace at column 0. */
function resourceBlock(type: string, name: string): string {
  const main = text(`${MODULE_DIR}/main.tf`);
  const start = main.indexOf(`resource "${type}" "${name}" {`);
  expect(start).toBeGreaterThanOrEqual(0);
  return main.slice(start, main.indexOf('\n}\n', start));
}

describe('the module keeps data and honours AWS\'s tag limits', () => {
  test('a bucket that may hold data and its created key are protected by prevent_destroy, whose quoted first line points at the release', () => {
    const bucket = resourceBlock('terraform_data', PROTECTION_RESOURCES.bucket);
    expect(bucket.split('\n')[0]).toBe(`resource "terraform_data" "${PROTECTION_RESOURCES.bucket}" { # ${PROTECTION_HINT}`);
    expect(bucket).toContain('if !bucket.existing && !bucket.force_destroy }');
    expect(bucket).toMatch(/lifecycle \{\s+prevent_destroy = true\s+\}/);
    const key = resourceBlock('terraform_data', PROTECTION_RESOURCES.kmsKey);
    expect(key).toContain('for name, bucket in local.created_key_buckets : name => bucket if !bucket.force_destroy');
    expect(key).toMatch(/triggers_replace = \{ kms_key_arn = aws_kms_key\.this\[each\.key\]\.arn \}/);
    expect(key).toMatch(/lifecycle \{\s+prevent_destroy = true\s+\}/);
    expect(text(`${MODULE_DIR}/README.md`)).toContain(releaseCommand('acme-ica-data', 'module.ica_s3_connect.'));
  });

  test('tags go on every taggable resource, never on the folder objects, and never through provider default tags', () => {
    for (const [type, name] of [['aws_s3_bucket', 'this'], ['aws_kms_key', 'this']]) expect(resourceBlock(type, name)).toMatch(/\n  tags\s+= local\.bucket_tags\[each\.key\]/);
    for (const [type, name] of [['aws_iam_policy', 'this'], ['aws_iam_openid_connect_provider', 'this'], ['aws_iam_role', 'this'], ['aws_iam_user', 'this'], ['aws_ssm_parameter', 'access_key'], ['aws_secretsmanager_secret', 'access_key']]) {
      expect({ type, block: resourceBlock(type, name) }).toEqual({ type, block: expect.stringMatching(/\n  tags\s+= local\.tags(\n|$)/) });
    }
    expect(resourceBlock('aws_s3_object', 'folder')).not.toContain('tags');
    expect(text('providers.tf')).not.toContain('default_tags');
    expect(text(`${MODULE_DIR}/variables.tf`)).toContain(`length(var.tags) <= ${AWS_QUOTAS.tagsPerResource.value}`);
  });
});

test('with restrict_to_ica the module exempts the deployer read at plan time, unless exempt_deployer is false', () => {
  const main = text(`${MODULE_DIR}/main.tf`);
  expect(main).toContain('exempts_deployer    = var.bucket_policy.restrict_to_ica && var.bucket_policy.exempt_deployer');
  expect(main).toMatch(/data "aws_iam_session_context" "deployer" \{\n  count = local\.exempts_deployer \? 1 : 0\n\n  arn = data\.aws_caller_identity\.current\.arn\n\}/);
  expect(main).toContain('local.exempts_deployer ? [data.aws_iam_session_context.deployer[0].issuer_arn] : [],');
});

test('the module\'s ica_region takes every spelling the config takes (code, alias, name, AWS region), as the core resolves it', () => {
  const main = text(`${MODULE_DIR}/main.tf`);
  for (const [spelling, code] of Object.entries(ICA_REGION_SPELLINGS)) {
    expect(findIcaRegion(spelling)?.code).toBe(code);
    expect(main).toMatch(new RegExp(`\\n    ${/^[a-z0-9-]+$/.test(spelling) ? spelling : JSON.stringify(spelling)} += "${code}"\\n`));
  }
  expect(main).toContain('region_code = local.ica_region_codes[lower(trimspace(var.ica_region))]');
  expect(text(`${MODULE_DIR}/variables.tf`)).toContain('contains(keys(local.ica_region_codes), lower(trimspace(var.ica_region)))');
});

test('the module stops a plan whose merged bucket policy is over S3\'s 20 KB, naming the bucket as the core does', () => {
  const policy = resourceBlock('aws_s3_bucket_policy', 'this');
  expect(policy).toContain('policy = local.bucket_policies[each.key]');
  expect(policy).toContain(`condition     = length(local.bucket_policies[each.key]) <= ${AWS_QUOTAS.bucketPolicyBytes.value}`);
  expect(policy).toContain(`error_message = format(${hclString(mergedBucketPolicySizeMessage('%s'))}, each.key)`);
});

describe('config values stay out of the HCL text', () => {
  const hostile = resolveConfig({
    name: 'zz-Name', icaRegion: 'EU',
    credential: { method: 'user', userName: 'zz-user@example', accessKeys: ['zz-key'], secretStore: { type: 'ssm', name: '/zz/param' } },
    policyName: 'zz-policy', buckets: [{ name: 'zz-bucket.data', prefixes: ["zz (data)'s folder"], tags: { 'zz-tag': 'zz value' } }],
    bucketPolicy: { restrictToIca: true, exemptPrincipalArns: ['arn:aws:iam::123456789012:role/zz-admin'] },
    corsAllowedOrigins: ['https://zz.example.org'], tags: { 'zz-owner': 'zz' },
  });
  const files = generateFiles(hostile, { configFile: 'zz.json', outputDir: 'out' });

  test.each([...files.keys()].filter((path) => path.endsWith('.tf') && !path.includes('examples')))('%s names no value of the config (but its region)', (path) => {
    const body = (files.get(path) as string).split('\n').slice(2).join('\n');
    expect(body).not.toMatch(/zz/);
  });

  test('they travel in terraform.tfvars.json', () => {
    expect(files.get('terraform.tfvars.json')).toContain('"zz (data)\'s folder/"');
  });
});

describe('the module README', () => {
  const readme = text(`${MODULE_DIR}/README.md`);
  const docs = readme.slice(readme.indexOf('<!-- BEGIN_TF_DOCS -->'), readme.indexOf('<!-- END_TF_DOCS -->'));

  test('has the inputs table from the variables\' descriptions, between the terraform-docs markers', () => {
    expect(docs).toContain('| Name | Description | Type | Default | Required |');
    for (const variable of MODULE_VARIABLES) {
      const cell = variable.description.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
      expect(docs).toContain(`| ${variable.name} | ${cell} | \``);
    }
  });

  test('has the outputs table, the requirements and every resource of main.tf', () => {
    for (const [name, description] of Object.entries(OUTPUT_DESCRIPTIONS)) expect(docs).toContain(`| ${name} | ${description.replace(/\|/g, '\\|')} |`);
    expect(docs).toMatch(/\| terraform \| >= 1\.9 \|/);
    for (const [, block, type, name] of text(`${MODULE_DIR}/main.tf`).matchAll(/^(resource|data) "(\w+)" "(\w+)"/gm)) {
      expect(docs).toContain(`[${block === 'data' ? 'data.' : ''}${type}.${name}]`);
    }
  });

  test('says what to enter in ICA after apply, and lists the region table', () => {
    expect(readme).toMatch(/## After apply: the ICA side[\s\S]*storage_configurations[\s\S]*bucket name, key prefix, region, credential/);
    for (const region of ICA_REGIONS) expect(readme).toContain(`| ${region.code} | ${region.name} | ${region.awsRegion} |`);
  });
});

test('the region table and the action sets in main.tf are the core\'s', () => {
  const main = text(`${MODULE_DIR}/main.tf`);
  for (const region of ICA_REGIONS as readonly IcaRegion[]) {
    const block = new RegExp(`\\n {4}${region.code} = \\{\\n {6}aws_region {13}= "${region.awsRegion}"\\n {6}oidc_provider_id {7}= ${region.oidc ? `"${region.oidc.providerId}"` : 'null'}\\n {6}namespace {14}= ${region.oidc ? `"${region.oidc.namespace}"` : 'null'}\\n {6}cross_account_role_arn = "${crossAccountRoleArn(region)}"`);
    expect(main).toMatch(block);
  }
  const sets: [string, readonly string[]][] = [
    ['bucket', actions.BUCKET_ACTIONS], ['bucket_versioned', actions.BUCKET_VERSIONED_ACTIONS], ['object', actions.OBJECT_ACTIONS],
    ['object_versioned', actions.OBJECT_VERSIONED_ACTIONS], ['object_tagging', actions.OBJECT_TAGGING_ACTIONS],
    ['object_version_tagging', actions.OBJECT_VERSION_TAGGING_ACTIONS], ['kms_use', actions.KMS_USE_ACTIONS], ['federation', actions.FEDERATION_ACTIONS],
    ['restricted_object', actions.RESTRICTED_OBJECT_ACTIONS], ['cross_account_object', actions.CROSS_ACCOUNT_OBJECT_ACTIONS],
    ['cross_account_versioned', actions.CROSS_ACCOUNT_VERSIONED_ACTIONS], ['kms_cross_account', actions.KMS_CROSS_ACCOUNT_ACTIONS],
  ];
  for (const [name, set] of sets) expect(main).toMatch(new RegExp(`\\n {4}${name} +=  ?${hclValue([...set]).replace(/[[\]*.]/g, '\\$&')}\\n`));
  // Policies are built as values, never as JSON text; bucket notifications are never managed.
  expect(main).not.toMatch(/<<|"\{\\"|aws_s3_bucket_notification/);
  expect(main.match(/jsonencode\(/g)?.length).toBeGreaterThanOrEqual(4);
});

test('the config\'s backend becomes the root configuration\'s backend', () => {
  const versions = (backend: unknown) => generateFiles(resolveConfig({ ...JSON.parse(readFileSync(join(root, 'ica.config.json'), 'utf8')), backend }), { configFile: 'c', outputDir: 'o' }).get('versions.tf') as string;
  expect(text('versions.tf')).not.toMatch(/backend|cloud \{/);
  expect(versions({ type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1' }))
    .toMatch(/ {2}backend "s3" \{\n {4}bucket {7}= "acme-state"\n {4}key {10}= "ica\/terraform.tfstate"\n {4}region {7}= "eu-west-1"\n {4}use_lockfile = true\n {2}\}/);
  expect(versions({ type: 's3', bucket: 'acme-state', key: 'k', region: 'eu-west-1', useLockfile: false })).toContain('use_lockfile = false');
  expect(versions({ type: 'cloud', organization: 'acme', workspace: 'ica-prod' })).toMatch(/ {2}cloud \{\n {4}organization = "acme"\n\n {4}workspaces \{\n {6}name = "ica-prod"\n {4}\}\n {2}\}/);
  expect(versions({ type: 'cloud', organization: 'acme', workspaceTags: ['ica', 'prod'], hostname: 'tfe.example.com' }))
    .toMatch(/organization = "acme"\n {4}hostname {5}= "tfe.example.com"\n\n {4}workspaces \{\n {6}tags = \["ica", "prod"\]/);
});

describe('HCL helpers', () => {
  test('hclString escapes quotes, backslashes, control characters and template sequences', () => {
    expect(hclString('a"b\\c\n\t${x}%{y}\u0001')).toBe('"a\\"b\\\\c\\n\\t$${x}%%{y}\\u0001"');
    expect(hclValue({ 'a b': ['x', 1, true, null], ok_key: {} })).toBe('{ "a b" = ["x", 1, true, null], ok_key = {} }');
  });

  test('hclHeredoc indents and escapes template sequences', () => {
    expect(hclHeredoc('one ${x}\n- two %{y}', 2)).toBe('<<-EOT\n    one $${x}\n    - two %%{y}\n  EOT');
  });

  test('hclPretty lays out objects and lists of objects as terraform fmt does', () => {
    expect(hclPretty({ name: 'a', prefixes: ['x/'], encryption: { type: 'SSE-KMS' }, force_destroy: true }, 2))
      .toBe('{\n    name     = "a"\n    prefixes = ["x/"]\n    encryption = {\n      type = "SSE-KMS"\n    }\n    force_destroy = true\n  }');
    expect(hclPretty([{ a: 1 }], 2)).toBe('[\n    {\n      a = 1\n    },\n  ]');
  });

  test('templates compile strictly: a missing field is an error, not an empty string', () => {
    const render = createRenderer();
    expect(() => render('root/providers.tf.hbs', { configFile: 'c', outputDir: 'o' })).toThrow(/regionCode|not defined/);
  });
});
