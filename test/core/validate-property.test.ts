/**
 * Bad input, at volume, as properties (fast-check):
 * - `validateConfig` never throws, on arbitrary values (fc.anything, fc.jsonValue) and on mutations
 *   of valid configs, and every problem it returns has a path, a message and a fix, with no raw
 *   control character in them;
 * - `ica-s3 validate` on an arbitrary file (JSON or not) and with arbitrary arguments never prints
 *   a stack trace;
 * - Terraform interpolation cannot be injected through config strings: `${` or `%{` in any
 *   free-text field is refused, except `$schema`, which never reaches Terraform; and for every
 *   config that validates, every `${` in the synthesized CDKTF JSON is a reference to a resource
 *   or data source of that same JSON, and there is no `%{` at all.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { main } from '../../modules/cli/index';
import { Output } from '../../modules/cli/output';
import { ICA_REGIONS } from '../../modules/core/regions';
import { ConfigProblem, ValidationResult, validateConfig } from '../../modules/core/validate';

const ROOT = join(__dirname, '..', '..');
/** C0 control characters: JSON.stringify escapes them, so none may reach a problem raw. */
const C0 = /[\u0000-\u001f]/;
const STACK_FRAME = /^\s+at /m;
/** Runs per property: random each time (fast-check prints the seed of a failure to replay it). */
// Bounded so the file stays a few seconds of the suite: each synth run synthesizes a whole stack.
const RUNS = { cheap: 300, cli: 60, synth: 25 };

let workDir: string;
beforeAll(() => { workDir = mkdtempSync(join(tmpdir(), 'ica-safety-')); });
afterAll(() => { rmSync(workDir, { recursive: true, force: true }); });

function expectWellFormed(result: ValidationResult): void {
  if (result.ok) {
    expect(result.config.buckets.length).toBeGreaterThan(0);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) expectProblem(problem);
}

function expectProblem(problem: ConfigProblem): void {
  for (const field of ['path', 'message', 'fix'] as const) {
    const value = problem[field];
    if (typeof value !== 'string' || value.trim() === '' || C0.test(value)) {
      throw new Error(`malformed problem (${field}): ${JSON.stringify(problem)}`);
    }
  }
}

function validateNoThrow(raw: unknown): ValidationResult {
  try {
    return validateConfig(raw);
  } catch (error) {
    throw new Error(`validateConfig threw on ${safeShow(raw)}: ${(error as Error).stack}`);
  }
}

function safeShow(value: unknown): string {
  try { return fc.stringify(value).slice(0, 500); } catch { return '(unprintable)'; }
}

function recorder(): Output & { text(): string } {
  const lines: string[] = [];
  return { log: (text) => { lines.push(text); }, error: (text) => { lines.push(text); }, text: () => lines.join('\n') };
}

const exampleConfigs: Record<string, unknown>[] = [
  ...readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json')).map((file) => join(ROOT, 'examples', file)),
  join(ROOT, 'ica.config.json'),
].map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);

describe('validateConfig never throws', () => {
  test('on anything (fc.anything with every exotic value fast-check makes)', () => {
    fc.assert(fc.property(fc.anything({
      maxDepth: 4, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
      withObjectString: true, withSparseArray: true, withTypedArray: true, stringUnit: 'binary',
    }), (raw) => { expectWellFormed(validateNoThrow(raw)); }), { numRuns: RUNS.cheap });
  });

  test('on anything under the keys of a config (exotic values where a config expects its fields)', () => {
    const exotic = fc.anything({ maxDepth: 2, withBigInt: true, withBoxedValues: true, withDate: true, withNullPrototype: true, withSparseArray: true, stringUnit: 'binary' });
    const keys = ['name', 'icaRegion', 'credential', 'policyName', 'buckets', 'bucketPolicy', 'objectTagging', 'corsAllowedOrigins', 'tags', 'backend', '$schema'];
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), exotic), (raw) => {
      expectWellFormed(validateNoThrow(raw));
    }), { numRuns: RUNS.cheap });
  });

  test('on arbitrary JSON values and texts', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => { expectWellFormed(validateNoThrow(raw)); }), { numRuns: RUNS.cheap });
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), (text) => { expectWellFormed(validateNoThrow(JSON.parse(text))); }), { numRuns: RUNS.cheap });
  });

  test('on mutations of every valid example config', () => {
    fc.assert(fc.property(mutatedConfig(), (raw) => { expectWellFormed(validateNoThrow(raw)); }), { numRuns: RUNS.cheap * 2 });
  });

  test('on values JSON.parse never makes (BigInt, Symbol, cycles, throwing getters) anywhere in a valid config', () => {
    fc.assert(fc.property(mutatedConfig(exoticValues()), (raw) => { expectWellFormed(validateNoThrow(raw)); }), { numRuns: RUNS.cheap * 2 });
  });
});

