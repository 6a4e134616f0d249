/**
 * Every line the doctor, preflight and adopt print is finished text: no ICA error template's
 * `{placeholder}` left in, and no YOUR_ACCOUNT_ID once the account id is known. The checks run
 * over the healthy facts with each fact broken in each way a reader can return it.
 */
import { CheckResult } from '../../modules/account-report/checks';
import { planAdoption } from '../../modules/adoption/adopt';
import { BucketFacts, DoctorFacts } from '../../modules/aws/facts';
import { absent, ok, unreadable } from '../../modules/aws/fact';
import { ICA_ERRORS, icaErrorText } from '../../modules/core/ica-errors';
import { ACCOUNT_PLACEHOLDER } from '../../modules/core/ica-policies';
import { ResolvedConfig, resolveConfig } from '../../modules/core/validate';
import { checkFacts, icaValues } from '../../modules/doctor/run';
import { preflightChecks } from '../../modules/preflight/run';
import { plannedResources } from '../../modules/preflight/checks/resources';
import { ACCOUNT, healthyFacts, inputs, roleConfig, roleInput, userConfig, userInput } from '../doctor/fixtures';

const TEMPLATE_LEFT = /\{\w+\}/;

function texts(checks: readonly CheckResult[]): string[] {
  return checks.flatMap((check) => [check.found, check.icaError ?? '', check.fix ?? ''].map((text) => `${check.id}: ${text}`));
}

/** Each bucket fact replaced by each shape a reader returns for it. */
function brokenBuckets(config: ResolvedConfig): DoctorFacts[] {
  const healthy = healthyFacts(config);
  const bucket = healthy.buckets[0];
  const entry = { id: 'theirs', kind: 'SQS queue' as const, target: 'q', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' };
  const variants: Partial<BucketFacts>[] = [
    ...(['exists', 'region', 'notifications', 'cors', 'versioning', 'encryption', 'ownership', 'publicAccess', 'policy'] as const)
      .flatMap((field): Partial<BucketFacts>[] => [{ [field]: absent('NotFound') }, { [field]: unreadable('AccessDenied (HTTP 403)') }]),
    { region: ok('ap-south-1') },
    { notifications: ok({ entries: [entry, { ...entry, id: 'gds:objectcreated', prefix: config.buckets[0].prefixes[0] }], eventBridge: false }) },
    { notifications: ok({ entries: [{ ...entry, events: ['s3:ObjectTagging:*'] }], eventBridge: true }) },
    { cors: ok([]) }, { versioning: ok('Suspended') }, { versioning: ok('Disabled') }, { versioning: ok('Enabled') },
    { encryption: ok({ algorithm: 'AES256' }), key: undefined }, { encryption: ok({ algorithm: 'aws:kms' }), key: undefined },
    { encryption: ok({ algorithm: 'aws:kms:dsse', kmsKeyId: 'arn:aws:kms:us-east-1:1:key/d' }) },
    { encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:1:key/other' }), key: undefined },
    { ownership: ok('ObjectWriter') }, { publicAccess: ok({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }) },
    { policy: ok('{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}') },
    { policy: ok('{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}') },
    { policy: ok('not json') },
    ...(bucket.key ? [
      { key: { ...bucket.key, metadata: absent<never>('NotFoundException') } },
      { key: { ...bucket.key, metadata: ok({ arn: bucket.key.keyId, region: 'eu-west-1', state: 'PendingDeletion', manager: 'CUSTOMER' }) } },
      { key: { ...bucket.key, policy: ok<string>('{"Statement": []}') } },
      { key: { ...bucket.key, policy: unreadable<string>('AccessDenied') } },
    ] : []),
    {
      objects: new Map(config.buckets[0].prefixes.map((prefix) => [prefix, ok([
        { key: `${prefix}a`, encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'k1', key: absent<never>('NotFoundException') }) },
        { key: `${prefix}b`, encryption: ok({ algorithm: 'aws:kms', kmsKeyId: 'k2', key: ok({ arn: 'k2', region: 'us-east-1', state: 'Enabled', manager: 'CUSTOMER' }) }) },
        { key: `${prefix}c`, encryption: unreadable('AccessDenied') },
      ])])),
    },
  ];
  return variants.map((change) => ({ ...healthy, buckets: [{ ...bucket, ...change }] }));
}

