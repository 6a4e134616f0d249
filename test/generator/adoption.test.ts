/**
 * Adopted buckets in the generated module, without terraform. The module's files are the same for
 * every config, so this checks what its HCL (parsed with hcl2json) does with the adoption fields:
 * an adopted bucket is read with a data source instead of created, each setting is written only
 * where it is managed, the Sids, settings and restore commands are the core's, and the restore
 * resource is the CDKTF stack's; terraform.tfvars.json carries the fields in snake_case. The
 * equivalence e2e test (case c9) plans and applies both renderers on moto.
 */
import { parse } from '@cdktf/hcl2json';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import {
  OWN_BUCKET_POLICY_SIDS, RESTORE_CHECK_COMMAND, RESTORE_COMMAND, RESTORE_INPUT_ENVIRONMENT,
} from '../../modules/core/adoption';
import { MANAGEABLE_SETTINGS, ManageableSetting } from '../../modules/core/config-schema';
import { resolveConfig, validateConfig } from '../../modules/core/validate';
import { MODULE_DIR, generateFiles } from '../../modules/generator/generate';
import { AWS_QUOTAS } from '../../modules/core/quotas';

const S3_MAX_CORS_RULES = AWS_QUOTAS.corsRulesPerBucket.value;
import { MODULE_VARIABLES } from '../../modules/generator/view-model';
import { snakeCase } from '../../modules/generator/validations';
import { FOREIGN_CORS_RULE, MATRIX } from './matrix';

type Json = Record<string, any>;

