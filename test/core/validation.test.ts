/**
 * One test per validation rule: each asserts the JSON path, the catalogue rule, what the message
 * must name (the quoted value, the detail that matters) and, for catalogue rules, the rule's words
 * and fix (modules/core/rule-catalogue.ts). The configs start from a valid one and break one thing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError, ConfigProblem, ValidationResult, formatPath, formatProblems, loadConfigFile, resolveConfig, validateConfig,
} from '../../modules/core/validate';
import { SID, permissionPolicies, permissionPolicy, sizingRefs } from '../../modules/core/ica-policies';
import { PolicyDocument, PolicyStatement } from '../../modules/core/iam-policy';
import { documentSizeProblem } from '../../modules/core/quota-checks';
import { AWS_QUOTAS } from '../../modules/core/quotas';
import { RULES, RuleId } from '../../modules/core/rule-catalogue';

type Raw = Record<string, any>;

function validConfig(): Raw {
  return {
    name: 'acme-ica',
    icaRegion: 'US',
    credential: { method: 'user' },
    buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/'] }],
  };
}

function roleConfig(): Raw {
  return { ...validConfig(), credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' } };
}

function problemsOf(raw: unknown): ConfigProblem[] {
  const result = validateConfig(raw);
  return result.ok ? [] : result.problems;
}

function broken(patch: (config: Raw) => void, start: () => Raw = validConfig): ConfigProblem[] {
  const config = start();
  patch(config);
  return problemsOf(config);
}

/** A value as the messages quote it. */
const q = (value: unknown): string => JSON.stringify(value);

/**
 * One expected problem: its JSON path, the catalogue rule it names, and fragments (strings or
 * patterns) its message must hold: the quoted value, the detail that matters.
 */
type Expected = readonly [path: string, rule: RuleId, ...fragments: Array<string | RegExp>];

/** zod's structural problems and the file's problems build their own words; every other rule takes the catalogue's. */
const fromCatalogue = (rule: RuleId): boolean => !rule.startsWith('schema.') && rule !== 'config.file';

/**
 * Asserts the config has exactly the given problems, in order (path and rule); that each message
 * holds its fragments; that a catalogue rule's problem says the rule's words and gives its fix, and
 * any other a non-empty fix. Returns the problems.
 */
function expectProblems(problems: ConfigProblem[], expected: readonly Expected[]): ConfigProblem[] {
  expect(problems.map((problem) => [problem.path, problem.rule])).toEqual(expected.map(([path, rule]) => [path, rule]));
  problems.forEach((problem, index) => {
    const [, rule, ...fragments] = expected[index];
    for (const fragment of fragments) {
      if (typeof fragment === 'string') expect(problem.message).toContain(fragment);
      else expect(problem.message).toMatch(fragment);
    }
    if (fromCatalogue(rule)) {
      expect(problem.message).toContain(RULES[rule].message);
      expect(problem.fix).toBe(RULES[rule].fix);
    } else {
      expect(problem.fix.trim()).not.toBe('');
    }
  });
  return problems;
}

function expectOnly(problems: ConfigProblem[], ...expected: Expected): ConfigProblem {
  return expectProblems(problems, [expected])[0];
}

function expectValid(raw: unknown): Extract<ValidationResult, { ok: true }> {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${formatProblems(result.problems)}`);
  return result;
}

test('the starting configs are valid', () => {
  expectValid(validConfig());
  expectValid(roleConfig());
});

describe('characters outside the allowed sets are named; non-ASCII letters as such', () => {
  test('bucket, IAM and prefix names', () => {
    const problems = expectProblems(broken((config) => {
      config.credential.userName = 'müller';
      config.buckets[0].name = 'bücket-data';
      config.buckets[0].prefixes = ['dätä/', 'a$b/'];
    }), [
      ['credential.userName', 'user-name.characters', q('müller'), '(non-ASCII characters "ü"; IAM takes ASCII only)'],
      ['buckets[0].name', 'bucket-name.characters', q('bücket-data'), '(non-ASCII characters "ü"; S3 takes ASCII only)'],
      ['buckets[0].prefixes[0]', 'prefix.characters', q('dätä/'), '(non-ASCII characters "ä"; an ICA prefix takes ASCII only)'],
      ['buckets[0].prefixes[1]', 'prefix.characters', q('a$b/')],
    ]);
    expect(problems[3].message).not.toContain('non-ASCII');
  });
});

test('a "__proto__" tag key is refused, not dropped with its value unchecked', () => {
  const raw = JSON.parse('{"name":"acme-ica","icaRegion":"US","credential":{"method":"user"},"tags":{"__proto__":"${var.x}"},"buckets":[{"name":"acme-ica-data","prefixes":["ica/"],"tags":{"__proto__":"x"}}]}');
  expectProblems(problemsOf(raw), [
    ['buckets[0].tags.__proto__', 'tag-key.proto', '"__proto__"'],
    ['tags.__proto__', 'tag-key.proto', '"__proto__"'],
  ]);
});

describe('AWS tag quotas: 50 per resource, the top-level tags counted on each bucket and key', () => {
  const tags = (prefix: string, count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, 'x']));

  test('50 top-level tags, or 30 plus 20 of a bucket, are valid; 11 are too (the folder objects carry none)', () => {
    expectValid({ ...validConfig(), tags: tags('t', 50) });
    expectValid({ ...validConfig(), tags: tags('t', 11) });
    expectValid({ ...validConfig(), tags: tags('t', 30), buckets: [{ name: 'acme-ica-data', prefixes: ['a/'], tags: tags('b', 20) }] });
  });

  test('51 top-level tags, 51 on a bucket, or 30 plus 21 of a bucket are over it', () => {
    expectOnly(broken((config) => { config.tags = tags('t', 51); }), 'tags', 'tags.count', '(51 tags)');
    expectOnly(broken((config) => { config.buckets[0].tags = tags('b', 51); }), 'buckets[0].tags', 'tags.count', '(51 tags)');
    const merged = expectOnly(broken((config) => { config.tags = tags('t', 30); config.buckets[0].tags = tags('b', 21); }),
      'buckets[0].tags', 'tags.merged-count', '(51 tags)');
    expect(merged.fix).toContain('top-level "tags"');
  });

  test('a bucket tag that repeats a top-level key counts once', () => {
    expectValid({ ...validConfig(), tags: tags('t', 50), buckets: [{ name: 'acme-ica-data', prefixes: ['a/'], tags: { t0: 'override' } }] });
  });
});

describe('region', () => {
  test('unknown icaRegion', () => {
    // The known regions are listed in the message: the fix says how they may be written.
    const problem = expectOnly(broken((c) => { c.icaRegion = 'Mars'; }), 'icaRegion', 'ica-region.known', q('Mars'),
      'US (United States, us-east-1)', 'EU/DE (Germany, eu-central-1)');
    expect(problem.fix).toContain('code, name or AWS region');
  });

  test.each([
    ['ID', 'Indonesia'],
    ['IL', 'Israel'],
    ['AE', 'United Arab Emirates'],
  ])('role method in %s without the OIDC overrides', (code, name) => {
    const problem = expectOnly(
      broken((c) => { c.icaRegion = code; }, roleConfig),
      'credential',
      'role.oidc-for-region',
      `(${name} (${code}); missing: oidcProviderId and namespace)`,
    );
    expect(problem.fix).toContain('{"method": "user"}');
    expect(problem.fix).toContain('credential.oidcProviderId');
  });

  test('role method in ID with only one override names the missing one', () => {
    expectOnly(
      broken((c) => { c.icaRegion = 'ID'; c.credential.namespace = 'aps4'; }, roleConfig),
      'credential',
      'role.oidc-for-region',
      /; missing: oidcProviderId\)$/,
    );
    expectOnly(
      broken((c) => { c.icaRegion = 'ID'; c.credential.oidcProviderId = 'ABCDEF0123456789ABCDEF0123456789'; }, roleConfig),
      'credential',
      'role.oidc-for-region',
      /; missing: namespace\)$/,
    );
  });

  test.each(['ID', 'IL', 'AE'])('role method in %s is valid with both overrides', (code) => {
    const { config } = expectValid({
      ...roleConfig(), icaRegion: code,
      credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProviderId: 'abcdef0123456789abcdef0123456789', namespace: 'xyz1' },
    });
    expect(config.oidc).toEqual({
      providerId: 'ABCDEF0123456789ABCDEF0123456789',
      namespace: 'xyz1',
      issuer: `oidc.eks.${config.region.awsRegion}.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789`,
      url: `https://oidc.eks.${config.region.awsRegion}.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789`,
    });
  });

  test.each(['ID', 'IL', 'AE'])('user method in %s needs no override', (code) => {
    expectValid({ ...validConfig(), icaRegion: code });
  });

  test('overrides replace the published provider in other regions too', () => {
    const { config } = expectValid({ ...roleConfig(), icaRegion: 'IN', credential: { method: 'role', sessionNamePrefix: 'Ab', namespace: 'aps3' } });
    expect(config.oidc?.namespace).toBe('aps3');
    expect(config.oidc?.providerId).toBe('4C3E0D308DB6DA9625FF938C57DAB3B6');
  });

  test('malformed oidcProviderId', () => {
    expectOnly(broken((c) => { c.credential.oidcProviderId = 'xyz'; }, roleConfig), 'credential.oidcProviderId', 'oidc-provider-id.pattern', q('xyz'));
  });

  test('malformed namespace', () => {
    expectOnly(broken((c) => { c.credential.namespace = 'A!'; }, roleConfig), 'credential.namespace', 'namespace.pattern', q('A!'));
  });
});

