/**
 * The generated module's `validation` blocks: one per catalogue rule the module can check, with the
 * HCL condition written here and the words taken from modules/core/rule-catalogue.ts, so that
 * `terraform plan` and `ica-s3 validate` say the same thing. Each entry also carries an input that
 * breaks only its rule: the module's `terraform test` suite runs one `expect_failures` run per
 * entry, and the generator's tests check that every module-checkable rule has an entry.
 *
 * About 360 lines: one table of every validation block, each with its condition and breaking input.
 */
import { CHOICES, MANAGEABLE_SETTINGS } from '../core/config-schema';
import { AWS_QUOTAS } from '../core/quotas';
import { RULES, Rule, RuleId } from '../core/rule-catalogue';
import {
  ACCESS_KEY_LABEL_PATTERN, BUCKET_NAME_CHARACTERS_PATTERN, BUCKET_NAME_ENDS_PATTERN, BUCKET_RESERVED_PREFIXES, BUCKET_RESERVED_SUFFIXES, CORS_HEADER_PATTERN, CORS_ORIGIN_PATTERN, CORS_RULE_ID_PATTERN,
  IAM_NAME_MAX_LENGTH, IAM_NAME_PATTERN, IP_ADDRESS_PATTERN, KEPT_CORS_ORIGIN_PATTERN, KMS_KEY_ARN_PATTERN, NAMESPACE_PATTERN, OIDC_PROVIDER_ID_PATTERN,
  PGP_KEY_PATTERN, PREFIX_MAX_LENGTH, PREFIX_PATTERN, PRINCIPAL_ARN_PATTERN, SECRET_NAME_PATTERN, SSM_PARAMETER_NAME_PATTERN,
  STACK_NAME_PATTERN, TAG_PATTERN,
} from '../core/rules';
import { hclString, hclValue } from './hcl';

/** One validation block of a module variable. */
export interface ModuleValidation {
  readonly rule: RuleId;
  /** The HCL condition, true when the input keeps the rule. */
  readonly condition: string;
  /** The input path in the module's spelling, when it differs from the rule's (`buckets[].tags` for a tag rule). */
  readonly path?: string;
  /** Words the rule's fix needs here: the allowed values of an enum, a minimum. */
  readonly hint?: string;
  /**
   * Module inputs that break this rule and no other rule of the same variable (merged over a valid
   * set of inputs): the `terraform test` run of the rule.
   */
  readonly breaking: Readonly<Record<string, unknown>>;
}

export interface Validation extends ModuleValidation {
  /** The message Terraform prints: the catalogue's words, the rule id last. */
  readonly errorMessage: string;
}

/** `sessionNamePrefix` -> `session_name_prefix`; S3's spelling (`AllowedMethods`, `ID`) -> `allowed_methods`, `id`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** A config path in the module's spelling: `buckets[].keepCorsRules[].ID` -> `buckets[].keep_cors_rules[].id`. */
export function modulePath(path: string): string {
  return path.split('.').map((segment) => segment.replace(/^[^[]+/, (key) => snakeCase(key))).join('.');
}

/** Config key names in free text (messages, fixes) in the module's spelling. */
export function moduleWords(text: string): string {
  return text.replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (word) => snakeCase(word));
}

/**
 * A rule's message as the module prints it: the input path, the rule's words (with `detail` on
 * what this value shows), the fix (with `hint` on what applies here), and the rule id to look it up.
 */
export function ruleMessage(id: RuleId, options: { readonly path?: string; readonly detail?: string; readonly hint?: string } = {}): string {
  const rule: Rule = RULES[id];
  const path = options.path ?? modulePath(rule.path);
  return `${path} ${moduleWords(rule.message)}${options.detail ? ` (${options.detail})` : ''}. Fix: ${moduleWords(rule.fix)}${options.hint ? ` (${options.hint})` : ''}. [${id}]`;
}

/** The error message of a validation block. */
export function validationMessage(validation: ModuleValidation): string {
  return ruleMessage(validation.rule, { path: validation.path, hint: validation.hint });
}

/** `can(regex(...))` for one value; RE2 understands every pattern used here. */
function matches(pattern: string, value: string): string {
  return `can(regex(${hclString(pattern)}, ${value}))`;
}

