/**
 * Checks of one bucket's own settings: existence and region, notifications that would collide
 * with ICA's, CORS, versioning, default encryption, ownership and public access. Pure functions
 * of the config and the facts read by `inspect`.
 */
import { CORS_ALLOWED_METHODS, CORS_EXPOSE_HEADERS } from '../../core/actions';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import { ICA_ERRORS } from '../../core/ica-errors';
import { wildcardMatch } from '../../core/iam-eval';
import { BucketFacts, NotificationEntry, usesAwsManagedKey } from '../../aws/facts';
import { CheckResult, fail, pass, unreadableResult, warn } from '../../account-report/checks';
import { versioningChangeProblem } from '../../account-report/versioning';

/** The path of a bucket in the config, for fixes: `buckets[0]`. */
export function bucketPath(config: ResolvedConfig, bucket: ResolvedBucket): string {
  return `buckets[${config.buckets.indexOf(bucket)}]`;
}

export function fillIcaError(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function checkBucketExists(bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.exists';
  if (facts.exists.state === 'ok') return pass(id, bucket.name, 'the bucket exists and answers');
  if (facts.exists.state === 'absent') {
    return fail(id, bucket.name, 'no such bucket', fillIcaError(ICA_ERRORS.containerDoesNotExist, { storageContainer: bucket.name }),
      'apply the stack (it creates the bucket), or correct buckets[].name to the bucket you mean');
  }
  return warn(id, bucket.name, `the bucket did not answer: ${facts.exists.error} (it may belong to another account, or these credentials may not read it)`,
    ICA_ERRORS.accessForbidden,
    'check the bucket name (buckets[].name) and run the doctor with credentials of the account that owns the bucket');
}

export function checkBucketRegion(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.region';
  const wanted = config.region.awsRegion;
  if (facts.region.state === 'error') return unreadableResult(id, bucket.name, 'the bucket location (s3:GetBucketLocation)', facts.region.error);
  if (facts.region.state === 'absent') return warn(id, bucket.name, `not checked: ${facts.region.reason}`, undefined, 'fix bucket.exists first');
  if (facts.region.value === wanted) return pass(id, bucket.name, `in ${wanted}, the AWS region of ICA region ${config.region.code}`);
  return fail(id, bucket.name, `the bucket is in ${facts.region.value}, but ICA region ${config.region.code} (${config.region.name}) uses ${wanted}`,
    fillIcaError(ICA_ERRORS.wrongRegion, { region: wanted }),
    `a bucket cannot move: connect a bucket created in ${wanted} (set ${bucketPath(config, bucket)}.name to a new bucket and apply), or set icaRegion to the ICA region whose AWS region is ${facts.region.value} if your ICA project lives there`);
}

/** The ICA notification ids of the seeds' "GetTemporaryUploadCredentialsAsync failure" section. */
export const ICA_NOTIFICATION_IDS = ['gds:objectcreated', 'gds:objectremoved', 'gds:objectrestore'] as const;

/**
 * The S3 event families ICA subscribes to (its notifications are named after them). A notification
 * on an overlapping prefix for any event of these families is one S3 refuses next to ICA's:
 * "Configurations on the same bucket cannot share a common event type".
 */
export const ICA_EVENT_FAMILIES = ['ObjectCreated', 'ObjectRemoved', 'ObjectRestore'] as const;

export function isIcaNotification(entry: NotificationEntry): boolean {
  return ICA_NOTIFICATION_IDS.some((id) => id === (entry.id ?? '').toLowerCase());
}

/** True when two key prefixes select a common key ("" selects every key). */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** The events of a notification that share a type with ICA's (s3:ObjectCreated:Put, s3:ObjectRemoved:*, ...). */
export function conflictingEvents(events: readonly string[]): string[] {
  return events.filter((event) => {
    const family = event.split(':')[1] ?? '';
    return event === 's3:*' || ICA_EVENT_FAMILIES.some((wanted) => family === wanted);
  });
}

function describeEntry(entry: NotificationEntry): string {
  return `${entry.id ? `"${entry.id}"` : 'a notification'} (${entry.kind} ${entry.target}, prefix "${entry.prefix}"${entry.suffix ? `, suffix "${entry.suffix}"` : ''}, events ${entry.events.join(' ')})`;
}

/** Customer notifications that overlap one ICA prefix. */
export function checkPrefixNotifications(bucket: ResolvedBucket, prefix: string, facts: BucketFacts): CheckResult {
  const id = 'prefix.notifications';
  const subject = `${bucket.name}/${prefix}`;
  if (facts.notifications.state === 'error') return unreadableResult(id, subject, 'the bucket notifications (s3:GetBucketNotificationConfiguration)', facts.notifications.error);
  if (facts.notifications.state === 'absent') return warn(id, subject, `not checked: ${facts.notifications.reason}`, undefined, 'fix bucket.exists first');
  const { entries, eventBridge } = facts.notifications.value;
  const overlapping = entries.filter((entry) => prefixesOverlap(entry.prefix, prefix));
  // ICA's own notifications on exactly this prefix are prefix.ica-notifications' business.
  const foreign = overlapping.filter((entry) => !(isIcaNotification(entry) && entry.prefix === prefix));
  const conflicting = foreign.filter((entry) => conflictingEvents(entry.events).length > 0);
  const note = eventBridge ? '; Amazon EventBridge delivery is on (it never conflicts with ICA)' : '';
  const fixSteps = 'S3 console > bucket > Properties > Event notifications: delete the notification that overlaps the prefix (or narrow its prefix so it no longer overlaps), then Validate the storage configuration in ICA';
  if (conflicting.length > 0) {
    return fail(id, subject,
      `prefix "${prefix}" (not the bucket root) is overlapped by ${conflicting.map(describeEntry).join('; ')}${note}`,
      `${ICA_ERRORS.overlappingNotifications} (or: ${ICA_ERRORS.awsOverlap})`,
      fixSteps);
  }
  if (foreign.length > 0) {
    return warn(id, subject,
      `prefix "${prefix}" is overlapped by ${foreign.map(describeEntry).join('; ')}, for other event types than ICA's${note}`,
      ICA_ERRORS.customerNotification,
      `S3 allows this, but if ICA reports the error, ${fixSteps.charAt(0).toLowerCase()}${fixSteps.slice(1)}`);
  }
  return pass(id, subject, `prefix "${prefix}" is a folder, not the bucket root, and no other notification overlaps it${note}`);
}

/** ICA's own notifications on a prefix: normal while a storage configuration uses it, fatal when it was deleted. */
export function checkIcaNotifications(bucket: ResolvedBucket, prefix: string, facts: BucketFacts): CheckResult {
  const id = 'prefix.ica-notifications';
  const subject = `${bucket.name}/${prefix}`;
  if (facts.notifications.state === 'error') return unreadableResult(id, subject, 'the bucket notifications (s3:GetBucketNotificationConfiguration)', facts.notifications.error);
  if (facts.notifications.state === 'absent') return warn(id, subject, `not checked: ${facts.notifications.reason}`, undefined, 'fix bucket.exists first');
  const ours = facts.notifications.value.entries.filter((entry) => isIcaNotification(entry) && entry.prefix === prefix);
  if (ours.length === 0) return pass(id, subject, 'no ICA notifications (gds:*) on this prefix yet: ICA adds them when the storage configuration is created');
  return warn(id, subject,
    `ICA's notifications ${ours.map((entry) => entry.id).join(', ')} are on this prefix: right while an ICA storage configuration uses it; leftovers if that storage configuration was deleted`,
    ICA_ERRORS.leftoverNotifications,
    'only if no storage configuration uses this prefix now: S3 console > bucket > Properties > Event notifications, select gds:objectcreated, gds:objectremoved and gds:objectrestore, Delete, then wait 15 minutes before creating the storage configuration (or delete the storage configuration, delete the notifications, and create it again)');
}

/** The first rule S3 would use for a browser request from this origin with this method. */
function corsRuleFor(rules: readonly { AllowedOrigins?: string[]; AllowedMethods?: string[]; ExposeHeaders?: string[]; AllowedHeaders?: string[] }[], origin: string, method: string) {
  return rules.find((rule) =>
    (rule.AllowedOrigins ?? []).some((allowed) => wildcardMatch(allowed, origin, true)) &&
    (rule.AllowedMethods ?? []).some((allowed) => allowed.toUpperCase() === method));
}

export function checkCors(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.cors';
  const fix = 'apply the stack (corsAllowedOrigins sets the origins), or S3 console > bucket > Permissions > Cross-origin resource sharing (CORS): paste cors.json from "ica-s3 policies"';
  if (facts.cors.state === 'error') return unreadableResult(id, bucket.name, 'the CORS rules (s3:GetBucketCors)', facts.cors.error);
  if (facts.cors.state === 'absent' && facts.cors.reason !== 'NoSuchCORSConfiguration') return warn(id, bucket.name, `not checked: ${facts.cors.reason}`, undefined, 'fix bucket.exists first');
  const rules = facts.cors.state === 'ok' ? facts.cors.value : [];
  if (rules.length === 0) return fail(id, bucket.name, 'the bucket has no CORS rule', ICA_ERRORS.corsUpload, fix);
  const problems: string[] = [];
  let headersNote = '';
  for (const origin of config.corsAllowedOrigins) {
    const missingMethods = CORS_ALLOWED_METHODS.filter((method) => !corsRuleFor(rules, origin, method));
    if (missingMethods.length > 0) problems.push(`origin ${origin} may not use ${missingMethods.join(' ')}`);
    for (const method of CORS_ALLOWED_METHODS.filter((m) => !missingMethods.includes(m))) {
      const rule = corsRuleFor(rules, origin, method)!;
      const exposed = (rule.ExposeHeaders ?? []).map((header) => header.toLowerCase());
      const missingHeaders = CORS_EXPOSE_HEADERS.filter((header) => !exposed.includes(header.toLowerCase()));
      if (missingHeaders.length > 0) problems.push(`the rule for ${origin} ${method} does not expose ${missingHeaders.join(', ')}`);
      if (!(rule.AllowedHeaders ?? []).includes('*')) headersNote = `the rule for ${origin} allows only the request headers ${(rule.AllowedHeaders ?? []).join(', ') || '(none)'}, not "*"`;
    }
  }
  if (problems.length > 0) return fail(id, bucket.name, [...new Set(problems)].join('; '), ICA_ERRORS.corsUpload, fix);
  const summary = `origins ${config.corsAllowedOrigins.join(', ')} may use ${CORS_ALLOWED_METHODS.join(' ')} and read ${CORS_EXPOSE_HEADERS.join(', ')}`;
  if (headersNote) return warn(id, bucket.name, `${summary}, but ${headersNote}`, ICA_ERRORS.corsUpload, `allow the request headers "*" as the seeds do; ${fix}`);
  return pass(id, bucket.name, summary);
}

export function checkVersioning(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.versioning';
  if (facts.versioning.state === 'error') return unreadableResult(id, bucket.name, 'the versioning state (s3:GetBucketVersioning)', facts.versioning.error);
  if (facts.versioning.state === 'absent') return warn(id, bucket.name, `not checked: ${facts.versioning.reason}`, undefined, 'fix bucket.exists first');
  const actual = facts.versioning.value;
  const words = (state: string) => (state === 'Disabled' ? 'unversioned' : state === 'Enabled' ? 'versioned (Enabled)' : 'versioning-suspended');
  if (actual === bucket.versioning) return pass(id, bucket.name, `${words(actual)}, as configured`);
  const unversioning = versioningChangeProblem(bucket.versioning, actual, `${bucketPath(config, bucket)}.versioning`);
  if (unversioning) return fail(id, bucket.name, unversioning.found, ICA_ERRORS.accessForbidden, unversioning.fix);
  return warn(id, bucket.name, `the bucket is ${words(actual)}, the config says ${bucket.versioning}`, undefined,
    `set ${bucketPath(config, bucket)}.versioning to "${actual}" (the permission policy variant follows it) and apply; versioning can be suspended but never switched off again`);
}

export function checkEncryption(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.encryption';
  const path = `${bucketPath(config, bucket)}.encryption`;
  if (facts.encryption.state === 'error') return unreadableResult(id, bucket.name, 'the default encryption (s3:GetEncryptionConfiguration)', facts.encryption.error);
  if (facts.encryption.state === 'absent' && facts.encryption.reason !== 'ServerSideEncryptionConfigurationNotFoundError') {
    return warn(id, bucket.name, `not checked: ${facts.encryption.reason}`, undefined, 'fix bucket.exists first');
  }
  const actual = facts.encryption.state === 'ok' ? facts.encryption.value : { algorithm: 'AES256' };
  const wantsKms = bucket.encryption.type === 'SSE-KMS';
  const configuredKey = bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn : undefined;
  if (actual.algorithm === 'AES256') {
    if (!wantsKms) return pass(id, bucket.name, 'SSE-S3 (AES256), as configured: enter AES256 in ICA');
    return warn(id, bucket.name, 'the bucket encrypts with SSE-S3 (AES256), the config says SSE-KMS', undefined,
      `apply the stack (it sets the bucket's default encryption to the key), or set ${path} to {"type": "SSE-S3"} and enter AES256 in ICA`);
  }
  if (actual.algorithm !== 'aws:kms') {
    return warn(id, bucket.name, `the bucket encrypts with ${actual.algorithm}; ICA's storage configuration offers AES256 and aws:kms`, undefined,
      `S3 console > bucket > Properties > Default encryption: choose SSE-S3 or SSE-KMS, and match ${path}`);
  }
  const keyText = actual.kmsKeyId ?? 'the AWS managed key aws/s3';
  if (!wantsKms) {
    return fail(id, bucket.name, `the bucket encrypts with SSE-KMS (${keyText}), the config says SSE-S3: the permission policy grants no KMS use`,
      ICA_ERRORS.accessForbidden,
      `set ${path} to {"type": "SSE-KMS"${actual.kmsKeyId ? `, "kmsKeyArn": "<the key ARN>"` : ''}} and apply; enter aws:kms and the key ARN in ICA`);
  }
  if (usesAwsManagedKey(facts)) {
    return (config.bucketPolicy.crossAccountCopy ? fail : warn)(id, bucket.name,
      'the bucket uses the AWS managed key aws/s3, whose key policy cannot be changed: Illumina\'s cross-account role can never use it',
      ICA_ERRORS.copyForbidden,
      `use a customer managed key: omit ${path}.kmsKeyArn to let the stack create one, or set it to your key's ARN, and apply`);
  }
  const keyArn = facts.key?.metadata.state === 'ok' ? facts.key.metadata.value.arn : actual.kmsKeyId;
  if (configuredKey && configuredKey !== keyArn && configuredKey !== actual.kmsKeyId) {
    return fail(id, bucket.name, `the bucket encrypts with ${keyArn}, the config names ${configuredKey}`, ICA_ERRORS.accessForbidden,
      `set ${path}.kmsKeyArn to the bucket's key (or apply to switch the bucket to the configured key); ICA's storage configuration takes the same key ARN`);
  }
  return pass(id, bucket.name, `SSE-KMS with ${keyArn}${actual.bucketKeyEnabled ? ' (S3 bucket key on)' : ''}: enter aws:kms and this key ARN in ICA`);
}

export function checkOwnership(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.ownership';
  if (facts.ownership.state === 'error') return unreadableResult(id, bucket.name, 'the ownership controls (s3:GetBucketOwnershipControls)', facts.ownership.error);
  if (facts.ownership.state === 'absent' && facts.ownership.reason !== 'OwnershipControlsNotFoundError') {
    return warn(id, bucket.name, `not checked: ${facts.ownership.reason}`, undefined, 'fix bucket.exists first');
  }
  const actual = facts.ownership.state === 'ok' ? facts.ownership.value : 'ObjectWriter (no ownership controls)';
  if (actual === 'BucketOwnerEnforced') return pass(id, bucket.name, 'BucketOwnerEnforced: ACLs are off, the bucket owns every object');
  const fix = `S3 console > bucket > Permissions > Object Ownership: "ACLs disabled (recommended)", or set ${bucketPath(config, bucket)}.objectOwnership to "BucketOwnerEnforced" and apply`;
  const found = `object ownership is ${actual}: objects written by Illumina's copy jobs stay owned by the writer`;
  if (bucket.objectOwnership !== 'BucketOwnerEnforced' && actual.startsWith(bucket.objectOwnership)) {
    return warn(id, bucket.name, `${found} (as configured)`, ICA_ERRORS.copyForbidden, fix);
  }
  return fail(id, bucket.name, found, ICA_ERRORS.copyForbidden, fix);
}

export function checkPublicAccess(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.public-access';
  if (facts.publicAccess.state === 'error') return unreadableResult(id, bucket.name, 'the public access block (s3:GetBucketPublicAccessBlock)', facts.publicAccess.error);
  const fix = `set ${bucketPath(config, bucket)}.blockPublicAccess to true and apply, or S3 console > bucket > Permissions > Block public access: turn on all four settings`;
  if (facts.publicAccess.state === 'absent') {
    if (facts.publicAccess.reason !== 'NoSuchPublicAccessBlockConfiguration') return warn(id, bucket.name, `not checked: ${facts.publicAccess.reason}`, undefined, 'fix bucket.exists first');
    return warn(id, bucket.name, 'the bucket has no public access block (an account-level block may still apply)', undefined, fix);
  }
  const off = Object.entries(facts.publicAccess.value).filter(([, on]) => !on).map(([name]) => name);
  if (off.length === 0) return pass(id, bucket.name, 'all public access is blocked');
  return warn(id, bucket.name, `public access is not fully blocked: ${off.join(', ')} off`, undefined, fix);
}

/** Every settings check of one bucket, in the order they print. */
export function bucketChecks(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult[] {
  const exists = checkBucketExists(bucket, facts);
  if (facts.exists.state !== 'ok') return [exists];
  return [
    exists,
    checkBucketRegion(config, bucket, facts),
    ...bucket.prefixes.flatMap((prefix) => [checkPrefixNotifications(bucket, prefix, facts), checkIcaNotifications(bucket, prefix, facts)]),
    checkCors(config, bucket, facts),
    checkVersioning(config, bucket, facts),
    checkEncryption(config, bucket, facts),
    checkOwnership(config, bucket, facts),
    checkPublicAccess(config, bucket, facts),
  ];
}
