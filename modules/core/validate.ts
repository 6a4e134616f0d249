/**
 * The one config loader every command uses: parse, validate (collecting every problem with its
 * JSON path and fix), normalise and resolve the ICA region. Everything downstream takes a
 * `ResolvedConfig` and never checks it again.
 */
import { z } from 'zod';
import { configName, parseConfigText, readConfigText } from './config-file';
import { storageConfigurationName } from './ica-names';
import { BucketConfig, IcaConfig, MANAGEABLE_SETTINGS, ManageableSetting, configSchema } from './config-schema';
import { IcaRegion, crossAccountRoleArn, findIcaRegion } from './regions';
import { quotaProblems, quotaWarnings } from './quota-checks';
import { AWS_QUOTAS } from './quotas';
import { KMS_KEY_ARN_PATTERN, normalisePrefix } from './rules';
import { RuleId, ruleProblem } from './rule-catalogue';

/** One thing wrong with the config: where, what, and how to fix it. */
export interface ConfigProblem {
  /** JSON path of the value, such as `buckets[0].prefixes[1]`; `(config)` for the whole file. */
  readonly path: string;
  /** The catalogue rule the value breaks; the generated module names the same id. */
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
}

/** The OIDC identity ICA's tokens carry in the configured region. */
export interface ResolvedOidc {
  readonly providerId: string;
  readonly namespace: string;
  /** Issuer without scheme, as IAM condition keys spell it: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
  readonly issuer: string;
  /** Provider URL as IAM stores it: `https://<issuer>`. */
  readonly url: string;
}

/** A bucket with `manage` resolved: every setting for a new bucket, the listed ones for an adopted one. */
export interface ResolvedBucket extends Omit<BucketConfig, 'manage'> {
  readonly manage: readonly ManageableSetting[];
}

export interface ResolvedConfig extends Omit<IcaConfig, 'buckets'> {
  readonly region: IcaRegion;
  /** Set for the role method: the provider ids come from the region table or the overrides. */
  readonly oidc?: ResolvedOidc;
  readonly crossAccountRoleArn: string;
  /** Buckets with prefixes normalised to end in "/". */
  readonly buckets: ResolvedBucket[];
}

