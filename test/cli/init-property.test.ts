/**
 * `ica-s3 init` as a property (fast-check): for arbitrary answer sets, valid and invalid, given as
 * options, init either writes a config that `ica-s3 validate` accepts, or writes nothing and exits
 * 1 (an answer breaks a rule) or 2 (misuse). It never throws and never writes a file validate
 * refuses.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { Output } from '../../modules/cli/output';
import { CHOICES } from '../../modules/core/config-schema';
import { ICA_REGIONS, ICA_REGION_SPELLINGS } from '../../modules/core/regions';

/** Runs per property: random each time (fast-check prints the seed of a failure to replay it). */
const RUNS = 500;

let dir: string;
// jest may run this file in its own process on a terminal: init must not find one and prompt.
const stdinTty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ica-init-property-'));
  Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (stdinTty) Object.defineProperty(process.stdin, 'isTTY', stdinTty);
  else delete (process.stdin as { isTTY?: boolean }).isTTY;
});

function recorder(): Output & { text(): string } {
  const lines: string[] = [];
  return { log: (text) => { lines.push(text); }, error: (text) => { lines.push(text); }, text: () => lines.join('\n') };
}

/**
 * Mostly answers that can pass, some that cannot: with a dozen answers to a config, an even mix
 * would make a config init accepts too rare to test anything.
 */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
}

/** An answer left out `absent` times in `absent + 1`: for options only some configs take. */
function sometimes<T>(value: fc.Arbitrary<T>, absent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: value, weight: 1 });
}

/** An option, or none; `=` keeps a value that starts with "-" a value. */
function option(flag: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`--${flag}=${value}`];
}

function yesNo(flag: string, value: boolean | undefined): string[] {
  return value === undefined ? [] : [value ? `--${flag}` : `--no-${flag}`];
}

const kmsKeyArn = (region: string) => `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const bucketArgs = fc.record({
  name: mostly(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}(\.[a-z0-9-]{1,8})?[a-z0-9]$/), fc.oneof(fc.constantFrom('Bad_Bucket', '192.168.0.1', 'xn--abc', 'ab', 'a..b', 'x-s3alias'), fc.string())),
  prefixes: fc.array(mostly(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}(\/[A-Za-z0-9_.-]{1,12}){0,2}\/?$/),
    fc.oneof(fc.constantFrom('/', '', ' ', './x/', 'a//b/', 'a/../b/', '/abs/', 'ö/', 'x'.repeat(512), 'a/'), fc.string()),
  ), { maxLength: 3 }),
  versioning: fc.option(mostly(fc.constantFrom(...CHOICES.versioning), fc.constantFrom('enabled', 'On', '')), { nil: undefined }),
  encryption: fc.option(mostly(fc.constantFrom(...CHOICES.encryptionType), fc.constantFrom('AES256', 'sse-kms')), { nil: undefined }),
  kmsKeyArn: sometimes(mostly(fc.constantFrom(...ICA_REGIONS.map((region) => kmsKeyArn(region.awsRegion))), fc.oneof(fc.constant('alias/mine'), fc.string())), 4),
}).map((bucket) => [
  ...option('bucket', bucket.name),
  ...bucket.prefixes.flatMap((prefix) => option('prefix', prefix)),
  ...option('versioning', bucket.versioning),
  ...option('encryption', bucket.encryption),
  ...option('kms-key-arn', bucket.kmsKeyArn),
]);

const initArgs = fc.record({
  name: fc.option(mostly(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/), fc.oneof(fc.constantFrom('1st', 'a'.repeat(41), 'a b'), fc.string())), { nil: undefined }),
  region: fc.option(mostly(fc.constantFrom(...Object.keys(ICA_REGION_SPELLINGS), ...ICA_REGIONS.map((region) => region.name)), fc.oneof(fc.constant('Mars'), fc.string())), { freq: 20, nil: undefined }),
  method: fc.option(mostly(fc.constantFrom(...CHOICES.credentialMethod), fc.constantFrom('Role', 'key', '')), { nil: undefined }),
  sessionNamePrefix: fc.option(mostly(fc.stringMatching(/^[A-Za-z0-9_+=,.@-]{1,62}$/), fc.oneof(fc.constantFrom('bad prefix', 'x'.repeat(63)), fc.string())), { freq: 8, nil: undefined }),
  oidcProviderId: sometimes(mostly(fc.stringMatching(/^[0-9A-Fa-f]{32}$/), fc.string()), 3),
  namespace: sometimes(mostly(fc.stringMatching(/^[a-z0-9]{2,16}$/), fc.string()), 3),
  icaCredentialName: fc.option(mostly(fc.stringMatching(/^[A-Za-z0-9 _-]{1,30}$/), fc.constant('')), { nil: undefined }),
  buckets: fc.oneof({ arbitrary: fc.array(bucketArgs, { minLength: 1, maxLength: 3 }), weight: 8 }, { arbitrary: fc.constant([]), weight: 1 }),
  restrictToIca: fc.option(fc.boolean(), { nil: undefined }),
  crossAccountCopy: fc.option(fc.boolean(), { nil: undefined }),
  yes: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  // Mostly no role options with the user method: that is misuse, which the mix has enough of.
  coherent: fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 }),
}).map(({ coherent, ...answers }) => (coherent && answers.method === 'user'
  ? { ...answers, sessionNamePrefix: undefined, oidcProviderId: undefined, namespace: undefined }
  : answers)).map((answers) => [
  ...option('name', answers.name),
  ...option('region', answers.region),
  ...option('method', answers.method),
  ...option('session-name-prefix', answers.sessionNamePrefix),
  ...option('oidc-provider-id', answers.oidcProviderId),
  ...option('namespace', answers.namespace),
  ...option('ica-credential-name', answers.icaCredentialName),
  ...answers.buckets.flat(),
  ...yesNo('restrict-to-ica', answers.restrictToIca),
  ...yesNo('cross-account-copy', answers.crossAccountCopy),
  ...(answers.yes ? ['--yes'] : []),
]);

test('whatever init accepts, validate accepts; whatever it refuses, it does not write', async () => {
  const path = join(dir, 'ica.config.json');
  const statuses = { 0: 0, 1: 0, 2: 0 };
  await fc.assert(fc.asyncProperty(initArgs, async (args) => {
    rmSync(path, { force: true });
    const out = recorder();
    const status = await main(['init', '-c', path, ...args], out);
    expect([0, 1, 2]).toContain(status);
    statuses[status as 0 | 1 | 2] += 1;
    if (status !== 0) {
      expect(existsSync(path)).toBe(false);
      return;
    }
    const validation = recorder();
    const validated = await main(['validate', '-c', path], validation);
    if (validated !== 0) throw new Error(`init wrote a config validate refuses, for ${JSON.stringify(args)}:\n${validation.text()}`);
  }), { numRuns: RUNS });
  // The property says nothing unless both sides of it happen often (about 1 in 6 runs is accepted).
  expect(statuses[0]).toBeGreaterThan(RUNS / 20);
  expect(statuses[1]).toBeGreaterThan(RUNS / 20);
}, 120_000);
