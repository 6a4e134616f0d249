/**
 * The three-way decision (config, account, apply) behind every fix the doctor and preflight
 * print: the rule itself, each check's use of it, and the two reports agreeing on one fact.
 */
import { CheckResult } from '../../modules/account-report/checks';
import { decide } from '../../modules/account-report/verdict';
import { Versioning } from '../../modules/aws/facts';
import { absent, ok } from '../../modules/aws/fact';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { SID, bucketPolicy } from '../../modules/core/ica-policies';
import { ResolvedConfig, resolveConfig } from '../../modules/core/validate';
import { checkFacts } from '../../modules/doctor/run';
import { preflightChecks } from '../../modules/preflight/run';
import { PreflightFacts } from '../../modules/preflight/read';
import { plannedResources } from '../../modules/preflight/checks/resources';
import { ACCOUNT, healthyFacts, inputs, keyArn, refs, roleInput, userInput } from '../doctor/fixtures';
import { DoctorFacts } from '../../modules/aws/facts';

describe('decide', () => {
  const words = { apply: 'it writes it', configChange: 'set x to y', outside: 'console step' };
  test.each([
    ['the account has it, the config asks it', { account: true, config: true, applies: true }, 'PASS', undefined],
    ['the account has it, the apply leaves it alone', { account: true, config: false, applies: false }, 'PASS', undefined],
    ['the account has it, but an apply of a wrong config would take it away', { account: true, config: false, applies: true }, 'FAIL', 'change the config'],
    ['the config is right, the account behind, the apply writes it', { account: false, config: true, applies: true }, 'FAIL', 'apply'],
    ['the config asks for what the account cannot get', { account: false, config: false, applies: true }, 'FAIL', 'change the config'],
    ['the config is right, but the apply leaves it alone (a config change hands it over)', { account: false, config: true, applies: false }, 'FAIL', 'change the config'],
  ] as const)('%s', (_, facts, status, remedy) => {
    const verdict = decide({ ...facts, impact: 'fails', ...words });
    expect(verdict.status).toBe(status);
    expect(verdict.remedy).toBe(remedy);
  });

  test('neither an apply nor a config change: outside this tool, with the step; each fix says its kind first', () => {
    expect(decide({ account: false, config: true, applies: false, impact: 'risk', outside: 'S3 console > x' }))
      .toEqual({ status: 'WARN', remedy: 'outside this tool', fix: 'outside this tool: S3 console > x' });
    expect(decide({ account: false, config: true, applies: true, impact: 'risk', ...words }).fix).toBe('apply the stack: it writes it; or by hand: console step');
    expect(decide({ account: false, config: false, applies: true, impact: 'risk', configChange: 'set x to y' }).fix).toBe('change the config: set x to y, then apply the stack');
    expect(() => decide({ account: false, config: true, applies: false, impact: 'risk' })).toThrow(/no fix/);
  });
});

const config = (input: IcaConfigInput, bucket: Record<string, unknown> = {}, change: Partial<IcaConfigInput> = {}): ResolvedConfig =>
  resolveConfig({ ...input, ...change, buckets: [{ ...input.buckets[0], ...bucket } as IcaConfigInput['buckets'][number]] });
/** An adopted bucket that hands every setting to this tool, and one that hands over none. */
const ALL = ['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership'];
const managed = (input: IcaConfigInput, bucket: Record<string, unknown> = {}, change: Partial<IcaConfigInput> = {}) => config(input, { existing: true, manage: ALL, ...bucket }, change);
const unmanaged = (input: IcaConfigInput, bucket: Record<string, unknown> = {}, change: Partial<IcaConfigInput> = {}) => config(input, { existing: true, manage: [], ...bucket }, change);

type BucketChange = Partial<DoctorFacts['buckets'][number]>;
function doctorCheck(resolved: ResolvedConfig, id: string, change: BucketChange = {}, facts: Partial<DoctorFacts> = {}): CheckResult {
  const healthy = healthyFacts(resolved);
  const all = { ...healthy, ...facts, buckets: [{ ...healthy.buckets[0], ...change }] };
  const found = checkFacts(resolved, inputs(all)).filter((check) => check.id === id);
  expect(found.length).toBeGreaterThan(0);
  return found.find((check) => check.status !== 'PASS') ?? found[0];
}
const remedyOf = (check: CheckResult) => check.remedy ?? check.status;