export type ValidationResult =
  | { readonly ok: true; readonly config: ResolvedConfig; readonly warnings: string[] }
  | { readonly ok: false; readonly problems: ConfigProblem[]; readonly warnings: string[] };

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(config)';
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    if (text === '') return plain.startsWith('"') ? `[${plain}]` : plain;
    return plain.startsWith('"') ? `${text}[${plain}]` : `${text}.${plain}`;
  }, '');
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.path}: ${problem.message}\n    fix: ${problem.fix}`).join('\n');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value as messages quote it: JSON where it has one (BigInt and cycles have none: no throw). */
function display(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // not representable as JSON
  }
  return typeof value === 'bigint' ? `${value}n` : typeName(value);
}

/** The keys an object schema at `path` allows, found by walking the schema along the raw input. */
function allowedKeys(raw: unknown, path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (let depth = 0; depth <= path.length; depth++) {
    for (;;) {
      if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
      else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
      else if (schema instanceof z.ZodDiscriminatedUnion) {
        const value = valueAt(raw, path.slice(0, depth)) as Record<string, unknown> | undefined;
        const discriminator = schema.def.discriminator;
        const option = (schema.options as z.ZodObject[]).find((candidate) =>
          (candidate.shape[discriminator] as z.ZodLiteral).values.has(value?.[discriminator] as never));
        if (!option) return [];
        schema = option;
      } else break;
    }
    if (depth === path.length) break;
    const key = path[depth];
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = schema.shape[String(key)] as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** Turns one zod issue into problems that name the path, the fault and the fix. */
function problemsOfIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'custom':
      // Every custom issue comes from a catalogue rule (config-schema's addProblem).
      return [{ path, rule: issue.params?.rule as RuleId, message: issue.message, fix: String(issue.params?.fix) }];
    case 'unrecognized_keys': {
      const allowed = allowedKeys(raw, issue.path);
      return issue.keys.map((key) => {
        const closest = allowed
          .map((candidate) => ({ candidate, distance: editDistance(key, candidate) }))
          .sort((a, b) => a.distance - b.distance)[0];
        const hint = closest && closest.distance <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean "${closest.candidate}"? ` : '';
        return {
          path: formatPath([...issue.path, key]),
          rule: 'schema.unknown-key' as const,
          message: `unknown key ${JSON.stringify(key)}`,
          fix: `${hint}remove it or use one of: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_type': {
      const value = valueAt(raw, issue.path);
      if (value === undefined) {
        return [{ path, rule: 'schema.required', message: 'is required', fix: `add ${path} (${issue.expected})` }];
      }
      if (issue.expected === 'int' && typeof value === 'number') return [{ path, ...ruleProblem('schema.number', value) }];
      // zod calls a string map a record; the config file calls it an object.
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return [{ path, rule: 'schema.type', message: `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, not ${typeName(value)}`, fix: `write ${path} as ${expected === 'array' ? 'a JSON list' : `a JSON ${expected}`}` }];
    }
    case 'invalid_value':
      return [{
        path,
        rule: 'schema.enum',
        message: `${display(valueAt(raw, issue.path))} is not allowed`,
        fix: `use one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`,
      }];
    case 'invalid_union': {
      const discriminated = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      const value = valueAt(raw, issue.path);
      if (discriminated.options) {
        return [{
          path,
          rule: value === undefined ? 'schema.required' : 'schema.enum',
          message: value === undefined ? 'is required' : `${display(value)} is not allowed`,
          fix: `use one of ${discriminated.options.map((option) => JSON.stringify(option)).join(', ')}`,
        }];
      }
      return [{ path, rule: 'schema.shape', message: 'does not match any allowed form', fix: 'see the config reference in README.md' }];
    }
    case 'too_small':
      if (issue.origin === 'number') return [{ path, rule: 'schema.too-small', message: `${display(valueAt(raw, issue.path))} is less than ${String(issue.minimum)}`, fix: `give at least ${String(issue.minimum)}` }];
      return [{
        path,
        rule: 'schema.too-small',
        message: issue.origin === 'array' ? 'is empty' : issue.origin === 'string' ? 'is empty' : issue.message,
        fix: issue.origin === 'array' ? `give at least ${String(issue.minimum)} entry` : 'give a value',
      }];
    case 'too_big':
      if (issue.origin === 'number') return [{ path, rule: 'schema.too-big', message: `${display(valueAt(raw, issue.path))} is more than ${String(issue.maximum)}`, fix: `give at most ${String(issue.maximum)}` }];
      return [{
        path,
        rule: 'schema.too-big',
        message: issue.origin === 'array' ? `has more than ${String(issue.maximum)} entries` : issue.origin === 'string' ? `is longer than ${String(issue.maximum)} characters` : issue.message,
        fix: issue.origin === 'array' ? `give at most ${String(issue.maximum)} entries` : 'give a shorter value',
      }];
    case 'invalid_format':
      return [{ path, rule: 'schema.shape', message: `${display(valueAt(raw, issue.path))} ${issue.message.toLowerCase()}`, fix: 'see the config reference in README.md' }];
    default:
      return [{ path, rule: 'schema.shape', message: issue.message, fix: 'see the config reference in README.md' }];
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Checks that span several fields. They read the raw input defensively, so they still run (and
 * report) when an unrelated field is malformed.
 */
function crossFieldProblems(raw: Record<string, unknown>, region: IcaRegion | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const buckets = Array.isArray(raw.buckets) ? raw.buckets : [];
  const firstIndexOfName = new Map<string, number>();
  buckets.forEach((bucketValue, bucketIndex) => {
    const bucket = asRecord(bucketValue);
    if (!bucket) return;
    if (typeof bucket.name === 'string') {
      const first = firstIndexOfName.get(bucket.name);
      if (first !== undefined) {
        problems.push({ path: `buckets[${bucketIndex}].name`, ...ruleProblem('buckets.unique', bucket.name, `also buckets[${first}]`) });
      } else firstIndexOfName.set(bucket.name, bucketIndex);
    }
    const prefixes = Array.isArray(bucket.prefixes) ? bucket.prefixes : [];
    const seen: { prefix: string; index: number }[] = [];
    prefixes.forEach((prefix, prefixIndex) => {
      if (typeof prefix !== 'string' || prefix.trim() === '' || prefix.startsWith('/')) return;
      const normalised = normalisePrefix(prefix);
      const path = `buckets[${bucketIndex}].prefixes[${prefixIndex}]`;
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
    problems.push(...adoptionProblems(bucket, `buckets[${bucketIndex}]`));
    problems.push(...mergedTagProblems(asRecord(raw.tags), asRecord(bucket.tags), `buckets[${bucketIndex}].tags`));
    problems.push(...prototypeKeyProblems(bucket.tags, ['buckets', bucketIndex, 'tags']));
    const encryption = asRecord(bucket.encryption);
    const kmsKeyArn = encryption?.kmsKeyArn;
    if (region && typeof kmsKeyArn === 'string') {
      const keyRegion = new RegExp(KMS_KEY_ARN_PATTERN).exec(kmsKeyArn)?.[1];
      if (keyRegion && keyRegion !== region.awsRegion) {
        problems.push({
          path: `buckets[${bucketIndex}].encryption.kmsKeyArn`,
          ...ruleProblem('kms-key.region', undefined, `the key is in ${keyRegion}; ICA region ${region.code} uses ${region.awsRegion}`),
        });
      }
    }
  });
  problems.push(...prototypeKeyProblems(raw.tags, ['tags']));
  const credential = asRecord(raw.credential);
  if (credential?.method === 'user') problems.push(...accessKeyProblems(credential));
  if (region && credential?.method === 'role' && !region.oidc) {
    const missing = ['oidcProviderId', 'namespace'].filter((key) => typeof credential[key] !== 'string');
    if (missing.length > 0) {
      problems.push({ path: 'credential', ...ruleProblem('role.oidc-for-region', undefined, `${region.name} (${region.code}); missing: ${missing.join(' and ')}`) });
    }
  }
  return problems;
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

function resolve(config: IcaConfig): ResolvedConfig {
  const region = findIcaRegion(config.icaRegion) as IcaRegion;
  const credential = config.credential;
  let oidc: ResolvedOidc | undefined;
  if (credential.method === 'role') {
    const providerId = (credential.oidcProviderId ?? region.oidc?.providerId) as string;
    const issuer = `oidc.eks.${region.awsRegion}.amazonaws.com/id/${providerId.toUpperCase()}`;
    oidc = {
      providerId: providerId.toUpperCase(),
      namespace: (credential.namespace ?? region.oidc?.namespace) as string,
      issuer,
      url: `https://${issuer}`,
    };
  }
  return {
    ...config,
    region,
    oidc,
    crossAccountRoleArn: crossAccountRoleArn(region),
    buckets: config.buckets.map((bucket) => ({
      ...bucket,
      prefixes: bucket.prefixes.map(normalisePrefix),
      manage: bucket.existing ? MANAGEABLE_SETTINGS.filter((setting) => bucket.manage?.includes(setting)) : [...MANAGEABLE_SETTINGS],
    })),
  };
}