const scratch = mkdtempSync(join(tmpdir(), 'ica-generator-adoption-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Case c9 of the equivalence matrix: two adopted buckets (one managing some settings) and a new one. */
const config = resolveConfig(MATRIX.c9);
const files = generateFiles(config, { configFile: 'c9.json', outputDir: 'terraform-out' });
const mainTf = files.get(join(MODULE_DIR, 'main.tf')) as string;

let main: Json;
beforeAll(async () => { main = await parse('main.tf', mainTf) as Json; });

/** hcl2json wraps every block in a list: the one block of a type and name. */
const block = (kind: 'resource' | 'data', type: string, name = 'this'): Json => main[kind][type][name][0];
/** All locals blocks merged. */
const locals = (): Json => Object.assign({}, ...main.locals);

/** The resource that writes each manageable setting (a new setting in the core fails to compile here). */
const SETTING_RESOURCES: Record<ManageableSetting, string> = {
  versioning: 'aws_s3_bucket_versioning',
  encryption: 'aws_s3_bucket_server_side_encryption_configuration',
  cors: 'aws_s3_bucket_cors_configuration',
  publicAccessBlock: 'aws_s3_bucket_public_access_block',
  ownership: 'aws_s3_bucket_ownership_controls',
};

describe('terraform.tfvars.json', () => {
  const buckets = (JSON.parse(files.get('terraform.tfvars.json') as string) as Json).buckets as Json[];

  test('carries the adoption fields in snake_case, the kept CORS rules with S3\'s keys as the module\'s', () => {
    expect(buckets[0]).toMatchObject({
      name: 'eq-c9-adopted', existing: true, manage: ['versioning', 'cors', 'publicAccessBlock'], existing_policy: true,
      keep_cors_rules: [{ id: 'their-app', allowed_methods: ['GET', 'HEAD'], allowed_origins: ['https://app.example.com'], allowed_headers: ['Authorization'], max_age_seconds: 600 }],
    });
    expect(buckets[1]).toMatchObject({ name: 'eq-c9-bare', existing: true, manage: [], existing_policy: false, keep_cors_rules: [] });
  });

  test('gives a new bucket no manage: the module resolves it to every setting, as the core does', () => {
    expect(buckets[2]).toMatchObject({ name: 'eq-c9-new', existing: false });
    expect(buckets[2]).not.toHaveProperty('manage');
    expect(config.buckets[2].manage).toEqual(MANAGEABLE_SETTINGS);
    expect(locals().manageable_settings).toEqual(MANAGEABLE_SETTINGS);
    expect(locals().buckets).toContain('manage    = bucket.existing ? coalesce(bucket.manage, []) : local.manageable_settings');
  });

  test('S3\'s CORS keys become the provider\'s attribute names', () => {
    expect(['ID', 'AllowedMethods', 'MaxAgeSeconds', 'sessionNamePrefix'].map(snakeCase)).toEqual(['id', 'allowed_methods', 'max_age_seconds', 'session_name_prefix']);
  });
});

describe('main.tf', () => {
  test('reads an adopted bucket with a data source and creates only the others', () => {
    expect(block('resource', 'aws_s3_bucket').for_each).toBe('${{ for name, bucket in local.buckets : name => bucket if !bucket.existing }}');
    expect(block('data', 'aws_s3_bucket', 'adopted').for_each).toBe('${{ for name, bucket in local.buckets : name => bucket if bucket.existing }}');
    // Everything on a bucket takes its name from the one local that picks the resource or the data source.
    expect(mainTf.match(/aws_s3_bucket\.this\[|data\.aws_s3_bucket\.adopted\[/g)).toHaveLength(2);
    expect(locals().bucket_ids).toBe('${{\n    for name, bucket in local.buckets : name => bucket.existing ? data.aws_s3_bucket.adopted[name].id : aws_s3_bucket.this[name].id\n  }}');
    for (const type of [...Object.values(SETTING_RESOURCES), 'aws_s3_bucket_policy']) expect(block('resource', type).bucket).toBe('${local.bucket_ids[each.key]}');
    expect(block('resource', 'aws_s3_object', 'folder').bucket).toBe('${local.bucket_ids[each.value.bucket]}');
  });

  test.each(Object.entries(SETTING_RESOURCES))('writes %s only on the buckets that manage it', (setting, type) => {
    expect(block('resource', type).for_each).toContain(`local.buckets_managing.${setting}`);
  });

  test('lists the kept CORS rules before ICA\'s, each argument from the rule', () => {
    const cors = block('resource', 'aws_s3_bucket_cors_configuration');
    expect(cors.dynamic.cors_rule[0].for_each).toBe('${each.value.keep_cors_rules}');
    expect(cors.dynamic.cors_rule[0].content[0]).toEqual({
      id: '${cors_rule.value.id}', allowed_methods: '${cors_rule.value.allowed_methods}', allowed_origins: '${cors_rule.value.allowed_origins}',
      allowed_headers: '${cors_rule.value.allowed_headers}', expose_headers: '${cors_rule.value.expose_headers}', max_age_seconds: '${cors_rule.value.max_age_seconds}',
    });
    expect(mainTf.indexOf('dynamic "cors_rule"')).toBeLessThan(mainTf.indexOf('allowed_origins = var.cors_allowed_origins'));
  });

  test('merges the live policy of an adopted bucket by the core\'s Sids', () => {
    expect(locals().own_bucket_policy_sids).toEqual(OWN_BUCKET_POLICY_SIDS);
    expect(block('data', 'aws_s3_bucket_policy', 'current').for_each).toBe('${local.wants_bucket_policy ? { for name, bucket in local.buckets : name => bucket if bucket.existing && bucket.existing_policy } : {}}');
    expect(locals().kept_bucket_policy_statements).toContain('for statement in flatten([lookup(jsondecode(current.policy), "Statement", [])]) : statement if !contains(local.own_bucket_policy_sids, try(statement.Sid, ""))');
    expect(block('resource', 'aws_s3_bucket_policy').policy).toBe('${local.bucket_policies[each.key]}');
    expect(locals().bucket_policies.replace(/\s+/g, ' '))
      .toBe('${{ for name, bucket in local.buckets : name => jsonencode({ Version = "2012-10-17", Statement = concat(lookup(local.kept_bucket_policy_statements, name, []), local.bucket_policy_statements[name]) }) }}');
  });

  test('records the kept CORS rules with jsonencode over S3\'s field names, absent fields left out', () => {
    const pairs = ['ID', 'AllowedMethods', 'AllowedOrigins', 'AllowedHeaders', 'ExposeHeaders', 'MaxAgeSeconds'].map((key) => `"${key}" = rule.${snakeCase(key)}`).join(', ');
    expect(locals().kept_cors_configurations).toContain(`CORSRules = [for rule in bucket.keep_cors_rules : { for key, value in { ${pairs} } : key => value if value != null }]`);
  });

  test('deletes the merged documents before the restore runs', () => {
    for (const type of ['aws_s3_bucket_policy', 'aws_s3_bucket_cors_configuration']) {
      expect(block('resource', type).depends_on).toEqual(['${terraform_data.adopted_bucket_restore}']);
    }
  });

  test('records the restore resource of the CDKTF stack: the same input keys, commands and environment, from the core', () => {
    const restore = block('resource', 'terraform_data', 'adopted_bucket_restore');
    expect(restore.for_each).toBe('${{ for name, bucket in local.buckets : name => bucket if bucket.existing && (local.wants_bucket_policy || contains(bucket.manage, "cors")) }}');
    expect(Object.keys(restore.input).sort()).toEqual(Object.keys(RESTORE_INPUT_ENVIRONMENT).sort());
    const environment = Object.fromEntries(Object.entries(RESTORE_INPUT_ENVIRONMENT).map(([key, name]) => [name, `\${self.input.${key}}`]));
    expect(restore.provisioner['local-exec']).toEqual([
      { command: RESTORE_CHECK_COMMAND, environment },
      { command: RESTORE_COMMAND, environment, when: '${destroy}' },
    ]);

    const stack = JSON.parse(readFileSync(synthesize(config, { outdir: join(scratch, 'cdktf') }), 'utf8')) as Json;
    const restores = (Object.values(stack.resource.terraform_data) as Json[]).filter((resource) => resource.provisioner);
    expect(restores).toHaveLength(2);
    for (const cdktf of restores) {
      expect(Object.keys(cdktf.input).sort()).toEqual(Object.keys(restore.input).sort());
      expect(cdktf.provisioner.map((provisioner: Json) => provisioner['local-exec'])).toEqual([
        { command: RESTORE_CHECK_COMMAND, environment },
        { command: RESTORE_COMMAND, environment, when: 'destroy' },
      ]);
    }
  });
});

describe('the buckets variable', () => {
  const buckets = MODULE_VARIABLES.find((variable) => variable.name === 'buckets');

  test('types and describes the adoption fields from the config schema', () => {
    expect(buckets?.type).toMatch(/existing += optional\(bool, false\)\n\s+manage += optional\(list\(string\)\)\n\s+existing_policy += optional\(bool, false\)\n\s+keep_cors_rules = optional\(list\(object\(\{\n\s+id += optional\(string\)\n\s+allowed_methods = list\(string\)/);
    expect(buckets?.description).toContain('- existing: Adopt a bucket that already exists');
    expect(buckets?.description).toContain('Run `ica-s3 adopt` to fill in existing_policy and keep_cors_rules.');
    expect(buckets?.description).toMatch(/ {2}- max_age_seconds: How long browsers cache the preflight response\./);
  });

  test('checks the core\'s adoption rules, with the core\'s CORS rule limit', () => {
    const rules = buckets?.validations.map((validation) => validation.rule);
    expect(rules).toEqual(expect.arrayContaining(['adoption.existing-only', 'adoption.manage-unique', 'adoption.force-destroy', 'adoption.new-key-unmanaged',
      'adoption.kept-cors-unmanaged', 'adoption.kept-cors-count']));
    const count = buckets?.validations.find((validation) => validation.rule === 'adoption.kept-cors-count');
    expect(count?.condition).toContain(`+ 1 <= ${S3_MAX_CORS_RULES}`);
    const keeping = (count: number) => validateConfig({
      ...MATRIX.c9, buckets: [{ ...MATRIX.c9.buckets[0], keepCorsRules: Array.from({ length: count }, () => FOREIGN_CORS_RULE) }],
    }).ok;
    expect([keeping(S3_MAX_CORS_RULES - 1), keeping(S3_MAX_CORS_RULES)]).toEqual([true, false]);
  });
});

describe('the module README', () => {
  const readme = files.get(join(MODULE_DIR, 'README.md')) as string;

  test('explains adoption: what is read, what is managed only when listed, the CORS rules, the restore and its AWS CLI', () => {
    const section = readme.slice(readme.indexOf('## Adopting an existing bucket'), readme.indexOf('## ICA regions'));
    expect(section).toMatch(/data\.aws_s3_bucket`\)[\s\S]*never\s+creates or deletes it/);
    for (const setting of MANAGEABLE_SETTINGS) expect(section).toContain(`\`"${setting}"\``);
    for (const sid of OWN_BUCKET_POLICY_SIDS) expect(section).toContain(`\`${sid}\``);
    expect(section).toMatch(/no data source for a bucket's CORS configuration[\s\S]*`keep_cors_rules`, filled by `ica-s3 adopt`/);
    expect(section).toMatch(/other statements of the policy, as read at the last apply/);
    expect(section).toMatch(/AWS CLI installed on the machine that runs Terraform and\s+signed in to the same account[\s\S]*first apply checks/);
  });

  test('links terraform_data to Terraform\'s own documentation', () => {
    expect(readme).toContain('| [terraform_data.adopted_bucket_restore](https://developer.hashicorp.com/terraform/language/resources/terraform-data) | resource |');
    expect(readme).toContain('| [data.aws_s3_bucket_policy.current](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/s3_bucket_policy) | data source |');
  });
});
