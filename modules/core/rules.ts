/**
 * The naming rules AWS and ICA impose, as patterns and pure checks. The config schema applies the
 * checks; the Terraform generator renders the patterns into `validation` blocks. Each check returns
 * every problem it finds, in the words of the rule catalogue.
 */
import { RuleProblem, ruleProblem } from './rule-catalogue';

export type { RuleProblem } from './rule-catalogue';

/** S3 general purpose bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
/** The parts of the bucket name rule, each its own catalogue rule (the generated module checks each too). */
export const BUCKET_NAME_CHARACTERS_PATTERN = '^[a-z0-9.-]*$';
export const BUCKET_NAME_ENDS_PATTERN = '^[a-z0-9].*[a-z0-9]$';
export const IP_ADDRESS_PATTERN = '^\\d{1,3}(\\.\\d{1,3}){3}$';
/** Bucket name prefixes and suffixes S3 reserves for its own features. */
export const BUCKET_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
export const BUCKET_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/** The characters of a value that are not ASCII: named, because the value looks fine to its writer. */
function nonAsciiDetail(value: string, service: string): string | undefined {
  const nonAscii = [...new Set([...value].filter((char) => char > '\u007f'))];
  return nonAscii.length > 0 ? `non-ASCII characters ${nonAscii.map((char) => JSON.stringify(char)).join(' ')}; ${service} takes ASCII only` : undefined;
}

export function bucketNameProblems(name: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (name.length < 3 || name.length > 63) problems.push(ruleProblem('bucket-name.length', name, `${name.length}`));
  if (!new RegExp(BUCKET_NAME_CHARACTERS_PATTERN).test(name)) {
    problems.push(ruleProblem('bucket-name.characters', name, nonAsciiDetail(name, 'S3')));
  } else if (!new RegExp(BUCKET_NAME_ENDS_PATTERN).test(name) && name.length >= 2) {
    problems.push(ruleProblem('bucket-name.ends', name));
  }
  if (name.includes('..')) problems.push(ruleProblem('bucket-name.adjacent-dots', name));
  if (new RegExp(IP_ADDRESS_PATTERN).test(name)) problems.push(ruleProblem('bucket-name.ip-address', name));
  const reservedPrefix = BUCKET_RESERVED_PREFIXES.find((prefix) => name.startsWith(prefix));
  if (reservedPrefix) problems.push(ruleProblem('bucket-name.reserved-prefix', name, reservedPrefix));
  const reservedSuffix = BUCKET_RESERVED_SUFFIXES.find((suffix) => name.endsWith(suffix));
  if (reservedSuffix) problems.push(ruleProblem('bucket-name.reserved-suffix', name, reservedSuffix));
  return problems;
}

/**
 * Characters a prefix may hold: S3's "safe characters" except `*` (a wildcard inside policy
 * ARNs), plus space. Anything else (quotes, `$`, `?`, control characters) breaks policy ARNs,
 * ICA's folder view or shell pastes of the generated policies.
 */
export const PREFIX_PATTERN = "^[A-Za-z0-9!_.'() /-]+$";
export const PREFIX_MAX_LENGTH = 512;

/** The problems of one ICA key prefix, as the user wrote it (before normalisation). */
export function prefixProblems(prefix: string): RuleProblem[] {
  if (prefix.trim() === '' || /^\/+$/.test(prefix)) return [ruleProblem('prefix.root', prefix)];
  const problems: RuleProblem[] = [];
  if (prefix.startsWith('/')) problems.push(ruleProblem('prefix.leading-slash', prefix, `write ${JSON.stringify(prefix.replace(/^\/+/, ''))}`));
  if (prefix.startsWith('./') || prefix.startsWith('../') || prefix === '.' || prefix === '..') {
    problems.push(ruleProblem('prefix.dot-start', prefix));
  } else if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    problems.push(ruleProblem('prefix.dot-folder', prefix));
  }
  if (/\/\//.test(prefix.replace(/^\/+/, ''))) problems.push(ruleProblem('prefix.empty-folder', prefix));
  if (!new RegExp(PREFIX_PATTERN).test(prefix)) problems.push(ruleProblem('prefix.characters', prefix, nonAsciiDetail(prefix, 'an ICA prefix')));
  // The value itself is left out: at this length it would bury the message.
  if (prefix.length > PREFIX_MAX_LENGTH) problems.push(ruleProblem('prefix.length', undefined, `${prefix.length} characters`));
  return problems;
}

/**
 * The warnings of one prefix, as the user wrote it: a folder name with a space at either end is
 * allowed (S3 takes it) but is rarely meant, and looks in ICA like the folder without it.
 */
export function prefixWarnings(prefix: string): RuleProblem[] {
  if (prefix.trim() === '') return []; // the root: prefixProblems refuses it
  const spaced = prefix.split('/').filter((folder) => folder !== folder.trim());
  return spaced.length > 0 ? [ruleProblem('prefix.surrounding-space', prefix, spaced.map((folder) => `folder ${JSON.stringify(folder)}`).join(', '))] : [];
}