describe('bucket names (every rule of rules.ts)', () => {
  const path = 'buckets[0].name';
  // The name, quoted, and the detail that matters: the length, the reserved prefix or suffix.
  test.each<[string, string, RuleId, ...string[]]>([
    ['too short', 'ab', 'bucket-name.length', '(2)'],
    ['too long', 'a'.repeat(64), 'bucket-name.length', '(64)'],
    ['uppercase letters', 'Acme-data', 'bucket-name.characters'],
    ['underscore', 'acme_data', 'bucket-name.characters'],
    ['starting with a hyphen', '-acme', 'bucket-name.ends'],
    ['ending with a dot', 'acme.', 'bucket-name.ends'],
    ['two adjacent dots', 'acme..data', 'bucket-name.adjacent-dots'],
    ['an IP address', '192.168.5.4', 'bucket-name.ip-address'],
    ['reserved prefix xn--', 'xn--acme', 'bucket-name.reserved-prefix', '(xn--)'],
    ['reserved prefix sthree-', 'sthree-acme', 'bucket-name.reserved-prefix', '(sthree-)'],
    ['reserved prefix amzn-s3-demo-', 'amzn-s3-demo-acme', 'bucket-name.reserved-prefix', '(amzn-s3-demo-)'],
    ['reserved suffix -s3alias', 'acme-s3alias', 'bucket-name.reserved-suffix', '(-s3alias)'],
    ['reserved suffix --ol-s3', 'acme--ol-s3', 'bucket-name.reserved-suffix', '(--ol-s3)'],
    ['reserved suffix .mrap', 'acme.mrap', 'bucket-name.reserved-suffix', '(.mrap)'],
    ['reserved suffix --x-s3', 'acme--x-s3', 'bucket-name.reserved-suffix', '(--x-s3)'],
    ['reserved suffix --table-s3', 'acme--table-s3', 'bucket-name.reserved-suffix', '(--table-s3)'],
  ])('%s', (_label, name, rule, ...details) => {
    expectOnly(broken((c) => { c.buckets[0].name = name; }), path, rule, q(name), ...details);
  });

  test('one name can break several rules, each reported', () => {
    expectProblems(broken((c) => { c.buckets[0].name = 'A'; }), [
      [path, 'bucket-name.length', q('A'), '(1)'],
      [path, 'bucket-name.characters', q('A')],
    ]);
  });

  test.each(['abc', 'a'.repeat(63), 'acme.data-01', '1bucket'])('%s is a valid name', (name) => {
    expectValid({ ...validConfig(), buckets: [{ name, prefixes: ['ica/'] }] });
  });

  test('duplicate bucket names', () => {
    const problem = expectOnly(
      broken((c) => { c.buckets.push({ name: 'acme-ica-data', prefixes: ['other/'] }); }),
      'buckets[1].name',
      'buckets.unique',
      q('acme-ica-data'),
      '(also buckets[0])',
    );
    expect(problem.fix).toContain('prefixes');
  });
});

