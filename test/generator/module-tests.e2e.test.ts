/**
 * The generated module's own `terraform test` suite, and the two validators side by side:
 * - the committed suite runs in a copy of the committed module in which one policy and one
 *   validation rule were broken the way a careless template change would: exactly the runs that
 *   depend on them fail, every other run passes (so the suite passes on the module as committed,
 *   and catches both);
 * - every invalid config of test/core/invalid-configs/ and a bounded number of fast-check's
 *   invalid configs go to `validate` and, as module inputs, to the module's validations (one
 *   module call per config, in a few roots over the provider-free tests/validations module): each
 *   config `validate` rejects must be rejected by the module under one of the same catalogue rules,
 *   unless each of its rules is one the catalogue says the module cannot check.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { RULES, RuleId, rulesNotInModule } from '../../modules/core/rule-catalogue';
import { ConfigProblem, validateConfig } from '../../modules/core/validate';
import { MODULE_DIR } from '../../modules/generator/generate';
import { exampleRunName } from '../../modules/generator/module-tests';
import { MODULE_VARIABLES } from '../../modules/generator/view-model';
import { snakeCase } from '../../modules/generator/validations';
import { terraform } from '../support/terraform';
import { initOk } from './harness';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-module-tests-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the committed module, without anything a previous init left. */
function moduleCopy(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(root, 'terraform-out', MODULE_DIR), dir, { recursive: true, filter: (source) => !source.includes('.terraform') });
  return dir;
}

function replaceOnce(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

test('the committed terraform test suite passes, and fails on exactly a broadened policy and a dropped rule', async () => {
  const dir = moduleCopy('sabotaged');
  // A policy change: object access for the whole bucket instead of the prefix.
  replaceOnce(join(dir, 'main.tf'), '"arn:aws:s3:::${bucket.name}/${prefix}*"]])))\n    versionedBucket', '"arn:aws:s3:::${bucket.name}/*"]])))\n    versionedBucket');
  // A rule change: the top-level tag count is no longer checked. It is the file's last run, as a
  // run that fails skips the runs after it.
  replaceOnce(join(dir, 'tests', 'validations', 'variables.tf'), 'condition     = length(var.tags) <= 50', 'condition     = length(var.tags) >= 0');
  const lastRun = [...readFileSync(join(dir, 'tests', 'validations.tftest.hcl'), 'utf8').matchAll(/^run "([a-z0-9_]+)"/gm)].pop()?.[1];
  expect(lastRun).toBe('tags_tags_count_tags');
  await initOk(dir);
  const started = Date.now();
  const result = await terraform(dir, ['test', '-no-color']);
  const seconds = (Date.now() - started) / 1000;
  const failed = [...result.stdout.matchAll(/run "([a-z0-9_]+)"\.\.\. fail/g)].map((match) => match[1]);
  const passed = Number(/(\d+) passed, (\d+) failed/.exec(result.stdout)?.[1]);
  const failedAssertions = new Set([...result.stderr.matchAll(/The permission policy must name [^.]+\./g)].map((match) => match[0]));
  process.stdout.write(`terraform test: ${passed} passed, ${failed.length} failed (as sabotaged) in ${seconds.toFixed(1)} s\n`);
  expect(result.code).toBe(1);
  // The examples with an unversioned bucket fail on the broadened ARN, the rule's run fails, and
  // every other run passes.
  const unversioned = readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json'))
    .filter((file) => (JSON.parse(readFileSync(join(root, 'examples', file), 'utf8')) as { buckets: { versioning?: string }[] }).buckets.some((bucket) => (bucket.versioning ?? 'Disabled') === 'Disabled'))
    .map((file) => exampleRunName(file.replace(/\.json$/, '')));
  expect(unversioned.length).toBeGreaterThan(0);
  expect(failed.sort()).toEqual([...unversioned, 'tags_tags_count_tags'].sort());
  expect(failedAssertions.size).toBe(1);
  expect(passed).toBe(readFileSync(join(dir, 'tests', 'examples.tftest.hcl'), 'utf8').match(/^run "/gm)!.length + readFileSync(join(dir, 'tests', 'validations.tftest.hcl'), 'utf8').match(/^run "/gm)!.length - failed.length);
});

// ---------------------------------------------------------------------------------------------
// The differential test
// ---------------------------------------------------------------------------------------------

/**
 * A config as module inputs, whatever is wrong with it: keys in snake_case (tag names kept),
 * root-only keys left out, and `${` / `%{` escaped, since strings in a .tf.json file are templates.
 */
function moduleInputsOf(raw: Record<string, unknown>): Record<string, unknown> {
  const literal = (text: string) => text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  const convert = (value: unknown, isMap: boolean): unknown => {
    if (typeof value === 'string') return literal(value);
    if (Array.isArray(value)) return value.map((item) => convert(item, false));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [isMap ? literal(key) : snakeCase(key), convert(item, key === 'tags')]));
  };
  return Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '$schema' && key !== 'backend').map(([key, value]) => [snakeCase(key), convert(value, key === 'tags')]));
}

