/**
 * Checks of one bucket's own settings: existence and region, notifications that would collide
 * with ICA's, CORS, versioning, default encryption, ownership and public access. Pure functions
 * of the config and the facts read by `inspect`.
 */
import { CORS_ALLOWED_METHODS, CORS_EXPOSE_HEADERS, OBJECT_VERSIONED_ACTIONS } from '../../core/actions';
import { ManageableSetting } from '../../core/config-schema';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import { ICA_ERRORS, accessForbidden, icaErrorText } from '../../core/ica-errors';
import { wildcardMatch } from '../../core/iam-eval';
import { BucketFacts, NotificationEntry, usesAwsManagedKey } from '../../aws/facts';
import { CheckResult, judge, pass, unreadableResult } from '../../account-report/checks';
import { Comparison, applyFixes, configFixes, outsideTool } from '../../account-report/verdict';
import { versioningComparison } from '../../account-report/versioning';

/** The path of a bucket in the config, for fixes: `buckets[0]`. */
export function bucketPath(config: ResolvedConfig, bucket: ResolvedBucket): string {
  return `buckets[${config.buckets.indexOf(bucket)}]`;
}

/** The WARN of a check that needs the bucket to answer first. */
export function notChecked(id: string, subject: string, reason: string): CheckResult {
  return judge(id, subject, `not checked: ${reason}`, undefined, outsideTool('fix bucket.exists first', 'risk'));
}

/**
 * A bucket setting the config asks for: `account` says whether the bucket has what ICA needs,
 * `config` whether the config asks for it; an apply writes it when the bucket is new or the
 * adopted bucket lists the setting in "manage", else the config must hand it over first.
 */
function settingComparison(config: ResolvedConfig, bucket: ResolvedBucket, setting: ManageableSetting, words: {
  account: boolean; config: boolean; impact: Comparison['impact']; apply: string; configChange: string; byHand: string;
}): Comparison {
  const managed = bucket.manage.includes(setting);
  const manage = `add "${setting}" to ${bucketPath(config, bucket)}.manage`;
  const configChange = words.config ? manage : managed ? words.configChange : `${words.configChange} and ${manage}`;
  return { account: words.account, config: words.config, applies: managed, impact: words.impact, apply: words.apply, configChange, outside: words.byHand };
}

export function checkBucketExists(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.exists';
  if (facts.exists.state === 'ok') return pass(id, bucket.name, 'the bucket exists and answers');
  if (facts.exists.state === 'absent') {
    const containerMissing = icaErrorText(ICA_ERRORS.containerDoesNotExist, { storageContainer: bucket.name });
    return judge(id, bucket.name, 'no such bucket', containerMissing, bucket.existing
      ? configFixes(`correct ${bucketPath(config, bucket)}.name to the bucket you mean, or remove "existing" to have the stack create it`, 'fails')
      : applyFixes('it creates the bucket', 'fails'));
  }
  return judge(id, bucket.name, `the bucket did not answer: ${facts.exists.error} (it may belong to another account, or these credentials may not read it)`,
    accessForbidden(),
    outsideTool(`check the bucket name (${bucketPath(config, bucket)}.name) and run the doctor with credentials of the account that owns the bucket`, 'risk'));
}