describe('prefixes', () => {
  const path = 'buckets[0].prefixes[0]';
  const setPrefixes = (...prefixes: string[]) => broken((c) => { c.buckets[0].prefixes = prefixes; });

  test.each(['', '/', '//', '   '])('the bucket root %j', (prefix) => {
    const problem = expectOnly(setPrefixes(prefix), path, 'prefix.root', q(prefix));
    expect(problem.fix).toContain('Conflict while updating file/folder');
  });

  test.each(['./data', '.'])('starting with ./ (%j)', (prefix) => {
    const problem = expectOnly(setPrefixes(prefix), path, 'prefix.dot-start', q(prefix));
    expect(problem.fix).toContain('./');
  });

  test.each(['../data', '..'])('starting with ../ (%j)', (prefix) => {
    const problem = expectOnly(setPrefixes(prefix), path, 'prefix.dot-start', q(prefix));
    expect(problem.fix).toContain('../');
  });

  test('starting with /', () => {
    const problem = expectOnly(setPrefixes('/data/'), path, 'prefix.leading-slash', q('/data/'), '(write "data/")');
    expect(problem.fix).toContain('remove the leading slash');
  });

  test('an empty folder name (//)', () => {
    expectOnly(setPrefixes('data//raw/'), path, 'prefix.empty-folder', q('data//raw/'));
  });

  test.each(['data/./raw/', 'data/../raw/', 'data/..'])('a "." or ".." folder inside (%j)', (prefix) => {
    expectOnly(setPrefixes(prefix), path, 'prefix.dot-folder', q(prefix));
  });

  test.each(['data$/', 'da*ta/', 'data?/', 'da"ta/', 'data{x}/', 'data%/', 'da\nta/'])('unsafe characters (%j)', (prefix) => {
    expectOnly(setPrefixes(prefix), path, 'prefix.characters', q(prefix));
  });

  test('a non-ASCII letter is named as such', () => {
    expectOnly(setPrefixes('daté/'), path, 'prefix.characters', q('daté/'), '(non-ASCII characters "é"; an ICA prefix takes ASCII only)');
  });

  test('too long', () => {
    // The length is named; the value is left out: it would bury the message.
    const problem = expectOnly(setPrefixes('a'.repeat(513)), path, 'prefix.length', '(513 characters)');
    expect(problem.message).not.toContain('a'.repeat(513));
    expect(problem.fix).toContain('512');
    expectValid({ ...validConfig(), buckets: [{ name: 'acme-ica-data', prefixes: ['a'.repeat(512)] }] });
  });

  test('duplicates after normalisation ("a" and "a/")', () => {
    expectOnly(setPrefixes('a', 'a/'), 'buckets[0].prefixes[1]', 'prefixes.unique', q('a/'), '(also prefixes[0])');
  });

  test('one prefix inside another', () => {
    const problem = expectOnly(setPrefixes('runs/', 'runs/2026/'), 'buckets[0].prefixes[1]', 'prefixes.overlap', q('runs/2026/'), '(inside "runs/", prefixes[0])');
    expect(problem.fix).toContain('overlapping prefixes');
  });

  test('one prefix inside another, inner one first: the index names the inner one', () => {
    expectOnly(setPrefixes('runs/2026', 'runs'), 'buckets[0].prefixes[1]', 'prefixes.overlap', q('runs/2026/'), '(prefixes[0], inside this prefix "runs/")');
  });

  test('siblings sharing a name start do not overlap', () => {
    expectValid({ ...validConfig(), buckets: [{ name: 'acme-ica-data', prefixes: ['run/', 'runs/', 'run-2/'] }] });
  });

  test('the same prefix on two buckets is fine', () => {
    expectValid({ ...validConfig(), buckets: [{ name: 'acme-a', prefixes: ['ica/'] }, { name: 'acme-b', prefixes: ['ica/'] }] });
  });

  test('prefixes are normalised to end in "/"', () => {
    const { config } = expectValid({ ...validConfig(), buckets: [{ name: 'acme-ica-data', prefixes: ['fastq', 'runs/2026', 'done/'] }] });
    expect(config.buckets[0].prefixes).toEqual(['fastq/', 'runs/2026/', 'done/']);
  });

  test('an empty prefix list', () => {
    expectOnly(setPrefixes(), 'buckets[0].prefixes', 'schema.too-small', 'is empty');
  });
});

describe('role credential', () => {
  test('sessionNamePrefix with characters a RoleSessionName cannot hold', () => {
    const problem = expectOnly(
      broken((c) => { c.credential.sessionNamePrefix = 'Ab 12$'; }, roleConfig),
      'credential.sessionNamePrefix',
      'session-name-prefix.characters',
      q('Ab 12$'),
    );
    expect(problem.fix).toContain('AWS_Role');
  });

  test('sessionNamePrefix too long', () => {
    expectOnly(broken((c) => { c.credential.sessionNamePrefix = 'a'.repeat(63); }, roleConfig), 'credential.sessionNamePrefix', 'session-name-prefix.length', q('a'.repeat(63)), '(63)');
    expectValid({ ...roleConfig(), credential: { method: 'role', sessionNamePrefix: 'a'.repeat(62) } });
  });

  test('sessionNamePrefix empty', () => {
    expectOnly(broken((c) => { c.credential.sessionNamePrefix = ''; }, roleConfig), 'credential.sessionNamePrefix', 'session-name-prefix.length', '"" ', '(0)');
  });

  test('sessionNamePrefix accepts the whole RoleSessionName character set', () => {
    expectValid({ ...roleConfig(), credential: { method: 'role', sessionNamePrefix: 'aZ09_+=,.@-' } });
  });

  test('sessionNamePrefix missing', () => {
    expectOnly(broken((c) => { delete c.credential.sessionNamePrefix; }, roleConfig), 'credential.sessionNamePrefix', 'schema.required', 'is required');
  });

  test('roleName with characters IAM does not allow', () => {
    expectOnly(broken((c) => { c.credential.roleName = 'ica/role'; }, roleConfig), 'credential.roleName', 'role-name.characters', q('ica/role'));
  });

  test('roleName too long', () => {
    const problem = expectOnly(broken((c) => { c.credential.roleName = 'r'.repeat(65); }, roleConfig), 'credential.roleName', 'role-name.length', q('r'.repeat(65)), '(65)');
    expect(problem.fix).toContain('1-64');
  });

  test('bad oidcProvider enum value', () => {
    expectOnly(broken((c) => { c.credential.oidcProvider = 'import'; }, roleConfig), 'credential.oidcProvider', 'schema.enum', '"import" is not allowed');
  });

  test('a user-method key on the role form', () => {
    expectOnly(broken((c) => { c.credential.userName = 'x'; }, roleConfig), 'credential.userName', 'schema.unknown-key', 'unknown key "userName"');
  });
});

