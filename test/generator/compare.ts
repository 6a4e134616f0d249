/**
 * Comparing what the CDKTF stack and the generated module plan or hold, config by config: the
 * managed resources of each type, paired by what identifies them, attribute by attribute.
 * Policy documents are compared after parsing (PolicyDocument: statement, action, resource and
 * principal order normalised); JSON strings (secret values) after parsing; values that are random
 * per apply (KMS key ids, access key ids and secrets, creation dates) are replaced by names
 * derived from what owns them, so that every other attribute is compared exactly.
 */
import { PolicyDocument } from '../../modules/core/iam-policy';

export interface ShowResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly values?: Record<string, unknown>;
}
interface ShowModule {
  readonly resources?: ShowResource[];
  readonly child_modules?: ShowModule[];
}
interface ResourceChange {
  readonly address: string;
  readonly change: { readonly actions: string[]; readonly after_unknown?: unknown };
}
export interface ShowJson {
  readonly planned_values?: { root_module?: ShowModule };
  readonly values?: { root_module?: ShowModule; outputs?: Record<string, { value: unknown }> };
  readonly resource_changes?: ResourceChange[];
}

/** The two renderers, as the messages name them. */
export type Side = 'cdktf' | 'generated';

/** Where a config's resources live in each harness (see equivalence.e2e.test.ts). */
export function modulePrefix(side: Side, caseId: string): string {
  return side === 'cdktf' ? `module.${caseId}.` : `module.${caseId}.module.ica_s3_connect.`;
}

const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy']);
/** JSON documents stored as strings: the secret stores' values. */
const JSON_ATTRIBUTES = new Set(['value', 'secret_string', 'insecure_value']);

/**
 * Attributes AWS (here moto) or the provider fills with a fresh value on every apply: creation
 * times, unique ids, object version ids, the random suffix terraform gives attachment ids, and
 * the random id of a terraform_data.
 * Found by applying the same configuration twice and comparing.
 */
const VOLATILE: Readonly<Record<string, readonly string[]>> = {
  '*': ['create_date', 'unique_id'],
  aws_iam_policy: ['policy_id'],
  aws_iam_role_policy_attachment: ['id'],
  aws_iam_user_policy_attachment: ['id'],
  aws_s3_object: ['version_id'],
  aws_secretsmanager_secret_version: ['version_id', 'id'],
  terraform_data: ['id'],
};

function isVolatile(type: string, attribute: string): boolean {
  return VOLATILE['*'].includes(attribute) || (VOLATILE[type]?.includes(attribute) ?? false);
}

/** JSON with object keys sorted at every depth, so equal values print the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A policy with statements, actions, resources and principals in a canonical order. */
export function normalisePolicy(text: string): unknown {
  const document = PolicyDocument.fromJSON(text).canonical();
  const statements = document.statements.map((statement) => statement.toJSON());
  statements.sort((a, b) => stableStringify(a).localeCompare(stableStringify(b)));
  return { ...document.toJSON(), Statement: statements };
}

/** Paths (a.b[0].c) of the attributes a plan marks unknown until apply. */
function unknownPaths(value: unknown, path = ''): string[] {
  if (value === true) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownPaths(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, path ? `${path}.${key}` : key));
  }
  return [];
}

/** The label of an access key: cdktf names the construct `access-key-<label>`, the module keys by label. */
function accessKeyLabel(resource: ShowResource, side: Side): string {
  if (side === 'generated') return String(resource.index);
  const match = /access-key-(.+)_[0-9A-F]{8}$/.exec(resource.name);
  if (!match) throw new Error(`cannot read the access key label of ${resource.address}`);
  return match[1];
}

/** Random values of one config's applied resources -> names derived from their owners. */
function randomTokens(resources: readonly ShowResource[], side: Side): Map<string, string> {
  const tokens = new Map<string, string>();
  const add = (value: unknown, name: string) => { if (typeof value === 'string' && value !== '') tokens.set(value, name); };
  for (const resource of resources) {
    const values = resource.values ?? {};
    if (resource.type === 'aws_kms_key') add(values.key_id, `<key of ${String(values.description)}>`);
    if (resource.type === 'aws_iam_access_key') {
      const label = accessKeyLabel(resource, side);
      for (const attribute of ['id', 'secret', 'encrypted_secret', 'ses_smtp_password_v4', 'encrypted_ses_smtp_password_v4']) {
        add(values[attribute], `<${attribute} of access key ${label}>`);
      }
    }
    // Secrets Manager appends 6 random characters to a secret's ARN.
    if (resource.type === 'aws_secretsmanager_secret') add(values.arn, `<arn of secret ${String(values.name)}>`);
  }
  return tokens;
}

function replaceTokens(value: unknown, tokens: ReadonlyMap<string, string>): unknown {
  if (tokens.size === 0) return value;
  const pattern = new RegExp([...tokens.keys()].sort((a, b) => b.length - a.length).map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const replace = (item: unknown): unknown => {
    if (typeof item === 'string') return item.replace(pattern, (token) => tokens.get(token) as string);
    if (Array.isArray(item)) return item.map(replace);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, child]) => [key, replace(child)]));
    return item;
  };
  return replace(value);
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