/** Terraform's own errors for values its type system refuses, as the catalogue's schema rules. */
function terraformRules(block: string): RuleId[] {
  const rules: RuleId[] = [...block.matchAll(/\[([a-z0-9.-]+)\]/g)].map((match) => match[1]).filter((id): id is RuleId => id in RULES);
  if (/Missing required argument|is required/.test(block)) rules.push('schema.required');
  // A null where an object belongs fails inside the conditions that read it.
  if (/Invalid value for input variable|Incorrect attribute value type|Invalid value for module argument|Attempt to get attribute from null value/.test(block)) rules.push('schema.type');
  if (/Extraneous JSON object property|Unsupported argument/.test(block)) rules.push('schema.unknown-key');
  return rules;
}

/** Errors of a plan, by the module call they name. */
function rulesByModule(output: string): Map<string, Set<RuleId>> {
  const rules = new Map<string, Set<RuleId>>();
  for (const block of output.split(/^Error: /m).slice(1)) {
    const flat = block.replace(/\s+/g, ' ');
    // "in module.c12" (the call's arguments) or ".terraform/modules/c12/" (its validation conditions).
    const module = /(?:module(?:\.|\s")|modules\/)(c[0-9]+)\b/.exec(flat)?.[1];
    if (!module) continue;
    const found = rules.get(module) ?? new Set<RuleId>();
    for (const rule of terraformRules(flat)) found.add(rule);
    rules.set(module, found);
  }
  return rules;
}

/** Rules with the same meaning under Terraform's type system: zod's type and shape errors are its type errors. */
const SAME_UNDER_TERRAFORM: Partial<Record<RuleId, readonly RuleId[]>> = {
  'schema.type': ['schema.required', 'schema.shape', 'schema.enum'],
  'schema.shape': ['schema.type', 'schema.required'],
  'schema.required': ['schema.type'],
};

interface Case { readonly id: string; readonly source: string; readonly raw: Record<string, unknown> }

function invalidConfigCases(): Case[] {
  const dir = join(root, 'test', 'core', 'invalid-configs');
  return readdirSync(dir).filter((file) => file.endsWith('.json') && file !== 'expected.json').sort().flatMap((file) => {
    try {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? [{ id: '', source: file, raw: raw as Record<string, unknown> }] : [];
    } catch {
      return [];
    }
  });
}

/** fast-check's invalid configs: a valid base with one field replaced by an arbitrary value (seeded, bounded). */
function propertyCases(count: number): Case[] {
  const base = { name: 'acme', icaRegion: 'US', credential: { method: 'user' }, buckets: [{ name: 'acme-data', prefixes: ['ica/'] }] };
  const fields = fc.oneof(
    fc.record({ name: fc.string() }),
    fc.record({ credential: fc.record({ method: fc.constantFrom('user', 'role'), sessionNamePrefix: fc.string(), userName: fc.string(), accessKeys: fc.array(fc.string(), { maxLength: 3 }) }, { requiredKeys: ['method'] }) }),
    fc.record({ buckets: fc.array(fc.record({ name: fc.string(), prefixes: fc.array(fc.string(), { maxLength: 3 }) }), { maxLength: 2 }) }),
    fc.record({ tags: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }) }),
    fc.record({ corsAllowedOrigins: fc.array(fc.string(), { maxLength: 2 }) }),
  );
  return fc.sample(fields, { seed: 20261129, numRuns: count }).map((fields, index) => ({ id: '', source: `fast-check #${index}`, raw: { ...base, ...fields } }));
}