/** A path into a JSON value. */
type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return [prefix];
}

type Mutation =
  | { readonly op: 'set'; readonly path: Path; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: Path }
  | { readonly op: 'add-key'; readonly path: Path; readonly key: string; readonly value: unknown };

/** Strings that have broken parsers, templating and terminals. */
const HOSTILE_STRINGS = [
  '', ' ', '${var.x}', '%{ if true }x%{ endif }', '$${x}', '"', "'", '\\', '\n', '\u0000', '\u001b[2J', '\u202e', '🧬',
  '__proto__', 'constructor', 'toString', 'x'.repeat(10_000), 'arn:aws:iam::111122223333:role/*', '../../etc/passwd',
];

/** JSON values, hostile strings and odd numbers: what a config file can hold. */
function jsonishValues(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(true, false, null, 0, -1, 1.5, 1e309, [], {}),
  );
}

/** What only a library caller can pass. */
function exoticValues(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.bigInt(),
    fc.constantFrom(Symbol('x'), () => 1, undefined, new Date(Number.NaN), new Map([['a', 1]]), new Set(['x']), new Uint8Array(2)),
    fc.constant(null).map(() => { const cycle: Record<string, unknown> = { type: 'SSE-S3' }; cycle.self = cycle; return cycle; }),
    fc.constant(null).map(() => Object.defineProperty({}, 'type', { enumerable: true, configurable: true, get() { throw new Error('getter'); } })),
    fc.array(fc.bigInt(), { minLength: 2, maxLength: 2 }).map(([a]) => [a, a]),
    fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withBoxedValues: true }),
  );
}

function mutatedConfig(values: fc.Arbitrary<unknown> = jsonishValues()): fc.Arbitrary<unknown> {
  return fc.constantFrom(...exampleConfigs).chain((config) => {
    const paths = pathsOf(config);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value: values }),
      fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
      fc.record({ op: fc.constant('add-key' as const), path: fc.constantFrom(...paths), key: fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_STRINGS)), value: values }),
    );
    return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
      let result: unknown = structuredClone(config);
      for (const mutation of mutations) result = applyMutation(result, mutation);
      return result;
    });
  });
}

function applyMutation(root: unknown, mutation: Mutation): unknown {
  if (mutation.path.length === 0) {
    if (mutation.op === 'set') return mutation.value;
    if (mutation.op === 'delete') return undefined;
  }
  const parentPath = mutation.op === 'add-key' ? mutation.path : mutation.path.slice(0, -1);
  let parent: unknown = root;
  try {
    for (const key of parentPath) {
      if (parent === null || typeof parent !== 'object') return root;
      parent = (parent as Record<string | number, unknown>)[key];
    }
  } catch {
    return root; // an earlier mutation put a throwing getter on the way
  }
  if (parent === null || typeof parent !== 'object') return root;
  const target = parent as Record<string | number, unknown>;
  try {
    if (mutation.op === 'add-key') {
      Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
    } else if (mutation.op === 'set') {
      Object.defineProperty(target, mutation.path[mutation.path.length - 1], { value: mutation.value, enumerable: true, writable: true, configurable: true });
    } else if (Array.isArray(target)) {
      target.splice(Number(mutation.path[mutation.path.length - 1]), 1);
    } else {
      delete target[mutation.path[mutation.path.length - 1]];
    }
  } catch {
    // a mutation the harness cannot apply (a typed array, an array with its own "constructor"): skip it
  }
  return root;
}

