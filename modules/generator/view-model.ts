/**
 * The generator's view model, computed from the domain core: the region table, the action sets,
 * the statement ids, and the module's variables. Variable names, types, defaults and
 * descriptions are derived from the config's JSON Schema (the zod definition in
 * modules/core/config-schema.ts), so every config option is a module input by construction;
 * validation blocks come from validations.ts. Templates only lay these out.
 *
 * About 390 lines: the schema walk that turns config keys into typed, described module inputs is
 * one piece; the validation blocks and the module's test suite live in validations.ts and
 * module-tests.ts.
 */
import * as actions from '../core/actions';
import {
  OWN_BUCKET_POLICY_SIDS, RESTORE_CHECK_COMMAND, RESTORE_COMMAND, RESTORE_INPUT_ENVIRONMENT, RestoreInputKey,
} from '../core/adoption';
import { MANAGEABLE_SETTINGS, configJsonSchema } from '../core/config-schema';
import { SID, STATEMENT_KINDS, icaCorsRule } from '../core/ica-policies';
import { mergedBucketPolicySizeMessage, policyCountDetail } from '../core/quota-checks';
import { NAME_FORMATS, NO_ACCESS_KEY_CREDENTIAL, OUTPUT_DESCRIPTIONS, POLICY_VERSION, RESOURCE_DESCRIPTIONS, keptPolicyExpression, keptStatementsExpression } from '../core/renderer-literals';
import { AWS_QUOTAS } from '../core/quotas';
import { PROTECTION_HINT, PROTECTION_RESOURCES, releaseCommand } from '../core/protection';
import { ICA_REGIONS, ICA_ROLE_MAX_SESSION_SECONDS, IcaRegion, OIDC_AUDIENCE, crossAccountRoleArn, ICA_REGION_SPELLINGS } from '../core/regions';
import { ResolvedConfig } from '../core/validate';
import { attributeLines, hclHeredoc, hclPretty, hclString, hclValue } from './hcl';
import { Validation, moduleValidations, moduleWords, ruleMessage, snakeCase } from './validations';

// ---------------------------------------------------------------------------------------------
// The config's JSON Schema as module inputs
// ---------------------------------------------------------------------------------------------

/** The part of a JSON Schema node the generator reads. */
export interface SchemaNode {
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly additionalProperties?: SchemaNode | boolean;
}

/** One field of an object input; a discriminated union's forms are merged into one object. */
export interface SchemaField {
  /** The config key (camelCase). */
  readonly key: string;
  /** The Terraform attribute name (snake_case). */
  readonly name: string;
  readonly node: SchemaNode;
  readonly required: boolean;
  /** The discriminator values of the forms that have this field; undefined when every form has it. */
  readonly forms?: readonly string[];
}

/** Config keys that are not module inputs: the root configuration handles them. */
const ROOT_ONLY_KEYS = new Set(['$schema', 'backend']);

const SCHEMA = configJsonSchema() as SchemaNode;

/** A kept CORS rule of an adopted bucket (`buckets[].keepCorsRules[]`), in S3's own spelling. */
const KEPT_CORS_RULE_SCHEMA = (() => {
  const node = SCHEMA.properties?.buckets?.items?.properties?.keepCorsRules?.items;
  if (!node?.properties) throw new Error('the config schema has no buckets[].keepCorsRules[] object');
  return node;
})();

function forms(node: SchemaNode): readonly SchemaNode[] | undefined {
  return node.oneOf ?? node.anyOf;
}

