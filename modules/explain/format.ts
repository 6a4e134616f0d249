/**
 * The access map of `ica-s3 explain` as text: a plain table, markdown tables, a mermaid diagram, or
 * JSON. Rendering only: the decisions come from the core's `accessMap`, the gaps from
 * `accessGaps`.
 */
import { AccessGap } from '../core/access-gaps';
import { AccessCell, AccessLocation, AccessMap, ActionClass } from '../core/access-map';

export const EXPLAIN_FORMATS = ['table', 'markdown', 'mermaid'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

function locationName(location: AccessLocation): string {
  return location.prefix === undefined ? `s3://${location.bucket} outside the prefixes` : `s3://${location.bucket}/${location.prefix}`;
}

/** The Sids that decide a cell ("own policies" for a principal's assumed policy, which has none). */
function deciders(cell: AccessCell): string[] {
  const wanted = cell.decision === 'deny' ? 'ExplicitlyDenied' : 'Allowed';
  return [...new Set(cell.requests.filter((request) => cell.decision !== 'not allowed' && request.decision === wanted)
    .flatMap((request) => request.deciding.map((statement) => statement.sid ?? 'own policies')))];
}

function cellText(cell: AccessCell): string {
  const by = deciders(cell);
  const partly = cell.decision === 'partly allowed'
    ? `: ${cell.requests.filter((request) => request.decision === 'Allowed').map((request) => request.action).join(', ')}` : '';
  return by.length > 0 ? `${cell.decision}${partly} (${by.join(', ')})` : cell.decision;
}

interface Grid {
  readonly classes: readonly ActionClass[];
  readonly rows: readonly { readonly who: string; readonly cells: readonly string[] }[];
}

function grid(location: AccessLocation): Grid {
  const classes = [...new Set(location.cells.map((cell) => cell.actionClass))];
  const who = [...new Set(location.cells.map((cell) => cell.who))];
  return {
    classes,
    rows: who.map((name) => ({ who: name, cells: classes.map((actionClass) => cellText(location.cells.find((cell) => cell.who === name && cell.actionClass === actionClass) as AccessCell)) })),
  };
}

function header(map: AccessMap): string[] {
  return [
    `Access map of "${map.config}" (account ${map.accountId}), decided over the documents this tool writes.`,
    ...(map.placeholders.length > 0 ? [`Placeholders (known only after apply; pass --outputs FILE to fill the account and keys): ${map.placeholders.join(', ')}`] : []),
  ];
}

function principalNotes(map: AccessMap): string[] {
  return map.principals.map((principal) => `${principal.label}${principal.arn ? ` = ${principal.arn}` : ''}: ${principal.assumes}`);
}

export function formatTable(map: AccessMap, gaps: readonly AccessGap[]): string {
  const lines = [...header(map), ''];
  for (const location of map.locations) {
    const { classes, rows } = grid(location);
    const table = [['', ...classes], ...rows.map((row) => [row.who, ...row.cells])];
    const widths = table[0].map((_cell, column) => Math.max(...table.map((row) => row[column].length)));
    lines.push(locationName(location));
    for (const row of table) lines.push(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}`);
    lines.push('');
  }
  lines.push('Principals:', ...principalNotes(map).map((note) => `  - ${note}`), '', 'What this config does not protect against:', ...gaps.map((gap) => `  - ${gap.text}`));
  return lines.join('\n');
}

const markdownCell = (text: string) => text.replace(/\|/g, '\\|');

export function formatMarkdown(map: AccessMap, gaps: readonly AccessGap[]): string {
  const lines = header(map).flatMap((line) => [line, '']);
  for (const location of map.locations) {
    const { classes, rows } = grid(location);
    lines.push(`### \`${locationName(location)}\``, '', `| principal | ${classes.join(' | ')} |`, `|---|${classes.map(() => '---').join('|')}|`);
    for (const row of rows) lines.push(`| ${[row.who, ...row.cells].map(markdownCell).join(' | ')} |`);
    lines.push('');
  }
  lines.push('Principals:', '', ...principalNotes(map).map((note) => `- ${markdownCell(note)}`), '', 'What this config does not protect against:', '', ...gaps.map((gap) => `- ${gap.text}`));
  return lines.join('\n');
}

/** Mermaid label text: quoted, with the characters that end a label written as entities. */
const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

/**
 * A flowchart: principals on the left, one box per bucket holding its prefixes (and its key), an
 * arrow for what each principal may do there, a dotted crossed line for what a Deny stops.
 */
export function formatMermaid(map: AccessMap): string {
  const lines = ['flowchart LR'];
  const principals = [...new Set(map.locations.flatMap((location) => location.cells.map((cell) => cell.who)))];
  principals.forEach((who, index) => lines.push(`  p${index}[${label(who)}]`));
  const buckets = [...new Set(map.locations.map((location) => location.bucket))];
  buckets.forEach((bucket, bucketIndex) => {
    lines.push(`  subgraph b${bucketIndex}[${label(`s3://${bucket}`)}]`);
    map.locations.forEach((location, index) => {
      if (location.bucket === bucket) lines.push(`    l${index}[${label(location.prefix ?? 'outside the prefixes')}]`);
    });
    lines.push('  end');
  });
  map.locations.forEach((location, index) => {
    principals.forEach((who, principalIndex) => {
      const cells = location.cells.filter((cell) => cell.who === who);
      const allowed = cells.filter((cell) => cell.decision === 'allow').map((cell) => cell.actionClass);
      const denied = cells.filter((cell) => cell.decision === 'deny').map((cell) => cell.actionClass);
      if (allowed.length > 0) lines.push(`  p${principalIndex} -->|${label(allowed.join(', '))}| l${index}`);
      if (denied.length > 0) lines.push(`  p${principalIndex} -.-x|${label(`denied: ${denied.join(', ')}`)}| l${index}`);
    });
  });
  return lines.join('\n');
}

/** The map as JSON: every cell with its requests and deciding statements, the policies, the gaps. */
export function explainJson(map: AccessMap, gaps: readonly AccessGap[]): unknown {
  return {
    config: map.config,
    accountId: map.accountId,
    placeholders: map.placeholders,
    principals: map.principals,
    locations: map.locations,
    notProtectedAgainst: gaps,
    policies: Object.fromEntries(Object.entries(map.policies).map(([name, document]) => [name, document.toJSON()])),
  };
}
