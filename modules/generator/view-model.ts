/**
 * The generator's view model, computed from the domain core: the region table, the action sets,
 * the statement ids, and the module's variables. Variable names, types, defaults and
 * descriptions are derived from the config's JSON Schema (the zod definition in
 * modules/core/config-schema.ts), so every config option is a module input by construction;
 * validations render the patterns of modules/core/rules.ts. Templates only lay these out.
 */
import * as actions from '../core/actions';
import {
  OWN_BUCKET_POLICY_SIDS, RESTORE_CHECK_COMMAND, RESTORE_COMMAND, RESTORE_INPUT_ENVIRONMENT, RestoreInputKey,
} from '../core/adoption';
import { MANAGEABLE_SETTINGS, configJsonSchema } from '../core/config-schema';
import { SID, STATEMENT_KINDS, icaCorsRule } from '../core/policies';
import { mergedBucketPolicySizeMessage } from '../core/quota-checks';
import { AWS_QUOTAS } from '../core/quotas';
import { PROTECTION_HINT, PROTECTION_RESOURCES, releaseCommand } from '../core/protection';
import { ICA_REGIONS, ICA_ROLE_MAX_SESSION_SECONDS, IcaRegion, OIDC_AUDIENCE, crossAccountRoleArn, icaRegionChoices, ICA_REGION_SPELLINGS } from '../core/regions';
import {
  ACCESS_KEY_LABEL_PATTERN, BUCKET_NAME_PATTERN, CORS_HEADER_PATTERN, CORS_ORIGIN_PATTERN, CORS_RULE_ID_PATTERN, IAM_NAME_MAX_LENGTH,
  IAM_NAME_PATTERN, KEPT_CORS_ORIGIN_PATTERN, KMS_KEY_ARN_PATTERN, NAMESPACE_PATTERN, OIDC_PROVIDER_ID_PATTERN, PGP_KEY_PATTERN,
  PREFIX_MAX_LENGTH, PREFIX_PATTERN, PRINCIPAL_ARN_PATTERN, SECRET_NAME_PATTERN, SESSION_NAME_PREFIX_PATTERN, SSM_PARAMETER_NAME_PATTERN, STACK_NAME_PATTERN, TAG_PATTERN,
} from '../core/rules';
import { ResolvedConfig } from '../core/validate';
import { attributeLines, hclHeredoc, hclPretty, hclString, hclValue } from './hcl';

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

/**
 * `sessionNamePrefix` -> `session_name_prefix`, and S3's own spelling of kept CORS rules
 * (`AllowedMethods`, `ID`) -> `allowed_methods`, `id`: config keys as Terraform attribute names.
 */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

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

/** Every key the config schema knows, camelCase -> snake_case, for descriptions that name keys. */
const KEY_NAMES = (() => {
  const names = new Map<string, string>();
  const visit = (node: SchemaNode | undefined) => {
    if (!node) return;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (/[A-Z]/.test(key)) names.set(key, snakeCase(key));
      visit(child);
    }
    for (const variant of forms(node) ?? []) visit(variant);
    visit(node.items);
  };
  visit(SCHEMA);
  return names;
})();

/** A schema description as the module's user reads it: config keys named as module attributes. */
export function terraformWords(text: string): string {
  return text.replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (word) => KEY_NAMES.get(word) ?? word);
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
    const line = `${'  '.repeat(depth)}- ${field.name}${scope}: ${terraformWords(field.node.description ?? '')}${field.required ? ' Required.' : defaultText(field.node)}`;
    return [line, ...fieldLines(field.node, depth + 1)];
  });
}

