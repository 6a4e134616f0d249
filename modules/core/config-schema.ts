/**
 * The config file, defined once with zod: the TypeScript types, the JSON Schema shipped as
 * `ica-config.schema.json`, the field-level checks and the descriptions of the generated module's
 * README all come from this definition.
 */
import { z } from 'zod';
import { ICA_ORIGIN } from './actions';
import { AWS_QUOTAS } from './quotas';
import { findIcaRegion, unknownIcaRegionDetail } from './regions';
import {
  ACCESS_KEY_LABEL_PATTERN, AWS_REGION_PATTERN, CORS_HEADER_PATTERN, CORS_ORIGIN_PATTERN, CORS_RULE_ID_PATTERN, KEPT_CORS_ORIGIN_PATTERN, KMS_KEY_ARN_PATTERN, NAMESPACE_PATTERN, OIDC_PROVIDER_ID_PATTERN,
  PGP_KEY_PATTERN, PRINCIPAL_ARN_PATTERN, SECRET_NAME_PATTERN, SSM_PARAMETER_NAME_PATTERN, STACK_NAME_PATTERN,
  bucketNameProblems, iamNameProblems, prefixProblems, sessionNamePrefixProblems, tagProblems,
} from './rules';
import { RuleId, RuleProblem, ruleProblem } from './rule-catalogue';

/** A zod issue carrying a catalogue problem: validate reads the rule id and the fix back from its params. */
function addProblem(ctx: z.RefinementCtx, problem: RuleProblem, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: problem.message, params: { fix: problem.fix, rule: problem.rule }, ...(path ? { path } : {}) });
}

/** A string field checked by a rule that returns every problem with its fix. */
function checkedString(check: (value: string) => RuleProblem[]) {
  return z.string().superRefine((value, ctx) => {
    for (const problem of check(value)) addProblem(ctx, problem);
  });
}

function patternString(pattern: string, rule: RuleId) {
  return checkedString((value) => (new RegExp(pattern).test(value) ? [] : [ruleProblem(rule, value)]));
}

const tagsSchema = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  const count = Object.keys(tags).length;
  if (count > AWS_QUOTAS.tagsPerResource.value) addProblem(ctx, ruleProblem('tags.count', undefined, `${count} tags`));
  for (const [key, value] of Object.entries(tags)) {
    for (const problem of tagProblems(key, value)) addProblem(ctx, problem, [key]);
  }
});

/**
 * The values of each choice the config offers, once: the schema below and the generated module's
 * validation blocks both take them from here. A discriminated union's forms are in this order.
 */
export const CHOICES = {
  credentialMethod: ['user', 'role'],
  secretStoreType: ['ssm', 'secretsmanager'],
  oidcProvider: ['create', 'existing'],
  encryptionType: ['SSE-S3', 'SSE-KMS'],
  keptCorsMethod: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
  versioning: ['Enabled', 'Suspended', 'Disabled'],
  objectOwnership: ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'],
} as const;

const userCredentialSchema = z.strictObject({
  method: z.literal(CHOICES.credentialMethod[0]).describe('IAM user with an access key (long-term credentials).'),
  userName: checkedString((value) => iamNameProblems('user', value)).default('illumina_ica_admin')
    .describe('Name of the IAM user ICA signs in as.'),
  createAccessKey: z.boolean().default(true)
    .describe('Create an access key for the user; its id and secret go into the ICA storage credential.'),
  accessKeys: z.array(patternString(ACCESS_KEY_LABEL_PATTERN, 'access-key-label.pattern'))
    .min(1).max(2).default(['primary'])
    .describe('Labels of the access keys to keep: at most 2 (the AWS limit). Rotate by adding a second label, entering the new key in ICA, then removing the old label. The last label is the active key.'),
  secretStore: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal(CHOICES.secretStoreType[0]).describe('An SSM Parameter Store SecureString parameter.'),
      name: patternString(SSM_PARAMETER_NAME_PATTERN, 'ssm-parameter-name.pattern').optional()
        .describe('Parameter name. Default /ica-s3-connect/<name>/access-key.'),
    }),
    z.strictObject({
      type: z.literal(CHOICES.secretStoreType[1]).describe('An AWS Secrets Manager secret.'),
      name: patternString(SECRET_NAME_PATTERN, 'secret-name.pattern').optional()
        .describe('Secret name. Default ica-s3-connect/<name>/access-key.'),
    }),
  ]).optional()
    .describe('Also store the active access key (id and secret, as JSON) in SSM Parameter Store or Secrets Manager.'),
  pgpKey: patternString(PGP_KEY_PATTERN, 'pgp-key.pattern').optional()
    .describe('Base64 PGP public key or "keybase:<user>": the secret is then only stored and output encrypted.'),
  icaCredentialName: z.string().min(1).optional()
    .describe('Name of the storage credential in ICA, which `ica-s3 connect` looks up (and, for the user method, creates). Default: the config\'s name.'),
});

