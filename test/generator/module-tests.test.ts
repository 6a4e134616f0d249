/**
 * The generated module's own test suite and validation blocks, as text: every rule the catalogue
 * says the module can check has a validation block, and one `terraform test` run; the validation
 * runs plan a copy of the module's variables that is the module's, byte for byte; every message is
 * the catalogue's. (Running the suite is module-tests.e2e.test.ts.)
 */
import { RULES, RuleId } from '../../modules/core/rule-catalogue';
import { resolveConfig } from '../../modules/core/validate';
import { MODULE_DIR, generateFiles } from '../../modules/generator/generate';
import { MODULE_VARIABLES } from '../../modules/generator/view-model';
import { validationMessage } from '../../modules/generator/validations';

const config = resolveConfig({ name: 'acme', icaRegion: 'US', credential: { method: 'user' }, buckets: [{ name: 'acme-data', prefixes: ['ica/'] }] });
const files = generateFiles(config, { configFile: 'ica.config.json', outputDir: 'terraform-out' });
const file = (path: string) => files.get(`${MODULE_DIR}/${path}`) as string;
const validations = MODULE_VARIABLES.flatMap((variable) => variable.validations.map((validation) => ({ variable: variable.name, ...validation })));

/** Checked by Terraform's type system (object and list types), not by a validation block. */
const CHECKED_BY_TERRAFORM_TYPES: readonly RuleId[] = ['schema.shape'];

test('every rule the module can check has a validation block; the others say why not', () => {
  const inModule = new Set(validations.map((validation) => validation.rule));
  const missing = (Object.keys(RULES) as RuleId[]).filter((rule) => !inModule.has(rule) && !('notInModule' in RULES[rule]) && !CHECKED_BY_TERRAFORM_TYPES.includes(rule));
  expect(missing).toEqual([]);
});

test('each validation block has one terraform test run that expects its variable to refuse the inputs', () => {
  const runs = [...file('tests/validations.tftest.hcl').matchAll(/# ([a-z0-9.-]+)\nrun "([a-z0-9_]+)" \{[^]*?expect_failures = \[var\.([a-z_]+)\]/g)]
    .map(([, rule, , variable]) => `${variable} ${rule}`);
  expect(runs).toEqual(validations.map((validation) => `${validation.variable} ${validation.rule}`));
  expect(new Set([...file('tests/validations.tftest.hcl').matchAll(/^run "([a-z0-9_]+)"/gm)].map((match) => match[1])).size).toBe(validations.length);
});

test('the validation runs plan the module\'s own variables.tf, byte for byte', () => {
  expect(file('tests/validations/variables.tf')).toBe(file('variables.tf'));
  expect(file('tests/validations/main.tf')).not.toMatch(/resource "|data "|provider "/);
});

test('every validation message is the catalogue\'s words with the rule id last', () => {
  for (const validation of validations) {
    const rule = RULES[validation.rule];
    expect(validation.errorMessage).toBe(validationMessage(validation));
    expect(validation.errorMessage).toMatch(new RegExp(`\\[${validation.rule.replace(/\./g, '\\.')}\\]$`));
    expect(validation.errorMessage.toLowerCase()).toContain(rule.message.split(' ')[0].toLowerCase());
    expect(file('variables.tf')).toContain(JSON.stringify(validation.errorMessage));
  }
});

test('the example runs mock the provider and plan every example; no bucket notification is managed', () => {
  const examples = file('tests/examples.tftest.hcl');
  expect(examples).toMatch(/^mock_provider "aws" \{/m);
  expect([...examples.matchAll(/^run "([a-z0-9_]+)"/gm)].map((match) => match[1]).sort())
    .toEqual(['adopt_existing_bucket', 'role_versioned_kms_bucket_policy_tagging', 'two_buckets_several_prefixes', 'user_unversioned_sse_s3']);
  expect(examples.match(/^ {2}command = plan$/gm)).toHaveLength(4);
  expect(file('main.tf')).not.toContain('aws_s3_bucket_notification');
});
