/**
 * The keys of the data already under a prefix. Objects keep the KMS key they were written with,
 * whatever the bucket's default says today: a key that is disabled or pending deletion makes
 * them unreadable (for good, once the deletion window ends), and an older key serves ICA only
 * while it lives and ICA may use it. The doctor samples a few objects per prefix (inspect).
 */
import { ResolvedBucket } from '../../core/validate';
import { accessForbidden } from '../../core/ica-errors';
import { BucketFacts, KeyMetadataFacts, ObjectSample, usesAwsManagedKey } from '../../aws/facts';
import { CheckResult, judge, pass, unreadableResult } from '../../account-report/checks';
import { outsideTool } from '../../account-report/verdict';
import { Fact } from '../../aws/fact';

interface Finding {
  readonly found: string;
  readonly fix: string;
}

/** The objects of one key, as found in the sample. */
interface KeyGroup {
  readonly keyId: string;
  readonly key: Fact<KeyMetadataFacts>;
  readonly objects: string[];
}

function examples(objects: readonly string[]): string {
  const shown = objects.slice(0, 2).map((key) => `"${key}"`).join(', ');
  return objects.length > 2 ? `${shown} and ${objects.length - 2} more` : shown;
}

/** `object "a" is` or `objects "a", "b" are`. */
function objectsAre(objects: readonly string[]): string {
  return objects.length === 1 ? `object ${examples(objects)} is` : `objects ${examples(objects)} are`;
}

function groupByKey(samples: readonly ObjectSample[]): KeyGroup[] {
  const groups = new Map<string, KeyGroup>();
  for (const sample of samples) {
    if (sample.encryption.state !== 'ok') continue;
    const { kmsKeyId, key } = sample.encryption.value;
    if (!kmsKeyId || !key) continue;
    const group = groups.get(kmsKeyId) ?? { keyId: kmsKeyId, key, objects: [] };
    group.objects.push(sample.key);
    groups.set(kmsKeyId, group);
  }
  return [...groups.values()];
}

/** Why the objects of a key cannot be read now or soon, with the AWS CLI steps that bring it back. */
function unusableKey(group: KeyGroup): Finding | undefined {
  const objects = objectsAre(group.objects);
  const [them, theyAre] = group.objects.length === 1 ? ['it', 'it is'] : ['them', 'they are'];
  if (group.key.state === 'absent') {
    return { found: `${objects} encrypted with ${group.keyId}, which no longer exists: S3 can never decrypt ${them} again`, fix: `restore ${them} from another copy, or delete ${them}` };
  }
  if (group.key.state !== 'ok') return undefined;
  const { arn, state, region, deletionDate } = group.key.value;
  const cli = (command: string) => `aws kms ${command} --key-id ${arn} --region ${region}`;
  if (state === 'PendingDeletion') {
    return {
      found: `${objects} encrypted with ${arn}, which is pending deletion${deletionDate ? ` on ${deletionDate}` : ''}: S3 cannot decrypt ${them} now, and once the key is deleted ${theyAre} unreadable for good`,
      fix: `${cli('cancel-key-deletion')}, then ${cli('enable-key')} (a cancelled deletion leaves the key disabled)`,
    };
  }
  if (state === 'Disabled') return { found: `${objects} encrypted with ${arn}, which is disabled: S3 cannot decrypt ${them}`, fix: cli('enable-key') };
  if (state !== 'Enabled') return { found: `${objects} encrypted with ${arn}, which is ${state}: S3 cannot decrypt ${them}`, fix: 'KMS console > the key: make it Enabled again' };
  return undefined;
}

/** The bucket's default key as ARN (or as the bucket names it), undefined for SSE-S3. */
function defaultKeyOf(facts: BucketFacts): string | undefined {
  if (facts.key?.metadata.state === 'ok') return facts.key.metadata.value.arn;
  return facts.encryption.state === 'ok' ? facts.encryption.value.kmsKeyId : undefined;
}

function isBucketDefault(group: KeyGroup, facts: BucketFacts): boolean {
  const arn = group.key.state === 'ok' ? group.key.value.arn : group.keyId;
  // A bucket on aws/s3 may name no key at all; its objects then report the aws/s3 key's ARN.
  const awsManaged = group.key.state === 'ok' && group.key.value.manager === 'AWS';
  return arn === defaultKeyOf(facts) || group.keyId === defaultKeyOf(facts) || (awsManaged && usesAwsManagedKey(facts));
}

