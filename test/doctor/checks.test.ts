/**
 * The checks as pure functions of the facts: the tool's own setup passes, and each way of
 * breaking it fails (or warns) with the seeds' ICA error and a fix that names the config key.
 */
import { OBJECT_VERSIONED_ACTIONS } from '../../modules/core/actions';
import { permissionPolicy, trustPolicy, oidcProviderArn } from '../../modules/core/ica-policies';
import { ResolvedConfig } from '../../modules/core/validate';
import { checkFacts } from '../../modules/doctor/run';
import { ICA_ERRORS } from '../../modules/core/ica-errors';
import { BucketFacts, DoctorFacts, KeyMetadataFacts, NotificationEntry, ObjectSample } from '../../modules/aws/facts';
import { CheckResult } from '../../modules/account-report/checks';
import { Fact, absent, ok, unreadable } from '../../modules/aws/fact';
import { ACCOUNT, healthyFacts, inputs, keyArn, keyMetadata, refs, roleConfig, userConfig } from './fixtures';

function run(config: ResolvedConfig, facts: DoctorFacts, extra = {}): CheckResult[] {
  return checkFacts(config, inputs(facts, extra));
}

function only(results: CheckResult[], id: string, subject?: string): CheckResult {
  const found = results.filter((result) => result.id === id && (subject === undefined || result.subject === subject));
  expect(found).toHaveLength(1);
  return found[0];
}

function problems(results: CheckResult[]): string[] {
  return results.filter((result) => result.status === 'FAIL' || result.status === 'WARN').map((result) => `${result.status} ${result.id} ${result.subject}`);
}

function withBucket(config: ResolvedConfig, change: Partial<BucketFacts>): DoctorFacts {
  const facts = healthyFacts(config);
  return { ...facts, buckets: [{ ...facts.buckets[0], ...change }, ...facts.buckets.slice(1)] };
}

describe('the setup this tool builds', () => {
  test('role method, versioned, SSE-KMS, restrictive bucket policy with cross-account copy: every check passes', () => {
    const config = roleConfig();
    const results = run(config, healthyFacts(config));
    expect(problems(results)).toEqual([]);
    expect(results.filter((r) => r.status === 'PASS').length).toBeGreaterThanOrEqual(25);
    for (const id of ['role.trust-policy', 'role.oidc-provider', 'role.session-duration', 'kms.cross-account', 'bucket.cross-account', 'policy.variant']) {
      expect(only(results, id).status).toBe('PASS');
    }
  });

  test('user method, unversioned, SSE-S3, no bucket policy: every check passes', () => {
    const config = userConfig();
    const results = run(config, healthyFacts(config));
    expect(problems(results)).toEqual([]);
    expect(only(results, 'user.access-key').found).toMatch(/AKIAEXAMPLEKEY000001/);
    expect(only(results, 'bucket.policy').found).toMatch(/no bucket policy/);
    expect(results.map((r) => r.id)).not.toContain('role.trust-policy');
  });
});

