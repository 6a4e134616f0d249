/**
 * What validate says beyond refusing: "did you mean" for a mistyped ICA region (the same measure
 * as for unknown keys and the CLI's commands and options), and the warning rule for prefixes whose
 * folder names start or end with a space.
 */
import { RULES } from '../../modules/core/rule-catalogue';
import { prefixWarnings } from '../../modules/core/rules';
import { closestSpelling } from '../../modules/core/spelling';
import { validateConfig } from '../../modules/core/validate';

function config(patch: Record<string, unknown>): Record<string, unknown> {
  return { name: 'acme-ica', icaRegion: 'US', credential: { method: 'user' }, buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'] }], ...patch };
}

describe('closestSpelling', () => {
  test.each([
    ['jsno', ['json', 'config', 'help'], 'json'],
    ['valdate', ['validate', 'synth', 'generate'], 'validate'],
    ['restrictToICA', ['restrictToIca', 'crossAccountCopy'], 'restrictToIca'],
    ['germny', ['Germany', 'US'], 'Germany'],
  ])('%s -> %s', (input, candidates, expected) => {
    expect(closestSpelling(input, candidates)).toBe(expected);
  });

  test.each([
    ['deploy', ['validate', 'doctor', 'policies']],
    ['zzzqqq', ['name', 'icaRegion']],
    // Two edits turn any two letters into any other two: no hint.
    ['XX', ['US', 'EU']],
    ['anything', []],
  ])('%s: nothing close, no hint', (input, candidates) => {
    expect(closestSpelling(input, candidates)).toBeUndefined();
  });
});

describe('an unknown icaRegion', () => {
  function regionProblem(icaRegion: string) {
    const result = validateConfig(config({ icaRegion }));
    if (result.ok) throw new Error(`${icaRegion} validated`);
    expect(result.problems.map((problem) => [problem.path, problem.rule])).toEqual([['icaRegion', 'ica-region.known']]);
    // The hint is what only this value shows: the rule's words and fix stay the catalogue's.
    expect(result.problems[0].message).toMatch(new RegExp(`^${JSON.stringify(icaRegion)} ${RULES['ica-region.known'].message} \\(`));
    expect(result.problems[0].fix).toBe(RULES['ica-region.known'].fix);
    return result.problems[0];
  }

  test.each([
    ['Germny', 'did you mean "Germany"? known: '],
    ['us-east1', 'did you mean "us-east-1" (United States)? known: '],
    ['EUU', 'did you mean "EU" (Germany)? known: '],
    ['Untied Kingdom', 'did you mean "united kingdom" (UK)? known: '],
  ])('%s: did you mean, then every region', (icaRegion, hint) => {
    const problem = regionProblem(icaRegion);
    expect(problem.message).toContain(`(${hint}`);
    expect(problem.message).toContain('US (United States, us-east-1)');
  });

  test('far from every region: the list only', () => {
    expect(regionProblem('Mars').message).not.toContain('did you mean');
  });
});

describe('prefix.surrounding-space', () => {
  const rule = RULES['prefix.surrounding-space'];

  test('is a warning of the catalogue, outside the module', () => {
    expect(rule).toMatchObject({ warns: true, path: 'buckets[].prefixes[]' });
    expect(rule.notInModule).toBeTruthy();
  });

  test.each([
    [' ica-data/', ['" ica-data"']],
    ['ica-data /', ['"ica-data "']],
    ['results/ 2026 /', ['" 2026 "']],
    ['a /b ', ['"a "', '"b "']],
  ])('%j: a warning that names the prefix and each spaced folder; the config stays valid', (prefix, folders) => {
    const result = validateConfig(config({ buckets: [{ name: 'acme-ica-data', prefixes: ['runs/', prefix] }] }));
    expect(result.ok).toBe(true);
    const warning = result.warnings.find((text) => text.startsWith('buckets[0].prefixes[1]: '));
    expect(warning).toBe(`buckets[0].prefixes[1]: ${JSON.stringify(prefix)} ${rule.message} (${folders.map((folder) => `folder ${folder}`).join(', ')}); fix: ${rule.fix}`);
    expect(result.warnings.filter((text) => text.includes(rule.message))).toHaveLength(1);
  });

  test.each(['ica-data/', 'my runs/2026 data/', '/'])('%j: no warning', (prefix) => {
    expect(prefixWarnings(prefix)).toEqual([]);
  });

  test('an invalid config still carries the warning', () => {
    const result = validateConfig(config({ icaRegion: 'Mars', buckets: [{ name: 'acme-ica-data', prefixes: [' x/'] }] }));
    expect(result.ok).toBe(false);
    expect(result.warnings.some((text) => text.startsWith(`buckets[0].prefixes[0]: " x/" ${rule.message}`))).toBe(true);
  });
});