/** The form ICA stores: no leading slash, one trailing slash. */
export function normalisePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** IAM user, role and policy names: `[\w+=,.@-]`, 1 to 64 (user, role) or 128 (policy) characters. */
export const IAM_NAME_PATTERN = '^[A-Za-z0-9_+=,.@-]+$';
export const IAM_NAME_MAX_LENGTH = { user: 64, role: 64, policy: 128 } as const;

const IAM_NAME_RULES = {
  user: { length: 'user-name.length', characters: 'user-name.characters' },
  role: { length: 'role-name.length', characters: 'role-name.characters' },
  policy: { length: 'policy-name.length', characters: 'policy-name.characters' },
} as const;

export function iamNameProblems(kind: keyof typeof IAM_NAME_MAX_LENGTH, name: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (name.length === 0 || name.length > IAM_NAME_MAX_LENGTH[kind]) problems.push(ruleProblem(IAM_NAME_RULES[kind].length, name, `${name.length}`));
  if (!new RegExp(IAM_NAME_PATTERN).test(name) && name.length > 0) problems.push(ruleProblem(IAM_NAME_RULES[kind].characters, name, nonAsciiDetail(name, 'IAM')));
  return problems;
}

/**
 * RoleSessionName characters (`[\w+=,.@-]`), at most 62 so that "<prefix>-" plus one character
 * still fits the 64-character session name ICA sends.
 */
export const SESSION_NAME_PREFIX_PATTERN = '^[A-Za-z0-9_+=,.@-]{1,62}$';

export function sessionNamePrefixProblems(prefix: string): RuleProblem[] {
  if (new RegExp(SESSION_NAME_PREFIX_PATTERN).test(prefix)) return [];
  return prefix.length > 62 || prefix.length === 0
    ? [ruleProblem('session-name-prefix.length', prefix, `${prefix.length}`)]
    : [ruleProblem('session-name-prefix.characters', prefix)];
}

export const OIDC_PROVIDER_ID_PATTERN = '^[A-Fa-f0-9]{32}$';
export const NAMESPACE_PATTERN = '^[a-z0-9]{2,16}$';

/** A KMS key ARN (not an alias): region and account are captured. */
export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\\d{12}):key/[A-Za-z0-9-]+$';
/** An IAM or STS principal ARN, wildcards allowed in the resource part. */
export const PRINCIPAL_ARN_PATTERN = '^arn:aws[a-z-]*:(iam|sts)::\\d{12}:[A-Za-z0-9+=,.@_/*:-]+$';
/** An http(s) origin, optionally with one leading wildcard label and a port. */
export const CORS_ORIGIN_PATTERN = '^https?://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?$';
/** An origin of a kept CORS rule: "*", or a scheme://host[:port] origin with at most one "*" (as S3 allows). */
export const KEPT_CORS_ORIGIN_PATTERN = '^(\\*|[a-z][a-z0-9+.-]*://[A-Za-z0-9*.\\[\\]:-]+)$';
/** A header name (or "*" / a "x-amz-*" wildcard) of a kept CORS rule. */
export const CORS_HEADER_PATTERN = '^[A-Za-z0-9*._-]{1,256}$';
/** The ID of a kept CORS rule (S3 allows up to 255 characters). */
export const CORS_RULE_ID_PATTERN = '^[A-Za-z0-9 ._:/+=@-]{1,255}$';
/** Our stack name: it names the cdktf stack directory and the KMS aliases. */
export const STACK_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,39}$';
/** An AWS region such as eu-central-1 (for backends, which may live outside the ICA region). */
export const AWS_REGION_PATTERN = '^[a-z]{2}(-gov)?-[a-z]+-\\d$';

/** Labels of the user's access keys (`credential.accessKeys`): they name Terraform resources. */
export const ACCESS_KEY_LABEL_PATTERN = '^[a-z0-9-]{1,32}$';
/** SSM Parameter Store names this tool writes: a path. */
export const SSM_PARAMETER_NAME_PATTERN = '^/[A-Za-z0-9_.\\-/]{1,1010}$';
/** Secrets Manager secret names. */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9/_+=.@-]{1,512}$';
/** A base64-encoded PGP public key or `keybase:<username>`, as aws_iam_access_key's pgp_key takes it. */
export const PGP_KEY_PATTERN = '^(keybase:[A-Za-z0-9_-]{1,64}|[A-Za-z0-9+/=\\s]{16,})$';

/** AWS tag keys and values: letters, digits, spaces and _ . : / = + - @ in any script. */
export const TAG_PATTERN = '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$';

/** The problems of one tag; the tag key names the tag in each message. */
export function tagProblems(key: string, value: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const charset = new RegExp(TAG_PATTERN, 'u');
  if (key.length < 1 || key.length > 128) problems.push(ruleProblem('tag-key.length', undefined, `${key.length} characters`));
  if (key.toLowerCase().startsWith('aws:')) problems.push(ruleProblem('tag-key.reserved', undefined, JSON.stringify(key)));
  if (!charset.test(key)) problems.push(ruleProblem('tag-key.characters', undefined, JSON.stringify(key)));
  if (value.length > 256) problems.push(ruleProblem('tag-value.length', undefined, `${JSON.stringify(key)}: ${value.length} characters`));
  if (!charset.test(value)) problems.push(ruleProblem('tag-value.characters', undefined, `of the tag ${JSON.stringify(key)}`));
  return problems;
}