describe('user credential', () => {
  test('userName with characters IAM does not allow', () => {
    expectOnly(broken((c) => { c.credential.userName = 'ica admin'; }), 'credential.userName', 'user-name.characters', q('ica admin'));
  });

  test('userName too long', () => {
    expectOnly(broken((c) => { c.credential.userName = 'u'.repeat(65); }), 'credential.userName', 'user-name.length', q('u'.repeat(65)), '(65)');
  });

  test('userName empty', () => {
    expectOnly(broken((c) => { c.credential.userName = ''; }), 'credential.userName', 'user-name.length', '"" ', '(0)');
  });

  test('pgpKey that is neither base64 nor keybase:', () => {
    const problem = expectOnly(broken((c) => { c.credential.pgpKey = 'not a key!'; }), 'credential.pgpKey', 'pgp-key.pattern', q('not a key!'));
    expect(problem.fix).toContain('keybase:');
  });

  test.each(['keybase:alice', 'mQENBFzYZ2IBCAC4dGVzdGtleWJhc2U2NA=='])('pgpKey %j is accepted', (pgpKey) => {
    expectValid({ ...validConfig(), credential: { method: 'user', pgpKey } });
  });

  test('accessKeys while createAccessKey is false', () => {
    expectOnly(broken((c) => { c.credential.createAccessKey = false; c.credential.accessKeys = ['primary']; }), 'credential.accessKeys', 'access-keys.without-key');
  });

  test('secretStore while createAccessKey is false', () => {
    expectOnly(broken((c) => { c.credential.createAccessKey = false; c.credential.secretStore = { type: 'ssm' }; }), 'credential.secretStore', 'secret-store.without-key');
  });

  test('secretStore together with pgpKey', () => {
    expectOnly(broken((c) => { c.credential.pgpKey = 'keybase:alice'; c.credential.secretStore = { type: 'ssm' }; }), 'credential.secretStore', 'secret-store.with-pgp-key');
  });

  test('an access key label listed twice', () => {
    expectOnly(broken((c) => { c.credential.accessKeys = ['primary', 'primary']; }), 'credential.accessKeys[1]', 'access-keys.unique', q('primary'));
  });

  test('more than two access keys', () => {
    expectOnly(broken((c) => { c.credential.accessKeys = ['a', 'b', 'c']; }), 'credential.accessKeys', 'schema.too-big', 'has more than 2 entries');
  });

  test('a malformed access key label', () => {
    expectOnly(broken((c) => { c.credential.accessKeys = ['Bad_Label']; }), 'credential.accessKeys[0]', 'access-key-label.pattern', q('Bad_Label'));
  });

  test('bad secretStore type', () => {
    expectOnly(broken((c) => { c.credential.secretStore = { type: 'vault' }; }), 'credential.secretStore.type', 'schema.enum', '"vault" is not allowed');
  });

  test('malformed SSM parameter name', () => {
    expectOnly(broken((c) => { c.credential.secretStore = { type: 'ssm', name: 'no-leading-slash' }; }), 'credential.secretStore.name', 'ssm-parameter-name.pattern', q('no-leading-slash'));
  });

  test('malformed Secrets Manager name', () => {
    expectOnly(broken((c) => { c.credential.secretStore = { type: 'secretsmanager', name: 'bad name' }; }), 'credential.secretStore.name', 'secret-name.pattern', q('bad name'));
  });
});

describe('policy name', () => {
  test('characters IAM does not allow', () => {
    expectOnly(broken((c) => { c.policyName = 'ica policy'; }), 'policyName', 'policy-name.characters', q('ica policy'));
  });

  test('too long', () => {
    const problem = expectOnly(broken((c) => { c.policyName = 'p'.repeat(129); }), 'policyName', 'policy-name.length', '(129)');
    expect(problem.fix).toContain('1-128');
    expectValid({ ...validConfig(), policyName: 'p'.repeat(128) });
  });
});

describe('stack name', () => {
  test.each(['1acme', 'acme ica', 'a'.repeat(41)])('%j is not a stack name', (name) => {
    expectOnly(broken((c) => { c.name = name; }), 'name', 'name.pattern', q(name));
  });
});