test('every config validate rejects, the module rejects under the same rule (but the rules it cannot check)', async () => {
  const cases: Case[] = [...invalidConfigCases(), ...propertyCases(40)].map((item, index) => ({ ...item, id: `c${index}` }));
  const rejected = cases.flatMap((item) => {
    const result = validateConfig(item.raw);
    return result.ok ? [] : [{ ...item, problems: result.problems }];
  });
  const rootDir = join(scratch, 'differential');
  mkdirSync(rootDir);
  // A relative source: Terraform then reads the module in place instead of copying it per call.
  cpSync(join(root, 'terraform-out', MODULE_DIR, 'tests', 'validations'), join(rootDir, 'validations'), { recursive: true });
  const rootFile = (name: string, items: readonly Case[]) => {
    const dir = join(rootDir, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({
      module: Object.fromEntries(items.map((item) => [item.id, { source: '../validations', ...moduleInputsOf(item.raw) }])),
    }, null, 2));
    return dir;
  };
  // Terraform stops at the first error of some kinds, hiding the rest: a missing argument stops
  // the evaluation of every call (so each such call gets a root of its own), an unknown argument
  // stops the plan, and any failed validation stops the cross-variable validations, which run
  // last. So: one validate per call missing an input, one validate for the calls with an unknown
  // input, one plan for the rest, and a second plan for the calls the first found nothing in.
  // None of it needs a provider.
  const variables = new Set(MODULE_VARIABLES.map((variable) => variable.name));
  const required = MODULE_VARIABLES.filter((variable) => !variable.hasDefault).map((variable) => variable.name);
  const inputs = (item: Case) => Object.keys(moduleInputsOf(item.raw));
  const missing = rejected.filter((item) => required.some((name) => !inputs(item).includes(name)));
  const unknown = rejected.filter((item) => !missing.includes(item) && inputs(item).some((name) => !variables.has(name)));
  const rest = rejected.filter((item) => !missing.includes(item) && !unknown.includes(item));
  const run = async (name: string, items: readonly Case[], command: string[]) => {
    const dir = rootFile(name, items);
    await initOk(dir, ['-backend=false']);
    const result = await terraform(dir, command);
    return rulesByModule(result.stderr);
  };
  const byModule = new Map<string, Set<RuleId>>();
  const validateCommand = ['validate', '-no-color'];
  const planCommand = ['plan', '-input=false', '-no-color'];
  const found = await Promise.all([
    ...missing.map((item) => run(item.id, [item], validateCommand)),
    ...(unknown.length > 0 ? [run('unknown', unknown, validateCommand)] : []),
    run('rest', rest, planCommand),
  ]);
  for (const [module, rules] of found.flatMap((map) => [...map])) byModule.set(module, rules);
  const unseen = rest.filter((item) => !byModule.has(item.id));
  if (unseen.length > 0) for (const [module, rules] of await run('cross-variable', unseen, planCommand)) byModule.set(module, rules);

  const notInModule = new Map(rulesNotInModule());
  const agreed: string[] = [];
  const allowed: string[] = [];
  const disagreed: string[] = [];
  for (const item of rejected) {
    const moduleRules = byModule.get(item.id) ?? new Set<RuleId>();
    const same = item.problems.some(({ rule }) => moduleRules.has(rule) || (SAME_UNDER_TERRAFORM[rule] ?? []).some((other) => moduleRules.has(other)));
    // The backend is no module input: the root configuration carries it.
    const uncheckable = (problem: ConfigProblem) => notInModule.has(problem.rule) || problem.path.startsWith('backend');
    if (same) agreed.push(item.source);
    else if (item.problems.every(uncheckable)) allowed.push(...new Set(item.problems.map((problem) => (problem.path.startsWith('backend') ? 'backend' : problem.rule))));
    else disagreed.push(`${item.source}: validate ${item.problems.map((problem) => `${problem.path} ${problem.rule}`).join(', ')}; module ${[...moduleRules].join(', ') || 'accepted it'}`);
  }
  const allowedByRule = [...new Set(allowed)].map((rule) => `${rule} ${allowed.filter((other) => other === rule).length}`).join(', ');
  process.stdout.write(`validate and the module: ${agreed.length} of ${rejected.length} invalid configs rejected by both under the same rule; the others by validate alone, under rules the module cannot check (${allowedByRule})\n`);
  expect(disagreed).toEqual([]);
});
