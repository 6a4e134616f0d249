/**
 * Every validation rule of the config, once, as data: its id, the JSON path it applies to, what is
 * wrong and how to fix it. `validate` (through the zod schema and the cross-field checks), the
 * CDKTF constructs' prop checks and the generated module's `validation` blocks all take their words
 * from here, so `ica-s3 validate` and `terraform plan` say the same thing; only the module's HCL
 * condition is written per rule, in the generator.
 */

export interface Rule {
  /** The config path the rule applies to, in the config file's spelling; `[]` stands for any index. */
  readonly path: string;
  /** What is wrong, said of the value: validate prints it after the quoted value, the module after the path. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * Why the generated module cannot check this rule, when it cannot (Terraform has no way to
   * express it, or the module cannot tell the case apart). Such rules are the differential test's
   * allow-list: every other rule the module must enforce under the same id.
   */
  readonly notInModule?: string;
  /** validate warns instead of refusing: the config stays valid, every command prints the warning. */
  readonly warns?: true;
}

const BUCKET_NAME_FIX = 'use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
const IAM_NAME_FIX = (max: number) => `use 1-${max} letters, digits and + = , . @ _ -`;
const TAG_CHARACTERS_FIX = 'use letters, digits, spaces and _ . : / = + - @';
const SAFE_PREFIX_FIX = "use ASCII letters, digits, spaces, / and ! _ . ' ( ) -";

/** Structural problems zod reports; their text is built from the schema (expected type, allowed values). */
const SCHEMA_RULES = {
  'schema.required': { path: '(any)', message: 'is required', fix: 'add the field' },
  'schema.type': {
    path: '(any)', message: 'has the wrong JSON type', fix: 'write the type the config reference names',
    notInModule: 'Terraform converts between strings, numbers and booleans where it can ("true" is a bool, 5 the string "5") and takes null as "not set" for an optional attribute',
  },
  'schema.enum': { path: '(any)', message: 'is not one of the allowed values', fix: 'use one of the values the config reference lists' },
  'schema.unknown-key': {
    path: '(any)', message: 'is not a key the config knows', fix: 'remove it or correct its spelling',
    notInModule: 'Terraform drops object attributes a variable type does not declare, without an error',
  },
  'schema.too-small': { path: '(any)', message: 'is empty or below its minimum', fix: 'give more entries or a larger number' },
  'schema.too-big': { path: '(any)', message: 'is over its maximum', fix: 'give fewer entries or a smaller number' },
  'schema.number': { path: '(any)', message: 'is not a whole number', fix: 'give a whole number' },
  'schema.shape': { path: '(any)', message: 'does not match any allowed form', fix: 'see the config reference in docs/configuration.md' },
  'config.file': {
    path: '(config)', message: 'cannot be read as a JSON config file', fix: 'fix the file as the message says',
    notInModule: 'the module takes variables, never a config document',
  },
  'config.not-object': {
    path: '(config)', message: 'must be a JSON object', fix: 'start from examples/ or README.md',
    notInModule: 'the module takes variables, never a config document',
  },
} as const satisfies Record<string, Rule>;