function brokenPrincipals(config: ResolvedConfig): DoctorFacts[] {
  const healthy = healthyFacts(config);
  const principal = healthy.principal;
  const entity = principal.entity.state === 'ok' ? principal.entity.value : { arn: '' };
  return [
    { principal: { ...principal, entity: absent('NoSuchEntity') } },
    { principal: { ...principal, entity: unreadable('AccessDenied') } },
    { principal: { ...principal, policies: ok([]) } },
    { principal: { ...principal, policies: ok([{ name: 'other', via: 'inline policy', document: '{"Statement": []}' }]) } },
    { principal: { ...principal, policies: unreadable('AccessDenied') } },
    { principal: { ...principal, accessKeys: ok([]) } },
    { principal: { ...principal, entity: ok({ ...entity, maxSessionDuration: 3600, trustPolicy: '{"Statement": []}' }) } },
    { oidc: { provider: absent<never>('none'), allProviderArns: [] } },
    { oidc: { provider: ok({ arn: 'arn:p', url: 'elsewhere', clientIds: [] }), allProviderArns: [] } },
  ].map((change) => ({ ...healthy, ...change } as DoctorFacts));
}

describe.each([['role', roleConfig], ['user', userConfig]] as const)('the %s method', (_, configOf) => {
  const config = configOf();
  const scenarios = [healthyFacts(config), ...brokenBuckets(config), ...brokenPrincipals(config)];

  test('no doctor line holds a template placeholder or the account placeholder', () => {
    const lines = scenarios.flatMap((facts) => [
      ...texts(checkFacts(config, inputs(facts))),
      ...texts(checkFacts(config, inputs(facts, { emulated: true }))),
      ...icaValues(config, facts).lines,
    ]);
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.filter((line) => TEMPLATE_LEFT.test(line))).toEqual([]);
    expect(lines.filter((line) => line.includes(ACCOUNT_PLACEHOLDER))).toEqual([]);
  });

  test('no preflight line does either', () => {
    const base = {
      accountId: ACCOUNT,
      resources: plannedResources(config, ACCOUNT).map((resource) => ({ resource, existing: ok({ arn: 'arn:x' }) })),
      ...(config.oidc ? { oidcProvider: ok({ arn: 'arn:p', url: config.oidc.issuer, clientIds: [] }) } : {}),
    };
    const buckets = [
      { name: config.buckets[0].name, owner: ok('this account' as const), region: ok('ap-south-1'), versioning: ok('Enabled' as const) },
      { name: config.buckets[0].name, owner: unreadable<never>('Forbidden') },
      { name: config.buckets[0].name, owner: ok('another account' as const) },
    ];
    const lines = buckets.flatMap((bucket) => texts(preflightChecks(config, { ...base, buckets: [bucket] }, { emulated: false })));
    expect(lines.filter((line) => TEMPLATE_LEFT.test(line))).toEqual([]);
  });

  test('no adopt note or problem does either', () => {
    const raw = (userInput.icaRegion === config.region.code ? userInput : roleInput).buckets[0] as Record<string, unknown>;
    const lines = brokenBuckets(config).flatMap((facts) => {
      const plan = planAdoption(config, { ...raw, existing: true }, facts.buckets[0]);
      return [...plan.notes, ...plan.problems];
    });
    expect(lines.filter((line) => TEMPLATE_LEFT.test(line))).toEqual([]);
  });
});

test('every ICA error template reads as a sentence with or without the values', () => {
  for (const template of Object.values(ICA_ERRORS)) {
    expect(icaErrorText(template)).not.toMatch(TEMPLATE_LEFT);
  }
  expect(icaErrorText(ICA_ERRORS.accessForbidden)).toBe('Access forbidden');
  expect(icaErrorText(ICA_ERRORS.accessForbidden, { message: 'not authorized to perform s3:PutObject' })).toBe('Access forbidden: not authorized to perform s3:PutObject');
  expect(icaErrorText(ICA_ERRORS.containerDoesNotExist)).toBe('Storage Container does not exist');
  expect(icaErrorText(ICA_ERRORS.containerDoesNotExist, { storageContainer: 'b' })).toBe("Storage Container 'b' does not exist");
  expect(icaErrorText(ICA_ERRORS.wrongRegion, { region: 'us-east-1' })).toBe('Storage container must be located in the us-east-1 region');
});

test('the doctor\'s values for ICA name the account read from STS, and YOUR_KEY_ID only for a key not created yet', () => {
  const config = resolveConfig(roleInput);
  const facts = healthyFacts(config);
  const beforeApply = { ...facts, buckets: [{ ...facts.buckets[0], encryption: ok({ algorithm: 'AES256' }), key: undefined }] };
  const lines = icaValues(config, beforeApply).lines.join('\n');
  expect(lines).not.toContain(ACCOUNT_PLACEHOLDER);
  expect(lines).toContain(`arn:aws:kms:us-east-1:${ACCOUNT}:key/YOUR_KEY_ID`);
});