const oneOf = (values: readonly string[]) => `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;

/** Each bucket satisfies `condition` (HCL over `bucket`). */
const everyBucket = (condition: string) => `alltrue([for bucket in var.buckets : ${condition}])`;
/** Each prefix of each bucket satisfies `condition` (HCL over `prefix`). */
const everyPrefix = (condition: string) => `alltrue(flatten([for bucket in var.buckets : [for prefix in bucket.prefixes : ${condition}]]))`;
/** Each kept CORS rule of each bucket satisfies `condition` (HCL over `rule`). */
const everyKeptCorsRule = (condition: string) => `alltrue(flatten([for bucket in var.buckets : [for rule in bucket.keep_cors_rules : ${condition}]]))`;
/** Each tag of `tags` satisfies `condition` (HCL over `key` and `value`). */
const everyTag = (tags: string, condition: string) => `alltrue([for key, value in ${tags} : ${condition}])`;
const everyBucketTag = (condition: string) => `alltrue(flatten([for bucket in var.buckets : [for key, value in bucket.tags : ${condition}]]))`;

/** A prefix as ICA stores it (the module normalises the same way). */
const normalised = (prefix: string) => `(endswith(${prefix}, "/") ? ${prefix} : "\${${prefix}}/")`;
/** The settings an adopted bucket hands over: none when `manage` is left out, as the core resolves it. */
const managed = (bucket: string) => `coalesce(${bucket}.manage, [])`;
/** The ICA region the input names, or null (its own rule reports an unknown one). */
const icaRegion = 'try(local.ica_regions[local.ica_region_codes[lower(trimspace(var.ica_region))]], null)';
/**
 * The session name prefix, "x" when unset. `||` evaluates both sides in Terraform, so a condition
 * guarded by `== null ||` must still not call a function on null; coalesce would also turn "" into
 * the fallback, hiding an empty prefix.
 */
const sessionNamePrefix = '(var.credential.session_name_prefix == null ? "x" : var.credential.session_name_prefix)';
/** A role credential's optional string, or a value that passes when it is not set. */
const roleValue = (field: string) => `var.credential.method != "role" || var.credential.${field} == null`;

/** The value `value` (HCL) is one of `values`. */
const isOneOf = (values: readonly string[], value: string) => `contains(${hclValue(values)}, ${value})`;
const TAG_CHARACTERS = (text: string) => matches(TAG_PATTERN, text);

/** Buckets as module inputs: one valid bucket, with `bucket` merged over it. */
const bucket = (fields: Record<string, unknown>) => ({ buckets: [{ name: 'acme-data', prefixes: ['ica/'], ...fields }] });
const adopted = (fields: Record<string, unknown>) => bucket({ existing: true, ...fields });
const keptCorsRule = (fields: Record<string, unknown>) => adopted({ manage: ['cors'], keep_cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['*'], ...fields }] });
const role = (fields: Record<string, unknown>) => ({ credential: { method: 'role', session_name_prefix: 'Ab12', ...fields } });
const user = (fields: Record<string, unknown>) => ({ credential: { method: 'user', ...fields } });
const manyTags = (prefix: string, count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, 'x']));

function iamNameValidations(kind: keyof typeof IAM_NAME_MAX_LENGTH, value: string, breaking: (name: string) => Record<string, unknown>): ModuleValidation[] {
  const rules = { user: ['user-name.length', 'user-name.characters'], role: ['role-name.length', 'role-name.characters'], policy: ['policy-name.length', 'policy-name.characters'] } as const;
  const max = IAM_NAME_MAX_LENGTH[kind];
  return [
    { rule: rules[kind][0], condition: `length(${value}) >= 1 && length(${value}) <= ${max}`, breaking: breaking('a'.repeat(max + 1)) },
    { rule: rules[kind][1], condition: `length(${value}) == 0 || ${matches(IAM_NAME_PATTERN, value)}`, breaking: breaking('my name') },
  ];
}

function tagValidations(tags: string, every: (condition: string) => string, path: string, breaking: (tags: Record<string, string>) => Record<string, unknown>): ModuleValidation[] {
  return [
    { rule: 'tag-key.length', path, condition: every('length(key) >= 1 && length(key) <= 128'), breaking: breaking({ ['k'.repeat(129)]: 'x' }) },
    { rule: 'tag-key.reserved', path, condition: every('!startswith(lower(key), "aws:")'), breaking: breaking({ 'aws:owner': 'x' }) },
    { rule: 'tag-key.characters', path, condition: every(TAG_CHARACTERS('key')), breaking: breaking({ 'team!': 'x' }) },
    { rule: 'tag-value.length', path, condition: every('length(value) <= 256'), breaking: breaking({ team: 'v'.repeat(257) }) },
    { rule: 'tag-value.characters', path, condition: every(TAG_CHARACTERS('value')), breaking: breaking({ team: 'a|b' }) },
    { rule: 'tags.count', path, condition: `length(${tags}) <= ${AWS_QUOTAS.tagsPerResource.value}`, breaking: breaking(manyTags('t', AWS_QUOTAS.tagsPerResource.value + 1)) },
  ];
}

const bucketValidations: readonly ModuleValidation[] = [
  { rule: 'schema.too-small', path: 'buckets', hint: 'at least one bucket', condition: 'length(var.buckets) >= 1', breaking: { buckets: [] } },
  {
    rule: 'buckets.unique', condition: 'length(distinct(var.buckets[*].name)) == length(var.buckets)',
    breaking: { buckets: [{ name: 'acme-data', prefixes: ['a/'] }, { name: 'acme-data', prefixes: ['b/'] }] },
  },
  { rule: 'bucket-name.length', condition: everyBucket('length(bucket.name) >= 3 && length(bucket.name) <= 63'), breaking: bucket({ name: 'ab' }) },
  { rule: 'bucket-name.characters', condition: everyBucket(matches(BUCKET_NAME_CHARACTERS_PATTERN, 'bucket.name')), breaking: bucket({ name: 'acme_data' }) },
  { rule: 'bucket-name.ends', condition: everyBucket(`length(bucket.name) < 2 || ${matches(BUCKET_NAME_ENDS_PATTERN, 'bucket.name')}`), breaking: bucket({ name: 'acme-data-' }) },
  { rule: 'bucket-name.adjacent-dots', condition: everyBucket('!strcontains(bucket.name, "..")'), breaking: bucket({ name: 'acme..data' }) },
  { rule: 'bucket-name.ip-address', condition: everyBucket(`!${matches(IP_ADDRESS_PATTERN, 'bucket.name')}`), breaking: bucket({ name: '192.168.5.4' }) },
  {
    rule: 'bucket-name.reserved-prefix', hint: oneOf(BUCKET_RESERVED_PREFIXES),
    condition: everyBucket(`!anytrue([for reserved in ${hclValue(BUCKET_RESERVED_PREFIXES)} : startswith(bucket.name, reserved)])`), breaking: bucket({ name: 'xn--acme' }),
  },
  {
    rule: 'bucket-name.reserved-suffix', hint: oneOf(BUCKET_RESERVED_SUFFIXES),
    condition: everyBucket(`!anytrue([for reserved in ${hclValue(BUCKET_RESERVED_SUFFIXES)} : endswith(bucket.name, reserved)])`), breaking: bucket({ name: 'acme-s3alias' }),
  },
  {
    rule: 'schema.enum', path: 'buckets[].versioning', hint: oneOf(CHOICES.versioning),
    condition: everyBucket(isOneOf(CHOICES.versioning, 'bucket.versioning')), breaking: bucket({ versioning: 'enabled' }),
  },
  {
    rule: 'schema.enum', path: 'buckets[].encryption.type', hint: oneOf(CHOICES.encryptionType),
    condition: everyBucket(isOneOf(CHOICES.encryptionType, 'bucket.encryption.type')), breaking: bucket({ encryption: { type: 'AES' } }),
  },
  {
    rule: 'schema.unknown-key', path: 'buckets[].encryption.kms_key_arn', hint: 'kms_key_arn is only for type "SSE-KMS"',
    condition: everyBucket('bucket.encryption.kms_key_arn == null || bucket.encryption.type == "SSE-KMS"'),
    breaking: bucket({ encryption: { type: 'SSE-S3', kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }),
  },
  {
    rule: 'kms-key-arn.pattern', condition: everyBucket(`bucket.encryption.kms_key_arn == null || ${matches(KMS_KEY_ARN_PATTERN, 'coalesce(bucket.encryption.kms_key_arn, " ")')}`),
    breaking: bucket({ encryption: { type: 'SSE-KMS', kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:alias/x' } }),
  },
  {
    rule: 'kms-key.region',
    condition: everyBucket(`bucket.encryption.kms_key_arn == null || try(regex(${hclString(KMS_KEY_ARN_PATTERN)}, bucket.encryption.kms_key_arn)[0] == ${icaRegion}.aws_region, true)`),
    breaking: bucket({ encryption: { type: 'SSE-KMS', kms_key_arn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }),
  },
  {
    rule: 'schema.enum', path: 'buckets[].object_ownership', hint: oneOf(CHOICES.objectOwnership),
    condition: everyBucket(isOneOf(CHOICES.objectOwnership, 'bucket.object_ownership')), breaking: bucket({ object_ownership: 'Mine' }),
  },
  { rule: 'schema.too-small', path: 'buckets[].prefixes', hint: 'at least one prefix per bucket', condition: everyBucket('length(bucket.prefixes) >= 1'), breaking: bucket({ prefixes: [] }) },
  { rule: 'prefix.root', condition: everyPrefix('trimspace(prefix) != "" && trim(prefix, "/") != ""'), breaking: bucket({ prefixes: [''] }) },
  { rule: 'prefix.leading-slash', condition: everyPrefix('!startswith(prefix, "/")'), breaking: bucket({ prefixes: ['/ica/'] }) },
  {
    rule: 'prefix.dot-start', condition: everyPrefix('!(startswith(prefix, "./") || startswith(prefix, "../") || prefix == "." || prefix == "..")'),
    breaking: bucket({ prefixes: ['../ica/'] }),
  },
  {
    rule: 'prefix.dot-folder', condition: everyPrefix('startswith(prefix, "./") || startswith(prefix, "../") || !(contains(split("/", prefix), ".") || contains(split("/", prefix), ".."))'),
    breaking: bucket({ prefixes: ['ica/../runs/'] }),
  },
  { rule: 'prefix.empty-folder', condition: everyPrefix('!strcontains(replace(prefix, "/^\\\\/+/", ""), "//")'), breaking: bucket({ prefixes: ['ica//runs/'] }) },
  { rule: 'prefix.characters', condition: everyPrefix(matches(PREFIX_PATTERN, 'prefix')), breaking: bucket({ prefixes: ['ica$/'] }) },
  { rule: 'prefix.length', condition: everyPrefix(`length(prefix) <= ${PREFIX_MAX_LENGTH}`), breaking: bucket({ prefixes: [`${'a'.repeat(PREFIX_MAX_LENGTH)}/`] }) },
  {
    rule: 'prefixes.unique', condition: everyBucket(`length(distinct([for prefix in bucket.prefixes : ${normalised('prefix')}])) == length(bucket.prefixes)`),
    breaking: bucket({ prefixes: ['ica', 'ica/'] }),
  },
  {
    rule: 'prefixes.overlap',
    // Sorted, a prefix that starts another sorts right before one that starts with it: comparing
    // neighbours finds every overlap in one pass, where comparing every pair is quadratic.
    condition: `alltrue(flatten([for bucket in var.buckets : [for sorted in [sort([for prefix in bucket.prefixes : ${normalised('prefix')}])] : [for index, prefix in slice(sorted, min(1, length(sorted)), length(sorted)) : prefix == sorted[index] || !startswith(prefix, sorted[index])]]]))`,
    breaking: bucket({ prefixes: ['ica/', 'ica/runs/'] }),
  },
  ...tagValidations('bucket.tags', everyBucketTag, 'buckets[].tags', (tags) => bucket({ tags })).map((validation) => (validation.rule === 'tags.count'
    ? { ...validation, condition: everyBucket(`length(bucket.tags) <= ${AWS_QUOTAS.tagsPerResource.value}`) }
    : validation)),
  {
    rule: 'tags.merged-count', condition: everyBucket(`length(merge(var.tags, bucket.tags)) <= ${AWS_QUOTAS.tagsPerResource.value}`),
    breaking: { tags: manyTags('t', 30), ...bucket({ tags: manyTags('b', 21) }) },
  },
  {
    rule: 'adoption.existing-only', condition: everyBucket('bucket.existing || bucket.manage == null && !bucket.existing_policy && length(bucket.keep_cors_rules) == 0'),
    breaking: bucket({ manage: ['cors'] }),
  },
  {
    rule: 'schema.enum', path: 'buckets[].manage[]', hint: oneOf(MANAGEABLE_SETTINGS),
    condition: everyBucket(`alltrue([for setting in ${managed('bucket')} : contains(${hclValue(MANAGEABLE_SETTINGS)}, setting)])`), breaking: adopted({ manage: ['lifecycle'] }),
  },
  { rule: 'adoption.manage-unique', condition: everyBucket(`length(distinct(${managed('bucket')})) == length(${managed('bucket')})`), breaking: adopted({ manage: ['cors', 'cors'] }) },
  { rule: 'adoption.force-destroy', condition: everyBucket('!(bucket.existing && bucket.force_destroy)'), breaking: adopted({ force_destroy: true }) },
  {
    rule: 'adoption.new-key-unmanaged',
    condition: everyBucket(`!bucket.existing || bucket.encryption.type != "SSE-KMS" || bucket.encryption.kms_key_arn != null || contains(${managed('bucket')}, "encryption")`),
    breaking: adopted({ encryption: { type: 'SSE-KMS' } }),
  },
  {
    rule: 'adoption.kept-cors-unmanaged', condition: everyBucket(`length(bucket.keep_cors_rules) == 0 || contains(${managed('bucket')}, "cors")`),
    breaking: adopted({ keep_cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['*'] }] }),
  },
  {
    rule: 'adoption.kept-cors-count', condition: everyBucket(`length(bucket.keep_cors_rules) + 1 <= ${AWS_QUOTAS.corsRulesPerBucket.value}`),
    breaking: adopted({ manage: ['cors'], keep_cors_rules: Array.from({ length: AWS_QUOTAS.corsRulesPerBucket.value }, () => ({ allowed_methods: ['GET'], allowed_origins: ['*'] })) }),
  },
  { rule: 'kept-cors-id.pattern', condition: everyKeptCorsRule(`rule.id == null || ${matches(CORS_RULE_ID_PATTERN, 'coalesce(rule.id, " ")')}`), breaking: keptCorsRule({ id: 'a|b' }) },
  {
    rule: 'schema.too-small', path: 'buckets[].keep_cors_rules[].allowed_methods', hint: 'at least one method',
    condition: everyKeptCorsRule('length(rule.allowed_methods) >= 1'), breaking: keptCorsRule({ allowed_methods: [] }),
  },
  {
    rule: 'schema.enum', path: 'buckets[].keep_cors_rules[].allowed_methods[]', hint: oneOf(CHOICES.keptCorsMethod),
    condition: everyKeptCorsRule(`alltrue([for method in rule.allowed_methods : ${isOneOf(CHOICES.keptCorsMethod, 'method')}])`), breaking: keptCorsRule({ allowed_methods: ['PATCH'] }),
  },
  {
    rule: 'schema.too-small', path: 'buckets[].keep_cors_rules[].allowed_origins', hint: 'at least one origin',
    condition: everyKeptCorsRule('length(rule.allowed_origins) >= 1'), breaking: keptCorsRule({ allowed_origins: [] }),
  },
  {
    rule: 'kept-cors-origin.pattern', condition: everyKeptCorsRule(`alltrue([for origin in rule.allowed_origins : ${matches(KEPT_CORS_ORIGIN_PATTERN, 'origin')}])`),
    breaking: keptCorsRule({ allowed_origins: ['app.example.com'] }),
  },
  {
    rule: 'kept-cors-header.pattern', path: 'buckets[].keep_cors_rules[]', hint: 'allowed_headers and expose_headers',
    condition: everyKeptCorsRule(`alltrue([for header in concat(coalesce(rule.allowed_headers, []), coalesce(rule.expose_headers, [])) : ${matches(CORS_HEADER_PATTERN, 'header')}])`),
    breaking: keptCorsRule({ expose_headers: ['E Tag'] }),
  },
  {
    rule: 'schema.too-small', path: 'buckets[].keep_cors_rules[].max_age_seconds', hint: '0 or more',
    condition: everyKeptCorsRule('rule.max_age_seconds == null || coalesce(rule.max_age_seconds, 0) >= 0'), breaking: keptCorsRule({ max_age_seconds: -1 }),
  },
  {
    rule: 'schema.number', path: 'buckets[].keep_cors_rules[].max_age_seconds',
    condition: everyKeptCorsRule('rule.max_age_seconds == null || floor(coalesce(rule.max_age_seconds, 0)) == coalesce(rule.max_age_seconds, 0)'), breaking: keptCorsRule({ max_age_seconds: 1.5 }),
  },
];

const credentialValidations: readonly ModuleValidation[] = [
  { rule: 'schema.enum', path: 'credential.method', hint: oneOf(CHOICES.credentialMethod), condition: isOneOf(CHOICES.credentialMethod, 'var.credential.method'), breaking: { credential: { method: 'key' } } },
  {
    rule: 'schema.required', path: 'credential.session_name_prefix', hint: 'the role method needs the RoleSessionName prefix ICA generated',
    condition: 'var.credential.method != "role" || var.credential.session_name_prefix != null', breaking: { credential: { method: 'role' } },
  },
  {
    rule: 'session-name-prefix.length', condition: `${roleValue('session_name_prefix')} || length(${sessionNamePrefix}) <= 62 && length(${sessionNamePrefix}) >= 1`,
    breaking: role({ session_name_prefix: 'a'.repeat(63) }),
  },
  {
    rule: 'session-name-prefix.characters', condition: `${roleValue('session_name_prefix')} || length(${sessionNamePrefix}) == 0 || ${matches(IAM_NAME_PATTERN, sessionNamePrefix)}`,
    breaking: role({ session_name_prefix: 'Ab 12' }),
  },
  ...iamNameValidations('role', 'var.credential.role_name', (name) => role({ role_name: name })),
  ...iamNameValidations('user', 'var.credential.user_name', (name) => user({ user_name: name })),
  {
    rule: 'schema.enum', path: 'credential.oidc_provider', hint: oneOf(CHOICES.oidcProvider),
    condition: isOneOf(CHOICES.oidcProvider, 'var.credential.oidc_provider'), breaking: role({ oidc_provider: 'maybe' }),
  },
  {
    rule: 'oidc-provider-id.pattern', condition: `var.credential.oidc_provider_id == null || ${matches(OIDC_PROVIDER_ID_PATTERN, 'coalesce(var.credential.oidc_provider_id, " ")')}`,
    breaking: role({ oidc_provider_id: 'ABC' }),
  },
  { rule: 'namespace.pattern', condition: `var.credential.namespace == null || ${matches(NAMESPACE_PATTERN, 'coalesce(var.credential.namespace, " ")')}`, breaking: role({ namespace: 'USE1' }) },
  {
    rule: 'role.oidc-for-region',
    condition: `var.credential.method != "role" || try(${icaRegion}.oidc_provider_id != null, true) || (var.credential.oidc_provider_id != null && var.credential.namespace != null)`,
    breaking: { ica_region: 'IL', ...role({}) },
  },
  { rule: 'schema.too-small', path: 'credential.access_keys', hint: 'at least one label', condition: 'length(var.credential.access_keys) >= 1', breaking: user({ access_keys: [] }) },
  { rule: 'schema.too-big', path: 'credential.access_keys', hint: 'at most two labels: the AWS limit', condition: 'length(var.credential.access_keys) <= 2', breaking: user({ access_keys: ['a', 'b', 'c'] }) },
  { rule: 'access-keys.unique', condition: 'length(distinct(var.credential.access_keys)) == length(var.credential.access_keys)', breaking: user({ access_keys: ['a', 'a'] }) },
  { rule: 'access-key-label.pattern', condition: `alltrue([for label in var.credential.access_keys : ${matches(ACCESS_KEY_LABEL_PATTERN, 'label')}])`, breaking: user({ access_keys: ['Primary'] }) },
  {
    // The module cannot tell the default labels from labels written out: only other labels are caught.
    rule: 'access-keys.without-key', condition: 'var.credential.create_access_key || join(",", var.credential.access_keys) == "primary"',
    breaking: user({ create_access_key: false, access_keys: ['old', 'new'] }),
  },
  { rule: 'pgp-key.pattern', condition: `var.credential.pgp_key == null || ${matches(PGP_KEY_PATTERN, 'coalesce(var.credential.pgp_key, " ")')}`, breaking: user({ pgp_key: 'short' }) },
  {
    rule: 'schema.enum', path: 'credential.secret_store.type', hint: oneOf(CHOICES.secretStoreType),
    condition: `var.credential.secret_store == null || ${isOneOf(CHOICES.secretStoreType, 'try(var.credential.secret_store.type, "")')}`, breaking: user({ secret_store: { type: 'vault' } }),
  },
  { rule: 'secret-store.without-key', condition: 'var.credential.secret_store == null || var.credential.create_access_key', breaking: user({ create_access_key: false, secret_store: { type: 'ssm' } }) },
  { rule: 'secret-store.with-pgp-key', condition: 'var.credential.secret_store == null || var.credential.pgp_key == null', breaking: user({ pgp_key: 'keybase:alice', secret_store: { type: 'ssm' } }) },
  {
    rule: 'ssm-parameter-name.pattern',
    condition: `try(var.credential.secret_store.type, "") != "ssm" || try(var.credential.secret_store.name, null) == null || ${matches(SSM_PARAMETER_NAME_PATTERN, 'try(var.credential.secret_store.name, " ")')}`,
    breaking: user({ secret_store: { type: 'ssm', name: 'no-slash' } }),
  },
  {
    rule: 'secret-name.pattern',
    condition: `try(var.credential.secret_store.type, "") != "secretsmanager" || try(var.credential.secret_store.name, null) == null || ${matches(SECRET_NAME_PATTERN, 'try(var.credential.secret_store.name, " ")')}`,
    breaking: user({ secret_store: { type: 'secretsmanager', name: 'a secret' } }),
  },
];

/** Validation blocks by config key. Cross-variable checks need Terraform >= 1.9 (versions.tf). */
const MODULE_VALIDATIONS: Readonly<Record<string, readonly ModuleValidation[]>> = {
  name: [{ rule: 'name.pattern', condition: matches(STACK_NAME_PATTERN, 'var.name'), breaking: { name: '1acme' } }],
  icaRegion: [{ rule: 'ica-region.known', condition: 'contains(keys(local.ica_region_codes), lower(trimspace(var.ica_region)))', breaking: { ica_region: 'XX' } }],
  credential: credentialValidations,
  policyName: iamNameValidations('policy', 'var.policy_name', (name) => ({ policy_name: name })),
  buckets: bucketValidations,
  bucketPolicy: [{
    rule: 'principal-arn.pattern', condition: `alltrue([for arn in var.bucket_policy.exempt_principal_arns : ${matches(PRINCIPAL_ARN_PATTERN, 'arn')}])`,
    breaking: { bucket_policy: { restrict_to_ica: true, exempt_principal_arns: ['arn:aws:s3:::acme'] } },
  }],
  maxManagedPolicies: [
    { rule: 'schema.too-small', path: 'max_managed_policies', hint: 'at least 1', condition: 'var.max_managed_policies >= 1', breaking: { max_managed_policies: 0 } },
    {
      rule: 'schema.too-big', path: 'max_managed_policies', hint: `at most ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value}, the raised quota`,
      condition: `var.max_managed_policies <= ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value}`, breaking: { max_managed_policies: AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value + 1 },
    },
    { rule: 'schema.number', path: 'max_managed_policies', condition: 'floor(var.max_managed_policies) == var.max_managed_policies', breaking: { max_managed_policies: 2.5 } },
  ],
  objectTagging: [],
  corsAllowedOrigins: [
    { rule: 'schema.too-small', path: 'cors_allowed_origins', hint: 'at least one origin', condition: 'length(var.cors_allowed_origins) >= 1', breaking: { cors_allowed_origins: [] } },
    { rule: 'cors-origin.pattern', condition: `alltrue([for origin in var.cors_allowed_origins : ${matches(CORS_ORIGIN_PATTERN, 'origin')}])`, breaking: { cors_allowed_origins: ['*'] } },
  ],
  tags: tagValidations('var.tags', (condition) => everyTag('var.tags', condition), 'tags', (tags) => ({ tags })),
};

/** The validation blocks of the module variable carrying `configKey`. */
export function moduleValidations(configKey: string): readonly Validation[] {
  const validations = MODULE_VALIDATIONS[configKey];
  if (!validations) throw new Error(`config key ${configKey} has no entry in the generator's validation table`);
  return validations.map((validation) => ({ ...validation, errorMessage: validationMessage(validation) }));
}

/** The module inputs every validation run starts from: valid, the smallest config there is. */
export const VALID_MODULE_INPUTS = {
  name: 'acme', ica_region: 'US', credential: { method: 'user' }, buckets: [{ name: 'acme-data', prefixes: ['ica/'] }],
} as const;
