/**
 * The naming rules AWS and ICA impose, as patterns and pure checks. The config schema applies the
 * checks; the Terraform generator renders the patterns into `validation` blocks. Each check returns
 * every problem it finds, each with what is wrong and how to fix it.
 */

/** What is wrong with one value, and how to fix it. The caller adds the JSON path. */
export interface RuleProblem {
  readonly message: string;
  readonly fix: string;
}

/** S3 general purpose bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const BUCKET_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const BUCKET_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

// Values are quoted with JSON.stringify in messages: a newline or terminal escape in a config value
// must not reach the CLI's output raw.

/** Why a value's characters are refused: non-ASCII letters are named as such (the value looks fine to its writer). */
function disallowedCharacters(value: string, service: string, otherwise: string): string {
  const nonAscii = [...new Set([...value].filter((char) => char > '\u007f'))];
  return nonAscii.length > 0 ? `contains non-ASCII characters (${nonAscii.map((char) => JSON.stringify(char)).join(' ')}); ${service} takes ASCII only` : otherwise;
}

export function bucketNameProblems(name: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const fix = 'use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.length < 3 || name.length > 63) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} is ${name.length} characters long`, fix });
  }
  if (!/^[a-z0-9.-]*$/.test(name)) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} ${disallowedCharacters(name, 'S3', 'contains characters S3 does not allow')}`, fix });
  } else if (!/^[a-z0-9].*[a-z0-9]$/.test(name) && name.length >= 2) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} must start and end with a letter or digit`, fix });
  }
  if (name.includes('..')) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} contains two adjacent dots`, fix: 'remove one of the dots' });
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} is formatted as an IP address`, fix: 'choose a name that is not an IP address' });
  }
  const reservedPrefix = BUCKET_RESERVED_PREFIXES.find((prefix) => name.startsWith(prefix));
  if (reservedPrefix) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} starts with the reserved prefix "${reservedPrefix}"`, fix: 'choose another name' });
  }
  const reservedSuffix = BUCKET_RESERVED_SUFFIXES.find((suffix) => name.endsWith(suffix));
  if (reservedSuffix) {
    problems.push({ message: `bucket name ${JSON.stringify(name)} ends with the reserved suffix "${reservedSuffix}"`, fix: 'choose another name' });
  }
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
  if (prefix.trim() === '' || /^\/+$/.test(prefix)) {
    return [{
      message: `prefix ${JSON.stringify(prefix)} is the bucket root`,
      fix: 'name a folder such as "ica-data/": ICA on the root blocks the bucket for every other ICA project ("Conflict while updating file/folder")',
    }];
  }
  const problems: RuleProblem[] = [];
  if (prefix.startsWith('/')) {
    problems.push({ message: `prefix ${JSON.stringify(prefix)} starts with "/"`, fix: `remove the leading slash: ICA key prefixes are relative (${JSON.stringify(prefix.replace(/^\/+/, ''))})` });
  }
  if (prefix.startsWith('./') || prefix.startsWith('../') || prefix === '.' || prefix === '..') {
    problems.push({ message: `prefix ${JSON.stringify(prefix)} starts with "${prefix.startsWith('../') || prefix === '..' ? '../' : './'}"`, fix: 'S3 does not allow uploading keys under ./ or ../: name a plain folder such as "ica-data/"' });
  } else if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    problems.push({ message: `prefix ${JSON.stringify(prefix)} has a "." or ".." folder`, fix: 'remove the "." and ".." path segments' });
  }
  if (/\/\//.test(prefix.replace(/^\/+/, ''))) {
    problems.push({ message: `prefix ${JSON.stringify(prefix)} has an empty folder name ("//")`, fix: 'write single slashes between folder names' });
  }
  if (!new RegExp(PREFIX_PATTERN).test(prefix)) {
    problems.push({ message: `prefix ${JSON.stringify(prefix)} ${disallowedCharacters(prefix, 'an ICA prefix', "contains characters outside S3's safe set")}`, fix: "use ASCII letters, digits, spaces, / and ! _ . ' ( ) -" });
  }
  if (prefix.length > PREFIX_MAX_LENGTH) {
    problems.push({ message: `prefix is ${prefix.length} characters long`, fix: `shorten it to at most ${PREFIX_MAX_LENGTH} characters` });
  }
  return problems;
}

/** The form ICA stores: no leading slash, one trailing slash. */
export function normalisePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** IAM user, role and policy names: `[\w+=,.@-]`, 1 to 64 (user, role) or 128 (policy) characters. */
export const IAM_NAME_PATTERN = '^[A-Za-z0-9_+=,.@-]+$';
export const IAM_NAME_MAX_LENGTH = { user: 64, role: 64, policy: 128 } as const;

export function iamNameProblems(kind: keyof typeof IAM_NAME_MAX_LENGTH, name: string): RuleProblem[] {
  const max = IAM_NAME_MAX_LENGTH[kind];
  const fix = `use 1-${max} letters, digits and + = , . @ _ -`;
  const problems: RuleProblem[] = [];
  if (name.length === 0 || name.length > max) problems.push({ message: `IAM ${kind} name is ${name.length} characters long`, fix });
  if (!new RegExp(IAM_NAME_PATTERN).test(name) && name.length > 0) {
    problems.push({ message: `IAM ${kind} name ${JSON.stringify(name)} ${disallowedCharacters(name, 'IAM', 'contains characters IAM does not allow')}`, fix });
  }
  return problems;
}

/**
 * RoleSessionName characters (`[\w+=,.@-]`), at most 62 so that "<prefix>-" plus one character
 * still fits the 64-character session name ICA sends.
 */
export const SESSION_NAME_PREFIX_PATTERN = '^[A-Za-z0-9_+=,.@-]{1,62}$';

export function sessionNamePrefixProblems(prefix: string): RuleProblem[] {
  if (new RegExp(SESSION_NAME_PREFIX_PATTERN).test(prefix)) return [];
  return [{
    message: prefix.length > 62 || prefix.length === 0
      ? `sessionNamePrefix is ${prefix.length} characters long`
      : `sessionNamePrefix ${JSON.stringify(prefix)} contains characters a RoleSessionName cannot hold`,
    fix: 'copy the RoleSessionName prefix ICA generated when you created the AWS_Role storage credential (1-62 of letters, digits and + = , . @ _ -)',
  }];
}

export const OIDC_PROVIDER_ID_PATTERN = '^[A-Fa-f0-9]{32}$';
export const NAMESPACE_PATTERN = '^[a-z0-9]{2,16}$';

/** A KMS key ARN (not an alias): region and account are captured. */
export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\\d{12}):key/[A-Za-z0-9-]+$';
/** An IAM or STS principal ARN, wildcards allowed in the resource part. */
export const PRINCIPAL_ARN_PATTERN = '^arn:aws[a-z-]*:(iam|sts)::\\d{12}:[A-Za-z0-9+=,.@_/*:-]+$';
/** An http(s) origin, optionally with one leading wildcard label and a port. */
export const CORS_ORIGIN_PATTERN = '^https?://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?$';
/** Our stack name: it names the cdktf stack directory and the KMS aliases. */
/** An origin of a kept CORS rule: "*", or a scheme://host[:port] origin with at most one "*" (as S3 allows). */
export const KEPT_CORS_ORIGIN_PATTERN = '^(\\*|[a-z][a-z0-9+.-]*://[A-Za-z0-9*.\\[\\]:-]+)$';
/** A header name (or "*" / a "x-amz-*" wildcard) of a kept CORS rule. */
export const CORS_HEADER_PATTERN = '^[A-Za-z0-9*._-]{1,256}$';
/** The ID of a kept CORS rule (S3 allows up to 255 characters). */
export const CORS_RULE_ID_PATTERN = '^[A-Za-z0-9 ._:/+=@-]{1,255}$';
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

export function tagProblems(key: string, value: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const charset = new RegExp(TAG_PATTERN, 'u');
  if (key.length < 1 || key.length > 128) problems.push({ message: `tag key is ${key.length} characters long`, fix: 'use 1-128 characters' });
  if (key.toLowerCase().startsWith('aws:')) problems.push({ message: `tag key ${JSON.stringify(key)} uses the reserved "aws:" prefix`, fix: 'choose a key without the "aws:" prefix' });
  if (!charset.test(key)) problems.push({ message: `tag key ${JSON.stringify(key)} contains characters AWS tags cannot hold`, fix: 'use letters, digits, spaces and _ . : / = + - @' });
  if (value.length > 256) problems.push({ message: `tag value of ${JSON.stringify(key)} is ${value.length} characters long`, fix: 'use at most 256 characters' });
  if (!charset.test(value)) problems.push({ message: `tag value of ${JSON.stringify(key)} contains characters AWS tags cannot hold`, fix: 'use letters, digits, spaces and _ . : / = + - @' });
  return problems;
}