/** The fields of an object node, or of every form of a discriminated union, merged in order. */
export function objectFields(node: SchemaNode): SchemaField[] {
  const variants = forms(node);
  if (!variants) {
    return Object.entries(node.properties ?? {}).map(([key, child]) => ({
      key, name: snakeCase(key), node: child, required: node.required?.includes(key) ?? false,
    }));
  }
  const discriminator = Object.keys(variants[0].properties ?? {})
    .find((key) => variants.every((variant) => variant.properties?.[key]?.const !== undefined));
  if (!discriminator) throw new Error('a union of object forms without a discriminator cannot become a Terraform type');
  const merged = new Map<string, { key: string; node: SchemaNode; forms: string[] }>();
  for (const variant of variants) {
    const formName = String(variant.properties?.[discriminator]?.const);
    for (const [key, child] of Object.entries(variant.properties ?? {})) {
      const entry = merged.get(key) ?? { key, node: child, forms: [] };
      // A field several forms share keeps every form's description (secretStore.name).
      if (entry.node !== child && child.description && !entry.node.description?.includes(child.description)) {
        entry.node = { ...entry.node, description: `${entry.node.description ?? ''} ${child.description}`.trim() };
      }
      entry.forms.push(formName);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].map((entry) => ({
    key: entry.key,
    name: snakeCase(entry.key),
    node: entry.key === discriminator ? { type: 'string', description: discriminatorDescription(variants, discriminator) } : entry.node,
    required: entry.key === discriminator,
    forms: entry.forms.length === variants.length ? undefined : entry.forms,
  }));
}

function discriminatorDescription(variants: readonly SchemaNode[], discriminator: string): string {
  return variants.map((variant) => {
    const property = variant.properties?.[discriminator] as SchemaNode;
    return `${JSON.stringify(property.const)}: ${property.description ?? ''}`.trim();
  }).join(' ');
}

function isObjectNode(node: SchemaNode): boolean {
  return forms(node) !== undefined || node.properties !== undefined;
}

function isMapNode(node: SchemaNode): boolean {
  return node.type === 'object' && typeof node.additionalProperties === 'object';
}

/** A Terraform type: one line, or an opening line, attribute lines and a closing line. */
type HclType = string | { readonly head: string; readonly fields: readonly (readonly [string, HclType])[]; readonly tail: string };

function wrap(type: HclType, before: string, after: string): HclType {
  return typeof type === 'string' ? `${before}${type}${after}` : { head: `${before}${type.head}`, fields: type.fields, tail: `${type.tail}${after}` };
}

function typeOf(node: SchemaNode): HclType {
  if (isObjectNode(node)) {
    return {
      head: 'object({',
      fields: objectFields(node).map((field) => {
        const type = typeOf(field.node);
        if (field.required) return [field.name, type] as const;
        const fallback = field.node.default !== undefined ? `, ${hclValue(moduleValue(field.node.default, field.node))}` : '';
        return [field.name, wrap(type, 'optional(', `${fallback})`)] as const;
      }),
      tail: '})',
    };
  }
  if (node.type === 'array') return wrap(typeOf(node.items ?? { type: 'string' }), 'list(', ')');
  if (isMapNode(node)) return 'map(string)';
  if (node.type === 'boolean') return 'bool';
  if (node.type === 'number' || node.type === 'integer') return 'number';
  return 'string';
}

/** A type as HCL text for an attribute that starts at column `indent`. */
function renderType(type: HclType, indent: number): string {
  if (typeof type === 'string') return type;
  const fields = type.fields.map(([name, fieldType]) => [name, renderType(fieldType, indent + 2)] as const);
  return `${type.head}\n${attributeLines(fields, indent + 2)}\n${' '.repeat(indent)}${type.tail}`;
}

/**
 * A config value as the module takes it: object keys in snake_case (map keys, such as tag
 * names, unchanged).
 */
export function moduleValue(value: unknown, node: SchemaNode): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => moduleValue(item, node.items ?? {}));
  if (!isObjectNode(node)) return value;
  const fields = new Map(objectFields(node).map((field) => [field.key, field]));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const field = fields.get(key);
    if (!field) throw new Error(`config key ${key} has no module field`);
    return [field.name, moduleValue(item, field.node)];
  }));
}