const roleCredentialSchema = z.strictObject({
  method: z.literal(CHOICES.credentialMethod[1]).describe('IAM role ICA assumes through the regional OIDC provider (temporary credentials, 12 h).'),
  sessionNamePrefix: checkedString(sessionNamePrefixProblems)
    .describe('The RoleSessionName prefix ICA generated when you created the AWS_Role storage credential.'),
  roleName: checkedString((value) => iamNameProblems('role', value)).default('Illumina_ICA_Role')
    .describe('Name of the IAM role ICA assumes.'),
  oidcProvider: z.enum(CHOICES.oidcProvider).default('create')
    .describe('"create" the IAM OIDC provider for the ICA region, or use the "existing" one (an account holds one provider per URL).'),
  oidcProviderId: patternString(OIDC_PROVIDER_ID_PATTERN, 'oidc-provider-id.pattern').optional()
    .describe('Override of the OIDC provider id, for regions where the docs publish none (Indonesia, Israel, UAE).'),
  namespace: patternString(NAMESPACE_PATTERN, 'namespace.pattern').optional()
    .describe('Override of the ICA service-account namespace in the trust policy, for regions where the docs publish none.'),
  icaCredentialName: z.string().min(1).optional()
    .describe('Name of the storage credential in ICA, which `ica-s3 connect` looks up (and, for the user method, creates). Default: the config\'s name.'),
});

const encryptionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal(CHOICES.encryptionType[0]).describe('Amazon S3 managed keys (AES256).'),
  }),
  z.strictObject({
    type: z.literal(CHOICES.encryptionType[1]).describe('AWS KMS key (aws:kms) with an S3 bucket key.'),
    kmsKeyArn: patternString(KMS_KEY_ARN_PATTERN, 'kms-key-arn.pattern').optional()
      .describe('ARN of an existing KMS key in the ICA region. Omit it to create a key with rotation and an alias.'),
  }),
]);

/** The bucket settings an adopted bucket can hand over to this tool (a new bucket gets all of them). */
export const MANAGEABLE_SETTINGS = ['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership'] as const;
export type ManageableSetting = (typeof MANAGEABLE_SETTINGS)[number];

/** A CORS rule that is already on an adopted bucket, kept next to ICA's (S3's own spelling). */
const keptCorsRuleSchema = z.strictObject({
  ID: patternString(CORS_RULE_ID_PATTERN, 'kept-cors-id.pattern').optional()
    .describe('The rule\'s ID.'),
  AllowedMethods: z.array(z.enum(CHOICES.keptCorsMethod)).min(1).describe('HTTP methods the rule allows.'),
  AllowedOrigins: z.array(patternString(KEPT_CORS_ORIGIN_PATTERN, 'kept-cors-origin.pattern')).min(1)
    .describe('Origins the rule allows.'),
  AllowedHeaders: z.array(patternString(CORS_HEADER_PATTERN, 'kept-cors-header.pattern')).optional()
    .describe('Request headers the rule allows.'),
  ExposeHeaders: z.array(patternString(CORS_HEADER_PATTERN, 'kept-cors-header.pattern')).optional()
    .describe('Response headers browsers may read.'),
  MaxAgeSeconds: z.number().int().min(0).optional().describe('How long browsers cache the preflight response.'),
});
export type KeptCorsRule = z.output<typeof keptCorsRuleSchema>;

