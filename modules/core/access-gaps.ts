/**
 * What a config does not protect against, in plain words: the limits of the documents this tool
 * writes, as a reviewer of a clinical-data bucket needs them spelled out. Each entry says when it
 * applies; `explain` prints the ones that do.
 */
import { exemptsDeployer } from './ica-policies';
import { hasCreatedKey } from './protection';
import { ResolvedConfig } from './resolved-config';

export interface AccessGap {
  /** Stable id, for JSON readers and tests. */
  readonly id: string;
  readonly text: string;
}

interface GapRule {
  readonly id: string;
  /** The gap's words for this config, or undefined when it does not apply. */
  readonly describe: (config: ResolvedConfig) => string | undefined;
}

const bucketNames = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ') || undefined;

const GAP_RULES: readonly GapRule[] = [
  {
    id: 'no-restriction',
    describe: (config) => (config.bucketPolicy.restrictToIca ? undefined
      : 'Without bucketPolicy.restrictToIca, any principal of the account whose own policies grant S3 rights (s3:* or s3:GetObject on the bucket) can read, write and delete every prefix; only IAM policies outside this config keep them out.'),
  },
  {
    id: 'bucket-administration',
    describe: (config) => (config.bucketPolicy.restrictToIca
      ? 'restrictToIca denies object reads, writes and deletes only: a principal of the account with s3:PutBucketPolicy can still replace or delete the bucket policy, and with it the restriction, and can list the bucket.'
      : undefined),
  },
  {
    id: 'tags-unrestricted',
    describe: (config) => (config.bucketPolicy.restrictToIca && !config.objectTagging
      ? 'Without objectTagging the restrictToIca Deny does not cover object tags: a principal of the account with S3 rights can read and change the tags of every object (tags can hold sample names).'
      : undefined),
  },
  {
    id: 'federated-users',
    describe: (config) => (config.bucketPolicy.restrictToIca
      ? "The restrictToIca Deny exempts every federated user of the account (federated-user/*), as ICA's seed policy does: an IAM user of the account allowed sts:GetFederationToken and S3 can reach the data through a federated session."
      : undefined),
  },
  {
    id: 'exemptions',
    describe: (config) => {
      const { restrictToIca, exemptPrincipalArns } = config.bucketPolicy;
      const exempt = [...exemptPrincipalArns, ...(exemptsDeployer(config) ? ['the principal that runs Terraform (exemptDeployer)'] : [])];
      return restrictToIca && exempt.length > 0
        ? `The Deny exempts ${exempt.join(', ')}: whoever can act as one of them reaches every object their own policies allow${exemptPrincipalArns.some((arn) => /[*?]/.test(arn)) ? '; a wildcard entry exempts every principal it matches' : ''}.`
        : undefined;
    },
  },
  {
    id: 'cross-account-whole-bucket',
    describe: (config) => (config.bucketPolicy.crossAccountCopy
      ? "crossAccountCopy lets Illumina's cross-account role read, write and delete every object of the bucket, not only the prefixes (as ICA's seed policy grants it), limited only by Illumina's own policies on that role."
      : undefined),
  },
  {
    id: 'kms-account-administration',
    describe: (config) => {
      const names = bucketNames(config.buckets.filter(hasCreatedKey).map((bucket) => bucket.name));
      return names && `The KMS key created for ${names} lets the account's IAM policies grant its use (its EnableAccountAdministration statement, which keeps the key from being locked out): SSE-KMS does not keep an account administrator with kms:Decrypt from the data.`;
    },
  },
  {
    id: 'existing-key-policy',
    describe: (config) => {
      const names = bucketNames(config.buckets.filter((bucket) => bucket.encryption.type === 'SSE-KMS' && bucket.encryption.kmsKeyArn).map((bucket) => bucket.name));
      return names && `The KMS key of ${names} is yours (encryption.kmsKeyArn): this tool does not write its policy; the map assumes the key policy "ica-s3 policies" writes.`;
    },
  },
  {
    id: 'kept-bucket-policy',
    describe: (config) => {
      const names = bucketNames(config.buckets.filter((bucket) => bucket.existing && bucket.existingPolicy).map((bucket) => bucket.name));
      return names && `The adopted bucket ${names} keeps the other statements of its current bucket policy: the map shows only this tool's statements; an Allow or Deny already there still applies.`;
    },
  },
  {
    id: 'ica-reach',
    describe: () => 'Whoever holds ICA\'s credential (the role\'s web-identity sessions, or the user\'s access key) can read, write and delete every configured prefix: the protection of the data inside the prefixes is ICA\'s access control.',
  },
  {
    id: 'deletion',
    describe: (config) => {
      const names = bucketNames(config.buckets.filter((bucket) => bucket.versioning !== 'Enabled').map((bucket) => bucket.name));
      return names && `Versioning is not Enabled on ${names}: an object deleted or overwritten there by anyone allowed to is gone; no earlier version is kept.`;
    },
  },
];

/** The gaps that apply to a config, in a fixed order. */
export function accessGaps(config: ResolvedConfig): AccessGap[] {
  return GAP_RULES.flatMap((rule) => {
    const text = rule.describe(config);
    return text ? [{ id: rule.id, text }] : [];
  });
}
