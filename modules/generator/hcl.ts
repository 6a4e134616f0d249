/**
 * HCL text for the generated Terraform. User values normally travel as tfvars JSON (data, never
 * templates); where a value is written into HCL text (examples, backend blocks, descriptions),
 * these are the only escaping functions: quotes, backslashes, control characters, and
 * Terraform's template sequences `${` and `%{`. The layout functions write what `terraform fmt`
 * writes, so the output passes `terraform fmt -check` without running terraform.
 */

/** Terraform's template sequences, doubled so that they stay literal text. */
function escapeTemplates(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escapeTemplates(escaped)}"`;
}

/**
 * A multi-line string as an indented heredoc (`<<-EOT`), for long descriptions. Template
 * sequences are escaped; a line that would end the heredoc early is impossible because every
 * content line is indented past the closing marker.
 */
export function hclHeredoc(text: string, indent: number): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f]/.test(text)) throw new Error('heredoc text holds control characters');
  const pad = ' '.repeat(indent + 2);
  const lines = escapeTemplates(text).split('\n').map((line) => (line === '' ? '' : `${pad}${line}`));
  return `<<-EOT\n${lines.join('\n')}\n${' '.repeat(indent)}EOT`;
}

/** An object key: bare when HCL allows it, quoted otherwise. */
export function hclKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key);
}

/** Any JSON value as a one-line HCL expression (terraform fmt keeps one-line values as they are). */
export function hclValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, item]) => `${hclKey(key)} = ${hclValue(item)}`).join(', ')} }`;
}

/**
 * Attribute lines as `terraform fmt` lays them out: consecutive one-line attributes align their
 * `=`; an attribute whose value spans several lines stands alone and ends the group. Values that
 * span lines must already be indented for `indent`.
 */
export function attributeLines(attributes: readonly (readonly [string, string])[], indent: number): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let group: (readonly [string, string])[] = [];
  const flush = () => {
    const width = Math.max(0, ...group.map(([key]) => key.length));
    for (const [key, value] of group) lines.push(`${pad}${key.padEnd(width)} = ${value}`);
    group = [];
  };
  for (const attribute of attributes) {
    if (attribute[1].includes('\n')) {
      flush();
      lines.push(`${pad}${attribute[0]} = ${attribute[1]}`);
    } else group.push(attribute);
  }
  flush();
  return lines.join('\n');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A JSON value as readable HCL for a value that starts at column `indent`: objects one attribute
 * per line, lists of objects one element per line, scalars and lists of scalars on one line.
 */
export function hclPretty(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const attributes = entries.map(([key, item]) => [hclKey(key), hclPretty(item, indent + 2)] as const);
    return `{\n${attributeLines(attributes, indent + 2)}\n${pad}}`;
  }
  if (Array.isArray(value) && value.some((item) => isObject(item) || Array.isArray(item))) {
    const items = value.map((item) => `${pad}  ${hclPretty(item, indent + 2)},`);
    return `[\n${items.join('\n')}\n${pad}]`;
  }
  return hclValue(value);
}
