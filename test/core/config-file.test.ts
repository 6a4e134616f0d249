/**
 * The config file is strict JSON: a key given twice, comments, trailing commas and odd spaces are
 * config problems at their line and column, all reported at once; a byte-order mark is accepted
 * with a warning.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { parseConfigText } from '../../modules/core/config-file';
import { ConfigProblem, loadConfigFile } from '../../modules/core/validate';

const VALID = [
  '{',
  '  "name": "acme-ica",',
  '  "icaRegion": "US",',
  '  "credential": { "method": "user" },',
  '  "buckets": [{ "name": "acme-ica-data", "prefixes": ["ica/"] }]',
  '}',
  '',
].join('\n');

function problemsOf(text: string): ConfigProblem[] {
  const result = parseConfigText(text, 'ica.config.json');
  if (result.ok) throw new Error('expected problems');
  for (const problem of result.problems) {
    expect(problem.path).toBe('(config)');
    expect(problem.fix.trim()).not.toBe('');
  }
  return result.problems;
}

function messagesOf(text: string): string[] {
  return problemsOf(text).map((problem) => problem.message);
}

describe('duplicate keys', () => {
  test('two "buckets" keys: both positions, not the last one silently winning', () => {
    const text = VALID.replace('  "buckets"', '  "buckets": [{ "name": "acme-ica-first", "prefixes": ["a/"] }],\n  "buckets"');
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem.message).toBe('ica.config.json line 6, column 3: key "buckets" is given twice (first at line 5, column 3); JSON readers keep only one of them and silently drop the other');
    expect(problem.fix).toBe('keep one "buckets": merge the two or delete one');
  });

  test('inside a bucket, each object on its own: the same key in two buckets is fine', () => {
    const text = VALID.replace('"prefixes": ["ica/"] }', '"prefixes": ["ica/"], "name": "again" }, { "name": "b", "prefixes": ["x/"] }');
    expect(messagesOf(text)).toEqual([expect.stringMatching(/^ica\.config\.json line 5, column 64: key "name" is given twice \(first at line 5, column 17\)/)]);
  });

  test('loadConfigFile reports it as a (config) problem and validates nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ica-config-file-'));
    try {
      const path = join(dir, 'dup.json');
      writeFileSync(path, VALID.replace('"icaRegion": "US",', '"icaRegion": "US", "icaRegion": "Mars",'));
      const result = loadConfigFile(path);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toEqual([expect.objectContaining({ path: '(config)', message: expect.stringContaining(`${path} line 3, column 22: key "icaRegion" is given twice (first at line 3, column 3)`) })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JSON, not JSON with comments', () => {
  test('a line comment and a block comment, each at its position', () => {
    const text = VALID.replace('  "name"', '  // the connection\n  "name"').replace('"user" }', '"user" /* for now */ }');
    expect(messagesOf(text)).toEqual([
      'ica.config.json is not valid JSON: line 2, column 3: a comment (JSON has none)',
      'ica.config.json is not valid JSON: line 5, column 36: a comment (JSON has none)',
    ]);
    expect(problemsOf(text)[0].fix).toMatch(/^remove the comment/);
  });

  test('trailing commas in an object and in a list, at the comma', () => {
    const text = VALID.replace('"method": "user" }', '"method": "user", }').replace('["ica/"]', '["ica/",]');
    expect(messagesOf(text)).toEqual([
      'ica.config.json is not valid JSON: line 4, column 35: a comma before "}" (a trailing comma)',
      'ica.config.json is not valid JSON: line 5, column 61: a comma before "]" (a trailing comma)',
    ]);
  });

  test('a trailing comma before a comment is still one', () => {
    expect(messagesOf('{"name": "x", // note\n}')).toEqual([
      'ica.config.json is not valid JSON: line 1, column 13: a comma before "}" (a trailing comma)',
      'ica.config.json is not valid JSON: line 1, column 15: a comment (JSON has none)',
    ]);
  });

  test('a comment-like text inside a string is data', () => {
    expect(parseConfigText('{"name": "a // b /* c */"}', 'x').ok).toBe(true);
  });

  test('a non-breaking space pasted from a web page is named by its code point', () => {
    expect(messagesOf('{\n  "name":\u00a0"acme"\n}')).toEqual(['ica.config.json is not valid JSON: line 2, column 10: the character "\u00a0" (U+00A0), which JSON does not allow here']);
  });

  test('a syntax error: the first one, with its position', () => {
    expect(messagesOf(VALID.replace('"icaRegion": "US",', '"icaRegion": "US"'))).toEqual(['ica.config.json is not valid JSON: line 4, column 3: a comma is missing']);
    const [quote] = problemsOf("{'name': 'acme'}");
    expect(quote.message).toBe('ica.config.json is not valid JSON: line 1, column 2: the character "\'" (U+0027), which JSON does not allow here');
    expect(quote.fix).toMatch(/keys and strings take double quotes/);
  });

  test('an empty file', () => {
    expect(messagesOf(' \n')).toEqual(['ica.config.json is not valid JSON: the file is empty']);
  });

  test('every kind at once, in the order of the file', () => {
    const text = '{\n  // note\n  "name": "a",\n  "name": "b",\n  "tags": {},\n}\n';
    expect(messagesOf(text).map((message) => /line (\d+)/.exec(message)?.[1])).toEqual(['2', '4', '5']);
  });
});

describe('byte-order mark', () => {
  test('accepted, with a warning that says so and where', () => {
    const result = parseConfigText(`\uFEFF${VALID}`, 'ica.config.json');
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual(['ica.config.json line 1, column 1: starts with a UTF-8 byte-order mark, which this tool ignores but other JSON tools reject; save the file as UTF-8 without BOM']);
  });

  test('validate: exit 0 with the warning on stderr; positions after it count as the editor shows them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ica-config-file-'));
    try {
      const path = join(dir, 'bom.json');
      writeFileSync(path, `\uFEFF${VALID}`);
      const errors: string[] = [];
      expect(await main(['validate', '-c', path], { log: () => undefined, error: (text) => errors.push(text) })).toBe(0);
      expect(errors).toEqual([expect.stringMatching(/^warning: .*bom\.json line 1, column 1: starts with a UTF-8 byte-order mark/)]);
      expect(messagesOf('\uFEFF{"a": 1,}')).toEqual(['ica.config.json is not valid JSON: line 1, column 8: a comma before "}" (a trailing comma)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