export function checkBucketRegion(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.region';
  const wanted = config.region.awsRegion;
  if (facts.region.state === 'error') return unreadableResult(id, bucket.name, 'the bucket location (s3:GetBucketLocation)', facts.region.error);
  if (facts.region.state === 'absent') return notChecked(id, bucket.name, facts.region.reason);
  if (facts.region.value === wanted) return pass(id, bucket.name, `in ${wanted}, the AWS region of ICA region ${config.region.code}`);
  return judge(id, bucket.name, `the bucket is in ${facts.region.value}, but ICA region ${config.region.code} (${config.region.name}) uses ${wanted}`,
    icaErrorText(ICA_ERRORS.wrongRegion, { region: wanted }),
    configFixes(`a bucket cannot move: connect a bucket created in ${wanted} (set ${bucketPath(config, bucket)}.name to a new bucket), or set icaRegion to the ICA region whose AWS region is ${facts.region.value} if your ICA project lives there`, 'fails'));
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
  if (facts.notifications.state === 'absent') return notChecked(id, subject, facts.notifications.reason);
  const { entries, eventBridge } = facts.notifications.value;
  const overlapping = entries.filter((entry) => prefixesOverlap(entry.prefix, prefix));
  // ICA's own notifications on exactly this prefix are prefix.ica-notifications' business.
  const foreign = overlapping.filter((entry) => !(isIcaNotification(entry) && entry.prefix === prefix));
  const conflicting = foreign.filter((entry) => conflictingEvents(entry.events).length > 0);
  const note = eventBridge ? '; Amazon EventBridge delivery is on (it never conflicts with ICA)' : '';
  const fixSteps = 'S3 console > bucket > Properties > Event notifications: delete the notification that overlaps the prefix (or narrow its prefix so it no longer overlaps), then Validate the storage configuration in ICA';
  if (conflicting.length > 0) {
    return judge(id, subject,
      `prefix "${prefix}" (not the bucket root) is overlapped by ${conflicting.map(describeEntry).join('; ')}${note}`,
      `${ICA_ERRORS.overlappingNotifications} (or: ${ICA_ERRORS.awsOverlap})`,
      outsideTool(fixSteps, 'fails'));
  }
  if (foreign.length > 0) {
    return judge(id, subject,
      `prefix "${prefix}" is overlapped by ${foreign.map(describeEntry).join('; ')}, for other event types than ICA's${note}`,
      ICA_ERRORS.customerNotification,
      outsideTool(`S3 allows this, but if ICA reports the error, ${fixSteps.charAt(0).toLowerCase()}${fixSteps.slice(1)}`, 'risk'));
  }
  return pass(id, subject, `prefix "${prefix}" is a folder, not the bucket root, and no other notification overlaps it${note}`);
}

/** ICA's own notifications on a prefix: normal while a storage configuration uses it, fatal when it was deleted. */
export function checkIcaNotifications(bucket: ResolvedBucket, prefix: string, facts: BucketFacts): CheckResult {
  const id = 'prefix.ica-notifications';
  const subject = `${bucket.name}/${prefix}`;
  if (facts.notifications.state === 'error') return unreadableResult(id, subject, 'the bucket notifications (s3:GetBucketNotificationConfiguration)', facts.notifications.error);
  if (facts.notifications.state === 'absent') return notChecked(id, subject, facts.notifications.reason);
  const ours = facts.notifications.value.entries.filter((entry) => isIcaNotification(entry) && entry.prefix === prefix);
  if (ours.length === 0) return pass(id, subject, 'no ICA notifications (gds:*) on this prefix yet: ICA adds them when the storage configuration is created');
  return judge(id, subject,
    `ICA's notifications ${ours.map((entry) => entry.id).join(', ')} are on this prefix: right while an ICA storage configuration uses it; leftovers if that storage configuration was deleted`,
    ICA_ERRORS.leftoverNotifications,
    outsideTool('only if no storage configuration uses this prefix now: S3 console > bucket > Properties > Event notifications, select gds:objectcreated, gds:objectremoved and gds:objectrestore, Delete, then wait 15 minutes before creating the storage configuration (or delete the storage configuration, delete the notifications, and create it again)', 'risk'));
}

/** The first rule S3 would use for a browser request from this origin with this method. */
function corsRuleFor(rules: readonly { AllowedOrigins?: string[]; AllowedMethods?: string[]; ExposeHeaders?: string[]; AllowedHeaders?: string[] }[], origin: string, method: string) {
  return rules.find((rule) =>
    (rule.AllowedOrigins ?? []).some((allowed) => wildcardMatch(allowed, origin, true)) &&
    (rule.AllowedMethods ?? []).some((allowed) => allowed.toUpperCase() === method));
}

export function checkCors(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.cors';
  if (facts.cors.state === 'error') return unreadableResult(id, bucket.name, 'the CORS rules (s3:GetBucketCors)', facts.cors.error);
  if (facts.cors.state === 'absent' && facts.cors.reason !== 'NoSuchCORSConfiguration') return notChecked(id, bucket.name, facts.cors.reason);
  const rules = facts.cors.state === 'ok' ? facts.cors.value : [];
  const missing = (impact: Comparison['impact']) => settingComparison(config, bucket, 'cors', {
    account: false, config: true, impact,
    apply: 'it writes ICA\'s CORS rule for corsAllowedOrigins',
    configChange: '',
    byHand: 'S3 console > bucket > Permissions > Cross-origin resource sharing (CORS): paste cors.json from "ica-s3 policies"',
  });
  if (rules.length === 0) return judge(id, bucket.name, 'the bucket has no CORS rule', ICA_ERRORS.corsUpload, missing('fails'));
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
  if (problems.length > 0) return judge(id, bucket.name, [...new Set(problems)].join('; '), ICA_ERRORS.corsUpload, missing('fails'));
  const summary = `origins ${config.corsAllowedOrigins.join(', ')} may use ${CORS_ALLOWED_METHODS.join(' ')} and read ${CORS_EXPOSE_HEADERS.join(', ')}`;
  if (headersNote) return judge(id, bucket.name, `${summary}, but ${headersNote} as the seeds allow`, ICA_ERRORS.corsUpload, missing('risk'));
  return pass(id, bucket.name, summary);
}

