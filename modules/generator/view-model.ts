/**
 * The generator's view model, computed from the domain core: the region table, the action sets,
 * the statement ids, the variables (types, descriptions from the config schema, validations from
 * the naming rules) and the config's values as module inputs. Templates only lay these out.
 */
import * as actions from '../core/actions';
import { configReferenceRows } from '../core/config-reference';
import { SID, icaCorsRule } from '../core/policies';
import { ICA_REGIONS, ICA_ROLE_MAX_SESSION_SECONDS, IcaRegion, OIDC_AUDIENCE, crossAccountRoleArn } from '../core/regions';
import {
  BUCKET_NAME_PATTERN, CORS_ORIGIN_PATTERN, IAM_NAME_MAX_LENGTH, IAM_NAME_PATTERN, KMS_KEY_ARN_PATTERN, NAMESPACE_PATTERN,
  OIDC_PROVIDER_ID_PATTERN, PREFIX_MAX_LENGTH, PREFIX_PATTERN, PRINCIPAL_ARN_PATTERN, SESSION_NAME_PREFIX_PATTERN, STACK_NAME_PATTERN,
  TAG_PATTERN,
} from '../core/rules';
import { ResolvedConfig } from '../core/validate';
import { hclString, hclValue } from './hcl';

export interface Validation {
  readonly condition: string;
  readonly errorMessage: string;
}

export interface ModuleVariable {
  /** The variable's name; also the tfvars key. */
  readonly name: string;
  /** The config key it carries, whose schema description it takes. */
  readonly configPath: string;
  readonly type: string;
  readonly description: string;
  readonly hasDefault: boolean;
  readonly default?: unknown;
  readonly validations: readonly Validation[];
}

const rows = new Map(configReferenceRows().map((row) => [row.path, row]));

function describe(path: string): string {
  const row = rows.get(path);
  if (!row) throw new Error(`no config reference row for ${path}`);
  return row.description;
}

function defaultOf(path: string): unknown {
  const row = rows.get(path);
  if (!row || row.default === '-' || row.default === 'required') throw new Error(`no default for ${path}`);
  return JSON.parse(row.default);
}

/** `can(regex(...))` for one value; RE2 understands every pattern of modules/core/rules.ts. */
function matches(pattern: string, value: string): string {
  return `can(regex(${hclString(pattern)}, ${value}))`;
}

/** HCL `optional(type, default)` with the schema's default. */
function optional(type: string, path: string): string {
  return `optional(${type}, ${JSON.stringify(defaultOf(path))})`;
}