/** One resource as the comparison sees it. */
export interface Comparable {
  readonly type: string;
  readonly address: string;
  /** What pairs it with its counterpart. */
  readonly identity: string;
  readonly values: Record<string, unknown>;
}

function identityOf(type: string, values: Record<string, unknown>, label: string | undefined): string {
  const keys = ['bucket', 'key', 'name', 'description', 'url', 'user', 'role', 'secret_id'];
  return [type, label ?? '', ...keys.map((key) => (typeof values[key] === 'string' ? values[key] : ''))].join('|');
}

/**
 * The managed resources of one config in a `terraform show -json` of a plan (values known at plan
 * time, plus the paths still unknown) or of a state (every value, random ones renamed).
 */
export function comparableResources(show: ShowJson, side: Side, caseId: string): Comparable[] {
  const prefix = modulePrefix(side, caseId);
  const collect = (module: ShowModule | undefined, into: ShowResource[]): ShowResource[] => {
    for (const resource of module?.resources ?? []) if (resource.mode === 'managed' && resource.address.startsWith(prefix)) into.push(resource);
    for (const child of module?.child_modules ?? []) collect(child, into);
    return into;
  };
  const resources = collect((show.planned_values ?? show.values)?.root_module, []);
  const changes = new Map((show.resource_changes ?? []).map((change) => [change.address, change.change]));
  const tokens = show.planned_values ? new Map<string, string>() : randomTokens(resources, side);
  return resources.map((resource) => {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource.values ?? {})) {
      if (isVolatile(resource.type, key)) continue;
      let normalised = replaceTokens(value, tokens);
      if (typeof normalised === 'string' && normalised !== '') {
        if (POLICY_ATTRIBUTES.has(key)) normalised = normalisePolicy(normalised);
        else if (JSON_ATTRIBUTES.has(key)) normalised = parseJson(normalised);
      }
      values[key] = normalised;
    }
    const change = changes.get(resource.address);
    if (change) {
      values['(planned actions)'] = change.actions;
      values['(unknown until apply)'] = unknownPaths(change.after_unknown).filter((path) => !isVolatile(resource.type, path.split(/[.[]/)[0])).sort();
    }
    const label = resource.type === 'aws_iam_access_key' ? accessKeyLabel(resource, side) : undefined;
    return { type: resource.type, address: resource.address, identity: identityOf(resource.type, values, label), values };
  });
}

/**
 * Every difference between the two renderers' resources of one config, each naming the resource
 * type, its identity and the attribute. Resources pair by identity, then by their values.
 */
export function resourceDifferences(cdktf: readonly Comparable[], generated: readonly Comparable[]): string[] {
  const problems: string[] = [];
  const byType = (list: readonly Comparable[]) => {
    const map = new Map<string, Comparable[]>();
    for (const item of list) map.set(item.type, [...(map.get(item.type) ?? []), item]);
    for (const items of map.values()) items.sort((a, b) => a.identity.localeCompare(b.identity) || stableStringify(a.values).localeCompare(stableStringify(b.values)));
    return map;
  };
  const left = byType(cdktf);
  const right = byType(generated);
  for (const type of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const a = left.get(type) ?? [];
    const b = right.get(type) ?? [];
    if (a.length !== b.length) {
      problems.push(`${type}: ${a.length} in cdktf (${a.map((item) => item.address).join(', ')}), ${b.length} in generated (${b.map((item) => item.address).join(', ')})`);
      continue;
    }
    a.forEach((item, index) => {
      const other = b[index];
      for (const key of [...new Set([...Object.keys(item.values), ...Object.keys(other.values)])].sort()) {
        const x = stableStringify(item.values[key]);
        const y = stableStringify(other.values[key]);
        if (x !== y) problems.push(`${item.address} ~ ${other.address}: attribute "${key}": cdktf ${x} != generated ${y}`);
      }
    });
  }
  return problems;
}

/**
 * The outputs of one config after apply. The module declares every output and sets the ones that
 * do not apply to null (access_key_ids to {}), where the CDKTF stack leaves them out: those count
 * as equal; every other output must hold the same value.
 */
export function outputDifferences(cdktf: Record<string, unknown>, generated: Record<string, unknown>, cdktfTokens: ReadonlyMap<string, string>, generatedTokens: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const left = replaceTokens(cdktf, cdktfTokens) as Record<string, unknown>;
  const right = replaceTokens(generated, generatedTokens) as Record<string, unknown>;
  for (const name of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    const a = left[name];
    const b = right[name];
    if (a === undefined && (b === null || (name === 'access_key_ids' && stableStringify(b) === '{}'))) continue;
    if (stableStringify(a) !== stableStringify(b)) problems.push(`output "${name}": cdktf ${stableStringify(a)} != generated ${stableStringify(b)}`);
  }
  return problems;
}

/** The random values of one config's applied resources, for outputDifferences. */
export function stateTokens(show: ShowJson, side: Side, caseId: string): Map<string, string> {
  const prefix = modulePrefix(side, caseId);
  const resources: ShowResource[] = [];
  const collect = (module: ShowModule | undefined) => {
    for (const resource of module?.resources ?? []) if (resource.mode === 'managed' && resource.address.startsWith(prefix)) resources.push(resource);
    for (const child of module?.child_modules ?? []) collect(child);
  };
  collect(show.values?.root_module);
  return randomTokens(resources, side);
}