export function checkVersioning(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.versioning';
  if (facts.versioning.state === 'error') return unreadableResult(id, bucket.name, 'the versioning state (s3:GetBucketVersioning)', facts.versioning.error);
  if (facts.versioning.state === 'absent') return notChecked(id, bucket.name, facts.versioning.reason);
  const { found, comparison } = versioningComparison(bucket, facts.versioning.value, bucketPath(config, bucket));
  return judge(id, bucket.name, found, comparison.impact === 'fails' ? accessForbidden(`not authorized to perform ${OBJECT_VERSIONED_ACTIONS.join(', ')}`) : undefined, comparison);
}

/** The bucket's default encryption against the configured one; an apply sets it where this tool manages it. */
export function checkEncryption(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.encryption';
  const path = `${bucketPath(config, bucket)}.encryption`;
  if (facts.encryption.state === 'error') return unreadableResult(id, bucket.name, 'the default encryption (s3:GetEncryptionConfiguration)', facts.encryption.error);
  if (facts.encryption.state === 'absent') return notChecked(id, bucket.name, facts.encryption.reason);
  const actual = facts.encryption.value;
  const wantsKms = bucket.encryption.type === 'SSE-KMS';
  const configuredKey = bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn : undefined;
  const byHand = 'S3 console > bucket > Properties > Default encryption';
  const setting = (words: { account: boolean; config: boolean; impact: Comparison['impact']; apply: string; configChange: string }) =>
    settingComparison(config, bucket, 'encryption', { ...words, byHand: `${byHand}: match ${path}` });
  if (actual.algorithm === 'AES256') {
    if (!wantsKms) return pass(id, bucket.name, 'SSE-S3 (AES256), as configured: enter AES256 in ICA');
    return judge(id, bucket.name, 'the bucket encrypts with SSE-S3 (AES256), the config says SSE-KMS', undefined, setting({
      account: false, config: true, impact: 'risk',
      apply: `it sets the bucket's default encryption to ${configuredKey ?? 'the key it creates'}`,
      configChange: `set ${path} to {"type": "SSE-S3"} and enter AES256 in ICA`,
    }));
  }
  if (actual.algorithm !== 'aws:kms') {
    return judge(id, bucket.name, `the bucket encrypts with ${actual.algorithm}; ICA's storage configuration offers AES256 and aws:kms`, undefined, setting({
      account: false, config: true, impact: 'risk',
      apply: `it sets the bucket's default encryption to ${wantsKms ? 'SSE-KMS' : 'SSE-S3'}`,
      configChange: '',
    }));
  }
  const keyText = actual.kmsKeyId ?? 'the AWS managed key aws/s3';
  if (!wantsKms) {
    return judge(id, bucket.name, `the bucket encrypts with SSE-KMS (${keyText}), the config says SSE-S3: the permission policy grants no KMS use`,
      accessForbidden('not authorized to perform kms:Decrypt'),
      configFixes(`set ${path} to {"type": "SSE-KMS"${actual.kmsKeyId ? ', "kmsKeyArn": "<the key ARN>"' : ''}} (objects already written keep that key), and enter aws:kms and the key ARN in ICA`, 'fails'));
  }
  const keyArn = facts.key?.metadata.state === 'ok' ? facts.key.metadata.value.arn : actual.kmsKeyId;
  const namesOtherKey = configuredKey !== undefined && configuredKey !== keyArn && configuredKey !== actual.kmsKeyId;
  if (usesAwsManagedKey(facts)) {
    // aws/s3's key policy cannot be changed: only a customer managed key serves Illumina's role.
    return judge(id, bucket.name, 'the bucket uses the AWS managed key aws/s3, whose key policy cannot be changed: Illumina\'s cross-account role can never use it',
      ICA_ERRORS.copyForbidden, setting({
        account: false, config: configuredKey === undefined || namesOtherKey, impact: config.bucketPolicy.crossAccountCopy ? 'fails' : 'risk',
        apply: `it switches the bucket's default encryption to ${configuredKey ?? 'the customer managed key it creates'}`,
        configChange: `omit ${path}.kmsKeyArn to let the stack create a customer managed key, or set it to your own customer managed key's ARN`,
      }));
  }
  if (namesOtherKey) {
    return judge(id, bucket.name, `the bucket encrypts with ${keyArn}, the config names ${configuredKey}`, accessForbidden(`not authorized to perform kms:Decrypt on ${keyArn}`), setting({
      account: false, config: true, impact: 'fails',
      apply: `it switches the bucket's default encryption to ${configuredKey} (objects written before keep ${keyArn}: prefix.object-keys checks them); ICA's storage configuration takes the same key ARN`,
      configChange: `set ${path}.kmsKeyArn to the bucket's key ${keyArn}`,
    }));
  }
  return pass(id, bucket.name, `SSE-KMS with ${keyArn}${actual.bucketKeyEnabled ? ' (S3 bucket key on)' : ''}: enter aws:kms and this key ARN in ICA`);
}