function variables(): ModuleVariable[] {
  const iamName = (kind: keyof typeof IAM_NAME_MAX_LENGTH, value: string) =>
    `${matches(IAM_NAME_PATTERN, value)} && length(${value}) <= ${IAM_NAME_MAX_LENGTH[kind]}`;
  return [
    {
      name: 'name', configPath: 'name', type: 'string', hasDefault: false, description: describe('name'),
      validations: [{ condition: matches(STACK_NAME_PATTERN, 'var.name'), errorMessage: 'name: start with a letter; use up to 40 letters, digits, - and _.' }],
    },
    {
      name: 'ica_region', configPath: 'icaRegion', type: 'string', hasDefault: false,
      description: `ICA region code: ${ICA_REGIONS.map((region: IcaRegion) => `${region.code} (${region.name}, ${region.awsRegion})`).join(', ')}.`,
      validations: [{
        condition: `contains([${ICA_REGIONS.map((region) => JSON.stringify(region.code)).join(', ')}], var.ica_region)`,
        errorMessage: `ica_region: use one of ${ICA_REGIONS.map((region) => region.code).join(', ')}.`,
      }],
    },
    {
      name: 'credential', configPath: 'credential', hasDefault: false, description: describe('credential'),
      type: `object({
    method              = string
    session_name_prefix = optional(string)
    role_name           = ${optional('string', 'credential.roleName')}
    oidc_provider       = ${optional('string', 'credential.oidcProvider')}
    oidc_provider_id    = optional(string)
    namespace           = optional(string)
    user_name           = ${optional('string', 'credential.userName')}
    create_access_key   = ${optional('bool', 'credential.createAccessKey')}
    access_keys         = ${optional('list(string)', 'credential.accessKeys')}
    pgp_key             = optional(string)
    secret_store = optional(object({
      type = string
      name = optional(string)
    }))
  })`,
      validations: [
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
          condition: `length(var.credential.access_keys) >= 1 && length(var.credential.access_keys) <= 2 && length(distinct(var.credential.access_keys)) == length(var.credential.access_keys) && alltrue([for label in var.credential.access_keys : ${matches('^[a-z0-9-]{1,32}$', 'label')}])`,
          errorMessage: 'credential.access_keys: give one or two distinct labels of 1-32 lowercase letters, digits and -.',
        },
        {
          condition: 'var.credential.secret_store == null || (contains(["ssm", "secretsmanager"], try(var.credential.secret_store.type, "")) && var.credential.pgp_key == null)',
          errorMessage: 'credential.secret_store: type "ssm" or "secretsmanager", and not together with pgp_key.',
        },
      ],
    },
    {
      name: 'policy_name', configPath: 'policyName', type: 'string', hasDefault: true, default: defaultOf('policyName'), description: describe('policyName'),
      validations: [{ condition: iamName('policy', 'var.policy_name'), errorMessage: 'policy_name: use 1-128 letters, digits and + = , . @ _ -.' }],
    },
    {
      name: 'buckets', configPath: 'buckets', hasDefault: false, description: describe('buckets'),
      type: `list(object({
    name       = string
    prefixes   = list(string)
    versioning = ${optional('string', 'buckets[].versioning')}
    encryption = optional(object({
      type        = string
      kms_key_arn = optional(string)
    }), { type = "SSE-S3" })
    block_public_access = ${optional('bool', 'buckets[].blockPublicAccess')}
    object_ownership    = ${optional('string', 'buckets[].objectOwnership')}
    force_destroy       = ${optional('bool', 'buckets[].forceDestroy')}
    tags                = optional(map(string), {})
  }))`,
      validations: [
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
          condition: `alltrue([for bucket in var.buckets : contains(["SSE-S3", "SSE-KMS"], bucket.encryption.type) && (bucket.encryption.kms_key_arn == null || ${matches(KMS_KEY_ARN_PATTERN, 'coalesce(bucket.encryption.kms_key_arn, " ")')})])`,
          errorMessage: 'buckets[].encryption: type "SSE-S3" or "SSE-KMS"; kms_key_arn must be a key ARN (arn:aws:kms:<region>:<account-id>:key/<key-id>).',
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
          condition: 'alltrue([for bucket in var.buckets : length(bucket.prefixes) >= 1 && length(distinct([for prefix in bucket.prefixes : endswith(prefix, "/") ? prefix : "${prefix}/"])) == length(bucket.prefixes)])',
          errorMessage: 'buckets[].prefixes: give at least one prefix per bucket and list each once.',
        },
        {
          condition: 'alltrue(flatten([for bucket in var.buckets : [for outer in bucket.prefixes : [for inner in bucket.prefixes : outer == inner || !startswith(endswith(inner, "/") ? inner : "${inner}/", endswith(outer, "/") ? outer : "${outer}/")]]]))',
          errorMessage: 'buckets[].prefixes: one prefix lies inside another; ICA refuses overlapping prefixes on one bucket.',
        },
        {
          condition: `alltrue(flatten([for bucket in var.buckets : [for key, value in bucket.tags : ${matches(TAG_PATTERN, 'key')} && ${matches(TAG_PATTERN, 'value')} && length(key) >= 1 && length(key) <= 128 && length(value) <= 256 && !startswith(lower(key), "aws:")]]))`,
          errorMessage: 'buckets[].tags: keys of 1-128 and values of up to 256 letters, digits, spaces and _ . : / = + - @; no "aws:" keys.',
        },
      ],
    },
    {
      name: 'bucket_policy', configPath: 'bucketPolicy', hasDefault: true, default: {}, description: describe('bucketPolicy'),
      type: `object({
    restrict_to_ica       = ${optional('bool', 'bucketPolicy.restrictToIca')}
    exempt_principal_arns = ${optional('list(string)', 'bucketPolicy.exemptPrincipalArns')}
    cross_account_copy    = ${optional('bool', 'bucketPolicy.crossAccountCopy')}
  })`,
      validations: [{
        condition: `alltrue([for arn in var.bucket_policy.exempt_principal_arns : ${matches(PRINCIPAL_ARN_PATTERN, 'arn')}])`,
        errorMessage: 'bucket_policy.exempt_principal_arns: write IAM or STS principal ARNs such as arn:aws:iam::<account-id>:role/<name>.',
      }],
    },
    {
      name: 'object_tagging', configPath: 'objectTagging', type: 'bool', hasDefault: true, default: defaultOf('objectTagging'),
      description: describe('objectTagging'), validations: [],
    },
    {
      name: 'cors_allowed_origins', configPath: 'corsAllowedOrigins', type: 'list(string)', hasDefault: true, default: defaultOf('corsAllowedOrigins'),
      description: describe('corsAllowedOrigins'),
      validations: [{
        condition: `length(var.cors_allowed_origins) >= 1 && alltrue([for origin in var.cors_allowed_origins : ${matches(CORS_ORIGIN_PATTERN, 'origin')}])`,
        errorMessage: 'cors_allowed_origins: give http(s) origins such as "https://ica.illumina.com".',
      }],
    },
  ];
}