const NAMING_RULES = {
  'name.pattern': { path: 'name', message: 'is not a stack name', fix: 'start with a letter; use up to 40 letters, digits, - and _' },
  'ica-region.known': { path: 'icaRegion', message: 'is not an ICA region', fix: 'use an ICA region by code, name or AWS region (see icaRegion in the config reference)' },
  'bucket-name.length': { path: 'buckets[].name', message: 'is not 3-63 characters long', fix: BUCKET_NAME_FIX },
  'bucket-name.characters': { path: 'buckets[].name', message: 'contains characters S3 does not allow in bucket names', fix: BUCKET_NAME_FIX },
  'bucket-name.ends': { path: 'buckets[].name', message: 'must start and end with a letter or digit', fix: BUCKET_NAME_FIX },
  'bucket-name.adjacent-dots': { path: 'buckets[].name', message: 'contains two adjacent dots', fix: 'remove one of the dots' },
  'bucket-name.ip-address': { path: 'buckets[].name', message: 'is formatted as an IP address', fix: 'choose a name that is not an IP address' },
  'bucket-name.reserved-prefix': { path: 'buckets[].name', message: 'starts with a prefix S3 reserves', fix: 'choose another name' },
  'bucket-name.reserved-suffix': { path: 'buckets[].name', message: 'ends with a suffix S3 reserves', fix: 'choose another name' },
  'prefix.root': {
    path: 'buckets[].prefixes[]', message: 'is the bucket root',
    fix: 'name a folder such as "ica-data/": ICA on the root blocks the bucket for every other ICA project ("Conflict while updating file/folder")',
  },
  'prefix.leading-slash': { path: 'buckets[].prefixes[]', message: 'starts with "/"', fix: 'remove the leading slash: ICA key prefixes are relative' },
  'prefix.dot-start': { path: 'buckets[].prefixes[]', message: 'starts with "./" or "../"', fix: 'S3 does not allow uploading keys under ./ or ../: name a plain folder such as "ica-data/"' },
  'prefix.dot-folder': { path: 'buckets[].prefixes[]', message: 'has a "." or ".." folder', fix: 'remove the "." and ".." path segments' },
  'prefix.empty-folder': { path: 'buckets[].prefixes[]', message: 'has an empty folder name ("//")', fix: 'write single slashes between folder names' },
  'prefix.characters': { path: 'buckets[].prefixes[]', message: "contains characters outside S3's safe set", fix: SAFE_PREFIX_FIX },
  'prefix.trailing-slash': {
    path: 'buckets[].prefixes[]', message: 'does not end in "/"', fix: 'write the prefix as ICA stores it, with its trailing slash',
    notInModule: 'only the constructs take prefixes as they are; the config and the module add the slash themselves',
  },
  'prefix.length': { path: 'buckets[].prefixes[]', message: 'is longer than 512 characters', fix: 'shorten it to at most 512 characters' },
  'user-name.length': { path: 'credential.userName', message: 'is not 1-64 characters long', fix: IAM_NAME_FIX(64) },
  'user-name.characters': { path: 'credential.userName', message: 'contains characters IAM does not allow', fix: IAM_NAME_FIX(64) },
  'role-name.length': { path: 'credential.roleName', message: 'is not 1-64 characters long', fix: IAM_NAME_FIX(64) },
  'role-name.characters': { path: 'credential.roleName', message: 'contains characters IAM does not allow', fix: IAM_NAME_FIX(64) },
  'policy-name.length': { path: 'policyName', message: 'is not 1-128 characters long', fix: IAM_NAME_FIX(128) },
  'policy-name.characters': { path: 'policyName', message: 'contains characters IAM does not allow', fix: IAM_NAME_FIX(128) },
  'session-name-prefix.length': {
    path: 'credential.sessionNamePrefix', message: 'is not 1-62 characters long',
    fix: 'copy the RoleSessionName prefix ICA generated when you created the AWS_Role storage credential (1-62 of letters, digits and + = , . @ _ -)',
  },
  'session-name-prefix.characters': {
    path: 'credential.sessionNamePrefix', message: 'contains characters a RoleSessionName cannot hold',
    fix: 'copy the RoleSessionName prefix ICA generated when you created the AWS_Role storage credential (1-62 of letters, digits and + = , . @ _ -)',
  },
  'oidc-provider-id.pattern': { path: 'credential.oidcProviderId', message: 'is not an OIDC provider id', fix: 'use the 32 hexadecimal characters at the end of the provider URL' },
  'namespace.pattern': { path: 'credential.namespace', message: 'is not an ICA namespace', fix: 'use the 2-16 lowercase letters and digits Illumina gives for the region, such as "use1"' },
  'access-key-label.pattern': { path: 'credential.accessKeys[]', message: 'is not an access key label', fix: 'use 1-32 lowercase letters, digits and -, such as "2026-11"' },
  'ssm-parameter-name.pattern': { path: 'credential.secretStore.name', message: 'is not an SSM parameter name', fix: 'write a path such as "/ica-s3-connect/acme/access-key"' },
  'secret-name.pattern': { path: 'credential.secretStore.name', message: 'is not a secret name', fix: 'use letters, digits and / _ + = . @ -' },
  'pgp-key.pattern': { path: 'credential.pgpKey', message: 'is not a PGP key', fix: 'give a base64-encoded PGP public key (gpg --export KEYID | base64) or "keybase:<username>"' },
  'kms-key-arn.pattern': { path: 'buckets[].encryption.kmsKeyArn', message: 'is not a KMS key ARN', fix: 'write arn:aws:kms:<region>:<account-id>:key/<key-id> (a key ARN, not an alias)' },
  'principal-arn.pattern': { path: 'bucketPolicy.exemptPrincipalArns[]', message: 'is not an IAM or STS principal ARN', fix: 'write arn:aws:iam::<account-id>:role/<name> (or user/, root)' },
  'cors-origin.pattern': { path: 'corsAllowedOrigins[]', message: 'is not an http(s) origin', fix: 'write an origin such as "https://ica.illumina.com"' },
  'kept-cors-id.pattern': { path: 'buckets[].keepCorsRules[].ID', message: 'is not a CORS rule ID', fix: 'use up to 255 letters, digits, spaces and . _ : / + = @ -' },
  'kept-cors-origin.pattern': { path: 'buckets[].keepCorsRules[].AllowedOrigins[]', message: 'is not a CORS origin', fix: 'write "*" or an origin such as "https://app.example.com"' },
  'kept-cors-header.pattern': { path: 'buckets[].keepCorsRules[].AllowedHeaders[]', message: 'is not a header name', fix: 'write a header name such as "Authorization", "ETag" or "*"' },
  'tag-key.length': { path: 'tags', message: 'has a tag key that is not 1-128 characters long', fix: 'use 1-128 characters' },
  'tag-key.reserved': { path: 'tags', message: 'has a tag key with the reserved "aws:" prefix', fix: 'choose a key without the "aws:" prefix' },
  'tag-key.characters': { path: 'tags', message: 'has a tag key with characters AWS tags cannot hold', fix: TAG_CHARACTERS_FIX },
  'tag-value.length': { path: 'tags', message: 'has a tag value longer than 256 characters', fix: 'use at most 256 characters' },
  'tag-value.characters': { path: 'tags', message: 'has a tag value with characters AWS tags cannot hold', fix: TAG_CHARACTERS_FIX },
  'tags.count': { path: 'tags', message: 'holds more tags than the 50 AWS allows per resource', fix: 'remove tags' },
  'tag-key.proto': {
    path: 'tags', message: 'has the tag key "__proto__", which cannot be carried: it would be dropped', fix: 'choose another tag key',
    notInModule: 'Terraform maps carry the key "__proto__" like any other; only JavaScript parsing drops it',
  },
  'backend.key': {
    path: 'backend.key', message: 'is not a state object key',
    fix: 'write a key such as "ica/terraform.tfstate": at most 1024 of letters, digits, ! _ . \' ( ) - between single slashes, no leading or trailing slash',
    notInModule: 'the backend is written into the root configuration, not passed to the module',
  },
  'backend.region': { path: 'backend.region', message: 'is not an AWS region', fix: 'write a region such as "eu-central-1"', notInModule: 'the backend is written into the root configuration, not passed to the module' },
  'backend.organization': { path: 'backend.organization', message: 'is not an organization name', fix: 'use the organization name as shown in HCP Terraform', notInModule: 'the backend is written into the root configuration, not passed to the module' },
  'backend.workspace': { path: 'backend.workspace', message: 'is not a workspace name', fix: 'use letters, digits, - and _', notInModule: 'the backend is written into the root configuration, not passed to the module' },
  'backend.workspace-tag': { path: 'backend.workspaceTags[]', message: 'is not a workspace tag', fix: 'use letters, digits, :, - and _', notInModule: 'the backend is written into the root configuration, not passed to the module' },
  'backend.hostname': { path: 'backend.hostname', message: 'is not a hostname', fix: 'write a hostname such as "app.terraform.io"', notInModule: 'the backend is written into the root configuration, not passed to the module' },
  'backend.workspace-choice': {
    path: 'backend.workspace', message: 'must be given, or workspaceTags, but not both', fix: 'give exactly one of "workspace" (a name) and "workspaceTags" (a list)',
    notInModule: 'the backend is written into the root configuration, not passed to the module',
  },
} as const satisfies Record<string, Rule>;

