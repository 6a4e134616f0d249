/**
 * The rules that span several fields of the config (duplicates, overlapping prefixes, the adoption
 * fields, access keys and their stores, KMS key regions, OIDC overrides, merged tags, ICA's
 * storage configuration names), in the catalogue's words.
 */
import { storageConfigurationName } from './ica-names';
import { AWS_QUOTAS } from './quotas';
import { IcaRegion } from './regions';
import { ConfigProblem, ResolvedConfig, formatPath } from './resolved-config';
import { ruleProblem } from './rule-catalogue';
import { KMS_KEY_ARN_PATTERN, normalisePrefix } from './rules';

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Checks that span several fields. They read the raw input defensively, so they still run (and
 * report) when an unrelated field is malformed.
 */
export function crossFieldProblems(raw: Record<string, unknown>, region: IcaRegion | undefined): ConfigProblem[] {
  const buckets = (Array.isArray(raw.buckets) ? raw.buckets : []).map(asRecord);
  const credential = asRecord(raw.credential);
  const duplicates = duplicateBucketProblems(buckets);
  return [
    // In the order of the file: each bucket's problems, its being listed twice first.
    ...buckets.flatMap((bucket, index) => (bucket ? [...duplicates.get(index) ?? [], ...bucketProblems(bucket, index, asRecord(raw.tags), region)] : [])),
    ...prototypeKeyProblems(raw.tags, ['tags']),
    ...(credential?.method === 'user' ? accessKeyProblems(credential) : []),
    ...(credential?.method === 'role' ? roleRegionProblems(credential, region) : []),
  ];
}

/** A bucket listed twice, by the index of its second place. */
function duplicateBucketProblems(buckets: readonly (Record<string, unknown> | undefined)[]): Map<number, ConfigProblem[]> {
  const firstIndexOfName = new Map<string, number>();
  const problems = new Map<number, ConfigProblem[]>();
  buckets.forEach((bucket, index) => {
    if (typeof bucket?.name !== 'string') return;
    const first = firstIndexOfName.get(bucket.name);
    if (first === undefined) firstIndexOfName.set(bucket.name, index);
    else problems.set(index, [{ path: `buckets[${index}].name`, ...ruleProblem('buckets.unique', bucket.name, `also buckets[${first}]`) }]);
  });
  return problems;
}

/** The rules of one bucket that read several of its fields, or the top-level tags and the region. */
function bucketProblems(bucket: Record<string, unknown>, index: number, tags: Record<string, unknown> | undefined, region: IcaRegion | undefined): ConfigProblem[] {
  const path = `buckets[${index}]`;
  return [
    ...prefixProblems(bucket, path),
    ...adoptionProblems(bucket, path),
    ...mergedTagProblems(tags, asRecord(bucket.tags), `${path}.tags`),
    ...prototypeKeyProblems(bucket.tags, ['buckets', index, 'tags']),
    ...kmsKeyRegionProblems(bucket, path, region),
  ];
}

/** Prefixes of one bucket listed twice or lying inside each other (after normalisation). */
function prefixProblems(bucket: Record<string, unknown>, bucketPath: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen: { prefix: string; index: number }[] = [];
  (Array.isArray(bucket.prefixes) ? bucket.prefixes : []).forEach((prefix, prefixIndex) => {
    // Those are the bucket root or absolute: their own rules report them.
    if (typeof prefix !== 'string' || prefix.trim() === '' || prefix.startsWith('/')) return;
    const normalised = normalisePrefix(prefix);
    const path = `${bucketPath}.prefixes[${prefixIndex}]`;
    for (const other of seen) {
      if (other.prefix === normalised) {
        problems.push({ path, ...ruleProblem('prefixes.unique', normalised, `also prefixes[${other.index}]`) });
      } else if (normalised.startsWith(other.prefix) || other.prefix.startsWith(normalised)) {
        const [outer, inner] = normalised.startsWith(other.prefix) ? [other.prefix, normalised] : [normalised, other.prefix];
        problems.push({ path, ...ruleProblem('prefixes.overlap', inner, inner === normalised ? `inside ${JSON.stringify(outer)}, prefixes[${other.index}]` : `prefixes[${other.index}], inside this prefix ${JSON.stringify(outer)}`) });
      }
    }
    seen.push({ prefix: normalised, index: prefixIndex });
  });
  return problems;
}

/** A KMS key the user brings must be in the ICA region's AWS region. */
function kmsKeyRegionProblems(bucket: Record<string, unknown>, bucketPath: string, region: IcaRegion | undefined): ConfigProblem[] {
  const kmsKeyArn = asRecord(bucket.encryption)?.kmsKeyArn;
  if (!region || typeof kmsKeyArn !== 'string') return [];
  const keyRegion = new RegExp(KMS_KEY_ARN_PATTERN).exec(kmsKeyArn)?.[1];
  if (!keyRegion || keyRegion === region.awsRegion) return [];
  return [{ path: `${bucketPath}.encryption.kmsKeyArn`, ...ruleProblem('kms-key.region', undefined, `the key is in ${keyRegion}; ICA region ${region.code} uses ${region.awsRegion}`) }];
}

