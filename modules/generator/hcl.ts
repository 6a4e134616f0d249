/**
 * HCL literals for the generated Terraform. User values normally travel as tfvars JSON (data,
 * never templates); where a value is written into HCL text (examples, backend blocks), this is
 * the one escaping function: quotes, backslashes, control characters, and Terraform's template
 * sequences `${` and `%{`.
 */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}

/** Any JSON value as an HCL expression; objects and lists on one line (terraform fmt keeps them). */
export function hclValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, item]) => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key)} = ${hclValue(item)}`).join(', ')} }`;
}
