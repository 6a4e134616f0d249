/**
 * Storage configuration names: within ICA's 3-63 characters, readable while they fit, shortened
 * with a hash only when they do not, stable, distinct per bucket and prefix; `validate` reports
 * two prefixes whose readable names collide. (test/generator/names.e2e.test.ts proves the
 * generated module's HCL computes the same names.)
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ICA_NAME_LIMITS, NAME_HASH_LENGTH, storageConfigurationName } from '../../modules/core/ica-names';
import { validateConfig } from '../../modules/core/validate';

const MAX = ICA_NAME_LIMITS.storageConfigurationNameMax.value;
const hashOf = (bucket: string, prefix: string) => createHash('sha256').update(`${bucket}/${prefix}`).digest('hex').slice(0, NAME_HASH_LENGTH);

describe('storageConfigurationName', () => {
  test('the readable name: bucket and prefix in letters, digits, - and _', () => {
    expect(storageConfigurationName('acme-ica-data', 'ica-data/')).toBe('acme-ica-data-ica-data');
    expect(storageConfigurationName('my.bucket', 'Projects/ica data/Run_1//')).toBe('my-bucket-Projects-ica-data-Run_1');
  });

  test('exactly 63 readable characters: kept as they are, no hash', () => {
    const bucket = 'a'.repeat(50);
    const prefix = `${'b'.repeat(12)}/`;
    const name = storageConfigurationName(bucket, prefix);
    expect(name).toBe(`${bucket}-${'b'.repeat(12)}`);
    expect(name).toHaveLength(MAX);
  });

  test('64 readable characters: 54 of them, "-" and 8 hex characters of sha256(bucket/prefix)', () => {
    const bucket = 'a'.repeat(50);
    const prefix = `${'b'.repeat(13)}/`;
    const name = storageConfigurationName(bucket, prefix);
    expect(name).toBe(`${bucket}-bbb-${hashOf(bucket, prefix)}`);
    expect(name).toHaveLength(MAX);
  });

  test('the example of the contract: a 48-character bucket and a deep prefix fit', () => {
    const bucket = 'acme-genomics-sequencing-data-eu-central-1-prod1';
    expect(bucket).toHaveLength(48);
    const name = storageConfigurationName(bucket, 'sequencing/runs-2026/novaseq-x-plus/');
    expect(name).toBe(`acme-genomics-sequencing-data-eu-central-1-prod1-seque-${hashOf(bucket, 'sequencing/runs-2026/novaseq-x-plus/')}`);
    expect(name.length).toBeLessThanOrEqual(MAX);
  });

  test('a cut that ends in "-" drops it, so no "--" before the hash', () => {
    const bucket = 'a'.repeat(53);
    const name = storageConfigurationName(bucket, 'x-long-prefix/');
    expect(name).toBe(`${bucket}-${hashOf(bucket, 'x-long-prefix/')}`);
  });

  test('names that share their first 54 characters still differ, and are stable', () => {
    const bucket = 'b'.repeat(60);
    const one = storageConfigurationName(bucket, 'runs/2026-01/');
    const two = storageConfigurationName(bucket, 'runs/2026-02/');
    expect(one.slice(0, 54)).toBe(two.slice(0, 54));
    expect(one).not.toBe(two);
    expect(storageConfigurationName(bucket, 'runs/2026-01/')).toBe(one);
  });

  test('property: 3 to 63 characters of [A-Za-z0-9_-], the readable name whenever it fits', () => {
    const bucketChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-'.split(''));
    const bucket = fc.tuple(fc.constantFrom('a', '1'), fc.string({ unit: bucketChars, minLength: 1, maxLength: 61 }), fc.constantFrom('z', '9'))
      .map(([first, middle, last]) => `${first}${middle}${last}`);
    const prefix = fc.string({ minLength: 1, maxLength: 80 }).filter((text) => /[A-Za-z0-9]/.test(text)).map((text) => `${text}/`);
    fc.assert(fc.property(bucket, prefix, (b, p) => {
      const name = storageConfigurationName(b, p);
      expect(name).toMatch(/^[A-Za-z0-9_-]{3,63}$/);
      const readable = `${b}-${p}`.replace(/\/+$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
      expect(name === readable).toBe(readable.length <= MAX);
    }));
  });
});

describe('validate: two prefixes with one name', () => {
  test('is a problem naming both prefixes and the fix', () => {
    const result = validateConfig({
      name: 'acme', icaRegion: 'US', credential: { method: 'user' },
      buckets: [{ name: 'acme-data', prefixes: ['runs.2026/', 'runs-2026/'] }],
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('buckets[0].prefixes[1]');
    for (const part of ['s3://acme-data/runs-2026/', 's3://acme-data/runs.2026/', 'buckets[0].prefixes[0]', '"acme-data-runs-2026"']) expect(problems[0].message).toContain(part);
    expect(problems[0].fix).toMatch(/unique: rename one of the two folders/);
  });

  test('across buckets too', () => {
    const result = validateConfig({
      name: 'acme', icaRegion: 'US', credential: { method: 'user' },
      buckets: [{ name: 'acme-data', prefixes: ['x/'] }, { name: 'acme', prefixes: ['data-x/'] }],
    });
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual(['buckets[1].prefixes[0]']);
  });
});
