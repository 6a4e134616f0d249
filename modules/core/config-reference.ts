/**
 * The config reference as rows (path, type, default, description), flattened from the JSON
 * Schema, so docs/configuration.md documents exactly what the validator accepts.
 */
import { configJsonSchema } from './config-schema';

export interface ConfigReferenceRow {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

interface SchemaNode {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
}

function typeOf(node: SchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  if (node.oneOf || node.anyOf) return 'object (one of the forms below)';
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') return 'map of string';
  return node.type ?? 'any';
}

/** `form` marks one form of a union: its fields are listed, its own row is the union's. */
function walk(node: SchemaNode, path: string, required: boolean, rows: ConfigReferenceRow[], form = false): void {
  if (!form && path !== '' && path !== '$schema' && !path.endsWith('[]')) {
    rows.push({
      path,
      type: typeOf(node),
      default: node.default !== undefined ? JSON.stringify(node.default) : required ? 'required' : '-',
      description: node.description ?? '',
    });
  }
  for (const variant of node.oneOf ?? node.anyOf ?? []) walk(variant, path, false, rows, true);
  if (node.type === 'array' && node.items?.properties) walk(node.items, `${path}[]`, false, rows);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    walk(child, childPath, node.required?.includes(key) ?? false, rows);
  }
}

/** Joins the distinct values of one column, as the forms of a discriminated union repeat a path. */
function distinct(values: string[], separator: string): string {
  return [...new Set(values.filter((value) => value !== ''))].join(separator);
}

export function configReferenceRows(): ConfigReferenceRow[] {
  const rows: ConfigReferenceRow[] = [];
  walk(configJsonSchema() as SchemaNode, '', true, rows);
  const paths = [...new Set(rows.map((row) => row.path))];
  return paths.map((path) => {
    const forms = rows.filter((row) => row.path === path);
    const defaults = [...new Set(forms.map((row) => row.default))];
    return {
      path,
      type: distinct(forms.map((row) => row.type), ' \\| '),
      default: defaults.length === 1 ? defaults[0] : '-',
      description: distinct(forms.map((row) => row.description), ' '),
    };
  });
}

export function configReferenceMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...configReferenceRows().map((row) => `| \`${row.path}\` | ${row.type} | ${row.default === '-' ? '-' : `\`${escape(row.default)}\``} | ${escape(row.description)} |`),
  ].join('\n');
}

export const CONFIG_REFERENCE_BEGIN = '<!-- BEGIN_CONFIG_REFERENCE (npm run schema) -->';
export const CONFIG_REFERENCE_END = '<!-- END_CONFIG_REFERENCE -->';

/** A markdown document with the table between the markers replaced by the current one. */
export function replaceConfigReference(markdown: string): string {
  const begin = markdown.indexOf(CONFIG_REFERENCE_BEGIN);
  const end = markdown.indexOf(CONFIG_REFERENCE_END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${CONFIG_REFERENCE_BEGIN} ... ${CONFIG_REFERENCE_END} markers`);
  return `${markdown.slice(0, begin + CONFIG_REFERENCE_BEGIN.length)}\n${configReferenceMarkdown()}\n${markdown.slice(end)}`;
}