/**
 * A variable's attribute lines as `terraform fmt` lays them out: consecutive one-line
 * attributes align their `=`, a multi-line value stands alone and ends the group.
 */
function attributeLines(attributes: [string, string][]): string {
  const lines: string[] = [];
  let group: [string, string][] = [];
  const flush = () => {
    const width = Math.max(0, ...group.map(([key]) => key.length));
    for (const [key, value] of group) lines.push(`  ${key.padEnd(width)} = ${value}`);
    group = [];
  };
  for (const [key, value] of attributes) {
    if (value.includes('\n')) {
      flush();
      lines.push(`  ${key} = ${value}`);
    } else group.push([key, value]);
  }
  flush();
  return lines.join('\n');
}

/** The module's variables, each with its description/type/default lines laid out. */
export const MODULE_VARIABLES: readonly (ModuleVariable & { readonly attributes: string })[] = variables().map((variable) => {
  const attributes: [string, string][] = [['description', hclString(variable.description)], ['type', variable.type]];
  return { ...variable, attributes: attributeLines(variable.hasDefault ? [...attributes, ['default', hclValue(variable.default)]] : attributes) };
});

/** The config's values as module inputs: the content of terraform.tfvars.json. */
export function moduleInputs(config: ResolvedConfig): Record<string, unknown> {
  const credential = config.credential;
  return {
    name: config.name,
    ica_region: config.region.code,
    credential: credential.method === 'role'
      ? {
        method: 'role',
        session_name_prefix: credential.sessionNamePrefix,
        role_name: credential.roleName,
        oidc_provider: credential.oidcProvider,
        oidc_provider_id: credential.oidcProviderId ?? null,
        namespace: credential.namespace ?? null,
      }
      : {
        method: 'user',
        user_name: credential.userName,
        create_access_key: credential.createAccessKey,
        access_keys: credential.accessKeys,
        pgp_key: credential.pgpKey ?? null,
        secret_store: credential.secretStore ? { type: credential.secretStore.type, name: credential.secretStore.name ?? null } : null,
      },
    policy_name: config.policyName,
    buckets: config.buckets.map((bucket) => ({
      name: bucket.name,
      prefixes: bucket.prefixes,
      versioning: bucket.versioning,
      encryption: { type: bucket.encryption.type, kms_key_arn: bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn ?? null : null },
      block_public_access: bucket.blockPublicAccess,
      object_ownership: bucket.objectOwnership,
      force_destroy: bucket.forceDestroy,
      tags: bucket.tags,
    })),
    bucket_policy: {
      restrict_to_ica: config.bucketPolicy.restrictToIca,
      exempt_principal_arns: config.bucketPolicy.exemptPrincipalArns,
      cross_account_copy: config.bucketPolicy.crossAccountCopy,
    },
    object_tagging: config.objectTagging,
    cors_allowed_origins: config.corsAllowedOrigins,
  };
}

/** Names padded so `terraform fmt` finds the `=` signs of a block already aligned. */
function aligned<T extends { name: string }>(items: T[]): T[] {
  const width = Math.max(...items.map((item) => item.name.length));
  return items.map((item) => ({ ...item, name: item.name.padEnd(width) }));
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
    variables: MODULE_VARIABLES,
    outputDescriptions: OUTPUT_DESCRIPTIONS,
  };
}