function warningsFor(raw: Record<string, unknown>, region: IcaRegion | undefined): string[] {
  const warnings: string[] = [];
  if (region?.limitation) warnings.push(`icaRegion: ${region.limitation}`);
  const bucketPolicy = asRecord(raw.bucketPolicy);
  if (Array.isArray(bucketPolicy?.exemptPrincipalArns) && bucketPolicy.exemptPrincipalArns.length > 0 && bucketPolicy.restrictToIca !== true) {
    warnings.push('bucketPolicy.exemptPrincipalArns: has no effect unless restrictToIca is true');
  }
  (Array.isArray(raw.buckets) ? raw.buckets : []).forEach((value, index) => {
    const bucket = asRecord(value);
    if (bucket?.existing === true && !(Array.isArray(bucket.manage) && bucket.manage.includes('cors'))) {
      warnings.push(`buckets[${index}].manage: "cors" is not listed, so this tool does not add ICA's CORS rule; browser uploads in ICA need it (npx ica-s3 doctor checks the bucket)`);
    }
  });
  return warnings;
}

/**
 * Two prefixes whose ICA storage configuration names are equal: ICA names are unique per tenant,
 * so the second could not be created. Only readable names can collide ("a.b/" and "a-b/").
 */
function storageConfigurationNameProblems(config: ResolvedConfig): ConfigProblem[] {
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

/** A key the user brings keeps its own policy: cross-account copy needs a statement added by hand. */
function broughtKeyWarnings(config: ResolvedConfig): string[] {
  if (!config.bucketPolicy.crossAccountCopy) return [];
  return config.buckets.flatMap((bucket, index) => (bucket.encryption.type === 'SSE-KMS' && bucket.encryption.kmsKeyArn
    ? [`buckets[${index}].encryption.kmsKeyArn: this tool does not change the policy of a key you bring; for Illumina's cross-account copies add the AllowCrossAccountAccess statement of kms-key-policy.${bucket.name}.json (npx ica-s3 policies) to it`]
    : []));
}

/** Validates a parsed config file; never throws. */
export function validateConfig(raw: unknown): ValidationResult {
  try {
    return validateRecord(raw);
  } catch (error) {
    // Only values JSON.parse cannot produce get here (throwing getters, proxies): still a
    // problem report, never an exception.
    return {
      ok: false,
      problems: [{ path: '(config)', ...ruleProblem('config.not-object', undefined, `cannot be read: ${display((error as Error)?.message ?? error)}`) }],
      warnings: [],
    };
  }
}

function validateRecord(raw: unknown): ValidationResult {
  const record = asRecord(raw);
  if (!record) {
    return { ok: false, problems: [{ path: '(config)', ...ruleProblem('config.not-object', undefined, `not ${typeName(raw)}`) }], warnings: [] };
  }
  const region = typeof record.icaRegion === 'string' ? findIcaRegion(record.icaRegion) : undefined;
  const parsed = configSchema.safeParse(record);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => problemsOfIssue(issue, record))),
    ...crossFieldProblems(record, region),
  ];
  const warnings = warningsFor(record, region);
  if (!parsed.success || problems.length > 0) return { ok: false, problems, warnings };
  const config = resolve(parsed.data);
  const nameProblems = storageConfigurationNameProblems(config);
  if (nameProblems.length > 0) return { ok: false, problems: nameProblems, warnings };
  const quotas = quotaProblems(config);
  if (quotas.length > 0) return { ok: false, problems: quotas, warnings: [...warnings, ...quotaWarnings(config)] };
  return { ok: true, config, warnings: [...warnings, ...quotaWarnings(config), ...broughtKeyWarnings(config)] };
}

/**
 * Reads a config file ("-": standard input) and validates it; problems with the file itself
 * (missing, not JSON, a key given twice) are config problems too. `text` is the file's content
 * when the caller has read it already: standard input can be read only once.
 */
export function loadConfigFile(path: string, text?: string): ValidationResult {
  const source = text === undefined ? readConfigText(path) : { ok: true as const, text };
  if (!source.ok) return { ok: false, problems: source.problems, warnings: [] };
  const parsed = parseConfigText(source.text, configName(path));
  if (!parsed.ok) return parsed;
  const result = validateConfig(parsed.raw);
  return { ...result, warnings: [...parsed.warnings, ...result.warnings] };
}

/** For library callers: the resolved config, or a ConfigError listing every problem. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}
