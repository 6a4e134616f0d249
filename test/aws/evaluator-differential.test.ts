/**
 * The doctor's built-in evaluator against an independent one: for the bucket-policy forms the
 * doctor decides on its own (a Deny with Principal "*" and ArnNotLike / ArnNotEquals /
 * StringNotLike / StringNotEquals on aws:PrincipalArn, NotPrincipal, SecureTransport, NotAction,
 * NotResource), both must agree on whether each principal is explicitly denied.
 *
 * @cloud-copilot/iam-simulate is AGPL: a devDependency used here only, never by runtime code.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { bucketPolicy } from '../../modules/core/ica-policies';
import { resolveConfig } from '../../modules/core/validate';
import { RequestPrincipal, evaluate, parsePolicy } from '../../modules/core/iam-eval';
import { principalContext } from '../../modules/doctor/checks/resource-policies';

const ACCOUNT = '111122223333';
const BUCKET = 'diff-data';
const ica = `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`;
const federatedPattern = `arn:aws:sts::${ACCOUNT}:federated-user/*`;
const crossAccount = 'arn:aws:iam::079623148045:role/ica_use1_crossacct';

const principals: RequestPrincipal[] = [
  { type: 'AWS', arn: ica, accountId: ACCOUNT },
  { type: 'AWS', arn: `arn:aws:sts::${ACCOUNT}:federated-user/ica-upload`, accountId: ACCOUNT },
  { type: 'AWS', arn: `arn:aws:iam::${ACCOUNT}:role/SomeoneElse`, accountId: ACCOUNT },
  { type: 'AWS', arn: crossAccount, accountId: '079623148045' },
];
const actions = ['s3:GetObject', 's3:PutObject', 's3:DeleteObjectVersion'];
const objectActions = ['s3:PutObject', 's3:GetObject', 's3:RestoreObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectVersion'];

const deny = (condition: Record<string, Record<string, string[]>>, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: objectActions, Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: condition, ...extra }],
});

const toolPolicy = (() => {
  const config = resolveConfig({
    name: 'diff', icaRegion: 'US', credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
    buckets: [{ name: BUCKET, prefixes: ['ica/'], versioning: 'Enabled' }],
    bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
  });
  return bucketPolicy(config, config.buckets[0], { accountId: ACCOUNT, icaPrincipalArn: ica, kmsKeyArn: () => undefined })!.toJSON();
})();

const policies: Record<string, unknown> = {
  'seeds ArnNotLike': deny({ ArnNotLike: { 'aws:PrincipalArn': [ica, federatedPattern] } }),
  'StringNotLike': deny({ StringNotLike: { 'aws:PrincipalArn': [ica, federatedPattern] } }),
  'ArnNotEquals, role only': deny({ ArnNotEquals: { 'aws:PrincipalArn': [ica] } }),
  'StringNotEquals with a wildcard': deny({ StringNotEquals: { 'aws:PrincipalArn': [ica, federatedPattern] } }),
  'the tool\'s restrictToIca + crossAccountCopy': toolPolicy,
  'NotPrincipal': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: [ica] }, Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*` }] },
  'plain HTTP only': deny({ Bool: { 'aws:SecureTransport': ['false'] } }),
  'NotAction': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] },
  'NotResource': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: `arn:aws:s3:::${BUCKET}/ica/*` }] },
  'a Deny for one other role': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/SomeoneElse` }, Action: 's3:*', Resource: '*' }] },
};

const cases = Object.entries(policies).flatMap(([name, policy]) =>
  principals.flatMap((principal) => actions.map((action) => [name, policy, principal, action] as const)));

test.each(cases)('%s: %#', async (_name, policy, principal, action) => {
  const resource = `arn:aws:s3:::${BUCKET}/ica/sample.bam`;
  const context = principalContext(principal, 'us-east-1');
  const ours = evaluate(parsePolicy(policy), { action, resource, principal, context }).decision;
  expect(ours).not.toBe('unknown');

  const theirs = await runSimulation({
    request: {
      principal: principal.arn,
      action,
      resource: { resource, accountId: ACCOUNT },
      // iam-simulate does not derive aws:PrincipalArn from the principal: pass it.
      contextVariables: { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': principal.accountId!, 'aws:SecureTransport': 'true' },
    },
    identityPolicies: [{ name: 'all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy,
  }, {});
  expect(theirs.resultType).toBe('single');
  if (theirs.resultType !== 'single') return;
  expect(theirs.result.ignoredContextKeys ?? []).toEqual([]);
  expect(ours === 'denied').toBe(theirs.overallResult === 'ExplicitlyDenied');
});

test('the cases are not trivial: many deny, many do not', () => {
  const decisions = cases.map(([, policy, principal, action]) => evaluate(parsePolicy(policy),
    { action, resource: `arn:aws:s3:::${BUCKET}/ica/sample.bam`, principal, context: principalContext(principal, 'us-east-1') }).decision);
  expect(decisions.filter((d) => d === 'denied').length).toBeGreaterThan(30);
  expect(decisions.filter((d) => d !== 'denied').length).toBeGreaterThan(30);
});