/** `value` without the fields that equal their schema default (for examples that show only choices). */
export function withoutDefaults(value: unknown, node: SchemaNode): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutDefaults(item, node.items ?? {}));
  if (value === null || typeof value !== 'object' || !isObjectNode(node)) return value;
  const fields = new Map(objectFields(node).map((field) => [field.key, field]));
  const kept = Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const field = fields.get(key);
    if (field && !field.required && field.node.default !== undefined && JSON.stringify(item) === JSON.stringify(field.node.default)) return [];
    return [[key, withoutDefaults(item, field?.node ?? {})] as const];
  });
  return Object.fromEntries(kept);
}

/** A default in words for descriptions: `"Disabled"`, `["primary"]`. */
function defaultText(node: SchemaNode): string {
  return node.default === undefined ? '' : ` Default: ${JSON.stringify(moduleValue(node.default, node))}.`;
}

/** The field list of an object input, one line per field, nested objects indented. */
function fieldLines(node: SchemaNode, depth: number): string[] {
  const target = node.type === 'array' && node.items ? node.items : node;
  if (!isObjectNode(target)) return [];
  return objectFields(target).flatMap((field) => {
    const scope = field.forms ? ` (${field.forms.map((form) => JSON.stringify(form)).join(', ')} only)` : '';
    const line = `${'  '.repeat(depth)}- ${field.name}${scope}: ${moduleWords(field.node.description ?? '')}${field.required ? ' Required.' : defaultText(field.node)}`;
    return [line, ...fieldLines(field.node, depth + 1)];
  });
}

export interface ModuleVariable {
  /** The Terraform variable name; also its key in terraform.tfvars.json. */
  readonly name: string;
  /** The config key it carries. */
  readonly configKey: string;
  /** The Terraform type, laid out for the variable block. */
  readonly type: string;
  /** The full description: the config key's, then one line per field of an object input. */
  readonly description: string;
  /** The first line of the description, for tables. */
  readonly summary: string;
  readonly hasDefault: boolean;
  readonly default?: unknown;
  readonly validations: readonly Validation[];
  /** description, type and default as `terraform fmt` lays them out. */
  readonly attributes: string;
}

// ---------------------------------------------------------------------------------------------
// The variables
// ---------------------------------------------------------------------------------------------

/** description, type and default of a variable block, laid out. */
function variableAttributes(description: string, type: string, defaultValue: { value: unknown } | undefined): string {
  const attributes: [string, string][] = [
    ['description', description.includes('\n') ? hclHeredoc(description, 2) : hclString(description)],
    ['type', type],
  ];
  if (defaultValue) attributes.push(['default', hclValue(defaultValue.value)]);
  return attributeLines(attributes, 2);
}

function moduleVariable(key: string, node: SchemaNode, required: boolean): ModuleVariable {
  const name = snakeCase(key);
  const summary = key === 'icaRegion'
    ? `ICA region by code, name or AWS region: ${ICA_REGIONS.map((region: IcaRegion) => `${region.code} (${region.name}, ${region.awsRegion})`).join(', ')}. Every resource is created in its AWS region.`
    : moduleWords(node.description ?? '');
  const fields = fieldLines(node, 0);
  const description = fields.length > 0 ? `${summary}\n${fields.join('\n')}` : summary;
  const type = renderType(typeOf(node), 2);
  const defaultValue = required ? undefined : { value: moduleValue(node.default, node) };
  const validations = moduleValidations(key);
  return {
    name, configKey: key, type, description, summary,
    hasDefault: !required, default: defaultValue?.value,
    validations,
    attributes: variableAttributes(description, type, defaultValue),
  };
}

/** The module's variables: one per config key but `$schema` and `backend`, in schema order. */
export const MODULE_VARIABLES: readonly ModuleVariable[] = Object.entries(SCHEMA.properties ?? {})
  .filter(([key]) => !ROOT_ONLY_KEYS.has(key))
  .map(([key, node]) => moduleVariable(key, node, SCHEMA.required?.includes(key) ?? false));


/**
 * The config's values as the user wrote them: the core resolves `manage` of a new bucket to every
 * setting, which the module does itself (it takes `manage` only for an existing bucket).
 */