export const bucketSchema = z.strictObject({
  name: checkedString(bucketNameProblems).describe('S3 bucket name (created in the ICA region).'),
  prefixes: z.array(checkedString(prefixProblems)).min(1)
    .describe('Folders connected to ICA, one ICA storage configuration each ("ica-data/"). Never the bucket root.'),
  versioning: z.enum(CHOICES.versioning).default('Disabled')
    .describe('Bucket versioning: "Enabled", "Suspended" or "Disabled" (unversioned). Picks the permission policy variant. "Disabled" is only for a bucket that was never versioned: S3 cannot unversion a bucket, so to stop versioning one write "Suspended" (preflight and doctor refuse "Disabled" on a bucket that was ever versioned).'),
  encryption: encryptionSchema.default({ type: 'SSE-S3' })
    .describe('Default encryption: {"type": "SSE-S3"} or {"type": "SSE-KMS", "kmsKeyArn"?}.'),
  blockPublicAccess: z.boolean().default(true).describe('Block all public access to the bucket.'),
  objectOwnership: z.enum(CHOICES.objectOwnership).default('BucketOwnerEnforced')
    .describe('Object ownership; BucketOwnerEnforced (ACLs off) avoids 403 errors on Illumina copy jobs.'),
  forceDestroy: z.boolean().default(false)
    .describe('Let destroy delete the bucket with every object in it. Leave false for real data.'),
  tags: tagsSchema.default({}).describe('Tags for this bucket (and its KMS key), merged over the top-level tags. An existing bucket keeps its own tags.'),
  existing: z.boolean().default(false)
    .describe('Adopt a bucket that already exists: it is read, never created or deleted, and only the settings in "manage" change. Run `ica-s3 adopt` to fill in existingPolicy and keepCorsRules.'),
  manage: z.array(z.enum(MANAGEABLE_SETTINGS)).optional()
    .describe('Existing buckets only: the settings this tool takes over ("versioning", "encryption", "cors", "publicAccessBlock", "ownership"). Default none; a new bucket gets all of them.'),
  existingPolicy: z.boolean().default(false)
    .describe('Existing buckets only: the bucket has a bucket policy; its statements are read at every plan and kept beside ICA\'s (set by `ica-s3 adopt`).'),
  keepCorsRules: z.array(keptCorsRuleSchema).default([])
    .describe('Existing buckets only, with "cors" managed: the CORS rules already on the bucket, kept next to ICA\'s and put back on destroy (set by `ica-s3 adopt`).'),
});

const bucketPolicySchema = z.strictObject({
  restrictToIca: z.boolean().default(false)
    .describe('Deny object access to every principal but the ICA user/role, its federated users and exemptPrincipalArns.'),
  exemptPrincipalArns: z.array(patternString(PRINCIPAL_ARN_PATTERN, 'principal-arn.pattern')).default([])
    .describe('Principals that keep object access when restrictToIca is on (your admins), so nobody is locked out.'),
  exemptDeployer: z.boolean().default(true)
    .describe('With restrictToIca, also exempt the principal that runs Terraform (read at plan time: the IAM user, or the role behind an assumed-role, SSO or HCP Terraform session), so it can still manage the folder objects. Turn off to exempt only exemptPrincipalArns; then list the deployer there.'),
  crossAccountCopy: z.boolean().default(false)
    .describe("Allow Illumina's regional cross-account role to copy and move objects (bucket and KMS key policy)."),
});

const backendSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local').describe('State in a local terraform.tfstate file.') }),
  z.strictObject({
    type: z.literal('s3').describe('State in an S3 bucket.'),
    bucket: checkedString(bucketNameProblems).describe('Bucket that holds the state.'),
    key: patternString("^(?=.{1,1024}$)[A-Za-z0-9!_.'()-]+(/[A-Za-z0-9!_.'()-]+)*$", 'backend.key')
      .describe('Object key of the state file.'),
    region: patternString(AWS_REGION_PATTERN, 'backend.region').describe('AWS region of the state bucket.'),
    useLockfile: z.boolean().default(true).describe('Lock the state with an S3 lock file (no DynamoDB table needed).'),
  }),
  z.strictObject({
    type: z.literal('cloud').describe('HCP Terraform / Terraform Enterprise workspace.'),
    organization: patternString('^[A-Za-z0-9_-]{1,40}$', 'backend.organization').describe('HCP Terraform organization.'),
    workspace: patternString('^[A-Za-z0-9_-]{1,90}$', 'backend.workspace').optional().describe('Workspace name (give this or workspaceTags).'),
    workspaceTags: z.array(patternString('^[A-Za-z0-9:_-]{1,255}$', 'backend.workspace-tag')).min(1).optional()
      .describe('Workspace tags selecting the workspaces (give this or workspace).'),
    hostname: patternString('^[A-Za-z0-9.-]{1,253}(:\\d{1,5})?$', 'backend.hostname').optional()
      .describe('Terraform Enterprise hostname. Default app.terraform.io.'),
  }).superRefine((cloud, ctx) => {
    if ((cloud.workspace === undefined) === (cloud.workspaceTags === undefined)) {
      addProblem(ctx, ruleProblem('backend.workspace-choice', undefined, cloud.workspace === undefined ? 'neither is given' : 'both are given'), ['workspace']);
    }
  }),
]);

export const configSchema = z.strictObject({
  $schema: z.string().optional().describe('Path of the JSON Schema, for editors.'),
  name: patternString(STACK_NAME_PATTERN, 'name.pattern')
    .describe('Name of this connection: the cdktf stack and the KMS key aliases are named after it.'),
  icaRegion: checkedString((value) => (findIcaRegion(value) ? [] : [ruleProblem('ica-region.known', value, unknownIcaRegionDetail(value))])).describe('ICA region by code (US, EU/DE, GB/UK, ...), name ("Germany") or AWS region ("eu-central-1"). Every resource is created in its AWS region.'),
  credential: z.discriminatedUnion('method', [userCredentialSchema, roleCredentialSchema])
    .describe('How ICA authenticates: {"method": "role", ...} (recommended) or {"method": "user", ...}.'),
  policyName: checkedString((value) => iamNameProblems('policy', value)).default('illumina-ica-admin-policy')
    .describe('Name of the IAM permission policy.'),
  buckets: z.array(bucketSchema).min(1).describe('Buckets to connect, each with its prefixes.'),
  bucketPolicy: bucketPolicySchema.default({ restrictToIca: false, exemptPrincipalArns: [], exemptDeployer: true, crossAccountCopy: false })
    .describe('Optional bucket policy statements (one policy per bucket holds all of them).'),
  maxManagedPolicies: z.number().int().min(1).max(AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value).default(AWS_QUOTAS.managedPoliciesPerPrincipal.value)
    .describe(`Managed policies the ICA user or role may have attached: the permission policy is split over at most this many. AWS allows ${AWS_QUOTAS.managedPoliciesPerPrincipal.value}; raise it (Service Quotas, up to ${AWS_QUOTAS.managedPoliciesPerPrincipalRaised.value}) before setting more.`),
  objectTagging: z.boolean().default(false)
    .describe('Add the tagging actions ICA needs to copy and move objects with their tags.'),
  corsAllowedOrigins: z.array(patternString(CORS_ORIGIN_PATTERN, 'cors-origin.pattern')).min(1).default([ICA_ORIGIN])
    .describe('Origins of the CORS rule for browser uploads.'),
  tags: tagsSchema.default({}).describe('Tags applied to every resource that takes tags (S3 folder objects take none: an object holds at most 10).'),
  backend: backendSchema.default({ type: 'local' })
    .describe('Where Terraform keeps state: {"type": "local"}, {"type": "s3", ...} or {"type": "cloud", ...}.'),
});

/** The config as the user writes it (defaults not applied). */
export type IcaConfigInput = z.input<typeof configSchema>;
/** The config after parsing, every default applied. */
export type IcaConfig = z.output<typeof configSchema>;
export type BucketConfig = z.output<typeof bucketSchema>;
export type CredentialConfig = IcaConfig['credential'];
export type BackendConfig = IcaConfig['backend'];

/** The JSON Schema of the config file, as shipped in `ica-config.schema.json`. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/ica-s3-connect/ica-s3-connect/ica-config.schema.json',
    title: 'ica-s3-connect configuration',
  };
}