describe('KMS and principal ARNs', () => {
  const kms = (kmsKeyArn: string) => broken((c) => { c.buckets[0].encryption = { type: 'SSE-KMS', kmsKeyArn }; });

  test.each([
    'arn:aws:kms:us-east-1:111122223333:alias/my-key',
    'arn:aws:kms:us-east-1:1111:key/1234abcd',
    '1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws:s3:::bucket',
  ])('malformed kmsKeyArn %j', (arn) => {
    const problem = expectOnly(kms(arn), 'buckets[0].encryption.kmsKeyArn', 'kms-key-arn.pattern', q(arn));
    expect(problem.fix).toContain('not an alias');
  });

  test('kmsKeyArn in another region than the ICA region', () => {
    const problem = expectOnly(
      kms('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      'buckets[0].encryption.kmsKeyArn',
      'kms-key.region',
      '(the key is in eu-west-1; ICA region US uses us-east-1)',
    );
    expect(problem.fix).toContain('use a key in the ICA region');
  });

  test('kmsKeyArn in the ICA region is accepted', () => {
    const { config } = expectValid({
      ...validConfig(), icaRegion: 'Germany',
      buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS', kmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }],
    });
    expect(config.buckets[0].encryption).toEqual({ type: 'SSE-KMS', kmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  });

  test('kmsKeyArn on an SSE-S3 bucket', () => {
    expectOnly(
      broken((c) => { c.buckets[0].encryption = { type: 'SSE-S3', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abcd' }; }),
      'buckets[0].encryption.kmsKeyArn',
      'schema.unknown-key',
      'unknown key "kmsKeyArn"',
    );
  });

  test.each(['arn:aws:s3:::acme-data', 'Admin', 'arn:aws:iam::1234:role/Admin'])('malformed exemptPrincipalArns entry %j', (arn) => {
    expectOnly(
      broken((c) => { c.bucketPolicy = { restrictToIca: true, exemptPrincipalArns: ['arn:aws:iam::111122223333:role/Admin', arn] }; }),
      'bucketPolicy.exemptPrincipalArns[1]',
      'principal-arn.pattern',
      q(arn),
    );
  });

  test.each([
    'arn:aws:iam::111122223333:role/Admin',
    'arn:aws:iam::111122223333:root',
    'arn:aws:sts::111122223333:assumed-role/Admin/*',
    'arn:aws:iam::111122223333:user/ops/alice',
  ])('exemptPrincipalArns accepts %j', (arn) => {
    expectValid({ ...validConfig(), bucketPolicy: { restrictToIca: true, exemptPrincipalArns: [arn] } });
  });
});

describe('unknown keys', () => {
  test('at the root, with a "did you mean" hint', () => {
    const problem = expectOnly(broken((c) => { c.buckts = []; }), 'buckts', 'schema.unknown-key', 'unknown key "buckts"');
    expect(problem.fix).toMatch(/^did you mean "buckets"\? /);
    expect(problem.fix).toContain('name, icaRegion, credential');
  });

  test('in a bucket, with a hint', () => {
    const problem = expectOnly(broken((c) => { c.buckets[0].prefix = ['x/']; }), 'buckets[0].prefix', 'schema.unknown-key', 'unknown key "prefix"');
    expect(problem.fix).toMatch(/^did you mean "prefixes"\?/);
  });

  test('in the credential, with a hint for its form', () => {
    const problem = expectOnly(broken((c) => { c.credential.usrName = 'x'; }), 'credential.usrName', 'schema.unknown-key', 'unknown key "usrName"');
    expect(problem.fix).toMatch(/^did you mean "userName"\?/);
  });

  test('in bucketPolicy, with a hint', () => {
    const problem = expectOnly(broken((c) => { c.bucketPolicy = { restrictToICA: true }; }), 'bucketPolicy.restrictToICA', 'schema.unknown-key', 'unknown key "restrictToICA"');
    expect(problem.fix).toMatch(/^did you mean "restrictToIca"\?/);
  });

  test('in the backend, listing the keys of its form', () => {
    const problem = expectOnly(
      broken((c) => { c.backend = { type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'us-east-1', dynamodbTable: 'locks' }; }),
      'backend.dynamodbTable',
      'schema.unknown-key',
      'unknown key "dynamodbTable"',
    );
    expect(problem.fix).toContain('type, bucket, key, region, useLockfile');
  });

  test('far from every allowed key: no hint', () => {
    const problem = expectOnly(broken((c) => { c.zzzqqq = 1; }), 'zzzqqq', 'schema.unknown-key', 'unknown key "zzzqqq"');
    expect(problem.fix).not.toContain('did you mean');
    expect(problem.fix).toMatch(/^remove it or use one of: /);
  });
});

describe('wrong types', () => {
  test.each([
    ['objectTagging', (c: Raw) => { c.objectTagging = 'yes'; }, 'must be a boolean, not string'],
    ['icaRegion', (c: Raw) => { c.icaRegion = 5; }, 'must be a string, not number'],
    ['buckets', (c: Raw) => { c.buckets = 'acme-ica-data'; }, 'must be an array, not string'],
    ['buckets[0]', (c: Raw) => { c.buckets[0] = 'acme-ica-data'; }, 'must be an object, not string'],
    ['buckets[0].prefixes', (c: Raw) => { c.buckets[0].prefixes = 'ica/'; }, 'must be an array, not string'],
    ['buckets[0].prefixes[0]', (c: Raw) => { c.buckets[0].prefixes = [5]; }, 'must be a string, not number'],
    ['buckets[0].blockPublicAccess', (c: Raw) => { c.buckets[0].blockPublicAccess = 'true'; }, 'must be a boolean, not string'],
    ['tags.team', (c: Raw) => { c.tags = { team: 1 }; }, 'must be a string, not number'],
    ['bucketPolicy', (c: Raw) => { c.bucketPolicy = null; }, 'must be an object, not null'],
  ])('%s', (path, patch, message) => {
    const problem = expectOnly(broken(patch), path, 'schema.type', message);
    expect(problem.fix).toMatch(new RegExp(`^write ${path.replace(/[.[\]]/g, '\\$&')} as a JSON `));
  });

  test('a fraction where a whole number belongs', () => {
    expectOnly(problemsOf({ ...validConfig(), maxManagedPolicies: 2.5 }), 'maxManagedPolicies', 'schema.number', `2.5 ${RULES['schema.number'].message}`);
    expectOnly(problemsOf({
      ...validConfig(),
      buckets: [{ name: 'acme-ica-data', prefixes: ['a/'], existing: true, manage: ['cors'], keepCorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], MaxAgeSeconds: 1.5 }] }],
    }), 'buckets[0].keepCorsRules[0].MaxAgeSeconds', 'schema.number', `1.5 ${RULES['schema.number'].message}`);
  });

  test('the whole file is not an object', () => {
    expectOnly(problemsOf([1, 2]), '(config)', 'config.not-object', '(not array)');
    expectOnly(problemsOf(null), '(config)', 'config.not-object', '(not null)');
  });
});

describe('missing required fields', () => {
  test.each([
    ['name', (c: Raw) => { delete c.name; }],
    ['icaRegion', (c: Raw) => { delete c.icaRegion; }],
    ['credential', (c: Raw) => { delete c.credential; }],
    ['buckets', (c: Raw) => { delete c.buckets; }],
    ['buckets[0].name', (c: Raw) => { delete c.buckets[0].name; }],
    ['buckets[0].prefixes', (c: Raw) => { delete c.buckets[0].prefixes; }],
  ])('%s', (path, patch) => {
    const problem = expectOnly(broken(patch), path, 'schema.required', 'is required');
    expect(problem.fix).toMatch(new RegExp(`^add ${path.replace(/[.[\]]/g, '\\$&')} \\(`));
  });

  test('credential.method', () => {
    const problem = expectOnly(broken((c) => { c.credential = {}; }), 'credential.method', 'schema.required', 'is required');
    expect(problem.fix).toBe('use one of "user", "role"');
  });

  test('encryption.type', () => {
    expectOnly(broken((c) => { c.buckets[0].encryption = {}; }), 'buckets[0].encryption.type', 'schema.required', 'is required');
  });

  test('no buckets at all', () => {
    expectOnly(broken((c) => { c.buckets = []; }), 'buckets', 'schema.too-small', 'is empty');
  });
});

describe('bad enum values', () => {
  test.each([
    ['buckets[0].versioning', (c: Raw) => { c.buckets[0].versioning = 'On'; }, '"On" is not allowed', 'use one of "Enabled", "Suspended", "Disabled"'],
    ['buckets[0].objectOwnership', (c: Raw) => { c.buckets[0].objectOwnership = 'Me'; }, '"Me" is not allowed', 'use one of "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"'],
    ['credential.method', (c: Raw) => { c.credential = { method: 'admin' }; }, '"admin" is not allowed', 'use one of "user", "role"'],
    ['buckets[0].encryption.type', (c: Raw) => { c.buckets[0].encryption = { type: 'AES256' }; }, '"AES256" is not allowed', 'use one of "SSE-S3", "SSE-KMS"'],
    ['backend.type', (c: Raw) => { c.backend = { type: 'gcs' }; }, '"gcs" is not allowed', 'use one of "local", "s3", "cloud"'],
  ])('%s', (path, patch, message, fix) => {
    expect(expectOnly(broken(patch), path, 'schema.enum', message).fix).toBe(fix);
  });
});

describe('backend', () => {
  test('s3 without its required fields', () => {
    expectProblems(broken((c) => { c.backend = { type: 's3' }; }), [
      ['backend.bucket', 'schema.required', 'is required'],
      ['backend.key', 'schema.required', 'is required'],
      ['backend.region', 'schema.required', 'is required'],
    ]);
  });

  test('s3 with malformed fields', () => {
    expectProblems(broken((c) => { c.backend = { type: 's3', bucket: 'State_Bucket', key: '/state/', region: 'mars' }; }), [
      ['backend.bucket', 'bucket-name.characters', q('State_Bucket')],
      ['backend.key', 'backend.key', q('/state/')],
      ['backend.region', 'backend.region', q('mars')],
    ]);
  });

  test('s3 useLockfile of the wrong type', () => {
    expectOnly(
      broken((c) => { c.backend = { type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1', useLockfile: 'yes' }; }),
      'backend.useLockfile', 'schema.type', 'must be a boolean, not string',
    );
  });

  test('a valid s3 backend outside the ICA region, lock file on by default', () => {
    const { config } = expectValid({ ...validConfig(), backend: { type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1' } });
    expect(config.backend).toEqual({ type: 's3', bucket: 'acme-state', key: 'ica/terraform.tfstate', region: 'eu-west-1', useLockfile: true });
  });

  test('cloud without workspace or workspaceTags', () => {
    expectOnly(broken((c) => { c.backend = { type: 'cloud', organization: 'acme' }; }), 'backend.workspace', 'backend.workspace-choice', '(neither is given)');
  });

  test('cloud with both workspace and workspaceTags', () => {
    const problem = expectOnly(
      broken((c) => { c.backend = { type: 'cloud', organization: 'acme', workspace: 'ica', workspaceTags: ['ica'] }; }),
      'backend.workspace', 'backend.workspace-choice', '(both are given)',
    );
    expect(problem.fix).toBe('give exactly one of "workspace" (a name) and "workspaceTags" (a list)');
  });

  test('cloud with an empty workspaceTags list', () => {
    expectOnly(broken((c) => { c.backend = { type: 'cloud', organization: 'acme', workspaceTags: [] }; }), 'backend.workspaceTags', 'schema.too-small', 'is empty');
  });

  test('cloud with malformed fields', () => {
    expectProblems(broken((c) => { c.backend = { type: 'cloud', organization: 'acme corp', workspace: 'ica prod', hostname: 'tfe host' }; }), [
      ['backend.organization', 'backend.organization', q('acme corp')],
      ['backend.workspace', 'backend.workspace', q('ica prod')],
      ['backend.hostname', 'backend.hostname', q('tfe host')],
    ]);
  });

  test('cloud with a malformed workspace tag', () => {
    expectOnly(broken((c) => { c.backend = { type: 'cloud', organization: 'acme', workspaceTags: ['ok', 'not ok'] }; }), 'backend.workspaceTags[1]', 'backend.workspace-tag', q('not ok'));
  });

  test.each([
    { type: 'cloud', organization: 'acme', workspace: 'ica' },
    { type: 'cloud', organization: 'acme', workspaceTags: ['ica', 'env:prod'], hostname: 'tfe.example.com' },
    { type: 'local' },
  ])('valid backend %j', (backend) => {
    expectValid({ ...validConfig(), backend });
  });
});

describe('tags', () => {
  test('a key with the reserved aws: prefix', () => {
    expectOnly(broken((c) => { c.tags = { 'aws:owner': 'x' }; }), 'tags["aws:owner"]', 'tag-key.reserved', '("aws:owner")');
  });

  test('an empty key', () => {
    expectOnly(broken((c) => { c.tags = { '': 'x' }; }), 'tags[""]', 'tag-key.length', '(0 characters)');
  });

  test('a key that is too long', () => {
    const key = 'k'.repeat(129);
    expectOnly(broken((c) => { c.tags = { [key]: 'x' }; }), `tags.${key}`, 'tag-key.length', '(129 characters)');
  });

  test('a key with characters tags cannot hold', () => {
    expectOnly(broken((c) => { c.tags = { 'team!': 'x' }; }), 'tags["team!"]', 'tag-key.characters', '("team!")');
  });

  test('a value that is too long', () => {
    expectOnly(broken((c) => { c.tags = { team: 'v'.repeat(257) }; }), 'tags.team', 'tag-value.length', '("team": 257 characters)');
  });

  test('a value with interpolation characters', () => {
    expectOnly(broken((c) => { c.tags = { team: '${var.x}' }; }), 'tags.team', 'tag-value.characters', '(of the tag "team")');
  });

  test('bucket tags follow the same rules', () => {
    expectOnly(broken((c) => { c.buckets[0].tags = { 'aws:x': 'y' }; }), 'buckets[0].tags["aws:x"]', 'tag-key.reserved', '("aws:x")');
  });

  test('tags in any script, with spaces and the allowed punctuation, are accepted', () => {
    expectValid({ ...validConfig(), tags: { 'Équipe génomique': 'données / labo_1 + x=y @site:a-b.c', empty: '' } });
  });
});

describe('corsAllowedOrigins', () => {
  test('an origin without a scheme', () => {
    expectOnly(broken((c) => { c.corsAllowedOrigins = ['ica.illumina.com']; }), 'corsAllowedOrigins[0]', 'cors-origin.pattern', q('ica.illumina.com'));
  });

  test('an origin with a path', () => {
    expectOnly(broken((c) => { c.corsAllowedOrigins = ['https://ica.illumina.com/', 'https://ok.example.com']; }), 'corsAllowedOrigins[0]', 'cors-origin.pattern', q('https://ica.illumina.com/'));
  });

  test('an empty list', () => {
    expectOnly(broken((c) => { c.corsAllowedOrigins = []; }), 'corsAllowedOrigins', 'schema.too-small', 'is empty');
  });

  test('wildcard subdomain and port are accepted', () => {
    const { config } = expectValid({ ...validConfig(), corsAllowedOrigins: ['https://*.example.com:8443', 'http://localhost:3000'] });
    expect(config.corsAllowedOrigins).toEqual(['https://*.example.com:8443', 'http://localhost:3000']);
  });
});

test('ALL problems are reported at once', () => {
  const problems = problemsOf({
    name: '1bad',
    icaRegion: 'Mars',
    credential: { method: 'role', sessionNamePrefix: 'bad prefix', roleName: 'bad/role', extra: 1 },
    policyName: 'bad policy',
    buckets: [
      { name: 'Bad_Bucket', prefixes: ['', '/abs', 'a', 'a/'], versioning: 'On', encryption: { type: 'SSE-KMS', kmsKeyArn: 'nope' } },
      { name: 'Bad_Bucket', prefixes: ['x/', 'x/y/'] },
    ],
    bucketPolicy: { restrictToIca: 'yes', exemptPrincipalArns: ['nope'] },
    corsAllowedOrigins: ['ftp://x'],
    tags: { 'aws:x': 'v' },
    backend: { type: 'cloud', organization: 'o' },
    typo: true,
  });
  expect(problems.map((problem) => problem.path).sort()).toEqual([
    'backend.workspace',
    'bucketPolicy.exemptPrincipalArns[0]',
    'bucketPolicy.restrictToIca',
    'buckets[0].encryption.kmsKeyArn',
    'buckets[0].name',
    'buckets[0].prefixes[0]',
    'buckets[0].prefixes[1]',
    'buckets[0].prefixes[3]',
    'buckets[0].versioning',
    'buckets[1].name',
    'buckets[1].name',
    'buckets[1].prefixes[1]',
    'corsAllowedOrigins[0]',
    'credential.extra',
    'credential.roleName',
    'credential.sessionNamePrefix',
    'icaRegion',
    'name',
    'policyName',
    'tags["aws:x"]',
    'typo',
  ]);
  for (const problem of problems) {
    expect(problem.message.trim()).not.toBe('');
    expect(problem.fix.trim()).not.toBe('');
  }
  expectProblems(problems.filter((problem) => problem.path === 'buckets[0].prefixes[3]'), [
    ['buckets[0].prefixes[3]', 'prefixes.unique', q('a/'), '(also prefixes[2])'],
  ]);
  expectProblems(problems.filter((problem) => problem.path === 'buckets[1].name'), [
    ['buckets[1].name', 'bucket-name.characters', q('Bad_Bucket')],
    ['buckets[1].name', 'buckets.unique', q('Bad_Bucket'), '(also buckets[0])'],
  ]);
});

test('cross-field checks still run when another field is malformed', () => {
  const problems = problemsOf({ ...validConfig(), name: 5, buckets: [{ name: 'acme-a', prefixes: ['a', 'a/'] }, { name: 'acme-a', prefixes: ['b/'] }] });
  expect(problems.map((problem) => problem.path)).toEqual(['name', 'buckets[0].prefixes[1]', 'buckets[1].name']);
});

describe('defaults', () => {
  test('user method, bucket and top-level defaults are applied', () => {
    const { config } = expectValid(validConfig());
    expect(config.credential).toEqual({ method: 'user', userName: 'illumina_ica_admin', createAccessKey: true, accessKeys: ['primary'] });
    expect(config.policyName).toBe('illumina-ica-admin-policy');
    expect(config.buckets[0]).toEqual({
      name: 'acme-ica-data',
      prefixes: ['ica-data/'],
      versioning: 'Disabled',
      encryption: { type: 'SSE-S3' },
      blockPublicAccess: true,
      objectOwnership: 'BucketOwnerEnforced',
      forceDestroy: false,
      tags: {},
      // A new bucket: every setting is managed, nothing is adopted.
      existing: false,
      manage: ['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership'],
      existingPolicy: false,
      keepCorsRules: [],
    });
    expect(config.bucketPolicy).toEqual({ restrictToIca: false, exemptPrincipalArns: [], exemptDeployer: true, crossAccountCopy: false });
    expect(config.objectTagging).toBe(false);
    expect(config.corsAllowedOrigins).toEqual(['https://ica.illumina.com']);
    expect(config.tags).toEqual({});
    expect(config.backend).toEqual({ type: 'local' });
    expect(config.oidc).toBeUndefined();
    expect(config.region.code).toBe('US');
    expect(config.crossAccountRoleArn).toBe('arn:aws:iam::079623148045:role/ica_use1_crossacct');
  });

  test('role method defaults', () => {
    const { config } = expectValid(roleConfig());
    expect(config.credential).toEqual({ method: 'role', sessionNamePrefix: 'Ab12Cd34', roleName: 'Illumina_ICA_Role', oidcProvider: 'create' });
    expect(config.oidc).toEqual({
      providerId: '10FBA7EDEB5930CCFC300EF5AC3DB2FE',
      namespace: 'use1',
      issuer: 'oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE',
      url: 'https://oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE',
    });
  });

  test('SSE-KMS without an ARN keeps no ARN (a key is created)', () => {
    const { config } = expectValid({ ...validConfig(), buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS' } }] });
    expect(config.buckets[0].encryption).toEqual({ type: 'SSE-KMS' });
  });

  test('the input object is not modified', () => {
    const raw = validConfig();
    const copy = JSON.parse(JSON.stringify(raw));
    expectValid(raw);
    expect(raw).toEqual(copy);
  });
});

describe('warnings', () => {
  test('South Korea: BSSH is not deployed', () => {
    const { warnings } = expectValid({ ...validConfig(), icaRegion: 'KR' });
    expect(warnings).toEqual([expect.stringMatching(/^icaRegion: BSSH is not deployed on the South Korea instance/)]);
  });

  test('India: the published namespace is doubtful', () => {
    const { warnings } = expectValid({ ...roleConfig(), icaRegion: 'India' });
    expect(warnings).toEqual([expect.stringMatching(/^icaRegion: .*namespace 'aps1'.*ica_aps3_crossacct.*credential\.namespace/)]);
  });

  test('warnings are kept when the config also has problems', () => {
    const result = validateConfig({ ...validConfig(), icaRegion: 'KR', name: '' });
    expect(result.ok).toBe(false);
    expect(result.warnings).toHaveLength(1);
  });

  test('no warning for the United States', () => {
    expect(expectValid(validConfig()).warnings).toEqual([]);
  });

  test('exemptPrincipalArns without restrictToIca', () => {
    const { warnings } = expectValid({ ...validConfig(), bucketPolicy: { exemptPrincipalArns: ['arn:aws:iam::111122223333:role/Admin'] } });
    expect(warnings).toEqual(['bucketPolicy.exemptPrincipalArns: has no effect unless restrictToIca is true']);
  });

});

describe('AWS quotas of the permission policy, its split and the other documents', () => {
  const prefixes = (count: number) => Array.from({ length: count }, (_, index) => `project-${String(index).padStart(4, '0')}/`);
  const withPrefixes = (list: string[], extra: Raw = {}) => ({ ...validConfig(), buckets: [{ name: 'acme-ica-data', prefixes: list }], ...extra });
  const policiesOf = (raw: Raw) => {
    const { config } = expectValid(raw);
    return permissionPolicies(config, sizingRefs(config));
  };
  const singleSize = (raw: Raw) => {
    const { config } = expectValid(raw);
    return permissionPolicy(config, sizingRefs(config)).sizeForQuota();
  };

  /** A config whose single permission policy measures exactly `target` characters: the last prefix is padded. */
  function sizedTo(target: number): Raw {
    let count = 100;
    while (singleSize(withPrefixes(prefixes(count + 1))) < target - 100) count++;
    const list = prefixes(count);
    const base = singleSize(withPrefixes(list));
    list[list.length - 1] = `${'p'.repeat(target - base)}${list[list.length - 1]}`;
    return withPrefixes(list);
  }

  test('at 6,144 characters the permission policy stays one policy; at 6,145 it is split, every part within the limit', () => {
    const limit = AWS_QUOTAS.managedPolicyChars.value;
    expect(singleSize(sizedTo(limit))).toBe(limit);
    expect(policiesOf(sizedTo(limit))).toHaveLength(1);
    const split = policiesOf(sizedTo(limit + 1));
    expect(split.length).toBeGreaterThan(1);
    for (const document of split) expect(document.sizeForQuota()).toBeLessThanOrEqual(limit);
  });

  test('the split keeps every prefix, the bucket statement, the key and the federation statement, each once', () => {
    const raw = { ...withPrefixes(prefixes(300)), buckets: [{ name: 'acme-ica-data', prefixes: prefixes(300), encryption: { type: 'SSE-KMS' } }] };
    const documents = policiesOf(raw);
    const resources = documents.flatMap((document) => document.statements.flatMap((statement) => statement.resources));
    expect(resources.filter((arn) => arn.startsWith('arn:aws:s3:::acme-ica-data/'))).toHaveLength(300);
    expect(new Set(resources).size).toBe(resources.length);
    expect(documents.flatMap((document) => document.statements).filter((statement) => statement.sid === SID.federationToken)).toHaveLength(1);
    expect(resources.filter((arn) => arn.startsWith('arn:aws:kms:'))).toHaveLength(1);
  });

  test('a split needing exactly maxManagedPolicies is valid; one fewer allowed is an error naming the count and the fix', () => {
    const needed = policiesOf(withPrefixes(prefixes(400))).length;
    expect(needed).toBeGreaterThan(2);
    expectValid(withPrefixes(prefixes(400), { maxManagedPolicies: needed }));
    const problem = expectOnly(problemsOf(withPrefixes(prefixes(400), { maxManagedPolicies: needed - 1 })), 'buckets', 'quota.policy-count',
      `(${needed} policies of at most 6144 characters; the user takes ${needed - 1})`);
    expect(problem.fix).toContain('raise maxManagedPolicies');
  });

  test('the default quota is 10; more needs a raised quota (a warning), more than 20 is refused', () => {
    expect(expectValid(validConfig()).config.maxManagedPolicies).toBe(10);
    expect(expectValid({ ...validConfig(), maxManagedPolicies: 10 }).warnings).toEqual([]);
    expect(expectValid({ ...validConfig(), maxManagedPolicies: 11 }).warnings).toEqual([expect.stringMatching(/^maxManagedPolicies: 11 needs the account's "Managed policies per user" quota raised from 10/)]);
    expectValid({ ...validConfig(), maxManagedPolicies: 20 });
    expectOnly(problemsOf({ ...validConfig(), maxManagedPolicies: 21 }), 'maxManagedPolicies', 'schema.too-big', '21 is more than 20');
  });

  test('the split policies\' names fit IAM\'s 128 characters: "<policyName>-2" at 128 is valid, at 129 an error', () => {
    const twoPolicies = sizedTo(AWS_QUOTAS.managedPolicyChars.value + 1);
    expect(policiesOf(twoPolicies)).toHaveLength(2);
    expectValid({ ...twoPolicies, policyName: 'p'.repeat(126) });
    expectOnly(problemsOf({ ...twoPolicies, policyName: 'p'.repeat(127) }), 'policyName', 'quota.split-policy-name', /\("p{127}-2" is 129 characters; give policyName at most 126\)/);
  });

  test('a document at a size quota passes; one character over is a problem naming the size, the quota and what fails', () => {
    for (const quota of [AWS_QUOTAS.trustPolicyChars, AWS_QUOTAS.bucketPolicyBytes, AWS_QUOTAS.keyPolicyBytes, AWS_QUOTAS.managedPolicyChars]) {
      const empty = new PolicyDocument([new PolicyStatement({ sid: 'S', actions: ['s3:GetObject'], resources: [''] })]);
      const fill = (extra: number) => new PolicyDocument([new PolicyStatement({ sid: 'S', actions: ['s3:GetObject'], resources: ['x'.repeat(quota.value - empty.sizeForQuota() + extra)] })]);
      expect(documentSizeProblem(fill(0), quota, 'p', 'quota.trust-policy-size', 'it')).toEqual([]);
      expect(documentSizeProblem(fill(1), quota, 'p', 'quota.trust-policy-size', 'it')).toEqual([{
        path: 'p', rule: 'quota.trust-policy-size', fix: RULES['quota.trust-policy-size'].fix,
        message: `${RULES['quota.trust-policy-size'].message} (it: ${quota.value + 1} characters, over the ${quota.value} AWS allows; ${quota.breaks})`,
      }]);
    }
  });

  test('a bucket policy over 20 KB (too many exempt principals) is an error at exemptPrincipalArns', () => {
    const exempt = Array.from({ length: 400 }, (_, index) => `arn:aws:iam::111122223333:role/break-glass-administrators-${String(index).padStart(3, '0')}`);
    expectOnly(problemsOf({ ...validConfig(), bucketPolicy: { restrictToIca: true, exemptPrincipalArns: exempt } }), 'bucketPolicy.exemptPrincipalArns',
      'quota.bucket-policy-size', /\(the bucket policy of buckets\[0\]: \d+ characters, over the 20480 AWS allows/);
    expectValid({ ...validConfig(), bucketPolicy: { restrictToIca: true, exemptPrincipalArns: exempt.slice(0, 100) } });
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ica-validation-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  test('a missing file', () => {
    const path = join(dir, 'nope.json');
    const result = loadConfigFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectOnly(result.problems, '(config)', 'config.file', `${path} does not exist`);
    expect(result.problems[0].fix).toContain('-c FILE');
  });

  test('invalid JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "name": "acme", }');
    const result = loadConfigFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectOnly(result.problems, '(config)', 'config.file', new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON: `));
  });

  test('a directory instead of a file', () => {
    const result = loadConfigFile(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectOnly(result.problems, '(config)', 'config.file', /cannot be read/);
  });

  test('a valid file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(validConfig()));
    const result = loadConfigFile(path);
    expect(result.ok).toBe(true);
  });

  test('a file with problems reports them like validateConfig', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...validConfig(), icaRegion: 'Mars' }));
    const result = loadConfigFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectOnly(result.problems, 'icaRegion', 'ica-region.known', q('Mars'));
  });
});

describe('resolveConfig, formatProblems and formatPath', () => {
  test('resolveConfig throws a ConfigError carrying every problem', () => {
    let error: unknown;
    try {
      resolveConfig({ ...validConfig(), icaRegion: 'Mars', policyName: 'bad policy' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems.map((problem) => problem.path)).toEqual(['icaRegion', 'policyName']);
    expect(configError.message).toContain(`icaRegion: ${q('Mars')} ${RULES['ica-region.known'].message}`);
  });

  test('formatProblems prints path, message and fix', () => {
    expect(formatProblems([{ path: 'buckets[0].name', rule: 'bucket-name.length', message: 'is wrong', fix: 'fix it' }])).toBe('  buckets[0].name: is wrong\n    fix: fix it');
  });

  test.each([
    [[], '(config)'],
    [['buckets', 0, 'prefixes', 1], 'buckets[0].prefixes[1]'],
    [['tags', 'aws:x'], 'tags["aws:x"]'],
    [['tags', 'team'], 'tags.team'],
    [['with space'], '["with space"]'],
  ] as Array<[PropertyKey[], string]>)('formatPath %j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