function writtenValues(config: ResolvedConfig): Record<string, unknown> {
  const buckets = config.buckets.map((bucket) => Object.fromEntries(Object.entries(bucket).filter(([key]) => key !== 'manage' || bucket.existing)));
  return { ...config, buckets };
}

/** The config's values as module inputs: the content of terraform.tfvars.json. */
export function moduleInputs(config: ResolvedConfig): Record<string, unknown> {
  const record = writtenValues(config);
  return Object.fromEntries(MODULE_VARIABLES.map((variable) => [
    variable.name,
    variable.configKey === 'icaRegion' ? config.region.code : moduleValue(record[variable.configKey], SCHEMA.properties?.[variable.configKey] as SchemaNode),
  ]));
}

/** The config's choices as module arguments: the inputs without values equal to their defaults. */
export function moduleArguments(config: ResolvedConfig): Record<string, unknown> {
  const record = writtenValues(config);
  const entries = MODULE_VARIABLES.flatMap((variable) => {
    const node = SCHEMA.properties?.[variable.configKey] as SchemaNode;
    if (variable.configKey === 'icaRegion') return [[variable.name, config.region.code] as const];
    const value = record[variable.configKey];
    if (variable.hasDefault && JSON.stringify(value) === JSON.stringify(node.default)) return [];
    return [[variable.name, moduleValue(withoutDefaults(value, node), node)] as const];
  });
  return Object.fromEntries(entries);
}

/** The outputs with the secret one marked sensitive. */
export const MODULE_OUTPUTS = Object.entries(OUTPUT_DESCRIPTIONS)
  .map(([name, description]) => ({ name, description, sensitive: name === 'secret_access_key' }));

/** Names padded so `terraform fmt` finds the `=` signs of a block already aligned. */
function aligned<T extends { name: string }>(items: T[]): T[] {
  const width = Math.max(...items.map((item) => item.name.length));
  return items.map((item) => ({ ...item, name: item.name.padEnd(width) }));
}

/**
 * Version constraints. The module needs Terraform 1.9 for validations that read other variables;
 * the root needs 1.10 for the s3 backend's use_lockfile. Tested with Terraform 1.11 and aws 5.100.
 */
export const REQUIREMENTS = { terraform: '>= 1.9', rootTerraform: '>= 1.10', aws: '>= 5.81' } as const;

/**
 * The restore resource's input in the module, one HCL expression per key of the core's
 * RESTORE_INPUT_ENVIRONMENT (the CDKTF construct records the same values).
 */
const RESTORE_INPUT: Record<RestoreInputKey, string> = {
  bucket: 'each.key',
  region: 'local.region.aws_region',
  account_id: 'local.account_id',
  kept_policy: 'lookup(local.kept_bucket_policies, each.key, "")',
  kept_cors: 'local.kept_cors_configurations[each.key]',
};

/** What the module renders for adopted buckets, from modules/core/adoption.ts and the config schema. */
function adoptionViewModel() {
  const keptCorsFields = objectFields(KEPT_CORS_RULE_SCHEMA);
  return {
    manageableSettings: [...MANAGEABLE_SETTINGS],
    ownBucketPolicySids: [...OWN_BUCKET_POLICY_SIDS],
    /** The provider's cors_rule arguments are the module's field names (`allowed_methods`). */
    keptCorsArguments: aligned(keptCorsFields.map((field) => ({ name: field.name, value: `cors_rule.value.${field.name}` }))),
    /** A kept rule as S3 spells it (`AllowedMethods`), from the module's fields (`rule.allowed_methods`). */
    keptCorsRuleObject: `{ ${keptCorsFields.map((field) => `${hclString(field.key)} = rule.${field.name}`).join(', ')} }`,
    restoreInput: aligned((Object.keys(RESTORE_INPUT_ENVIRONMENT) as RestoreInputKey[]).map((key) => ({ name: key, value: RESTORE_INPUT[key] }))),
    restoreEnvironment: aligned(Object.entries(RESTORE_INPUT_ENVIRONMENT).map(([key, name]) => ({ name, value: `self.input.${key}` }))),
    restoreCheckCommand: RESTORE_CHECK_COMMAND,
    restoreCommand: RESTORE_COMMAND,
  };
}