export interface Validation {
  readonly condition: string;
  readonly errorMessage: string;
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
// Validations: the naming rules of modules/core/rules.ts as Terraform conditions
// ---------------------------------------------------------------------------------------------

/** `can(regex(...))` for one value; RE2 understands every pattern used here. */
function matches(pattern: string, value: string): string {
  return `can(regex(${hclString(pattern)}, ${value}))`;
}

function iamName(kind: keyof typeof IAM_NAME_MAX_LENGTH, value: string): string {
  return `${matches(IAM_NAME_PATTERN, value)} && length(${value}) <= ${IAM_NAME_MAX_LENGTH[kind]}`;
}

/** A prefix as ICA stores it (the module normalises the same way). */
const normalised = (prefix: string) => `endswith(${prefix}, "/") ? ${prefix} : "\${${prefix}}/"`;

/** The settings an adopted bucket hands over: none when `manage` is left out, as the core resolves it. */
const managed = (bucket: string) => `coalesce(${bucket}.manage, [])`;

const KEPT_CORS_METHODS = KEPT_CORS_RULE_SCHEMA.properties?.AllowedMethods?.items?.enum as readonly string[];

/** Each kept CORS rule of each bucket satisfies `condition` (HCL over `rule`). */
const everyKeptCorsRule = (condition: string) => `alltrue(flatten([for bucket in var.buckets : [for rule in bucket.keep_cors_rules : ${condition}]]))`;

/** The adoption fields' rules: modules/core/validate.ts `adoptionProblems` and the kept CORS rules' schema. */
const ADOPTION_VALIDATIONS: readonly Validation[] = [
  {
    condition: 'alltrue([for bucket in var.buckets : bucket.existing || bucket.manage == null && !bucket.existing_policy && length(bucket.keep_cors_rules) == 0])',
    errorMessage: 'buckets[]: manage, existing_policy and keep_cors_rules are only for existing buckets; set existing = true to adopt a bucket that already exists, or remove them (a new bucket gets every setting).',
  },
  {
    condition: `alltrue([for bucket in var.buckets : alltrue([for setting in ${managed('bucket')} : contains(${hclValue(MANAGEABLE_SETTINGS)}, setting)]) && length(distinct(${managed('bucket')})) == length(${managed('bucket')})])`,
    errorMessage: `buckets[].manage: list each of ${MANAGEABLE_SETTINGS.map((setting) => JSON.stringify(setting)).join(', ')} at most once.`,
  },
  {
    condition: 'alltrue([for bucket in var.buckets : !(bucket.existing && bucket.force_destroy)])',
    errorMessage: 'buckets[].force_destroy: is set on an existing bucket, which this module never deletes; remove force_destroy.',
  },
  {
    condition: `alltrue([for bucket in var.buckets : !bucket.existing || bucket.encryption.type != "SSE-KMS" || bucket.encryption.kms_key_arn != null || contains(${managed('bucket')}, "encryption")])`,
    errorMessage: 'buckets[].encryption: asks for a new KMS key, but the existing bucket\'s encryption is not managed, so the key would encrypt nothing; give the key the bucket uses as kms_key_arn, or add "encryption" to manage.',
  },
  {
    condition: `alltrue([for bucket in var.buckets : length(bucket.keep_cors_rules) == 0 || contains(${managed('bucket')}, "cors")])`,
    errorMessage: 'buckets[].keep_cors_rules: is set, but the bucket\'s CORS configuration is not managed (it stays as it is anyway); add "cors" to manage, or remove keep_cors_rules.',
  },
  {
    condition: `alltrue([for bucket in var.buckets : length(bucket.keep_cors_rules) + 1 <= ${AWS_QUOTAS.corsRulesPerBucket.value}])`,
    errorMessage: `buckets[].keep_cors_rules: with ICA's rule there are more than the ${AWS_QUOTAS.corsRulesPerBucket.value} CORS rules S3 allows; merge rules that share methods and headers.`,
  },
  {
    condition: everyKeptCorsRule(`rule.id == null || ${matches(CORS_RULE_ID_PATTERN, 'coalesce(rule.id, " ")')}`),
    errorMessage: 'buckets[].keep_cors_rules[].id: use up to 255 letters, digits, spaces and . _ : / + = @ -.',
  },
  {
    condition: everyKeptCorsRule(`length(rule.allowed_methods) >= 1 && alltrue([for method in rule.allowed_methods : contains(${hclValue(KEPT_CORS_METHODS)}, method)])`),
    errorMessage: `buckets[].keep_cors_rules[].allowed_methods: give one or more of ${KEPT_CORS_METHODS.join(', ')}.`,
  },
  {
    condition: everyKeptCorsRule(`length(rule.allowed_origins) >= 1 && alltrue([for origin in rule.allowed_origins : ${matches(KEPT_CORS_ORIGIN_PATTERN, 'origin')}])`),
    errorMessage: 'buckets[].keep_cors_rules[].allowed_origins: give one or more origins: "*" or an origin such as "https://app.example.com".',
  },
  {
    condition: everyKeptCorsRule(`alltrue([for header in concat(coalesce(rule.allowed_headers, []), coalesce(rule.expose_headers, [])) : ${matches(CORS_HEADER_PATTERN, 'header')}])`),
    errorMessage: 'buckets[].keep_cors_rules[]: allowed_headers and expose_headers are header names such as "Authorization", "ETag" or "*".',
  },
  {
    condition: everyKeptCorsRule('rule.max_age_seconds == null || coalesce(rule.max_age_seconds, 0) >= 0 && floor(coalesce(rule.max_age_seconds, 0)) == coalesce(rule.max_age_seconds, 0)'),
    errorMessage: 'buckets[].keep_cors_rules[].max_age_seconds: give a whole number of seconds, 0 or more.',
  },
];

/** Validation blocks by config key. Cross-variable checks need Terraform >= 1.9 (versions.tf). */
const VALIDATIONS: Readonly<Record<string, readonly Validation[]>> = {
  name: [{ condition: matches(STACK_NAME_PATTERN, 'var.name'), errorMessage: 'name: start with a letter; use up to 40 letters, digits, - and _.' }],
  icaRegion: [{
    condition: 'contains(keys(local.ica_region_codes), lower(trimspace(var.ica_region)))',
    errorMessage: `ica_region: use one of ${icaRegionChoices()}, by code, name or AWS region.`,
  }],
  credential: [
    { condition: 'contains(["user", "role"], var.credential.method)', errorMessage: 'credential.method: use "user" or "role".' },
    {
      condition: `var.credential.method != "role" || ${matches(SESSION_NAME_PREFIX_PATTERN, 'coalesce(var.credential.session_name_prefix, " ")')}`,
      errorMessage: 'credential.session_name_prefix: the role method needs the RoleSessionName prefix ICA generated (1-62 of letters, digits and + = , . @ _ -).',
    },
    { condition: iamName('role', 'var.credential.role_name'), errorMessage: 'credential.role_name: use 1-64 letters, digits and + = , . @ _ -.' },
    { condition: iamName('user', 'var.credential.user_name'), errorMessage: 'credential.user_name: use 1-64 letters, digits and + = , . @ _ -.' },
    { condition: 'contains(["create", "existing"], var.credential.oidc_provider)', errorMessage: 'credential.oidc_provider: use "create" or "existing".' },
    {
      condition: `var.credential.oidc_provider_id == null || ${matches(OIDC_PROVIDER_ID_PATTERN, 'coalesce(var.credential.oidc_provider_id, " ")')}`,
      errorMessage: 'credential.oidc_provider_id: use the 32 hexadecimal characters at the end of the provider URL.',
    },
    {
      condition: `var.credential.namespace == null || ${matches(NAMESPACE_PATTERN, 'coalesce(var.credential.namespace, " ")')}`,
      errorMessage: 'credential.namespace: use the 2-16 lowercase letters and digits Illumina gives for the region, such as "use1".',
    },
    {
      condition: 'var.credential.method != "role" || try(local.ica_regions[local.ica_region_codes[lower(trimspace(var.ica_region))]].oidc_provider_id != null || (var.credential.oidc_provider_id != null && var.credential.namespace != null), true)',
      errorMessage: 'credential: the ICA docs publish no OIDC provider for this ICA region, so the role method needs oidc_provider_id and namespace (ask Illumina support), or use the user method.',
    },
    {
      condition: `length(var.credential.access_keys) >= 1 && length(var.credential.access_keys) <= 2 && length(distinct(var.credential.access_keys)) == length(var.credential.access_keys) && alltrue([for label in var.credential.access_keys : ${matches(ACCESS_KEY_LABEL_PATTERN, 'label')}])`,
      errorMessage: 'credential.access_keys: give one or two distinct labels of 1-32 lowercase letters, digits and -.',
    },
    {
      condition: `var.credential.pgp_key == null || ${matches(PGP_KEY_PATTERN, 'coalesce(var.credential.pgp_key, " ")')}`,
      errorMessage: 'credential.pgp_key: give a base64-encoded PGP public key (gpg --export KEYID | base64) or "keybase:<username>".',
    },
    {
      condition: 'var.credential.secret_store == null || (contains(["ssm", "secretsmanager"], try(var.credential.secret_store.type, "")) && var.credential.pgp_key == null && var.credential.create_access_key)',
      errorMessage: 'credential.secret_store: type "ssm" or "secretsmanager", only with create_access_key and not together with pgp_key.',
    },
    {
      condition: `try(var.credential.secret_store.name, null) == null || try(${matches(SSM_PARAMETER_NAME_PATTERN, 'var.credential.secret_store.name')} && var.credential.secret_store.type == "ssm" || ${matches(SECRET_NAME_PATTERN, 'var.credential.secret_store.name')} && var.credential.secret_store.type == "secretsmanager", false)`,
      errorMessage: 'credential.secret_store.name: an SSM parameter name is a path such as "/ica-s3-connect/acme/access-key"; a secret name uses letters, digits and / _ + = . @ -.',
    },
  ],
  policyName: [{ condition: iamName('policy', 'var.policy_name'), errorMessage: 'policy_name: use 1-128 letters, digits and + = , . @ _ -.' }],
  buckets: [
    { condition: 'length(var.buckets) >= 1', errorMessage: 'buckets: give at least one bucket.' },
    { condition: 'length(distinct(var.buckets[*].name)) == length(var.buckets)', errorMessage: 'buckets: list each bucket once and put all its folders in its prefixes.' },
    {
      condition: `alltrue([for bucket in var.buckets : ${matches(BUCKET_NAME_PATTERN, 'bucket.name')} && !strcontains(bucket.name, "..")])`,
      errorMessage: 'buckets[].name: use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.',
    },
    {
      condition: 'alltrue([for bucket in var.buckets : contains(["Enabled", "Suspended", "Disabled"], bucket.versioning)])',
      errorMessage: 'buckets[].versioning: use "Enabled", "Suspended" or "Disabled".',
    },
    {
      condition: `alltrue([for bucket in var.buckets : contains(["SSE-S3", "SSE-KMS"], bucket.encryption.type) && (bucket.encryption.kms_key_arn == null || bucket.encryption.type == "SSE-KMS" && ${matches(KMS_KEY_ARN_PATTERN, 'coalesce(bucket.encryption.kms_key_arn, " ")')})])`,
      errorMessage: 'buckets[].encryption: type "SSE-S3" or "SSE-KMS"; kms_key_arn only with SSE-KMS, as a key ARN (arn:aws:kms:<region>:<account-id>:key/<key-id>, not an alias).',
    },
    {
      condition: `alltrue([for bucket in var.buckets : bucket.encryption.kms_key_arn == null || try(regex(${hclString(KMS_KEY_ARN_PATTERN)}, bucket.encryption.kms_key_arn)[0] == local.ica_regions[local.ica_region_codes[lower(trimspace(var.ica_region))]].aws_region, true)])`,
      errorMessage: "buckets[].encryption.kms_key_arn: SSE-KMS keys must be in the ICA region's AWS region; use a key there, or omit kms_key_arn to create one.",
    },
    {
      condition: 'alltrue([for bucket in var.buckets : contains(["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"], bucket.object_ownership)])',
      errorMessage: 'buckets[].object_ownership: use "BucketOwnerEnforced", "BucketOwnerPreferred" or "ObjectWriter".',
    },
    {
      condition: `alltrue(flatten([for bucket in var.buckets : [for prefix in bucket.prefixes : ${matches(PREFIX_PATTERN, 'prefix')} && length(prefix) <= ${PREFIX_MAX_LENGTH} && trim(prefix, "/") != "" && !startswith(prefix, "/") && !startswith(prefix, "./") && !startswith(prefix, "../") && !strcontains(prefix, "//") && !contains(split("/", prefix), ".") && !contains(split("/", prefix), "..")]]))`,
      errorMessage: "buckets[].prefixes: name folders such as \"ica-data/\" (never the bucket root, no leading /, ./ or ../, no empty, . or .. folder names; letters, digits, spaces, / and ! _ . ' ( ) -).",
    },
    {
      condition: `alltrue([for bucket in var.buckets : length(bucket.prefixes) >= 1 && length(distinct([for prefix in bucket.prefixes : ${normalised('prefix')}])) == length(bucket.prefixes)])`,
      errorMessage: 'buckets[].prefixes: give at least one prefix per bucket and list each once.',
    },
    {
      condition: `alltrue(flatten([for bucket in var.buckets : [for outer in bucket.prefixes : [for inner in bucket.prefixes : outer == inner || !startswith(${normalised('inner')}, ${normalised('outer')})]]]))`,
      errorMessage: 'buckets[].prefixes: one prefix lies inside another; ICA refuses overlapping prefixes on one bucket.',
    },
    {
      condition: `alltrue(flatten([for bucket in var.buckets : [for key, value in bucket.tags : ${tagCondition('key', 'value')}]]))`,
      errorMessage: 'buckets[].tags: keys of 1-128 and values of up to 256 letters, digits, spaces and _ . : / = + - @; no "aws:" keys.',
    },
    {
      condition: `alltrue([for bucket in var.buckets : length(merge(var.tags, bucket.tags)) <= ${AWS_QUOTAS.tagsPerResource.value}])`,
      errorMessage: `buckets[].tags: with the top-level tags a bucket and its key carry more than the ${AWS_QUOTAS.tagsPerResource.value} tags AWS allows per resource; remove some.`,
    },
    ...ADOPTION_VALIDATIONS,
  ],
  tags: [{
    condition: `length(var.tags) <= ${AWS_QUOTAS.tagsPerResource.value} && alltrue([for key, value in var.tags : ${tagCondition('key', 'value')}])`,
    errorMessage: `tags: at most ${AWS_QUOTAS.tagsPerResource.value}, keys of 1-128 and values of up to 256 letters, digits, spaces and _ . : / = + - @; no "aws:" keys.`,
  }],
  bucketPolicy: [{
    condition: `alltrue([for arn in var.bucket_policy.exempt_principal_arns : ${matches(PRINCIPAL_ARN_PATTERN, 'arn')}])`,
    errorMessage: 'bucket_policy.exempt_principal_arns: write IAM or STS principal ARNs such as arn:aws:iam::<account-id>:role/<name>.',
  }],
  maxManagedPolicies: [{
    condition: `var.max_managed_policies >= 1 && var.max_managed_policies <= ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value} && floor(var.max_managed_policies) == var.max_managed_policies`,
    errorMessage: `max_managed_policies: give a whole number from 1 to ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value} (AWS allows ${AWS_QUOTAS.managedPoliciesPerPrincipal.value} unless the quota is raised).`,
  }],
  objectTagging: [],
  corsAllowedOrigins: [{
    condition: `length(var.cors_allowed_origins) >= 1 && alltrue([for origin in var.cors_allowed_origins : ${matches(CORS_ORIGIN_PATTERN, 'origin')}])`,
    errorMessage: 'cors_allowed_origins: give http(s) origins such as "https://ica.illumina.com".',
  }],
};

function tagCondition(key: string, value: string): string {
  return `${matches(TAG_PATTERN, key)} && ${matches(TAG_PATTERN, value)} && length(${key}) >= 1 && length(${key}) <= 128 && length(${value}) <= 256 && !startswith(lower(${key}), "aws:")`;
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
    : terraformWords(node.description ?? '');
  const fields = fieldLines(node, 0);
  const description = fields.length > 0 ? `${summary}\n${fields.join('\n')}` : summary;
  const type = renderType(typeOf(node), 2);
  const defaultValue = required ? undefined : { value: moduleValue(node.default, node) };
  const validations = VALIDATIONS[key];
  if (!validations) throw new Error(`config key ${key} has no entry in the generator's VALIDATIONS table`);
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

export const OUTPUT_DESCRIPTIONS = {
  storage_configurations: "One entry per bucket prefix: the values of ICA's storage configuration form.",
  principal_arn: 'ARN of the IAM user or role ICA uses.',
  access_key_id: 'Id of the active access key (the last label) for the ICA storage credential (AWS_USER).',
  access_key_ids: 'Every access key id by label; during a rotation the old key is still listed here.',
  secret_access_key: 'Secret of the active access key for the ICA storage credential. Read it with: terraform output -raw secret_access_key',
  encrypted_secret_access_key: 'The active secret access key, encrypted with pgp_key (decrypt with: base64 -d | gpg -d).',
  secret_store_arn: 'ARN of the SSM parameter or Secrets Manager secret holding the active access key as JSON.',
} as const;

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
    roleMaxSessionSeconds: ICA_ROLE_MAX_SESSION_SECONDS,
    regionSpellings: hclPretty(ICA_REGION_SPELLINGS, 2),
    adoption: adoptionViewModel(),
    // The bucket's name goes in with format(): every string the templates write is escaped, so "${...}" cannot be.
    bucketPolicy: { maxChars: AWS_QUOTAS.bucketPolicyBytes.value, sizeMessageFormat: mergedBucketPolicySizeMessage('%s') },
    permission: { statementKinds: [...STATEMENT_KINDS], maxChars: AWS_QUOTAS.managedPolicyChars.value, maxRaised: AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value },
    protection: { ...PROTECTION_RESOURCES, hint: PROTECTION_HINT, releaseExample: releaseCommand('acme-ica-data', 'module.ica_s3_connect.') },
    variables: MODULE_VARIABLES,
    outputs: MODULE_OUTPUTS,
    outputDescriptions: OUTPUT_DESCRIPTIONS,
    requirements: REQUIREMENTS,
  };
}
