/**
 * The access map, one principal kind at a time, the gaps it lists, its mermaid diagram, and the
 * command's options. The diagram is checked structurally against the flowchart grammar it uses:
 * mermaid's own parser (`mermaid.parse`) runs in Node only with a DOM (jsdom), and neither is a
 * dependency of this project; @mermaid-js/parser does not parse flowcharts.
 */
import { accessGaps } from '../../modules/core/access-gaps';
import { AccessCell, AccessMap, accessMap } from '../../modules/core/access-map';
import { SID } from '../../modules/core/ica-policies';
import { resolveConfig } from '../../modules/core/validate';
import { formatMarkdown, formatMermaid } from '../../modules/explain/format';
import { main } from '../../modules/cli/index';

const base = {
  name: 'map', icaRegion: 'US', credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
  buckets: [{ name: 'map-data', prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
};
const locked = resolveConfig({ ...base, bucketPolicy: { restrictToIca: true, crossAccountCopy: true, exemptPrincipalArns: ['arn:aws:iam::111122223333:role/BreakGlass'] } });
const open = resolveConfig({ ...base, credential: { method: 'user' }, buckets: [{ name: 'map-open', prefixes: ['ica/'], versioning: 'Disabled' }] });

/** The decision of each class for one principal at one place ("prefix" or "outside"). */
function row(map: AccessMap, who: (cell: AccessCell) => boolean, where: 'prefix' | 'outside' = 'prefix'): Record<string, string> {
  const location = map.locations.find((candidate) => (where === 'outside') === (candidate.prefix === undefined))!;
  return Object.fromEntries(location.cells.filter(who).map((cell) => [cell.actionClass, cell.decision]));
}
const kind = (name: AccessCell['principal']) => (cell: AccessCell) => cell.principal === name;
const everything = (decision: string, classes = ['list', 'read', 'write', 'delete', 'tag', 'decrypt', 'encrypt']) => Object.fromEntries(classes.map((name) => [name, decision]));

describe('one principal kind at a time', () => {
  const map = accessMap(locked, { accountId: '111122223333' });

  test("ICA's role session: everything inside its prefix, only list and the key outside it; tagging only with objectTagging", () => {
    expect(row(map, kind('ica'))).toEqual({ ...everything('allow'), tag: 'not allowed' });
    expect(row(map, kind('ica'), 'outside')).toEqual({ ...everything('not allowed'), list: 'allow', decrypt: 'allow', encrypt: 'allow' });
    const read = map.locations[0].cells.find((cell) => cell.principal === 'ica' && cell.actionClass === 'read')!;
    expect(read.statements).toEqual([`${SID.versionedObjectAccess} (permission policy ${locked.policyName})`]);
  });

  test("ICA's user and its federated users (user method): the same prefix reach", () => {
    const userMap = accessMap(open);
    expect(row(userMap, kind('ica'))).toEqual(everything('allow', ['list', 'read', 'write', 'delete']) && { ...everything('allow', ['list', 'read', 'write', 'delete']), tag: 'not allowed' });
    expect(row(userMap, kind('ica-federated'))).toEqual(row(userMap, kind('ica')));
    expect(row(userMap, kind('ica-federated'), 'outside')).toEqual({ ...everything('not allowed', ['read', 'write', 'delete', 'tag']), list: 'allow' });
  });

  test("Illumina's cross-account role: objects of the whole bucket and the key, not the listing; absent without crossAccountCopy", () => {
    expect(row(map, kind('cross-account'))).toEqual({ ...everything('allow'), list: 'not allowed', tag: 'not allowed' });
    expect(row(map, kind('cross-account'), 'outside')).toEqual(row(map, kind('cross-account')));
    expect(accessMap(open).principals.map((principal) => principal.kind)).not.toContain('cross-account');
  });

  test('the deployer: exempt by default, denied like anyone once exemptDeployer is off', () => {
    expect(row(map, kind('deployer'))).toEqual(everything('allow'));
    const strict = accessMap(resolveConfig({ ...base, bucketPolicy: { restrictToIca: true, exemptDeployer: false } }));
    expect(row(strict, kind('deployer'))).toEqual({ ...everything('deny'), list: 'allow', tag: 'allow', decrypt: 'allow', encrypt: 'allow' });
    expect(strict.placeholders).toContain('YOUR_DEPLOYER_ROLE');
  });

  test('an exemptPrincipalArns entry: what its own policies allow', () => {
    expect(row(map, (cell) => cell.who === 'exempt arn:aws:iam::111122223333:role/BreakGlass')).toEqual(everything('allow'));
  });

  test('another principal of the account with s3:* and kms:* on *: denied object access by restrictToIca (naming the Sid), everything without it', () => {
    // Without objectTagging the Deny leaves the tags alone (the gaps say so).
    expect(row(map, kind('account-principal'))).toEqual({ ...everything('deny'), list: 'allow', tag: 'allow', decrypt: 'allow', encrypt: 'allow' });
    const tagged = accessMap(resolveConfig({ ...base, objectTagging: true, bucketPolicy: { restrictToIca: true } }));
    expect(row(tagged, kind('account-principal'))).toEqual({ ...everything('deny'), list: 'allow', decrypt: 'allow', encrypt: 'allow' });
    const read = map.locations[0].cells.find((cell) => cell.principal === 'account-principal' && cell.actionClass === 'read')!;
    expect(read.statements).toEqual([`${SID.restrictToIca} (bucket policy map-data)`]);
    expect(row(accessMap(open), kind('account-principal'))).toEqual(everything('allow', ['list', 'read', 'write', 'delete', 'tag']));
  });

  test('anonymous: never allowed; explicitly denied by restrictToIca', () => {
    expect(row(map, kind('anonymous'))).toEqual({ ...everything('deny'), list: 'not allowed', tag: 'not allowed', decrypt: 'not allowed', encrypt: 'not allowed' });
    expect(row(accessMap(open), kind('anonymous'))).toEqual(everything('not allowed', ['list', 'read', 'write', 'delete', 'tag']));
  });
});

test('placeholders stand for the account and the key until the deployed values are given', () => {
  expect(accessMap(locked).placeholders).toEqual(['YOUR_ACCOUNT_ID', 'YOUR_KEY_ID', 'YOUR_DEPLOYER_ROLE']);
  const key = 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';
  const deployed = accessMap(locked, { accountId: '111122223333', kmsKeyArns: { 'map-data': key }, deployerArn: 'arn:aws:iam::111122223333:role/ci' });
  expect(deployed.placeholders).toEqual([]);
  expect(deployed.locations[0].cells.find((cell) => cell.actionClass === 'decrypt')!.requests[0].resource).toBe(key);
});

test('the gaps follow the config', () => {
  const ids = (config: typeof locked) => accessGaps(config).map((gap) => gap.id);
  expect(ids(open)).toEqual(expect.arrayContaining(['no-restriction', 'ica-reach', 'deletion']));
  expect(ids(open)).not.toContain('federated-users');
  expect(ids(locked)).toEqual(expect.arrayContaining(['bucket-administration', 'federated-users', 'exemptions', 'cross-account-whole-bucket', 'kms-account-administration']));
  expect(ids(locked)).not.toContain('no-restriction');
  expect(ids(locked)).toContain('tags-unrestricted');
  expect(ids(resolveConfig({ ...base, objectTagging: true, bucketPolicy: { restrictToIca: true } }))).not.toContain('tags-unrestricted');
  expect(accessGaps(open).find((gap) => gap.id === 'no-restriction')!.text).toMatch(/any principal of the account/);
});

/** The mermaid flowchart grammar this renderer uses: nodes, subgraphs, and labelled edges between declared nodes. */
function checkMermaid(text: string): string[] {
  const [first, ...lines] = text.split('\n');
  const problems = first === 'flowchart LR' ? [] : [`first line "${first}"`];
  const nodes = new Set<string>();
  let depth = 0;
  const label = '"(?:[^"#]|#quot;)*"';
  for (const line of lines) {
    const node = new RegExp(`^\\s+([a-z]\\d+)\\[${label}\\]$`).exec(line);
    const subgraph = new RegExp(`^\\s+subgraph ([a-z]\\d+)\\[${label}\\]$`).exec(line);
    const edge = new RegExp(`^\\s+([a-z]\\d+) (-->|-\\.-x)\\|${label}\\| ([a-z]\\d+)$`).exec(line);
    if (subgraph) { depth += 1; nodes.add(subgraph[1]); } else if (/^\s+end$/.test(line)) depth -= 1;
    else if (node) nodes.add(node[1]);
    else if (edge) { for (const id of [edge[1], edge[3]]) if (!nodes.has(id)) problems.push(`edge to undeclared ${id}: ${line}`); }
    else problems.push(`not a flowchart line: ${line}`);
    if (depth < 0 || depth > 1) problems.push(`subgraph nesting at: ${line}`);
  }
  if (depth !== 0) problems.push('unclosed subgraph');
  return problems;
}

test('the mermaid diagram is a well-formed flowchart: an arrow per principal that reaches a place, a crossed line for a Deny', () => {
  const text = formatMermaid(accessMap(locked));
  expect(checkMermaid(text)).toEqual([]);
  expect(text).toMatch(/p4 -\.-x\|"denied: read, write, delete"\| l0/);
  expect(checkMermaid(formatMermaid(accessMap(resolveConfig({ ...base, name: 'quote', buckets: [{ name: 'q-data', prefixes: ["it's (raw)/"] }] }))))).toEqual([]);
});

test('the markdown has one table per bucket prefix and per rest of a bucket, every row as wide as its header', () => {
  const text = formatMarkdown(accessMap(locked), accessGaps(locked));
  const tables = text.split('\n').filter((line) => line.startsWith('|'));
  expect(text.match(/^### /gm)).toHaveLength(2);
  for (const line of tables) expect(line.split(/(?<!\\)\|/).length).toBe(tables[0].split(/(?<!\\)\|/).length);
});

describe('the command', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(['explain', ...args], { log: (text) => out.push(text), error: (text) => err.push(text) });
    return { status, out: out.join('\n'), err: err.join('\n') };
  };

  test('prints the table by default, and each format on request', async () => {
    const table = await run('-c', 'examples/role-versioned-kms-bucket-policy-tagging.json');
    expect(table.status).toBe(0);
    expect(table.out).toMatch(/deny \(IcaRestrictObjectAccess\)/);
    expect(table.out).toMatch(/What this config does not protect against:/);
    expect((await run('-c', 'examples/role-versioned-kms-bucket-policy-tagging.json', '--format', 'mermaid')).out).toMatch(/^flowchart LR/);
    expect((await run('-c', 'examples/role-versioned-kms-bucket-policy-tagging.json', '--format', 'markdown')).out).toMatch(/^\| principal \| list \|/m);
  });

  test('misuse exits 2 naming the flag', async () => {
    const bad = await run('-c', 'examples/user-unversioned-sse-s3.json', '--format', 'svg');
    expect(bad).toMatchObject({ status: 2 });
    expect(bad.err).toMatch(/--format svg is not one of table, markdown, mermaid/);
    expect((await run('-c', 'examples/user-unversioned-sse-s3.json', '--format', 'mermaid', '--json')).err).toMatch(/--json and --format/);
  });
});