/** Everything the module templates render that does not depend on the config. */
export function moduleViewModel() {
  const actionSets = aligned([
    { name: 'bucket', actions: actions.BUCKET_ACTIONS },
    { name: 'bucket_versioned', actions: actions.BUCKET_VERSIONED_ACTIONS },
    { name: 'object', actions: actions.OBJECT_ACTIONS },
    { name: 'object_versioned', actions: actions.OBJECT_VERSIONED_ACTIONS },
    { name: 'object_tagging', actions: actions.OBJECT_TAGGING_ACTIONS },
    { name: 'object_version_tagging', actions: actions.OBJECT_VERSION_TAGGING_ACTIONS },
    { name: 'kms_use', actions: actions.KMS_USE_ACTIONS },
    { name: 'federation', actions: actions.FEDERATION_ACTIONS },
    { name: 'restricted_object', actions: actions.RESTRICTED_OBJECT_ACTIONS },
    { name: 'cross_account_object', actions: actions.CROSS_ACCOUNT_OBJECT_ACTIONS },
    { name: 'cross_account_versioned', actions: actions.CROSS_ACCOUNT_VERSIONED_ACTIONS },
    { name: 'kms_cross_account', actions: actions.KMS_CROSS_ACCOUNT_ACTIONS },
  ].map((set) => ({ name: set.name, actions: [...set.actions] })));
  const sidWidth = Math.max(...Object.keys(SID).map((key) => key.length));
  return {
    regions: ICA_REGIONS.map((region: IcaRegion) => ({
      code: region.code,
      name: region.name,
      awsRegion: region.awsRegion,
      oidcProviderId: region.oidc?.providerId ?? null,
      namespace: region.oidc?.namespace ?? null,
      crossAccountRoleArn: crossAccountRoleArn(region),
    })),
    actionSets,
    cors: icaCorsRule([]),
    sids: Object.fromEntries(Object.entries(SID).map(([key, value]) => [key.padEnd(sidWidth), value])),
    oidcAudience: OIDC_AUDIENCE,
    policyVersion: POLICY_VERSION,
    noAccessKeyCredential: NO_ACCESS_KEY_CREDENTIAL,
    descriptions: RESOURCE_DESCRIPTIONS,
    nameFormats: NAME_FORMATS,
    keptStatements: keptStatementsExpression('current.policy', 'local.own_bucket_policy_sids'),
    keptPolicy: keptPolicyExpression('statements'),
    roleMaxSessionSeconds: ICA_ROLE_MAX_SESSION_SECONDS,
    regionSpellings: hclPretty(ICA_REGION_SPELLINGS, 2),
    adoption: adoptionViewModel(),
    // The bucket's name goes in with format(): every string the templates write is escaped, so "${...}" cannot be.
    bucketPolicy: { maxChars: AWS_QUOTAS.bucketPolicyBytes.value, sizeMessageFormat: mergedBucketPolicySizeMessage('%s') },
    permission: {
      statementKinds: [...STATEMENT_KINDS],
      maxChars: AWS_QUOTAS.managedPolicyChars.value,
      // format() verbs: the policy count, the principal kind and max_managed_policies.
      countMessageFormat: ruleMessage('quota.policy-count', { detail: policyCountDetail('%d', '%s', '%d') }),
    },
    protection: { ...PROTECTION_RESOURCES, hint: PROTECTION_HINT, releaseExample: releaseCommand('acme-ica-data', 'module.ica_s3_connect.') },
    variables: MODULE_VARIABLES,
    outputs: MODULE_OUTPUTS,
    outputDescriptions: OUTPUT_DESCRIPTIONS,
    requirements: REQUIREMENTS,
  };
}
