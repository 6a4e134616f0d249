/**
 * Bad input, at volume: a corpus of invalid configs, one small file each, in
 * invalid-configs/. Their expectations (JSON path, catalogue rule id and a fragment of the message)
 * are one table, invalid-configs/expected.json: the rule is the one the file's fault breaks, so the
 * table is also the oracle of what the generated module must report. Each file is checked twice:
 * `validateConfig` (the library) and `ica-s3 validate -c FILE` (the CLI: exit status 1, the problem
 * printed, no stack trace, no raw control characters).
 *
 * File name prefixes: not-json-, top- (not an object), missing-, type-, enum-, unknown- (keys),
 * size-, rule- (one per rule of rules.ts, config-schema.ts and validate.ts) and
 * hostile-<field>-<kind> (very long, unicode, quotes, ${} and %{} interpolation, newline, control
 * characters, backslashes in every free-text field).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { Output } from '../../modules/cli/output';
import { RULES, RuleId } from '../../modules/core/rule-catalogue';
import { ConfigProblem, loadConfigFile, validateConfig } from '../../modules/core/validate';

const DIR = join(__dirname, 'invalid-configs');

interface Expectation {
  /** The JSON path of one of the problems, exactly. */
  readonly path: string;
  /** The rule of the catalogue (modules/core/rule-catalogue.ts) that problem names. */
  readonly rule: RuleId;
  /** A fragment of that problem's message. */
  readonly message: string;
  /** What is wrong with the file, in words. */
  readonly why: string;
  /** The file is not JSON at all: only loadConfigFile and the CLI can read it. */
  readonly notJson?: boolean;
}

const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const files = readdirSync(DIR).filter((file) => file.endsWith('.json') && file !== 'expected.json').sort();

/** C0 and C1 control characters (newline and tab included): never inside a problem. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but newline allowed: the CLI separates lines with it. */
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** A Node stack frame. */
const STACK_FRAME = /^\s+at /m;

function recorder(): Output & { text(): string } {
  const lines: string[] = [];
  return { log: (text) => { lines.push(text); }, error: (text) => { lines.push(text); }, text: () => lines.join('\n') };
}

function problemsOf(file: string): ConfigProblem[] {
  const path = join(DIR, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    expect({ file, notJson: expected[file].notJson === true }).toEqual({ file, notJson: true });
    const loaded = loadConfigFile(path);
    if (loaded.ok) throw new Error(`${file} loaded`);
    return loaded.problems;
  }
  expect({ file, notJson: expected[file].notJson === true }).toEqual({ file, notJson: false });
  const result = validateConfig(raw);
  if (result.ok) throw new Error(`${file} validates, but it is in the invalid corpus`);
  // The file loader reports exactly what the library reports.
  const loaded = loadConfigFile(path);
  expect(loaded.ok ? [] : loaded.problems).toEqual(result.problems);
  return result.problems;
}

test('the corpus has at least 60 configs, each with one expectation, and covers every category', () => {
  expect(files.length).toBeGreaterThanOrEqual(60);
  expect(Object.keys(expected).sort()).toEqual(files);
  const count = (prefix: string) => files.filter((file) => file.startsWith(prefix)).length;
  expect(count('not-json-')).toBeGreaterThanOrEqual(3);
  expect(count('missing-')).toBeGreaterThanOrEqual(10);
  expect(count('type-')).toBeGreaterThanOrEqual(15);
  expect(count('rule-')).toBeGreaterThanOrEqual(50);
  for (const kind of ['long', 'unicode', 'quotes', 'interp', 'template', 'newline', 'control', 'backslash']) {
    expect({ kind, files: count('hostile-') && files.filter((file) => file.startsWith('hostile-') && file.endsWith(`-${kind}.json`)).length > 0 })
      .toEqual({ kind, files: true });
  }
  // Every free-text field gets both interpolation syntaxes.
  const fields = new Set(files.filter((file) => file.startsWith('hostile-')).map((file) => file.split('-')[1]));
  expect(fields.size).toBeGreaterThanOrEqual(20);
  for (const field of fields) {
    expect(files).toContain(`hostile-${field}-interp.json`);
    expect(files).toContain(`hostile-${field}-template.json`);
  }
});

test('every expectation names a rule of the catalogue', () => {
  const unknown = Object.entries(expected).filter(([, expectation]) => !Object.prototype.hasOwnProperty.call(RULES, expectation.rule));
  expect(unknown.map(([file, expectation]) => `${file}: ${String(expectation.rule)}`)).toEqual([]);
});

describe.each(files.map((file) => [file] as const))('%s', (file) => {
  const expectation = expected[file];

  test(`validateConfig reports ${expectation.path}: [${expectation.rule}] …${expectation.message}…`, () => {
    const problems = problemsOf(file);
    expect(problems.length).toBeGreaterThan(0);
    const hit = problems.find((problem) => problem.path === expectation.path && problem.rule === expectation.rule && problem.message.includes(expectation.message));
    if (!hit) {
      throw new Error(`${file} (${expectation.why}): expected ${expectation.path}: [${expectation.rule}] …${expectation.message}…, got\n` +
        problems.map((problem) => `  ${problem.path}: [${problem.rule}] ${problem.message}`).join('\n'));
    }
    // Problems of the catalogue's own rules carry its fix; the structural (schema.*) and file
    // (config.file) problems build theirs from the schema and the parser.
    if (!expectation.rule.startsWith('schema.') && expectation.rule !== 'config.file') expect(hit.fix).toBe(RULES[expectation.rule].fix);
    for (const problem of problems) {
      expect(problem.path.trim()).not.toBe('');
      expect(problem.message.trim()).not.toBe('');
      expect(problem.fix.trim()).not.toBe('');
      // Hostile values are quoted, never pasted raw: no newline or escape reaches a message.
      expect({ problem, control: CONTROL.test(`${problem.path}${problem.message}${problem.fix}`) }).toEqual({ problem, control: false });
    }
  });

  test('ica-s3 validate exits 1, names the problem and prints no stack trace', async () => {
    const out = recorder();
    const status = await main(['validate', '-c', join(DIR, file)], out);
    const text = out.text();
    expect(status).toBe(1);
    expect(text).not.toMatch(STACK_FRAME);
    expect(text).toContain(`${expectation.path}: `);
    expect(text).toContain('fix: ');
    expect(CONTROL_EXCEPT_NEWLINE.test(text)).toBe(false);
  });
});