/** Live objects under an older key: readable only while that key lives and ICA may use it. */
function olderKey(group: KeyGroup, facts: BucketFacts, bucket: ResolvedBucket, prefix: string): Finding | undefined {
  if (group.key.state !== 'ok' || isBucketDefault(group, facts)) return undefined;
  const current = defaultKeyOf(facts);
  const now = current ? `the bucket's default key ${current}` : 'the bucket\'s default SSE-S3';
  const sse = current ? `--sse aws:kms --sse-kms-key-id ${current}` : '--sse AES256';
  return {
    found: `${objectsAre(group.objects)} encrypted with ${group.key.value.arn}, not ${now}: written under an older key, ${group.objects.length === 1 ? 'it stays' : 'they stay'} readable while that key lives, and by ICA only if its principal may use that key too`,
    fix: `keep ${group.key.value.arn} enabled and allow ICA's principal to use it (key policy and permission policy), or re-encrypt the objects with the bucket's default: aws s3 cp s3://${bucket.name}/${prefix} s3://${bucket.name}/${prefix} --recursive ${sse}`,
  };
}

function unreadableFindings(samples: readonly ObjectSample[], groups: readonly KeyGroup[]): Finding[] {
  const findings: Finding[] = [];
  const heads = samples.flatMap((sample) => (sample.encryption.state === 'error' ? [{ key: sample.key, error: sample.encryption.error }] : []));
  if (heads.length > 0) {
    findings.push({
      found: `could not read the encryption of ${examples(heads.map((head) => head.key))}: ${heads[0].error}`,
      fix: 'allow s3:GetObject on the prefix to the credentials running the doctor (HeadObject reads metadata, never the data)',
    });
  }
  for (const group of groups) {
    if (group.key.state === 'error') {
      findings.push({ found: `could not describe ${group.keyId}, the key of ${examples(group.objects)}: ${group.key.error}`, fix: 'allow kms:DescribeKey on that key to the credentials running the doctor' });
    }
  }
  return findings;
}

function joined(findings: readonly Finding[]): Finding {
  return { found: findings.map((finding) => finding.found).join('; '), fix: findings.map((finding) => finding.fix).join('; ') };
}

/** prefix.object-keys: the keys of a few objects under the prefix are usable, and are the bucket's. */
export function checkObjectKeys(bucket: ResolvedBucket, prefix: string, facts: BucketFacts): CheckResult | undefined {
  const id = 'prefix.object-keys';
  const subject = `${bucket.name}/${prefix}`;
  const sampled = facts.objects?.get(prefix);
  if (!sampled) return undefined;
  if (sampled.state !== 'ok') {
    return unreadableResult(id, subject, 'the objects under the prefix (s3:ListBucket)', sampled.state === 'error' ? sampled.error : sampled.reason);
  }
  const samples = sampled.value;
  if (samples.length === 0) return pass(id, subject, 'no objects under the prefix yet (besides its folder object)');
  const sampledWords = `sampled ${samples.length} object${samples.length === 1 ? '' : 's'}`;
  const groups = groupByKey(samples);
  const unusable = groups.map(unusableKey).filter((finding): finding is Finding => finding !== undefined);
  if (unusable.length > 0) {
    const { found, fix } = joined(unusable);
    // A key's state and the objects already written are no config's: no apply changes them.
    return judge(id, subject, `${sampledWords}: ${found}`, accessForbidden(), outsideTool(fix, 'fails'));
  }
  const doubtful = [
    ...groups.map((group) => olderKey(group, facts, bucket, prefix)).filter((finding): finding is Finding => finding !== undefined),
    ...unreadableFindings(samples, groups),
  ];
  if (doubtful.length > 0) {
    const { found, fix } = joined(doubtful);
    return judge(id, subject, `${sampledWords}: ${found}`, accessForbidden(), outsideTool(fix, 'risk'));
  }
  const withKey = groups.flatMap((group) => group.objects).length;
  const keys = groups.map((group) => (group.key.state === 'ok' ? group.key.value.arn : group.keyId)).join(', ');
  const words = [withKey > 0 ? `${withKey} with the bucket's enabled key ${keys}` : '', samples.length > withKey ? `${samples.length - withKey} with SSE-S3` : ''];
  return pass(id, subject, `${sampledWords}: ${words.filter(Boolean).join(' and ')}`);
}