const CROSS_FIELD_RULES = {
  'buckets.unique': { path: 'buckets[].name', message: 'is listed twice', fix: 'list each bucket once and put all its folders in its "prefixes"' },
  'prefixes.unique': { path: 'buckets[].prefixes[]', message: 'is listed twice in its bucket', fix: 'remove the duplicate' },
  'prefixes.overlap': {
    path: 'buckets[].prefixes[]', message: 'lies inside another prefix of the bucket',
    fix: 'ICA refuses overlapping prefixes on one bucket ("Found conflicting storage container notifications with overlapping prefixes"): keep only the outer one or use sibling folders',
  },
  'ica-names.unique': {
    path: 'buckets[].prefixes[]', message: 'gets the same ICA storage configuration name as another prefix',
    fix: 'ICA names must be unique: rename one of the two folders so they differ in a letter, digit, "-" or "_" (other characters all become "-")',
    notInModule: 'the names are computed for the storage_configurations output; the module does not compare them across buckets',
  },
  'kms-key.region': {
    path: 'buckets[].encryption.kmsKeyArn', message: "is a KMS key outside the ICA region's AWS region",
    fix: 'use a key in the ICA region, or omit kmsKeyArn to create one there (SSE-KMS keys must be in the ICA project\'s region)',
  },
  'tags.merged-count': { path: 'buckets[].tags', message: 'with the top-level tags, gives the bucket and its key more than the 50 tags AWS allows per resource', fix: 'remove tags here or in the top-level "tags"' },
  'adoption.existing-only': {
    path: 'buckets[]', message: 'sets manage, existingPolicy or keepCorsRules, which are only for existing buckets',
    fix: 'set "existing": true to adopt a bucket that already exists, or remove them (a new bucket gets every setting)',
  },
  'adoption.manage-unique': { path: 'buckets[].manage[]', message: 'is listed twice', fix: 'list each setting once' },
  'adoption.force-destroy': { path: 'buckets[].forceDestroy', message: 'is set on an existing bucket, which this tool never deletes', fix: 'remove forceDestroy' },
  'adoption.new-key-unmanaged': {
    path: 'buckets[].encryption', message: "asks for a new KMS key, but the existing bucket's encryption is not managed, so the key would encrypt nothing",
    fix: 'give the key the bucket uses as encryption.kmsKeyArn, or add "encryption" to manage',
  },
  'adoption.kept-cors-unmanaged': {
    path: 'buckets[].keepCorsRules', message: "is set, but the bucket's CORS configuration is not managed (it stays as it is anyway)",
    fix: 'add "cors" to manage, or remove keepCorsRules',
  },
  'adoption.kept-cors-count': { path: 'buckets[].keepCorsRules', message: 'holds more rules than S3 allows next to ICA\'s (100 per bucket)', fix: 'merge rules that share methods and headers' },
  'access-keys.without-key': {
    path: 'credential.accessKeys', message: 'is set while createAccessKey is false', fix: 'remove accessKeys, or set createAccessKey to true',
    notInModule: 'the module cannot tell the default labels (["primary"]) written out from the default; it refuses any other labels',
  },
  'access-keys.unique': { path: 'credential.accessKeys[]', message: 'is listed twice', fix: 'give each key its own label' },
  'secret-store.without-key': { path: 'credential.secretStore', message: 'is set while createAccessKey is false: there is no secret to store', fix: 'remove secretStore, or set createAccessKey to true' },
  'secret-store.with-pgp-key': {
    path: 'credential.secretStore', message: 'is set together with pgpKey, which keeps the plain secret out of Terraform',
    fix: 'choose one: pgpKey (encrypted output) or secretStore (SSM/Secrets Manager)',
  },
  'role.oidc-for-region': {
    path: 'credential', message: 'uses the role method in an ICA region for which the ICA docs publish no OIDC provider, without both oidcProviderId and namespace',
    fix: 'use {"method": "user"}, or ask Illumina support for the OIDC provider id and namespace and set credential.oidcProviderId and credential.namespace',
  },
} as const satisfies Record<string, Rule>;