describe('ica-s3 validate never prints a stack trace', () => {
  test('on arbitrary files: JSON values, JSON texts and raw bytes', async () => {
    const contents = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? ''),
      mutatedConfig().map((value) => JSON.stringify(value) ?? ''),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('', '{', '\u001b[31m', '\ufeff{}', '{"name": "a"}'.repeat(3)),
    );
    let index = 0;
    await fc.assert(fc.asyncProperty(contents, async (text) => {
      const file = join(workDir, `config-${index++}.json`);
      writeFileSync(file, text);
      const out = recorder();
      const status = await main(['validate', '-c', file], out);
      expect([0, 1]).toContain(status);
      expect(out.text()).not.toMatch(STACK_FRAME);
      // Every problem line is one line: no raw control character but the line breaks.
      expect(/[\u0000-\u0009\u000b-\u001f]/.test(out.text())).toBe(false);
    }), { numRuns: RUNS.cli });
  });

  test('with arbitrary arguments', async () => {
    const argument = fc.oneof(
      fc.constantFrom('-c', '--config', '-h', '--help', '--bogus', '-x', '--', '-c=', '.', '/', '/nonexistent/ica.json', 'ica.config.json'),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(fc.asyncProperty(fc.array(argument, { maxLength: 4 }), async (args) => {
      const out = recorder();
      const status = await main(['validate', ...args], out);
      expect([0, 1, 2]).toContain(status);
      expect(out.text()).not.toMatch(STACK_FRAME);
    }), { numRuns: RUNS.cli });
  });
});

// --- Interpolation ----------------------------------------------------------------------------

/** What a Terraform template would read as an expression or a directive. */
const INJECTIONS = ['${', '%{', '${var.secret}', '%{ if true }x%{ endif }', '${file("/etc/passwd")}', '$${x}', '%%{x}'];

function chars(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`;
/** Unicode letters, digits and separators AWS tags accept. */
const TAG_CHARS = `${ALNUM}éßΩжあ日本語١٢ _.:/=+-@`;
/** The S3 characters prefixes accept ("." left out to avoid "." and ".." folders). */
const PREFIX_CHARS = `${ALNUM}!_'() -`;
const IAM_CHARS = `${ALNUM}_+=,.@-`;
const OIDC_REGIONS = ICA_REGIONS.filter((region) => 'oidc' in region);

/** Configs built to validate, with the unusual-but-legal characters of every field. */
function validishConfig(): fc.Arbitrary<Record<string, unknown>> {
  const bucket = (index: number) => fc.record({
    name: chars(`${LOWER}0123456789-`, 1, 20).map((middle) => `b${index}${middle}x`),
    prefixes: fc.uniqueArray(
      fc.tuple(chars(PREFIX_CHARS, 0, 10), fc.option(chars(PREFIX_CHARS, 1, 8)), fc.boolean()),
      { minLength: 1, maxLength: 3 },
    ).map((parts) => parts.map(([first, second, slash], position) => `p${position}${first}${second !== null ? `/q${second}` : ''}${slash ? '/' : ''}`)),
    versioning: fc.constantFrom('Enabled', 'Suspended', 'Disabled'),
    encryption: fc.oneof(fc.constant({ type: 'SSE-S3' }), fc.constant({ type: 'SSE-KMS' })),
    forceDestroy: fc.boolean(),
    tags: fc.dictionary(chars(TAG_CHARS, 1, 12).filter((key) => !key.toLowerCase().startsWith('aws:')), chars(TAG_CHARS, 0, 20), { maxKeys: 3 }),
  }, { requiredKeys: ['name', 'prefixes'] });
  const userCredential = fc.record({
    method: fc.constant('user'),
    userName: chars(IAM_CHARS, 1, 30),
    accessKeys: fc.uniqueArray(chars(`${LOWER}0123456789-`, 1, 10), { minLength: 1, maxLength: 2 }),
    secretStore: fc.oneof(
      fc.record({ type: fc.constant('ssm'), name: chars(`${ALNUM}_.-/`, 1, 30).map((name) => `/${name}`) }),
      fc.record({ type: fc.constant('secretsmanager'), name: chars(`${ALNUM}/_+=.@-`, 1, 30) }),
    ),
  }, { requiredKeys: ['method'] });
  const roleCredential = fc.record({
    method: fc.constant('role'),
    sessionNamePrefix: chars(IAM_CHARS, 1, 30),
    roleName: chars(IAM_CHARS, 1, 30),
    oidcProvider: fc.constantFrom('create', 'existing'),
  }, { requiredKeys: ['method', 'sessionNamePrefix'] });
  return fc.record({
    $schema: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...INJECTIONS)),
    name: fc.tuple(fc.constantFrom(...'abcXYZ'), chars(`${ALNUM}_-`, 0, 20)).map(([first, rest]) => `${first}${rest}`),
    icaRegion: fc.constantFrom(...OIDC_REGIONS.flatMap((region) => [region.code, region.name, region.awsRegion])),
    credential: fc.oneof(userCredential, roleCredential),
    policyName: chars(IAM_CHARS, 1, 40),
    buckets: fc.tuple(bucket(0), fc.option(bucket(1))).map(([first, second]) => (second ? [first, second] : [first])),
    bucketPolicy: fc.record({
      restrictToIca: fc.boolean(),
      crossAccountCopy: fc.boolean(),
      exemptPrincipalArns: fc.array(chars(`${ALNUM}+=,.@_-*`, 1, 20).map((name) => `arn:aws:iam::111122223333:role/${name}`), { maxLength: 2 }),
    }),
    objectTagging: fc.boolean(),
    corsAllowedOrigins: fc.array(fc.tuple(chars(`${LOWER}0123456789.-`, 1, 20), fc.option(fc.integer({ min: 1, max: 65535 })))
      .map(([host, port]) => `https://x${host}x${port !== null ? `:${port}` : ''}`), { minLength: 1, maxLength: 2 }),
    tags: fc.dictionary(chars(TAG_CHARS, 1, 12).filter((key) => !key.toLowerCase().startsWith('aws:')), chars(TAG_CHARS, 0, 20), { maxKeys: 3 }),
    backend: fc.oneof(
      fc.constant({ type: 'local' }),
      fc.record({ type: fc.constant('s3'), bucket: chars(`${LOWER}0123456789-`, 1, 20).map((name) => `s${name}x`), key: chars(`${ALNUM}!_'()-`, 1, 20).map((key) => `state/${key}`), region: fc.constantFrom('eu-central-1', 'us-east-1') }),
      fc.record({ type: fc.constant('cloud'), organization: chars(`${ALNUM}_-`, 1, 20), workspace: chars(`${ALNUM}_-`, 1, 20) }),
    ),
  }, { requiredKeys: ['name', 'icaRegion', 'credential', 'buckets'] });
}