export function checkOwnership(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.ownership';
  if (facts.ownership.state === 'error') return unreadableResult(id, bucket.name, 'the ownership controls (s3:GetBucketOwnershipControls)', facts.ownership.error);
  if (facts.ownership.state === 'absent' && facts.ownership.reason !== 'OwnershipControlsNotFoundError') return notChecked(id, bucket.name, facts.ownership.reason);
  const actual = facts.ownership.state === 'ok' ? facts.ownership.value : 'ObjectWriter (no ownership controls)';
  const configured = bucket.objectOwnership === 'BucketOwnerEnforced';
  const found = actual === 'BucketOwnerEnforced'
    ? 'BucketOwnerEnforced, but the config says ' + bucket.objectOwnership + ': an apply would turn ACLs back on, and objects written by Illumina\'s copy jobs would stay owned by the writer'
    : `object ownership is ${actual}: objects written by Illumina's copy jobs stay owned by the writer${!configured && actual.startsWith(bucket.objectOwnership) ? ' (as configured)' : ''}`;
  const comparison = settingComparison(config, bucket, 'ownership', {
    account: actual === 'BucketOwnerEnforced', config: configured, impact: configured ? 'fails' : 'risk',
    apply: 'it sets object ownership to BucketOwnerEnforced',
    configChange: `set ${bucketPath(config, bucket)}.objectOwnership to "BucketOwnerEnforced"`,
    byHand: 'S3 console > bucket > Permissions > Object Ownership: "ACLs disabled (recommended)"',
  });
  const result = judge(id, bucket.name, found, ICA_ERRORS.copyForbidden, comparison);
  return result.status === 'PASS' ? pass(id, bucket.name, 'BucketOwnerEnforced: ACLs are off, the bucket owns every object') : result;
}

export function checkPublicAccess(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult {
  const id = 'bucket.public-access';
  if (facts.publicAccess.state === 'error') return unreadableResult(id, bucket.name, 'the public access block (s3:GetBucketPublicAccessBlock)', facts.publicAccess.error);
  if (facts.publicAccess.state === 'absent' && facts.publicAccess.reason !== 'NoSuchPublicAccessBlockConfiguration') return notChecked(id, bucket.name, facts.publicAccess.reason);
  const off = facts.publicAccess.state === 'ok' ? Object.entries(facts.publicAccess.value).filter(([, on]) => !on).map(([name]) => name) : [];
  const blocked = facts.publicAccess.state === 'ok' && off.length === 0;
  const found = facts.publicAccess.state !== 'ok'
    ? 'the bucket has no public access block (an account-level block may still apply)'
    : blocked ? 'all public access is blocked, but the config says blockPublicAccess false: an apply would lift the block' : `public access is not fully blocked: ${off.join(', ')} off`;
  const result = judge(id, bucket.name, found, undefined, settingComparison(config, bucket, 'publicAccessBlock', {
    account: blocked, config: bucket.blockPublicAccess, impact: 'risk',
    apply: 'it turns on all four public access block settings',
    configChange: `set ${bucketPath(config, bucket)}.blockPublicAccess to true`,
    byHand: 'S3 console > bucket > Permissions > Block public access: turn on all four settings',
  }));
  return result.status === 'PASS' ? pass(id, bucket.name, 'all public access is blocked') : result;
}

/** Every settings check of one bucket, in the order they print. */
export function bucketChecks(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts): CheckResult[] {
  const exists = checkBucketExists(config, bucket, facts);
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