/**
 * AWS quotas measured on the documents the config produces (modules/core/quota-checks.ts). The
 * module computes the same documents at plan; it splits the permission policy itself.
 */
const QUOTA_RULES = {
  'quota.permission-policy-size': {
    path: 'buckets', message: 'gives a permission policy part larger than the 6,144 characters of a managed policy', fix: 'shorten the longest prefixes',
    notInModule: 'the module splits the permission policy at plan; a single ARN too long for one policy fails there, not as a variable validation',
  },
  'quota.policy-count': {
    path: 'buckets', message: 'needs more managed policies than the ICA principal may have attached (maxManagedPolicies)',
    fix: 'use fewer or shorter prefixes, or split the buckets over several configs; with a raised "Managed policies per user/role" quota (up to 20), raise maxManagedPolicies',
    notInModule: 'the module counts the split policies at plan, after variable validation',
  },
  'quota.split-policy-name': {
    path: 'policyName', message: 'is too long for the numbered names of the split permission policies', fix: 'shorten policyName',
    notInModule: 'the number of split policies is known only at plan',
  },
  'quota.trust-policy-size': { path: 'credential', message: "makes the role's trust policy larger than AWS allows", fix: 'shorten sessionNamePrefix', notInModule: 'the trust policy is measured on the rendered document, at apply' },
  'quota.bucket-policy-size': {
    path: 'bucketPolicy.exemptPrincipalArns', message: 'makes a bucket policy larger than the 20 KB S3 allows',
    fix: 'exempt fewer principals: use wildcards such as arn:aws:iam::<account-id>:role/admins-*',
    notInModule: 'the module checks the merged bucket policy with a plan-time precondition, not a variable validation',
  },
  'quota.key-policy-size': { path: 'buckets', message: 'makes the KMS key policy larger than AWS allows', fix: 'report this: the key policy has a fixed size', notInModule: 'the key policy has a fixed size' },
} as const satisfies Record<string, Rule>;