describe('bucket checks', () => {
  test('a missing bucket stops the other bucket checks', () => {
    const config = roleConfig();
    const missing = absent<never>('NoSuchBucket');
    const results = run(config, withBucket(config, { exists: absent('NotFound'), region: missing, cors: missing, notifications: missing }));
    const exists = only(results, 'bucket.exists');
    expect(exists.status).toBe('FAIL');
    expect(exists.icaError).toBe("Storage Container 'unit-data' does not exist");
    expect(results.map((r) => r.id)).not.toContain('bucket.cors');
  });

  test('wrong region', () => {
    const config = roleConfig();
    const check = only(run(config, withBucket(config, { region: ok('eu-west-1') })), 'bucket.region');
    expect(check).toMatchObject({ status: 'FAIL', icaError: 'Storage container must be located in the us-east-1 region' });
    expect(check.fix).toMatch(/buckets\[0\]\.name|icaRegion/);
  });

  const entry = (change: Partial<NotificationEntry>): NotificationEntry =>
    ({ kind: 'SQS queue', target: 'arn:aws:sqs:us-east-1:1:q', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '', ...change });

  test.each([
    ['a notification on the whole bucket', entry({ id: 'all' }), 'FAIL'],
    ['a notification on an outer prefix', entry({ id: 'outer', prefix: 'ica' }), 'FAIL'],
    ['a notification inside the prefix', entry({ id: 'inner', prefix: 'ica-data/raw/', events: ['s3:ObjectRemoved:Delete'] }), 'FAIL'],
    ['a notification with a suffix', entry({ id: 'bams', prefix: 'ica-data/', suffix: '.bam', events: ['s3:ObjectRestore:Completed'] }), 'FAIL'],
    ['another event type', entry({ id: 'tags', prefix: 'ica-data/', events: ['s3:ObjectTagging:*'] }), 'WARN'],
    ['a sibling prefix', entry({ id: 'sibling', prefix: 'other/' }), 'PASS'],
    ['ICA\'s notification of another storage configuration on an outer prefix', entry({ id: 'gds:objectcreated', prefix: 'ica' }), 'FAIL'],
  ])('%s', (_, notification, status) => {
    const config = roleConfig();
    const results = run(config, withBucket(config, { notifications: ok({ entries: [notification], eventBridge: false }) }));
    const check = only(results, 'prefix.notifications', 'unit-data/ica-data/');
    expect(check.status).toBe(status);
    if (status === 'FAIL') {
      expect(check.icaError).toMatch(/conflicting storage container notifications with overlapping prefixes/);
      expect(check.icaError).toMatch(/Configurations overlap/);
    }
  });

  test('leftover gds notifications: a warning with the seeds\' fix, only on their prefix', () => {
    const config = roleConfig();
    const entries = ['gds:objectcreated', 'gds:objectremoved', 'gds:objectrestore'].map((id) => entry({ id, prefix: 'runs/' }));
    const results = run(config, withBucket(config, { notifications: ok({ entries, eventBridge: true }) }));
    const check = only(results, 'prefix.ica-notifications', 'unit-data/runs/');
    expect(check.status).toBe('WARN');
    expect(check.icaError).toBe(ICA_ERRORS.leftoverNotifications);
    expect(check.fix).toMatch(/gds:objectcreated, gds:objectremoved and gds:objectrestore, Delete, then wait 15 minutes/);
    expect(only(results, 'prefix.notifications', 'unit-data/runs/').status).toBe('PASS');
    expect(only(results, 'prefix.notifications', 'unit-data/runs/').found).toMatch(/EventBridge/);
    expect(only(results, 'prefix.ica-notifications', 'unit-data/ica-data/').status).toBe('PASS');
  });

  test('CORS: none, a missing method, a missing exposed header, another origin, a narrow header list', () => {
    const config = roleConfig();
    const rule = { AllowedHeaders: ['*'], AllowedMethods: ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'], AllowedOrigins: ['https://ica.illumina.com'], ExposeHeaders: ['ETag', 'x-amz-meta-custom-header'] };
    const cors = (rules: typeof rule[]) => only(run(config, withBucket(config, { cors: ok(rules) })), 'bucket.cors');
    expect(only(run(config, withBucket(config, { cors: absent('NoSuchCORSConfiguration') })), 'bucket.cors')).toMatchObject({ status: 'FAIL', found: 'the bucket has no CORS rule' });
    expect(cors([{ ...rule, AllowedMethods: ['GET', 'PUT'] }])).toMatchObject({ status: 'FAIL', found: expect.stringContaining('may not use HEAD POST DELETE') });
    expect(cors([{ ...rule, ExposeHeaders: ['etag'] }])).toMatchObject({ status: 'FAIL', found: expect.stringContaining('does not expose x-amz-meta-custom-header') });
    expect(cors([{ ...rule, AllowedOrigins: ['https://example.com'] }]).status).toBe('FAIL');
    expect(cors([{ ...rule, AllowedOrigins: ['*'] }]).status).toBe('PASS');
    expect(cors([{ ...rule, AllowedHeaders: ['content-type'] }]).status).toBe('WARN');
    expect(cors([rule]).fix).toBeUndefined();
  });

  test('versioning differs from the config: an apply sets the configured state; "Disabled" over a versioned bucket is the config\'s to change', () => {
    const config = roleConfig();
    const behind = only(run(config, withBucket(config, { versioning: ok('Suspended') })), 'bucket.versioning');
    expect(behind).toMatchObject({ status: 'WARN', remedy: 'apply', fix: expect.stringMatching(/^apply the stack: it sets the bucket's versioning to "Enabled"/) });
    const user = userConfig();
    expect(user.buckets[0].versioning).toBe('Disabled');
    expect(only(run(user, withBucket(user, { versioning: ok('Disabled') })), 'bucket.versioning').status).toBe('PASS');
  });

  test.each(['Enabled', 'Suspended'] as const)('"Disabled" in the config for a bucket that is %s: S3 cannot unversion it, a failure', (actual) => {
    const config = userConfig();
    const check = only(run(config, withBucket(config, { versioning: ok(actual) })), 'bucket.versioning');
    expect(check).toMatchObject({ status: 'FAIL', remedy: 'change the config', icaError: expect.stringMatching(/^Access forbidden: not authorized/) });
    expect(check.found).toMatch(/^the config says "Disabled", but the bucket is .*S3 cannot unversion a bucket, it stays Suspended/);
    expect(check.fix).toBe('change the config: set buckets[0].versioning to "Suspended" (or "Enabled"), which gives the permission policy the "Versioned OR Suspended" actions, then apply the stack');
  });

  test('encryption: KMS on the bucket but SSE-S3 in the config fails; the AWS managed key cannot serve copy jobs', () => {
    const user = userConfig();
    const kmsBucket = only(run(user, withBucket(user, { encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-central-1:1:key/x' }) })), 'bucket.encryption');
    expect(kmsBucket).toMatchObject({ status: 'FAIL', icaError: expect.stringMatching(/^Access forbidden/) });
    expect(kmsBucket.fix).toMatch(/buckets\[0\]\.encryption/);
    const role = roleConfig();
    const managed = only(run(role, withBucket(role, { encryption: ok({ algorithm: 'aws:kms' }), key: undefined })), 'bucket.encryption');
    expect(managed).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.copyForbidden });
    // Named explicitly, by alias or by an ARN that KMS says AWS manages, it is the same key.
    const awsKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000aaaa-0000-0000-0000-000000000000`;
    const key = { keyId: awsKey, metadata: ok(keyMetadata(role, { arn: awsKey, manager: 'AWS' })), policy: absent<string>('-'), grants: absent<never>('-') };
    for (const kmsKeyId of ['alias/aws/s3', awsKey]) {
      expect(only(run(role, withBucket(role, { encryption: ok({ algorithm: 'aws:kms', kmsKeyId }), key: { ...key, keyId: kmsKeyId } })), 'bucket.encryption'))
        .toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.copyForbidden, found: expect.stringContaining('AWS managed key aws/s3') });
    }
  });

  test('ownership: not enforced fails, unless the config chose it (then a warning)', () => {
    const config = roleConfig();
    expect(only(run(config, withBucket(config, { ownership: ok('BucketOwnerPreferred') })), 'bucket.ownership'))
      .toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.copyForbidden });
    expect(only(run(config, withBucket(config, { ownership: absent('OwnershipControlsNotFoundError') })), 'bucket.ownership').status).toBe('FAIL');
    const chosen = { ...config, buckets: [{ ...config.buckets[0], objectOwnership: 'ObjectWriter' as const }] };
    expect(only(run(chosen, withBucket(chosen, { ownership: ok('ObjectWriter') })), 'bucket.ownership').status).toBe('WARN');
  });

  test('public access not blocked is a warning', () => {
    const config = roleConfig();
    const open = ok({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false });
    const check = only(run(config, withBucket(config, { publicAccess: open })), 'bucket.public-access');
    expect(check).toMatchObject({ status: 'WARN', found: expect.stringContaining('BlockPublicPolicy, RestrictPublicBuckets off') });
    expect(check).toMatchObject({ remedy: 'apply', fix: expect.stringMatching(/^apply the stack: it turns on all four/) });
    const declined = { ...config, buckets: [{ ...config.buckets[0], blockPublicAccess: false }] };
    expect(only(run(declined, withBucket(declined, { publicAccess: open })), 'bucket.public-access'))
      .toMatchObject({ status: 'WARN', remedy: 'change the config', fix: expect.stringMatching(/^change the config: set buckets\[0\]\.blockPublicAccess to true, then apply/) });
  });

  test('a fact the doctor could not read is a warning that says which permission to add', () => {
    const config = roleConfig();
    const check = only(run(config, withBucket(config, { cors: unreadable('AccessDenied (HTTP 403)') })), 'bucket.cors');
    expect(check).toMatchObject({ status: 'WARN', found: expect.stringContaining('could not read the CORS rules') });
  });
});

describe('permission policy checks', () => {
  function withPolicy(config: ResolvedConfig, document: unknown): DoctorFacts {
    const facts = healthyFacts(config);
    return { ...facts, principal: { ...facts.principal, policies: ok([{ name: config.policyName, via: 'managed policy', document: JSON.stringify(document) }]) } };
  }

  test('the unversioned variant on a versioned bucket fails policy.variant, not the prefixes', () => {
    const config = roleConfig();
    const unversioned = { ...config, buckets: [{ ...config.buckets[0], versioning: 'Disabled' as const }] };
    const results = run(config, withPolicy(config, permissionPolicy(unversioned, refs(unversioned)).toJSON()));
    const variant = only(results, 'policy.variant');
    expect(variant.status).toBe('FAIL');
    for (const action of OBJECT_VERSIONED_ACTIONS) expect(variant.found).toContain(action);
    // The config says "Enabled": the policy an apply writes is the versioned variant.
    expect(variant).toMatchObject({ remedy: 'apply', fix: expect.stringMatching(/^apply the stack: it writes the policy "illumina-ica-admin-policy"/) });
    const onVersioned = withPolicy(unversioned, permissionPolicy(unversioned, refs(unversioned)).toJSON());
    const disabled = only(run(unversioned, { ...onVersioned, buckets: [{ ...onVersioned.buckets[0], versioning: ok('Enabled') }] }), 'policy.variant');
    expect(disabled).toMatchObject({ status: 'FAIL', remedy: 'change the config', fix: expect.stringMatching(/buckets\[0\]\.versioning to "Enabled"/) });
    expect(results.filter((r) => r.id === 'policy.prefix').every((r) => r.status === 'PASS')).toBe(true);
  });

  test('a policy for another bucket: s3:GetBucketLocation is denied, with the role page\'s error', () => {
    const config = roleConfig();
    const elsewhere = { ...config, buckets: [{ ...config.buckets[0], name: 'another-bucket' }] };
    const results = run(config, withPolicy(config, permissionPolicy(elsewhere, refs(elsewhere)).toJSON()));
    expect(only(results, 'policy.bucket')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.getBucketLocationForbidden });
    expect(only(results, 'policy.prefix', 'unit-data/runs/').status).toBe('FAIL');
  });

  test('a policy that covers one prefix only fails the other', () => {
    const config = roleConfig();
    const onePrefix = { ...config, buckets: [{ ...config.buckets[0], prefixes: ['ica-data/'] }] };
    const results = run(config, withPolicy(config, permissionPolicy(onePrefix, refs(onePrefix)).toJSON()));
    expect(only(results, 'policy.prefix', 'unit-data/ica-data/').status).toBe('PASS');
    expect(only(results, 'policy.prefix', 'unit-data/runs/')).toMatchObject({ status: 'FAIL', icaError: expect.stringMatching(/^Access forbidden/) });
  });

  test('no KMS statement fails policy.kms', () => {
    const config = roleConfig();
    const document = permissionPolicy(config, refs(config)).toJSON() as { Statement: { Sid?: string }[] };
    const results = run(config, withPolicy(config, { ...document, Statement: document.Statement.filter((s) => s.Sid !== 'IcaKmsAccess') }));
    expect(only(results, 'policy.kms').status).toBe('FAIL');
  });

  test('a Deny in an identity policy wins; a permissions boundary narrows', () => {
    const config = roleConfig();
    const document = permissionPolicy(config, refs(config)).toJSON() as { Statement: unknown[] };
    const denied = run(config, withPolicy(config, { ...document, Statement: [...document.Statement, { Effect: 'Deny', Action: 'sts:GetFederationToken', Resource: '*' }] }));
    expect(only(denied, 'policy.federation')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.federatedForbidden });
    const facts = healthyFacts(config);
    const entity = facts.principal.entity.state === 'ok' ? facts.principal.entity.value : undefined;
    const bounded: DoctorFacts = { ...facts, principal: { ...facts.principal, entity: ok({ ...entity!, boundary: { name: 'b', via: 'boundary', document: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) } }) } };
    const results = run(config, bounded);
    expect(only(results, 'policy.kms').status).toBe('FAIL');
    expect(only(results, 'policy.bucket').status).toBe('PASS');
  });

  test('the policy simulator\'s verdict wins over the evaluator, and its absence is a note on an emulator', () => {
    const config = roleConfig();
    const facts = healthyFacts(config);
    const denied = new Map([[`s3:GetBucketLocation arn:aws:s3:::unit-data`, 'implicitDeny' as const]]);
    const results = run(config, facts, { simulation: { identity: ok(denied), withBucketPolicy: new Map() } });
    expect(only(results, 'policy.bucket')).toMatchObject({ status: 'FAIL', found: expect.stringContaining('IAM policy simulator') });
    expect(only(results, 'policy.simulator').status).toBe('PASS');
    const emulator = run(config, facts, { emulated: true, simulation: { identity: unreadable('Error (HTTP 500)'), withBucketPolicy: new Map() } });
    expect(only(emulator, 'policy.simulator').status).toBe('INFO');
    expect(problems(emulator)).toEqual([]);
    const realAws = run(config, facts, { simulation: { identity: unreadable('AccessDenied (HTTP 403)'), withBucketPolicy: new Map() } });
    expect(only(realAws, 'policy.simulator').status).toBe('WARN');
  });
});

describe('the keys of the objects under each prefix', () => {
  const config = roleConfig();
  const oldKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0ld0ld00-0000-0000-0000-000000000000`;
  /** The facts with the objects of ica-data/ replaced. */
  const withObjects = (samples: Fact<readonly ObjectSample[]>): DoctorFacts =>
    withBucket(config, { objects: new Map([...healthyFacts(config).buckets[0].objects!, ['ica-data/', samples]]) });
  const underKey = (key: string, metadata: Fact<KeyMetadataFacts>): ObjectSample => ({ key, encryption: ok({ algorithm: 'aws:kms', kmsKeyId: oldKey, key: metadata }) });
  const check = (samples: Fact<readonly ObjectSample[]>) => only(run(config, withObjects(samples)), 'prefix.object-keys', 'unit-data/ica-data/');

  test('objects under the bucket\'s enabled key pass, one line per prefix', () => {
    const results = run(config, healthyFacts(config));
    expect(results.filter((r) => r.id === 'prefix.object-keys').map((r) => `${r.status} ${r.subject}`)).toEqual(['PASS unit-data/ica-data/', 'PASS unit-data/runs/']);
    expect(only(results, 'prefix.object-keys', 'unit-data/runs/').found).toBe(`sampled 1 object: 1 with the bucket's enabled key ${keyArn(config)}`);
    expect(check(ok([])).found).toMatch(/no objects under the prefix yet/);
  });

  test('a key pending deletion fails: the date, the objects unreadable for good, cancel then enable', () => {
    const pending = ok(keyMetadata(config, { arn: oldKey, state: 'PendingDeletion', deletionDate: '2030-01-31T00:00:00.000Z' }));
    const result = check(ok([underKey('ica-data/a.bam', pending), underKey('ica-data/b.bam', pending), underKey('ica-data/c.bam', pending)]));
    expect(result).toMatchObject({ status: 'FAIL', icaError: expect.stringMatching(/^Access forbidden/) });
    expect(result.found).toBe(`sampled 3 objects: objects "ica-data/a.bam", "ica-data/b.bam" and 1 more are encrypted with ${oldKey}, which is pending deletion on 2030-01-31T00:00:00.000Z: S3 cannot decrypt them now, and once the key is deleted they are unreadable for good`);
    expect(result.fix).toBe(`outside this tool: aws kms cancel-key-deletion --key-id ${oldKey} --region us-east-1, then aws kms enable-key --key-id ${oldKey} --region us-east-1 (a cancelled deletion leaves the key disabled)`);
  });

  test('a disabled key fails with enable-key; a deleted key fails with no way back', () => {
    const disabled = check(ok([underKey('ica-data/a.bam', ok(keyMetadata(config, { arn: oldKey, state: 'Disabled' })))]));
    expect(disabled).toMatchObject({ status: 'FAIL', fix: `outside this tool: aws kms enable-key --key-id ${oldKey} --region us-east-1` });
    expect(disabled.found).toMatch(/object "ica-data\/a\.bam" is encrypted with .*, which is disabled/);
    const deleted = check(ok([underKey('ica-data/a.bam', absent('NotFoundException'))]));
    expect(deleted).toMatchObject({ status: 'FAIL', found: expect.stringContaining('which no longer exists: S3 can never decrypt it again') });
  });

  test('an older enabled key warns: readable while it lives, and by ICA only if allowed', () => {
    const result = check(ok([underKey('ica-data/old.bam', ok(keyMetadata(config, { arn: oldKey })))]));
    expect(result).toMatchObject({ status: 'WARN', icaError: expect.stringMatching(/^Access forbidden/) });
    expect(result.found).toMatch(new RegExp(`encrypted with ${oldKey}, not the bucket's default key ${keyArn(config)}: written under an older key, it stays readable while that key lives`));
    expect(result.fix).toContain(`aws s3 cp s3://unit-data/ica-data/ s3://unit-data/ica-data/ --recursive --sse aws:kms --sse-kms-key-id ${keyArn(config)}`);
  });

  test('what the doctor could not read is a warning naming the permission', () => {
    expect(check(unreadable('AccessDenied (HTTP 403)'))).toMatchObject({ status: 'WARN', found: expect.stringContaining('could not read the objects under the prefix') });
    const head = check(ok([{ key: 'ica-data/x', encryption: unreadable('Forbidden (HTTP 403)') }]));
    expect(head).toMatchObject({ status: 'WARN', fix: expect.stringContaining('s3:GetObject') });
    const describe = check(ok([underKey('ica-data/x', unreadable('AccessDeniedException (HTTP 400)'))]));
    expect(describe).toMatchObject({ status: 'WARN', fix: expect.stringContaining('kms:DescribeKey') });
  });
});

describe('bucket policy checks', () => {
  const seedsDeny = (exempt: string[], operator = 'ArnNotLike') => JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Deny', Principal: { AWS: '*' },
      Action: ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion'],
      Resource: 'arn:aws:s3:::unit-user-data/*',
      Condition: { [operator]: { 'aws:PrincipalArn': exempt } },
    }],
  });
  const user = `arn:aws:iam::${ACCOUNT}:user/illumina_ica_admin`;
  const federated = `arn:aws:sts::${ACCOUNT}:federated-user/*`;

  test.each(['ArnNotLike', 'StringNotLike'])('the seeds\' %s policy passes', (operator) => {
    const config = userConfig();
    expect(only(run(config, withBucket(config, { policy: ok(seedsDeny([user, federated], operator)) })), 'bucket.policy').status).toBe('PASS');
  });

  test('without the federated users it fails with the upload 403', () => {
    const config = userConfig();
    const check = only(run(config, withBucket(config, { policy: ok(seedsDeny([user])) })), 'bucket.policy');
    expect(check).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.federatedForbidden });
    expect(check.found).toMatch(/denies ICA's federated users/);
    expect(check.fix).toContain(federated);
  });

  test('a policy that names another user locks ICA out', () => {
    const config = userConfig();
    const check = only(run(config, withBucket(config, { policy: ok(seedsDeny([`arn:aws:iam::${ACCOUNT}:user/someone`, federated], 'ArnNotEquals')) })), 'bucket.policy');
    expect(check).toMatchObject({ status: 'FAIL', icaError: expect.stringMatching(/^Access forbidden/) });
  });

  test('a Deny that depends on the request is a warning', () => {
    const config = userConfig();
    const policy = JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::unit-user-data/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } }] });
    expect(only(run(config, withBucket(config, { policy: ok(policy) })), 'bucket.policy').status).toBe('WARN');
  });

  test('restrictToIca without the cross-account role exempted denies Illumina\'s copy jobs', () => {
    const config = roleConfig();
    const role = `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`;
    const policy = JSON.stringify({ Statement: [
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::unit-data/*', Condition: { ArnNotLike: { 'aws:PrincipalArn': [role, federated] } } },
      { Effect: 'Allow', Principal: { AWS: config.crossAccountRoleArn }, Action: 's3:*', Resource: ['arn:aws:s3:::unit-data', 'arn:aws:s3:::unit-data/*'] },
    ] });
    const results = run(config, withBucket(config, { policy: ok(policy) }));
    expect(only(results, 'bucket.policy').status).toBe('PASS');
    expect(only(results, 'bucket.cross-account')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.copyForbidden });
  });

  test('crossAccountCopy without a bucket policy fails: Illumina\'s role needs an Allow', () => {
    const config = roleConfig();
    const results = run(config, withBucket(config, { policy: absent('NoSuchBucketPolicy') }));
    expect(only(results, 'bucket.policy').status).toBe('PASS');
    expect(only(results, 'bucket.cross-account')).toMatchObject({ status: 'FAIL', found: expect.stringContaining('does not allow arn:aws:iam::079623148045:role/ica_use1_crossacct') });
  });
});

describe('KMS key checks', () => {
  function withKey(config: ResolvedConfig, change: Partial<NonNullable<BucketFacts['key']>>): DoctorFacts {
    const facts = healthyFacts(config);
    return { ...facts, buckets: [{ ...facts.buckets[0], key: { ...facts.buckets[0].key!, ...change } }] };
  }

  test('a key in another region or disabled fails', () => {
    const config = roleConfig();
    const arn = keyArn(config);
    expect(only(run(config, withKey(config, { metadata: ok({ arn, region: 'eu-west-1', state: 'Enabled', manager: 'CUSTOMER' }) })), 'kms.key').status).toBe('FAIL');
    expect(only(run(config, withKey(config, { metadata: ok({ arn, region: 'us-east-1', state: 'PendingDeletion', manager: 'CUSTOMER' }) })), 'kms.key'))
      .toMatchObject({ status: 'FAIL', found: 'the key is PendingDeletion' });
  });

  test('a key policy without ICA, the account or a grant fails; a grant is enough', () => {
    const config = roleConfig();
    const adminOnly = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Admin` }, Action: 'kms:*', Resource: '*' }] });
    const results = run(config, withKey(config, { policy: ok(adminOnly) }));
    expect(only(results, 'kms.ica-access')).toMatchObject({ status: 'FAIL', icaError: expect.stringMatching(/^Access forbidden/) });
    expect(only(results, 'kms.cross-account')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.copyForbidden });
    const granted = run(config, withKey(config, {
      policy: ok(adminOnly),
      grants: ok([{ grantee: `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`, operations: ['Decrypt', 'Encrypt', 'GenerateDataKey'] }]),
    }));
    expect(only(granted, 'kms.ica-access')).toMatchObject({ status: 'PASS', found: expect.stringContaining('a grant allows it') });
  });

  test('the account root statement delegates to IAM: ICA passes only if its policy grants the key', () => {
    const config = roleConfig();
    const rootOnly = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    expect(only(run(config, withKey(config, { policy: ok(rootOnly) })), 'kms.ica-access').status).toBe('PASS');
    const facts = withKey(config, { policy: ok(rootOnly) });
    const noKms = { ...facts, principal: { ...facts.principal, policies: ok([{ name: 'p', via: 'inline policy', document: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }]) } };
    expect(only(run(config, noKms), 'kms.ica-access').status).toBe('FAIL');
  });
});

describe('role checks', () => {
  function withRole(config: ResolvedConfig, change: { maxSessionDuration?: number; trustPolicy?: string }): DoctorFacts {
    const facts = healthyFacts(config);
    const entity = facts.principal.entity.state === 'ok' ? facts.principal.entity.value : undefined;
    return { ...facts, principal: { ...facts.principal, entity: ok({ ...entity!, ...change }) } };
  }
  const trust = (config: ResolvedConfig, change: (json: string) => string) => {
    const document = trustPolicy(config.oidc!, oidcProviderArn(config.oidc!, ACCOUNT), 'Ab12Cd34').toString();
    return change(document);
  };

  test('a 1 h session fails with "Invalid Role Session Duration"', () => {
    const config = roleConfig();
    expect(only(run(config, withRole(config, { maxSessionDuration: 3600 })), 'role.session-duration'))
      .toMatchObject({ status: 'FAIL', icaError: 'Invalid Role Session Duration' });
  });

  test('the wrong namespace fails and names both namespaces', () => {
    const config = roleConfig();
    const check = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace(/use1/g, 'euc1')) })), 'role.trust-policy');
    expect(check).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.assumeRoleWithWebIdentity });
    expect(check.found).toMatch(/names namespace euc1, ICA region US uses use1/);
    expect(check.fix).toMatch(/credential\.namespace/);
  });

  test('another audience, another session prefix, another provider: each fails with its reason', () => {
    const config = roleConfig();
    const aud = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace('"sts.amazonaws.com"', '"example"')) })), 'role.trust-policy');
    expect(aud.found).toMatch(/audience condition/);
    const session = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace('Ab12Cd34-*', 'Zz99-*')) })), 'role.trust-policy');
    expect(session).toMatchObject({ status: 'FAIL', fix: expect.stringContaining('credential.sessionNamePrefix') });
    const provider = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace(/10FBA7EDEB5930CCFC300EF5AC3DB2FE/g, 'FD40D1945EBD71D8433A98C0CE04E625')) })), 'role.trust-policy');
    expect(provider).toMatchObject({ status: 'FAIL', found: expect.stringContaining('no statement lets') });
  });

  test('a trust policy without the session name condition works but warns', () => {
    const config = roleConfig();
    const check = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace(/,"sts:RoleSessionName":"Ab12Cd34-\*"/, '')) })), 'role.trust-policy');
    expect(check.status).toBe('WARN');
    expect(check.found).toMatch(/no sts:RoleSessionName condition/);
  });

  test('a sub pinned to one exact service account in the right namespace is a warning, not a failure', () => {
    const config = roleConfig();
    const check = only(run(config, withRole(config, { trustPolicy: trust(config, (doc) => doc.replace('irsa-use1-gds*', 'irsa-use1-gds-worker')) })), 'role.trust-policy');
    expect(check.status).toBe('WARN');
  });

  test('OIDC provider: missing (with a near miss), no https:// either way, wrong audience', () => {
    const config = roleConfig();
    const facts = healthyFacts(config);
    const other = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AAAA`;
    const missing = only(run(config, { ...facts, oidc: { provider: absent('none'), allProviderArns: [other] } }), 'role.oidc-provider');
    expect(missing).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.assumeRoleWithWebIdentity });
    expect(missing.found).toContain(other);
    const arn = oidcProviderArn(config.oidc!, ACCOUNT);
    expect(only(run(config, { ...facts, oidc: { provider: ok({ arn, url: config.oidc!.url, clientIds: ['sts.amazonaws.com'] }), allProviderArns: [arn] } }), 'role.oidc-provider').status).toBe('PASS');
    expect(only(run(config, { ...facts, oidc: { provider: ok({ arn, url: config.oidc!.issuer, clientIds: ['other'] }), allProviderArns: [arn] } }), 'role.oidc-provider').status).toBe('FAIL');
  });

  test('a missing role fails principal.exists and skips the role checks', () => {
    const config = roleConfig();
    const facts = healthyFacts(config);
    const results = run(config, { ...facts, principal: { ...facts.principal, entity: absent('NoSuchEntity'), policies: absent('the role does not exist') } });
    expect(only(results, 'principal.exists')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.assumeRoleWithWebIdentity });
    expect(results.map((r) => r.id)).not.toContain('role.session-duration');
    expect(results.map((r) => r.id)).not.toContain('policy.bucket');
  });
});

describe('user checks', () => {
  test('no active key fails with the seeds\' "Invalid Access Key ID" message', () => {
    const config = userConfig();
    const facts = healthyFacts(config);
    const results = run(config, { ...facts, principal: { ...facts.principal, accessKeys: ok([{ id: 'AKIAOLD', status: 'Inactive' }]) } });
    expect(only(results, 'user.access-key')).toMatchObject({ status: 'FAIL', icaError: ICA_ERRORS.invalidAccessKey });
  });

  test('the key from the Terraform outputs must be the one that exists', () => {
    const config = userConfig();
    expect(only(run(config, healthyFacts(config), { expectedAccessKeyId: 'AKIAOTHER' }), 'user.access-key').status).toBe('FAIL');
    expect(only(run(config, healthyFacts(config), { expectedAccessKeyId: 'AKIAEXAMPLEKEY000001' }), 'user.access-key').status).toBe('PASS');
  });

  test('another policy attached instead of the named one: a warning; nothing attached: a failure', () => {
    const config = userConfig();
    const facts = healthyFacts(config);
    const renamed = facts.principal.policies.state === 'ok' ? facts.principal.policies.value.map((p) => ({ ...p, name: 'renamed' })) : [];
    expect(only(run(config, { ...facts, principal: { ...facts.principal, policies: ok(renamed) } }), 'principal.policy-attached').status).toBe('WARN');
    expect(only(run(config, { ...facts, principal: { ...facts.principal, policies: ok([]) } }), 'principal.policy-attached').status).toBe('FAIL');
  });
});
