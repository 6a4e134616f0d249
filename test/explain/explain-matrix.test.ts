/**
 * `ica-s3 explain --json` against the evaluated request matrix: on every config the matrix covers
 * (every example, the root config, the extras), each request of each cell that the matrix also
 * asks (the same kind of principal, action and place) gets the matrix's decision; and on the
 * example configs every request of every cell, anonymous ones included, gets the decision of
 * @cloud-copilot/iam-simulate (the maintained evaluator; a devDependency) over the documents the
 * JSON itself lists.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import type { AccessLocation, CellRequest, PrincipalKind } from '../../modules/core/access-map';
import { ACCOUNT_ID, Matrix, MatrixRow, buildMatrix, matrixConfigs } from '../core/request-matrix';

interface ExplainJson {
  readonly accountId: string;
  readonly placeholders: readonly string[];
  readonly locations: readonly AccessLocation[];
  readonly policies: Readonly<Record<string, unknown>>;
}

const dir = mkdtempSync(join(tmpdir(), 'ica-s3-explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `explain --json` on a matrix config with outputs holding the matrix's account and keys. */
async function explainJsonOf(matrix: Matrix, index: number): Promise<ExplainJson> {
  const configFile = join(dir, `config-${index}.json`);
  const outputsFile = join(dir, `outputs-${index}.json`);
  writeFileSync(configFile, JSON.stringify(matrixConfigs()[index].raw));
  writeFileSync(outputsFile, JSON.stringify({
    principal_arn: { value: matrix.refs.icaPrincipalArn },
    storage_configurations: {
      value: matrix.config.buckets.flatMap((bucket) => bucket.prefixes.map((prefix) => ({
        bucketName: bucket.name, keyPrefix: prefix, ...(matrix.refs.kmsKeyArn(bucket) ? { serverSideEncryptionKey: matrix.refs.kmsKeyArn(bucket) } : {}),
      }))),
    },
  }));
  const printed: string[] = [];
  const errors: string[] = [];
  const status = await main(['explain', '-c', configFile, '--json', '--outputs', outputsFile], { log: (text) => printed.push(text), error: (text) => errors.push(text) });
  // Config warnings go to stderr; standard output is the JSON alone.
  expect({ status, errors: status === 0 ? '' : errors.join('\n') }).toEqual({ status: 0, errors: '' });
  return JSON.parse(printed.join('\n')) as ExplainJson;
}

const matrices = matrixConfigs().map(buildMatrix);

/** The explain principal a matrix actor is, by the actor's words. */
function kindOf(row: MatrixRow): { kind: PrincipalKind; who?: string } | undefined {
  if (/^ICA (role|user)/.test(row.actor)) return { kind: 'ica' };
  if (row.actor.startsWith('ICA federated')) return { kind: 'ica-federated' };
  if (row.actor.startsWith('Illumina cross-account')) return { kind: 'cross-account' };
  if (row.actor.startsWith('deployer')) return { kind: 'deployer' };
  if (row.actor.startsWith('exempt ')) return { kind: 'exempt', who: row.actor };
  if (/^(other )?account admin/.test(row.actor)) return { kind: 'account-principal' };
  return undefined;
}

/** Where a resource is: the bucket, the key, a prefix of the bucket, or outside its prefixes. */
function place(matrix: Matrix, resource: string): string {
  const object = /^arn:aws:s3:::([^/]+)\/(.*)$/.exec(resource);
  if (!object) return resource;
  const bucket = matrix.config.buckets.find((candidate) => candidate.name === object[1]);
  const prefix = bucket?.prefixes.filter((candidate) => object[2].startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
  return `${object[1]} ${prefix ?? '(outside)'}`;
}

describe.each(matrices.map((matrix, index) => [matrix.source, matrix, index] as const))('%s', (_source, matrix, index) => {
  test('every cell request the matrix also asks gets the matrix\'s decision', async () => {
    const map = await explainJsonOf(matrix, index);
    expect(map.accountId).toBe(ACCOUNT_ID);
    expect(map.placeholders.filter((placeholder) => placeholder !== 'YOUR_DEPLOYER_ROLE')).toEqual([]);
    const rows = new Map<string, MatrixRow[]>();
    for (const row of matrix.rows) {
      const kind = kindOf(row);
      if (!kind || row.resourceAccount !== ACCOUNT_ID) continue;
      const key = `${kind.who ?? kind.kind} | ${row.action} | ${place(matrix, row.resource)}`;
      rows.set(key, [...rows.get(key) ?? [], row]);
    }
    const compared: { cell: string; decision: string; expected: string }[] = [];
    for (const location of map.locations) {
      for (const cell of location.cells) {
        for (const request of cell.requests) {
          const who = cell.principal === 'exempt' ? cell.who : cell.principal;
          for (const row of rows.get(`${who} | ${request.action} | ${place(matrix, request.resource)}`) ?? []) {
            compared.push({ cell: `${cell.who} | ${cell.actionClass} | ${request.action} | ${row.name}`, decision: request.decision, expected: row.expected });
          }
        }
      }
    }
    expect(compared.filter((entry) => entry.decision !== entry.expected)).toEqual([]);
    // The comparison covers ICA's every class and every other principal kind the matrix has.
    const kinds = new Set(compared.map((entry) => entry.cell.split(' | ')[0]));
    expect(compared.length).toBeGreaterThan(20);
    for (const location of map.locations) {
      for (const cell of location.cells.filter((candidate) => candidate.principal !== 'anonymous' && candidate.principal !== 'ica-federated')) {
        if (cell.principal === 'deployer' || cell.principal === 'exempt' || cell.principal === 'cross-account') expect(kinds).toContain(cell.who);
      }
    }
    expect([...kinds].some((who) => who.startsWith('ICA'))).toBe(true);
    expect(kinds).toContain('another principal of the account');
  });
});

/** iam-simulate's decision for one request of the map, over the documents the JSON lists. */
async function simulated(map: ExplainJson, request: CellRequest): Promise<string> {
  const document = (name: string) => map.policies[name];
  const principal = request.principal;
  const response = await runSimulation({
    request: {
      principal: principal.arn === undefined ? anonymousPrincipal : principal.sessionArn ?? principal.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: map.accountId },
      contextVariables: principal.arn === undefined ? { 'aws:SecureTransport': 'true' }
        : { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': principal.accountId as string, 'aws:SecureTransport': 'true' },
    },
    identityPolicies: request.identityPolicies.map((name) => ({ name, policy: document(name) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: document(request.resourcePolicy) } : {}),
    ...(request.sessionPolicy ? { sessionPolicy: document(request.sessionPolicy) } : {}),
  }, {});
  if (response.resultType === 'error') throw new Error(`simulation refused ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

const examples = matrices.map((matrix, index) => [matrix.source, matrix, index] as const).filter(([source]) => source.startsWith('examples/'));

test.each(examples)('%s: every request of every cell is decided as iam-simulate decides it', async (_source, matrix, index) => {
  const map = await explainJsonOf(matrix, index);
  const disagreements: string[] = [];
  let count = 0;
  for (const location of map.locations) {
    for (const cell of location.cells) {
      for (const request of cell.requests) {
        count += 1;
        const theirs = await simulated(map, request);
        if (theirs !== request.decision) disagreements.push(`${cell.who} | ${request.action} | ${request.resource}: ours ${request.decision}, iam-simulate ${theirs}`);
      }
    }
  }
  expect(disagreements).toEqual([]);
  expect(count).toBeGreaterThan(40);
});
