/**
 * `ica-s3 adopt`: read a bucket that already exists (read-only, with the doctor's guarded clients
 * and bucket reader) and work out the config of adopting it: what the bucket policy and CORS
 * configuration hold that is not ICA's (so both renderers keep it), and the versioning and
 * encryption the permission policy must match when this tool does not manage them. What adoption
 * means for the renderers (no AWS call) is modules/core/adoption.ts.
 */
import { CORSRule } from '@aws-sdk/client-s3';
import { OWN_BUCKET_POLICY_SIDS } from '../core/adoption';
import { ManageableSetting } from '../core/config-schema';
import { icaCorsRule } from '../core/ica-policies';
import { PolicyDocument } from '../core/iam-policy';
import { ResolvedConfig, validateConfig } from '../core/validate';
import { readAccount } from '../aws/caller';
import { Fact } from '../aws/fact';
import { BucketFacts, errorText, usesAwsManagedKey } from '../aws/facts';
import { inspectBucket } from '../aws/read-bucket';
import { AwsTimeouts } from '../aws/timeouts';
import { decide, outsideTool } from '../account-report/verdict';

/** What adopting one bucket changes in its config entry, and what the user should know. */
export interface AdoptionResult {
  /** The bucket's config entry after adoption (only set when there are no problems). */
  readonly bucket?: Record<string, unknown>;
  /** What was found and decided, one line each. */
  readonly notes: string[];
  /** Why the bucket cannot be adopted as configured; nothing is written when there are any. */
  readonly problems: string[];
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  const left = [...new Set(a ?? [])].sort();
  const right = [...new Set(b ?? [])].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
};

/** True for the CORS rule this tool writes (any order of methods, headers and origins). */
function isIcaRule(rule: CORSRule, origins: readonly string[]): boolean {
  const ica = icaCorsRule(origins);
  return sameSet(rule.AllowedMethods, ica.AllowedMethods) && sameSet(rule.AllowedOrigins, ica.AllowedOrigins)
    && sameSet(rule.AllowedHeaders, ica.AllowedHeaders) && sameSet(rule.ExposeHeaders, ica.ExposeHeaders);
}

/** A rule as the config spells it: S3's field names, empty lists left out. */
function keptRule(rule: CORSRule): Record<string, unknown> {
  return Object.fromEntries(Object.entries({
    ID: rule.ID,
    AllowedMethods: rule.AllowedMethods,
    AllowedOrigins: rule.AllowedOrigins,
    AllowedHeaders: rule.AllowedHeaders?.length ? rule.AllowedHeaders : undefined,
    ExposeHeaders: rule.ExposeHeaders?.length ? rule.ExposeHeaders : undefined,
    MaxAgeSeconds: rule.MaxAgeSeconds,
  }).filter(([, value]) => value !== undefined));
}

/** How many statements of a bucket policy are not ICA's, or a reason it cannot be read. */
function foreignStatements(policy: string): { count: number } | { error: string } {
  try {
    return { count: PolicyDocument.fromJSON(policy).statements.filter((statement) => !OWN_BUCKET_POLICY_SIDS.includes(statement.sid ?? '')).length };
  } catch (error) {
    return { error: errorText(error) };
  }
}

/**
 * The adoption of `rawBucket` (its entry in the config file as written) given what the bucket
 * holds. Pure: the facts come from `inspectBucket`.
 */
