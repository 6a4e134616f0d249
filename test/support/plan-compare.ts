/**
 * Comparing what two Terraform configurations do, resource by resource: the planned (or applied)
 * values of each resource type, matched regardless of addresses, with policy documents compared
 * after parsing (statement, action and resource order normalised).
 */
import { PolicyDocument } from '../../modules/core/policy';

interface ShowResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly values?: Record<string, unknown>;
}
interface ShowModule {
  readonly resources?: ShowResource[];
  readonly child_modules?: ShowModule[];
}

const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy']);

/** Attributes whose values are random or timestamps: equal behaviour, different bytes. */
const VOLATILE = /^(id|arn|policy_id|value|key_id|create_date|secret|ses_smtp_password_v4|encrypted_secret|encrypted_ses_smtp_password_v4|unique_id|version_id|etag|last_modified|tags_all|target_key_arn|target_key_id|policy_arn|version|latest_version|secret_id|status)$/;

function normalisePolicy(text: string): unknown {
  const document = PolicyDocument.fromJSON(text);
  const statements = document.statements.map((statement) => statement.toJSON());
  statements.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { ...document.toJSON(), Statement: statements };
}

function normalise(values: Record<string, unknown>, randomIds: RegExp | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (VOLATILE.test(key)) continue;
    let normalised = value;
    if (POLICY_ATTRIBUTES.has(key) && typeof value === 'string' && value !== '') normalised = normalisePolicy(value);
    if (randomIds) normalised = JSON.parse(JSON.stringify(normalised).replace(randomIds, '<random>'));
    result[key] = normalised;
  }
  return result;
}

/** JSON with object keys sorted at every depth, so equal values print the same. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function collect(module: ShowModule | undefined, into: ShowResource[]): ShowResource[] {
  for (const resource of module?.resources ?? []) if (resource.mode === 'managed') into.push(resource);
  for (const child of module?.child_modules ?? []) collect(child, into);
  return into;
}

/** Resource type -> normalised values of every resource of that type, sorted. */
export function resourcesByType(showJson: { planned_values?: { root_module?: ShowModule }; values?: { root_module?: ShowModule } }, randomIds?: RegExp): Map<string, string[]> {
  const root = showJson.planned_values?.root_module ?? showJson.values?.root_module;
  const byType = new Map<string, string[]>();
  for (const resource of collect(root, [])) {
    const list = byType.get(resource.type) ?? [];
    // A planned resource whose every value is unknown until apply has no `values` at all.
    list.push(stableStringify(normalise(resource.values ?? {}, randomIds)));
    byType.set(resource.type, list);
  }
  for (const list of byType.values()) list.sort();
  return byType;
}

/** Every difference between two plans or states, each naming the resource type and attribute. */
export function differences(left: Map<string, string[]>, right: Map<string, string[]>, names = ['cdktf', 'generated']): string[] {
  const problems: string[] = [];
  for (const type of new Set([...left.keys(), ...right.keys()])) {
    const a = left.get(type) ?? [];
    const b = right.get(type) ?? [];
    if (a.length !== b.length) {
      problems.push(`${type}: ${a.length} in ${names[0]}, ${b.length} in ${names[1]}`);
      continue;
    }
    a.forEach((item, index) => {
      if (item === b[index]) return;
      const x = JSON.parse(item) as Record<string, unknown>;
      const y = JSON.parse(b[index]) as Record<string, unknown>;
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) {
          problems.push(`${type}[${index}].${key}: ${names[0]} ${JSON.stringify(x[key])} != ${names[1]} ${JSON.stringify(y[key])}`);
        }
      }
    });
  }
  return problems;
}