/** Keys whose string values are enums or discriminators, not free text. */
const NOT_FREE_TEXT = new Set(['method', 'type', 'versioning', 'objectOwnership', 'oidcProvider']);

/** Where a poison goes: a string value, or the name of an object key (a tag key). */
type Target = { readonly path: Path; readonly renameKey: boolean };

function freeTextTargets(value: unknown, prefix: Path = []): Target[] {
  if (typeof value === 'string') {
    const last = prefix[prefix.length - 1];
    return typeof last === 'string' && NOT_FREE_TEXT.has(last) ? [] : [{ path: prefix, renameKey: false }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => freeTextTargets(item, [...prefix, index]));
  if (value !== null && typeof value === 'object') {
    const inTags = prefix[prefix.length - 1] === 'tags';
    return Object.entries(value).flatMap(([key, item]) => [
      ...(inTags ? [{ path: [...prefix, key], renameKey: true }] : []),
      ...freeTextTargets(item, [...prefix, key]),
    ]);
  }
  return [];
}

interface Poisoned {
  readonly raw: Record<string, unknown>;
  /** The poisoned location, or undefined when the config was left alone. */
  readonly target?: Target;
}

/** A validish config, half the time with `${`/`%{` spliced into one of its free-text strings. */
function maybePoisoned(): fc.Arbitrary<Poisoned> {
  return validishConfig().chain((raw) => {
    const targets = freeTextTargets(raw);
    return fc.option(fc.tuple(fc.constantFrom(...targets), fc.constantFrom(...INJECTIONS), fc.nat()), { freq: 2 }).map((poison) => {
      if (!poison) return { raw };
      const [target, injection, at] = poison;
      const copy = structuredClone(raw);
      const parent = target.path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
      const last = target.path[target.path.length - 1];
      const splice = (text: string) => { const cut = at % (text.length + 1); return `${text.slice(0, cut)}${injection}${text.slice(cut)}`; };
      if (target.renameKey) {
        const value = parent[last];
        delete parent[last];
        parent[splice(String(last))] = value;
      } else {
        parent[last] = splice(parent[last] as string);
      }
      return { raw: copy, target };
    });
  });
}

/** Every string in a JSON value, keys included. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [key, ...stringsOf(item)]);
  return [];
}

/**
 * The `${...}` and `%{...}` a synthesized stack may hold: references to its own resources and data
 * sources, and `each.key` / `each.value[.attribute]` inside a for_each resource.
 */
function foreignInterpolations(stack: Record<string, any>): string[] {
  const addresses = new Set<string>();
  for (const [type, resources] of Object.entries((stack.resource ?? {}) as Record<string, object>)) {
    for (const name of Object.keys(resources)) addresses.add(`${type}.${name}`);
  }
  for (const [type, sources] of Object.entries((stack.data ?? {}) as Record<string, object>)) {
    for (const name of Object.keys(sources)) addresses.add(`data.${type}.${name}`);
  }
  const foreign: string[] = [];
  for (const text of stringsOf(stack)) {
    const rest = text
      .replace(/\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g, (match, address: string) => (addresses.has(address) ? '' : match))
      .replace(/\$\{each\.(key|value(\.[a-z_]+)?)\}/g, '');
    if (rest.includes('${') || rest.includes('%{')) foreign.push(text);
  }
  return foreign;
}

describe('Terraform interpolation cannot be injected through config strings', () => {
  test('the generators make configs that validate (otherwise the properties below prove nothing)', () => {
    const samples = fc.sample(validishConfig(), { numRuns: 100, seed: 42 });
    const valid = samples.filter((raw) => validateConfig(raw).ok).length;
    expect(valid).toBeGreaterThanOrEqual(80);
  });

  test('`${` or `%{` in any free-text field is refused, except in $schema', () => {
    let poisoned = 0;
    fc.assert(fc.property(maybePoisoned(), ({ raw, target }) => {
      const result = validateNoThrow(raw);
      expectWellFormed(result);
      if (!target) return;
      poisoned++;
      const isSchema = target.path.length === 1 && target.path[0] === '$schema' && !target.renameKey;
      if (!isSchema && result.ok) throw new Error(`an interpolation in ${JSON.stringify(target.path)} validated: ${safeShow(raw)}`);
    }), { numRuns: RUNS.cheap * 2 });
    expect(poisoned).toBeGreaterThan(RUNS.cheap / 2);
  });

  test('every `${` of the synthesized CDKTF JSON is a reference to the stack\'s own resources; no `%{`', () => {
    let synthesized = 0;
    fc.assert(fc.property(maybePoisoned(), ({ raw }) => {
      const result = validateNoThrow(raw);
      if (!result.ok) return;
      const outdir = mkdtempSync(join(workDir, 'synth-'));
      try {
        const stack = JSON.parse(readFileSync(synthesize(result.config, { outdir }), 'utf8')) as Record<string, any>;
        synthesized++;
        expect(foreignInterpolations(stack)).toEqual([]);
        // $schema (the one field that may hold anything) never reaches Terraform.
        if (typeof raw.$schema === 'string' && raw.$schema.length >= 8 && /\$\{|%\{/.test(raw.$schema)) {
          expect(stringsOf(stack).some((text) => text.includes(raw.$schema as string))).toBe(false);
        }
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }), { numRuns: RUNS.synth, endOnFailure: true });
    expect(synthesized).toBeGreaterThanOrEqual(RUNS.synth / 4);
  });

  test('the reference check itself flags a foreign expression and a directive', () => {
    const stack = { resource: { aws_iam_role: { role: {} } }, data: { aws_caller_identity: { current: {} } } };
    expect(foreignInterpolations({ ...stack, output: { a: { value: '${aws_iam_role.role.arn}:${data.aws_caller_identity.current.account_id}' } } })).toEqual([]);
    expect(foreignInterpolations({ ...stack, output: { a: { value: '${var.secret}' } } })).toHaveLength(1);
    expect(foreignInterpolations({ ...stack, output: { a: { value: '${aws_iam_user.other.arn}' } } })).toHaveLength(1);
    expect(foreignInterpolations({ ...stack, output: { a: { value: '%{ if true }x%{ endif }' } } })).toHaveLength(1);
    expect(foreignInterpolations({ ...stack, tags: { '${var.k}': 'v' } })).toHaveLength(1);
    expect(foreignInterpolations({ ...stack, output: { a: { value: '${each.key}${each.value.bucket}' } } })).toEqual([]);
    expect(foreignInterpolations({ ...stack, output: { a: { value: '${each.value.bucket[var.k]}' } } })).toHaveLength(1);
  });
});