/** Values that are allowed but most likely not meant: validate warns instead of refusing them. */
const WARNING_RULES = {
  'prefix.surrounding-space': {
    path: 'buckets[].prefixes[]', message: 'has a folder name that starts or ends with a space',
    fix: 'remove the space, unless the folder is really named so: S3 keeps it in every key, and ICA shows the folder like one without it',
    notInModule: 'a warning, not a refusal: a validation block can only refuse the value',
    warns: true,
  },
} as const satisfies Record<string, Rule>;

export const RULES = { ...SCHEMA_RULES, ...NAMING_RULES, ...CROSS_FIELD_RULES, ...QUOTA_RULES, ...WARNING_RULES } as const satisfies Record<string, Rule>;
export type RuleId = keyof typeof RULES;

/** What is wrong with one value, and how to fix it; the caller adds the JSON path. */
export interface RuleProblem {
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
}

/** Longer values are quoted by their start: at 2,000 characters the value would bury the message. */
const QUOTED_MAX_LENGTH = 100;

function quoted(value: unknown): string {
  return typeof value === 'string' && value.length > QUOTED_MAX_LENGTH ? `${JSON.stringify(value.slice(0, 40))}...` : JSON.stringify(value);
}

/**
 * A problem under `rule`: the rule's words after the quoted value (when there is one), and
 * `detail` in parentheses for what only this value shows (its length, the characters at fault).
 * Values are quoted with JSON.stringify (a newline or terminal escape in a config value must not
 * reach the CLI's output raw), values over 100 characters by their first 40.
 */
export function ruleProblem(rule: RuleId, value?: unknown, detail?: string): RuleProblem {
  const entry: Rule = RULES[rule];
  const subject = value === undefined ? '' : `${quoted(value)} `;
  return { rule, message: `${subject}${entry.message}${detail ? ` (${detail})` : ''}`, fix: entry.fix };
}

/** A construct prop's problem as its constructor reports it: the prop, the rule's words and the fix. */
export function propProblem(prop: string, problem: RuleProblem): string {
  return `${prop}: ${problem.message}; fix: ${problem.fix}`;
}

/** The rules the generated module cannot check, with the reason: the differential test's allow-list. */
export function rulesNotInModule(): [RuleId, string][] {
  return (Object.entries(RULES) as [RuleId, Rule][]).flatMap(([id, rule]) => (rule.notInModule ? [[id, rule.notInModule]] : []));
}
