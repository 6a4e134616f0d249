/**
 * The core's request decision (`decideAccess`, what `explain` decides with) against the request
 * matrix: on every row of every config the matrix covers it reaches the decision the row expects,
 * which policy-evaluation.test.ts holds @cloud-copilot/iam-simulate to. So the two evaluators are
 * equal on the whole matrix; the controls below show the comparison is not vacuous.
 */
import { AccessRequest, decideAccess } from '../../modules/core/iam-decision';
import { PolicyDocument } from '../../modules/core/iam-policy';
import { SID } from '../../modules/core/ica-policies';
import { DOC, Decision, Matrix, MatrixRow, buildMatrix, matrixConfigs } from './request-matrix';

const matrices: Matrix[] = matrixConfigs().map(buildMatrix);

/** The documents of a matrix read once into the core's model (rows share them). */
const parsed = new WeakMap<object, Map<string, PolicyDocument>>();
function documentOf(documents: Readonly<Record<string, unknown>>, name: string): PolicyDocument {
  const cache = parsed.get(documents) ?? new Map<string, PolicyDocument>();
  parsed.set(documents, cache);
  if (!cache.has(name)) cache.set(name, PolicyDocument.fromJSON(documents[name]));
  return cache.get(name) as PolicyDocument;
}

/** Every condition key the matrix's documents use: a key a row does not give is absent from its request. */
function conditionKeys(documents: Readonly<Record<string, unknown>>): string[] {
  return [...new Set(Object.keys(documents).flatMap((name) => documentOf(documents, name).statements
    .flatMap((statement) => Object.values(statement.conditions).flatMap((entries) => Object.keys(entries)))))];
}

/** A matrix row as a request of the core's decision. */
function accessRequestOf(matrix: Matrix, row: MatrixRow, documents: Readonly<Record<string, unknown>> = matrix.documents): AccessRequest {
  const policy = (name: string) => ({ name, statements: documentOf(documents, name).statements });
  const context: Record<string, readonly string[] | null> = Object.fromEntries(conditionKeys(documents).map((key) => [key, null]));
  for (const [key, value] of Object.entries(row.context)) context[key] = [value];
  const oidc = row.principal.includes(':oidc-provider/');
  return {
    principal: oidc
      ? { type: 'Federated', arn: row.principal }
      : { type: 'AWS', arn: row.context['aws:PrincipalArn'], sessionArn: row.principal, accountId: row.context['aws:PrincipalAccount'] },
    action: row.action,
    resource: row.resource,
    resourceAccount: row.resourceAccount,
    context,
    identityPolicies: row.identityPolicies.map(policy),
    ...(row.sessionPolicy ? { sessionPolicy: policy(row.sessionPolicy) } : {}),
    ...(row.resourcePolicy ? { resourcePolicy: policy(row.resourcePolicy) } : {}),
  };
}

const decisionOf = (matrix: Matrix, row: MatrixRow, documents?: Readonly<Record<string, unknown>>): Decision | 'Undecided' =>
  decideAccess(accessRequestOf(matrix, row, documents)).decision;

test.each(matrices.map((matrix) => [matrix.source, matrix] as const))('%s: every row decided as the matrix (and so IAM\'s simulator) decides', (_source, matrix) => {
  const disagreements = matrix.rows.map((row) => ({ row: row.name, decision: decisionOf(matrix, row) }))
    .filter((entry, index) => entry.decision !== matrix.rows[index].expected);
  expect(disagreements).toEqual([]);
  expect(matrix.rows.length).toBeGreaterThan(50);
});

describe('controls: the same mistakes the matrix catches change the core\'s decision too', () => {
  const locked = matrices.find((matrix) => matrix.config.bucketPolicy.restrictToIca && matrix.config.bucketPolicy.crossAccountCopy
    && matrix.config.buckets.some((bucket) => bucket.encryption.type === 'SSE-KMS')) as Matrix;
  const bucket = locked.config.buckets.find((candidate) => candidate.encryption.type === 'SSE-KMS')!;
  const row = (predicate: (candidate: MatrixRow) => boolean) => locked.rows.find(predicate) as MatrixRow;
  const edited = (name: string, edit: (statements: Record<string, any>[]) => Record<string, any>[]) => {
    const document = structuredClone(locked.documents[name]) as { Statement: Record<string, any>[] };
    return { ...locked.documents, [name]: { ...document, Statement: edit(document.Statement) } };
  };

  test('without the account-root statement of the key policy an administrator is locked out of the key', () => {
    const admin = row((r) => r.actor.includes('key administration') && r.action === 'kms:PutKeyPolicy');
    expect(decisionOf(locked, admin)).toBe('Allowed');
    const documents = edited(DOC.keyPolicy(bucket.name), (statements) => statements.filter((statement) => statement.Sid !== SID.keyAdministration));
    expect(decisionOf(locked, admin, documents)).toBe('ImplicitlyDenied');
  });

  test('without the cross-account role among the exemptions the Deny stops Illumina\'s copy jobs', () => {
    const copy = row((r) => r.actor.startsWith('Illumina') && r.action === 's3:PutObject' && r.resource.startsWith(`arn:aws:s3:::${bucket.name}/${bucket.prefixes[0]}`));
    expect(decisionOf(locked, copy)).toBe('Allowed');
    const documents = edited(DOC.bucketPolicy(bucket.name), (statements) => statements.map((statement) => (statement.Sid === SID.restrictToIca
      ? { ...statement, Condition: { ArnNotLike: { 'aws:PrincipalArn': [statement.Condition.ArnNotLike['aws:PrincipalArn']].flat().filter((arn: string) => arn !== locked.config.crossAccountRoleArn) } } }
      : statement)));
    expect(decideAccess(accessRequestOf(locked, copy, documents))).toEqual({
      decision: 'ExplicitlyDenied', deciding: [{ policy: DOC.bucketPolicy(bucket.name), sid: SID.restrictToIca, position: 1 }],
    });
  });

  test('across accounts the resource policy alone does not allow: Illumina\'s own side must too', () => {
    const copy = row((r) => r.actor.startsWith('Illumina') && r.action === 's3:GetObject' && r.resource.startsWith(`arn:aws:s3:::${bucket.name}/`));
    expect(decisionOf(locked, copy)).toBe('Allowed');
    expect(decideAccess({ ...accessRequestOf(locked, copy), identityPolicies: [] }).decision).toBe('ImplicitlyDenied');
  });

  test('a condition on a key the request does not settle leaves the decision undecided, never guessed', () => {
    const ica = row((r) => r.actor.startsWith('ICA role') && r.action === 's3:GetObject' && r.resource.startsWith(`arn:aws:s3:::${bucket.name}/${bucket.prefixes[0]}`));
    const { 'aws:PrincipalArn': _dropped, ...context } = accessRequestOf(locked, ica).context;
    expect(decideAccess({ ...accessRequestOf(locked, ica), context }).decision).toBe('Undecided');
  });
});