export function planAdoption(config: ResolvedConfig, rawBucket: Record<string, unknown>, facts: BucketFacts): AdoptionResult {
  const name = facts.name;
  const notes: string[] = [];
  const problems: string[] = [];
  if (facts.exists.state !== 'ok') {
    return { notes, problems: [facts.exists.state === 'absent' ? `bucket ${name} does not exist; remove "existing" to have it created` : `bucket ${name} cannot be read: ${facts.exists.error}`] };
  }
  if (facts.region.state === 'ok' && facts.region.value !== config.region.awsRegion) {
    problems.push(`bucket ${name} is in ${facts.region.value}, but ICA region ${config.region.code} uses ${config.region.awsRegion}: ICA needs the bucket in its region`);
  }
  const manage = new Set((Array.isArray(rawBucket.manage) ? rawBucket.manage : []) as ManageableSetting[]);
  const bucket: Record<string, unknown> = { ...rawBucket, existing: true };

  if (facts.policy.state === 'ok') {
    const foreign = foreignStatements(facts.policy.value);
    if ('error' in foreign) problems.push(`the bucket policy is not valid JSON (${foreign.error})`);
    else {
      bucket.existingPolicy = foreign.count > 0;
      notes.push(foreign.count > 0
        ? `bucket policy: ${foreign.count} statement(s) of others, read at every plan and kept (existingPolicy: true)`
        : 'bucket policy: only ICA\'s statements (existingPolicy: false)');
    }
  } else if (facts.policy.state === 'absent') {
    bucket.existingPolicy = false;
    notes.push('bucket policy: none (existingPolicy: false)');
  } else problems.push(`the bucket policy cannot be read: ${facts.policy.error}`);

  if (facts.cors.state === 'error') problems.push(`the CORS configuration cannot be read: ${facts.cors.error}`);
  const rules = facts.cors.state === 'ok' ? facts.cors.value : [];
  const others = rules.filter((rule) => !isIcaRule(rule, config.corsAllowedOrigins));
  if (manage.has('cors')) {
    if (others.length > 0) bucket.keepCorsRules = others.map(keptRule);
    else delete bucket.keepCorsRules;
    notes.push(`CORS: ${others.length} rule(s) of others kept next to ICA's (keepCorsRules)`);
  } else {
    delete bucket.keepCorsRules;
    notes.push(rules.length === others.length
      ? `CORS: not managed; the bucket's ${rules.length} rule(s) stay, but ICA's rule is missing: browser uploads in ICA need it (add "cors" to manage)`
      : 'CORS: not managed; ICA\'s rule is already there');
  }

  const path = `buckets[${config.buckets.findIndex((entry) => entry.name === name)}]`;
  // A setting this tool does not manage must be copied from the bucket; one that cannot be read leaves the choice to the user.
  const undecided = (setting: 'versioning' | 'encryption', fact: Fact<unknown>, read: string, choices: string) =>
    problems.push(`${path}.${setting}: could not read the bucket's ${read} (${fact.state === 'error' ? fact.error : fact.state === 'absent' ? fact.reason : ''}), `
      + `so adopt cannot copy it: set ${path}.${setting} to ${choices} as the bucket has it, or add "${setting}" to ${path}.manage to have the apply set it`);
  if (!manage.has('versioning')) {
    if (facts.versioning.state === 'ok') {
      bucket.versioning = facts.versioning.value;
      notes.push(`versioning: not managed; the bucket's "${facts.versioning.value}" picks the permission policy variant`);
    } else undecided('versioning', facts.versioning, 'versioning (s3:GetBucketVersioning)', '"Enabled", "Suspended" or "Disabled"');
  }
  if (!manage.has('encryption') && facts.encryption.state !== 'ok') {
    undecided('encryption', facts.encryption, 'default encryption (s3:GetEncryptionConfiguration)', '{"type": "SSE-S3"} or {"type": "SSE-KMS", "kmsKeyArn": "<the bucket\'s key ARN>"}');
  }
  if (!manage.has('encryption') && facts.encryption.state === 'ok') {
    const { algorithm, kmsKeyId } = facts.encryption.value;
    // Named or not, aws/s3 is the same key: its policy can never let ICA's principals in.
    if (usesAwsManagedKey(facts)) {
      problems.push(`the bucket uses the AWS managed key aws/s3${kmsKeyId ? ` (named as ${kmsKeyId})` : ''}, which cannot be shared with ICA: add "encryption" to manage, or switch the bucket to SSE-S3 or a customer key`);
    } else if (algorithm.startsWith('aws:kms') && kmsKeyId) {
      const keyArn = facts.key?.metadata.state === 'ok' ? facts.key.metadata.value.arn : kmsKeyId;
      if (!keyArn.startsWith('arn:')) problems.push(`the bucket's KMS key ${kmsKeyId} cannot be described to find its ARN`);
      bucket.encryption = { type: 'SSE-KMS', kmsKeyArn: keyArn };
      notes.push(`encryption: not managed; the bucket's SSE-KMS key ${keyArn} gets ICA's key grants`);
    } else {
      bucket.encryption = { type: 'SSE-S3' };
      notes.push('encryption: not managed; the bucket uses SSE-S3 (AES256), S3\'s default');
    }
  }

  if (problems.length > 0) return { notes, problems };
  return { bucket, notes, problems };
}

/** The config file's JSON with the bucket entry replaced, or the problems of the result. */
export function adoptedConfig(raw: Record<string, unknown>, index: number, bucket: Record<string, unknown>): { config: Record<string, unknown> } | { problems: string[] } {
  const buckets = [...(raw.buckets as unknown[])];
  buckets[index] = bucket;
  const config = { ...raw, buckets };
  const result = validateConfig(config);
  return result.ok ? { config } : { problems: result.problems.map((problem) => `${problem.path}: ${problem.message} (${problem.fix})`) };
}

/**
 * Reads the bucket (read-only) and plans its adoption. The credentials are checked first, as the
 * doctor checks them: a bucket read with bad credentials only answers 403, which says nothing.
 */
export async function adoptBucket(config: ResolvedConfig, rawBucket: Record<string, unknown>, endpointUrl?: string, timeouts?: AwsTimeouts): Promise<AdoptionResult> {
  return readAccount(config.region.awsRegion, { endpointUrl, timeouts },
    async (clients) => planAdoption(config, rawBucket, await inspectBucket(clients, String(rawBucket.name))),
    // The doctor's aws.account line, word for word: the same decision gives the same fix.
    (problem) => ({ notes: [], problems: [`${problem.found} | fix: ${decide(outsideTool(problem.fix, 'fails')).fix}`] }));
}
