/**
 * The words, name formats and Terraform expressions both renderers write, once: the CDKTF stack
 * and the generated module take them from here, so that they cannot drift apart. Name formats use
 * `%s` verbs, which Terraform's `format` fills in the module and `formatName` fills here.
 */
import { PolicyDocument } from './iam-policy';

/** Descriptions of the resources IAM shows in its console. */
export const RESOURCE_DESCRIPTIONS = {
  permissionPolicy: 'Access Illumina Connected Analytics needs to its S3 storage (managed by ica-s3-connect).',
  role: 'Assumed by Illumina Connected Analytics to access its S3 storage (managed by ica-s3-connect).',
  secretStore: 'Access key of the IAM user Illumina Connected Analytics signs in as (managed by ica-s3-connect).',
} as const;

/** Descriptions of the outputs both renderers declare. */
export const OUTPUT_DESCRIPTIONS = {
  storage_configurations: "One entry per bucket prefix: the values of ICA's storage configuration form.",
  principal_arn: 'ARN of the IAM user or role ICA uses.',
  access_key_id: 'Id of the active access key (the last label) for the ICA storage credential (AWS_USER).',
  access_key_ids: 'Every access key id by label; during a rotation the old key is still listed here.',
  secret_access_key: 'Secret of the active access key for the ICA storage credential. Read it with: terraform output -raw secret_access_key',
  encrypted_secret_access_key: "The active secret access key, encrypted with the credential's PGP key (decrypt with: base64 -d | gpg -d).",
  secret_store_arn: 'ARN of the SSM parameter or Secrets Manager secret holding the active access key as JSON.',
} as const;

/** The storage configuration's credential when the user has no access key: a prompt, not a value. */
export const NO_ACCESS_KEY_CREDENTIAL = 'create an access key for the user (createAccessKey is false)';

/** The IAM policy language version of every document. */
export const POLICY_VERSION = PolicyDocument.VERSION;

export const NAME_FORMATS = {
  /** The alias of a key this tool creates: the config name and the bucket (alias names cannot hold dots: they become `_`). */
  kmsAlias: 'alias/%s/%s',
  /** ICA's OIDC issuer: the AWS region and the provider id, as IAM condition keys spell it. */
  oidcIssuer: 'oidc.eks.%s.amazonaws.com/id/%s',
  /** The default secret store names, by the config name. */
  ssmParameter: '/ica-s3-connect/%s/access-key',
  secretsManagerSecret: 'ica-s3-connect/%s/access-key',
} as const;

/** A name format filled in, as Terraform's `format` fills it. */
export function formatName(format: string, ...values: readonly string[]): string {
  let index = 0;
  return format.replace(/%s/g, () => values[index++] ?? '');
}

/**
 * The statements of an adopted bucket's current policy that are not ICA's, as a Terraform
 * expression over `policy` (the JSON) and `ownSids` (a list of ICA's Sids). A policy may hold one
 * statement as an object instead of a list: flatten takes both. Written as a for expression, not
 * cdktf's iterator, which wraps the list in toset(): that reorders statements and fails on
 * statements of different shapes.
 */
export function keptStatementsExpression(policy: string, ownSids: string): string {
  return `[for statement in flatten([lookup(jsondecode(${policy}), "Statement", [])]) : statement if !contains(${ownSids}, try(statement.Sid, ""))]`;
}

/** The kept statements as a policy document, or "" when there are none (the restore then deletes the policy). */
export function keptPolicyExpression(statements: string): string {
  return `length(${statements}) > 0 ? jsonencode({ Version = "${POLICY_VERSION}", Statement = ${statements} }) : ""`;
}