describe('each doctor check: apply when the config is right, the config when it asks wrong, outside this tool otherwise', () => {
  test('bucket.exists and bucket.region', () => {
    const gone = { exists: absent<true>('NotFound') };
    expect(remedyOf(doctorCheck(config(userInput), 'bucket.exists', gone))).toBe('apply');
    expect(remedyOf(doctorCheck(unmanaged(userInput), 'bucket.exists', gone))).toBe('change the config');
    expect(remedyOf(doctorCheck(config(userInput), 'bucket.region', { region: ok('us-west-2') }))).toBe('change the config');
  });

  test('bucket.versioning', () => {
    expect(remedyOf(doctorCheck(managed(roleInput), 'bucket.versioning', { versioning: ok('Disabled') }))).toBe('apply');
    expect(remedyOf(doctorCheck(unmanaged(roleInput, { versioning: 'Enabled', encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn(config(roleInput)) } }), 'bucket.versioning', { versioning: ok('Disabled') }))).toBe('change the config');
    expect(doctorCheck(managed(userInput), 'bucket.versioning', { versioning: ok('Enabled') })).toMatchObject({ status: 'FAIL', remedy: 'change the config' });
  });

  test('bucket.encryption', () => {
    const aes = { encryption: ok({ algorithm: 'AES256' }), key: undefined };
    expect(remedyOf(doctorCheck(config(roleInput), 'bucket.encryption', aes))).toBe('apply');
    const ownKey = { encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn(config(roleInput)) } };
    expect(remedyOf(doctorCheck(unmanaged(roleInput, ownKey), 'bucket.encryption', aes))).toBe('change the config');
    expect(remedyOf(doctorCheck(config(userInput), 'bucket.encryption', { encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-central-1:1:key/x' }) }))).toBe('change the config');
  });

  test('bucket.cors', () => {
    expect(remedyOf(doctorCheck(managed(userInput), 'bucket.cors', { cors: absent('NoSuchCORSConfiguration') }))).toBe('apply');
    expect(doctorCheck(unmanaged(userInput), 'bucket.cors', { cors: absent('NoSuchCORSConfiguration') }))
      .toMatchObject({ remedy: 'change the config', fix: expect.stringContaining('add "cors" to buckets[0].manage') });
  });

  test('bucket.ownership and bucket.public-access', () => {
    const writer = { ownership: ok('ObjectWriter') };
    expect(remedyOf(doctorCheck(managed(userInput), 'bucket.ownership', writer))).toBe('apply');
    expect(remedyOf(doctorCheck(unmanaged(userInput), 'bucket.ownership', writer))).toBe('change the config');
    expect(remedyOf(doctorCheck(managed(userInput, { objectOwnership: 'ObjectWriter' }), 'bucket.ownership', writer))).toBe('change the config');
    // The bucket is right but the config would undo it: the config is what to change.
    expect(doctorCheck(managed(userInput, { objectOwnership: 'ObjectWriter' }), 'bucket.ownership')).toMatchObject({ status: 'WARN', remedy: 'change the config' });
    const open = { publicAccess: absent<never>('NoSuchPublicAccessBlockConfiguration') };
    expect(remedyOf(doctorCheck(managed(userInput), 'bucket.public-access', open))).toBe('apply');
    expect(remedyOf(doctorCheck(managed(userInput, { blockPublicAccess: false }), 'bucket.public-access', open))).toBe('change the config');
    expect(doctorCheck(unmanaged(userInput, { blockPublicAccess: false }), 'bucket.public-access', open).status).toBe('WARN');
  });

  test('notifications and object keys are outside this tool', () => {
    const entry = { id: 'mine', kind: 'SQS queue' as const, target: 'q', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' };
    expect(remedyOf(doctorCheck(config(userInput), 'prefix.notifications', { notifications: ok({ entries: [entry], eventBridge: false }) }))).toBe('outside this tool');
    expect(remedyOf(doctorCheck(config(userInput), 'prefix.ica-notifications', { notifications: ok({ entries: [{ ...entry, id: 'gds:objectcreated', prefix: 'ica/' }], eventBridge: false }) }))).toBe('outside this tool');
    const resolved = config(roleInput);
    const deleted = ok([{ key: 'ica-data/a', encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'k', key: absent<never>('NotFoundException') }) }]);
    expect(remedyOf(doctorCheck(resolved, 'prefix.object-keys', { objects: new Map([['ica-data/', deleted], ['runs/', ok([])]]) }))).toBe('outside this tool');
  });

  test('the bucket policy: a missing cross-account statement or an own Deny is the apply\'s; a foreign Deny is not', () => {
    const resolved = config(roleInput);
    expect(doctorCheck(resolved, 'bucket.cross-account', { policy: absent('NoSuchBucketPolicy') }))
      .toMatchObject({ status: 'FAIL', remedy: 'apply', fix: expect.stringMatching(/^apply the stack: it writes the seeds' "Allow cross account access" statement/) });
    const written = JSON.parse(bucketPolicy(resolved, resolved.buckets[0], refs(resolved))!.toString());
    const statement = written.Statement.find((s: { Sid?: string }) => s.Sid === SID.restrictToIca);
    const withoutIca = { ...statement, Condition: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/Admin`] } } };
    const policy = (sid: string) => ok(JSON.stringify({ Version: '2012-10-17', Statement: [{ ...withoutIca, Sid: sid }] }));
    expect(remedyOf(doctorCheck(resolved, 'bucket.policy', { policy: policy(SID.restrictToIca) }))).toBe('apply');
    expect(remedyOf(doctorCheck(resolved, 'bucket.policy', { policy: policy('TheirDeny') }))).toBe('outside this tool');
  });

  test('the key: a created key\'s policy is the apply\'s, a key of your own is not; a disabled key is outside', () => {
    const resolved = config(roleInput);
    const bare = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/key-admin` }, Action: 'kms:*', Resource: '*' }] };
    const healthy = healthyFacts(resolved).buckets[0];
    const key = { ...healthy.key!, policy: ok(JSON.stringify(bare)) };
    expect(remedyOf(doctorCheck(resolved, 'kms.ica-access', { key }))).toBe('apply');
    expect(remedyOf(doctorCheck(resolved, 'kms.cross-account', { key }))).toBe('apply');
    const own = config(roleInput, { encryption: { type: 'SSE-KMS', kmsKeyArn: keyArn(resolved) } });
    expect(remedyOf(doctorCheck(own, 'kms.ica-access', { key }))).toBe('outside this tool');
    expect(remedyOf(doctorCheck(own, 'kms.cross-account', { key }))).toBe('outside this tool');
    const disabled = { ...healthy.key!, metadata: ok({ arn: keyArn(resolved), region: 'us-east-1', state: 'Disabled', manager: 'CUSTOMER' }) };
    expect(remedyOf(doctorCheck(resolved, 'kms.key', { key: disabled }))).toBe('outside this tool');
  });

  test('the principal, its policy, its session, its trust and the OIDC provider are the apply\'s', () => {
    const resolved = config(roleInput);
    const healthy = healthyFacts(resolved);
    const principal = (change: Partial<DoctorFacts['principal']>) => ({ principal: { ...healthy.principal, ...change } });
    expect(remedyOf(doctorCheck(resolved, 'principal.exists', {}, principal({ entity: absent('NoSuchEntity') })))).toBe('apply');
    const bare = principal({ policies: ok([]) });
    for (const id of ['principal.policy-attached', 'policy.bucket', 'policy.prefix', 'policy.kms', 'policy.federation']) {
      expect(`${id} ${remedyOf(doctorCheck(resolved, id, {}, bare))}`).toBe(`${id} apply`);
    }
    const entity = healthy.principal.entity.state === 'ok' ? healthy.principal.entity.value : undefined;
    expect(remedyOf(doctorCheck(resolved, 'role.session-duration', {}, principal({ entity: ok({ ...entity!, maxSessionDuration: 3600 }) })))).toBe('apply');
    expect(remedyOf(doctorCheck(resolved, 'role.trust-policy', {}, principal({ entity: ok({ ...entity!, trustPolicy: entity!.trustPolicy!.replace(/use1/g, 'euc1') }) })))).toBe('apply');
    const noProvider = { oidc: { provider: absent<never>('none'), allProviderArns: [] } };
    expect(remedyOf(doctorCheck(resolved, 'role.oidc-provider', {}, noProvider))).toBe('apply');
    const existing = config(roleInput, {}, { credential: { ...roleInput.credential, method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProvider: 'existing' } });
    expect(remedyOf(doctorCheck(existing, 'role.oidc-provider', {}, noProvider))).toBe('change the config');
  });

  test('user.access-key: the apply creates one when the config asks it to; otherwise IAM', () => {
    const none = { principal: { ...healthyFacts(config(userInput)).principal, accessKeys: ok([]) } };
    expect(remedyOf(doctorCheck(config(userInput), 'user.access-key', {}, none))).toBe('apply');
    const own = config(userInput, {}, { credential: { method: 'user', createAccessKey: false } });
    expect(remedyOf(doctorCheck(own, 'user.access-key', {}, none))).toBe('outside this tool');
  });
});

/** Preflight's facts for an account where the first apply finds every name free. */
function preflightFacts(resolved: ResolvedConfig, change: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    accountId: ACCOUNT,
    buckets: resolved.buckets.map((bucket) => ({ name: bucket.name, owner: absent('NotFound') })),
    ...(resolved.oidc ? { oidcProvider: absent('no provider for this URL') } : {}),
    resources: plannedResources(resolved, ACCOUNT).map((resource) => ({ resource, existing: absent('NoSuchEntity') })),
    ...change,
  };
}
function preflightCheck(resolved: ResolvedConfig, id: string, change: Partial<PreflightFacts> = {}): CheckResult {
  const found = preflightChecks(resolved, preflightFacts(resolved, change), { emulated: false }).filter((check) => check.id === id);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('each preflight check', () => {
  const own = (versioning: Versioning = 'Enabled') => ({ name: 'unit-data', owner: ok('this account' as const), region: ok('us-east-1'), versioning: ok(versioning) });
  test('bucket names and adoption are the config\'s; names the account holds are Terraform import\'s', () => {
    const resolved = config(roleInput);
    expect(remedyOf(preflightCheck(resolved, 'bucket.name', { buckets: [{ name: 'unit-data', owner: ok('another account') }] }))).toBe('change the config');
    expect(remedyOf(preflightCheck(resolved, 'bucket.name', { buckets: [own()] }))).toBe('change the config');
    expect(remedyOf(preflightCheck(managed(roleInput), 'bucket.existing', { buckets: [{ name: 'unit-data', owner: absent('NotFound') }] }))).toBe('change the config');
    expect(remedyOf(preflightCheck(managed(roleInput), 'bucket.existing', { buckets: [{ name: 'unit-data', owner: ok('another account') }] }))).toBe('outside this tool');
    const taken = preflightFacts(resolved).resources.map((entry) => (entry.resource.id === 'iam.role' ? { ...entry, existing: ok({ arn: 'arn:r' }) } : entry));
    expect(remedyOf(preflightCheck(resolved, 'iam.role', { resources: taken }))).toBe('outside this tool');
    expect(remedyOf(preflightCheck(resolved, 'iam.oidc-provider', { oidcProvider: ok({ arn: 'arn:p', url: resolved.oidc!.issuer, clientIds: [] }) }))).toBe('change the config');
  });
});

describe('the doctor and preflight on the same facts', () => {
  const states: Versioning[] = ['Enabled', 'Suspended', 'Disabled'];
  const cases = states.flatMap((configured) => states.flatMap((actual) => [true, false].map((handedOver) => ({ configured, actual, handedOver }))));

  test.each(cases)('versioning: config $configured, bucket $actual, managed $handedOver: one verdict, one fix', ({ configured, actual, handedOver }) => {
    const resolved = config(userInput, { existing: true, manage: handedOver ? ALL : [], versioning: configured });
    const doctor = doctorCheck(resolved, 'bucket.versioning', { versioning: ok(actual) });
    const preflight = preflightCheck(resolved, 'bucket.versioning', { buckets: [{ name: resolved.buckets[0].name, owner: ok('this account'), region: ok('eu-central-1'), versioning: ok(actual) }] });
    expect({ status: preflight.status, remedy: preflight.remedy, fix: preflight.fix, found: preflight.found })
      .toEqual({ status: doctor.status, remedy: doctor.remedy, fix: doctor.fix, found: doctor.found });
    // The config already says what an apply gives the bucket: the fix is "apply".
    if (handedOver && configured !== actual && configured !== 'Disabled') expect(doctor.remedy).toBe('apply');
  });

  test('an adopted bucket that does not exist, and an "existing" OIDC provider that does not: both say change the config', () => {
    const resolved = config(roleInput, { existing: true, manage: ALL }, { credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProvider: 'existing' } });
    const doctorBucket = doctorCheck(resolved, 'bucket.exists', { exists: absent('NotFound') });
    const preflightBucket = preflightCheck(resolved, 'bucket.existing', { buckets: [{ name: 'unit-data', owner: absent('NotFound') }] });
    expect([doctorBucket.status, doctorBucket.remedy]).toEqual([preflightBucket.status, preflightBucket.remedy]);
    const doctorOidc = doctorCheck(resolved, 'role.oidc-provider', {}, { oidc: { provider: absent('none'), allProviderArns: [] } });
    const preflightOidc = preflightCheck(resolved, 'iam.oidc-provider');
    expect([doctorOidc.status, doctorOidc.remedy]).toEqual([preflightOidc.status, preflightOidc.remedy]);
    expect(doctorOidc.remedy).toBe('change the config');
  });
});