/** The role method where the docs publish no OIDC provider needs both overrides. */
function roleRegionProblems(credential: Record<string, unknown>, region: IcaRegion | undefined): ConfigProblem[] {
  if (!region || region.oidc) return [];
  const missing = ['oidcProviderId', 'namespace'].filter((key) => typeof credential[key] !== 'string');
  if (missing.length === 0) return [];
  return [{ path: 'credential', ...ruleProblem('role.oidc-for-region', undefined, `${region.name} (${region.code}); missing: ${missing.join(' and ')}`) }];
}

/**
 * A tag key "__proto__" is valid to AWS, but parsing turns it into the object's prototype: its
 * value would go unchecked and the tag be dropped without a word.
 */
function prototypeKeyProblems(tags: unknown, path: readonly PropertyKey[]): ConfigProblem[] {
  const record = asRecord(tags);
  if (!record || !Object.prototype.hasOwnProperty.call(record, '__proto__')) return [];
  return [{ path: formatPath([...path, '__proto__']), ...ruleProblem('tag-key.proto') }];
}

/** A bucket and its key carry the top-level tags and their own: together within AWS's limit. */
function mergedTagProblems(tags: Record<string, unknown> | undefined, bucketTags: Record<string, unknown> | undefined, path: string): ConfigProblem[] {
  const count = Object.keys({ ...tags, ...bucketTags }).length;
  const max = AWS_QUOTAS.tagsPerResource.value;
  if (count <= max || Object.keys(bucketTags ?? {}).length > max || Object.keys(tags ?? {}).length > max) return [];
  return [{ path, ...ruleProblem('tags.merged-count', undefined, `${count} tags`) }];
}

/** The adoption fields of one bucket must agree with each other and with `existing`. */
function adoptionProblems(bucket: Record<string, unknown>, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const adoptionFields = ['manage', 'existingPolicy', 'keepCorsRules'].filter((key) => bucket[key] !== undefined);
  if (bucket.existing !== true) {
    for (const key of adoptionFields) problems.push({ path: `${path}.${key}`, ...ruleProblem('adoption.existing-only') });
    return problems;
  }
  const manage = Array.isArray(bucket.manage) ? bucket.manage : [];
  manage.forEach((setting, index) => {
    if (manage.indexOf(setting) !== index) problems.push({ path: `${path}.manage[${index}]`, ...ruleProblem('adoption.manage-unique', setting) });
  });
  if (bucket.forceDestroy === true) {
    problems.push({ path: `${path}.forceDestroy`, ...ruleProblem('adoption.force-destroy') });
  }
  const encryption = asRecord(bucket.encryption);
  if (encryption?.type === 'SSE-KMS' && encryption.kmsKeyArn === undefined && !manage.includes('encryption')) {
    problems.push({ path: `${path}.encryption`, ...ruleProblem('adoption.new-key-unmanaged') });
  }
  const kept = Array.isArray(bucket.keepCorsRules) ? bucket.keepCorsRules : [];
  if (kept.length > 0 && !manage.includes('cors')) {
    problems.push({ path: `${path}.keepCorsRules`, ...ruleProblem('adoption.kept-cors-unmanaged') });
  }
  if (kept.length + 1 > AWS_QUOTAS.corsRulesPerBucket.value) {
    problems.push({ path: `${path}.keepCorsRules`, ...ruleProblem('adoption.kept-cors-count', undefined, `${kept.length} rules and ICA's`) });
  }
  return problems;
}

/** Access key labels, the secret store and pgpKey must agree with each other. */
function accessKeyProblems(credential: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const noKey = credential.createAccessKey === false;
  if (noKey && credential.accessKeys !== undefined) {
    problems.push({ path: 'credential.accessKeys', ...ruleProblem('access-keys.without-key') });
  }
  if (noKey && credential.secretStore !== undefined) {
    problems.push({ path: 'credential.secretStore', ...ruleProblem('secret-store.without-key') });
  }
  if (credential.secretStore !== undefined && credential.pgpKey !== undefined) {
    problems.push({ path: 'credential.secretStore', ...ruleProblem('secret-store.with-pgp-key') });
  }
  if (Array.isArray(credential.accessKeys)) {
    const labels = credential.accessKeys;
    labels.forEach((label, index) => {
      if (labels.indexOf(label) !== index) {
        problems.push({ path: `credential.accessKeys[${index}]`, ...ruleProblem('access-keys.unique', label) });
      }
    });
  }
  return problems;
}

/**
 * Two prefixes whose ICA storage configuration names are equal: ICA names are unique per tenant,
 * so the second could not be created. Only readable names can collide ("a.b/" and "a-b/").
 */
export function storageConfigurationNameProblems(config: ResolvedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const first = new Map<string, { path: string; location: string }>();
  config.buckets.forEach((bucket, bucketIndex) => bucket.prefixes.forEach((prefix, prefixIndex) => {
    const name = storageConfigurationName(bucket.name, prefix);
    const here = { path: `buckets[${bucketIndex}].prefixes[${prefixIndex}]`, location: `s3://${bucket.name}/${prefix}` };
    const other = first.get(name);
    if (!other) { first.set(name, here); return; }
    problems.push({ path: here.path, ...ruleProblem('ica-names.unique', undefined, `${here.location} and ${other.location} (${other.path}) both get ${JSON.stringify(name)}`) });
  }));
  return problems;
}
