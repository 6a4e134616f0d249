/**
 * The one config loader every command uses: parse, validate (collecting every problem with its
 * JSON path and fix), normalise and resolve the ICA region. Everything downstream takes a
 * `ResolvedConfig` and never checks it again.
 */
import { configName, parseConfigText, readConfigText } from './config-file';
import { IcaConfig, MANAGEABLE_SETTINGS, configSchema } from './config-schema';
import { asRecord, crossFieldProblems, storageConfigurationNameProblems } from './cross-field-rules';
import { IcaRegion, crossAccountRoleArn, findIcaRegion } from './regions';
import { quotaProblems, quotaWarnings } from './quota-checks';
import { NAME_FORMATS, formatName } from './renderer-literals';
import { ConfigError, ResolvedConfig, ResolvedOidc, ValidationResult } from './resolved-config';
import { normalisePrefix, prefixWarnings } from './rules';
import { propProblem, ruleProblem } from './rule-catalogue';
import { display, problemsOfIssue, typeName } from './schema-issues';

export { ConfigError, formatPath, formatProblems } from './resolved-config';
export type { ConfigProblem, ResolvedBucket, ResolvedConfig, ResolvedOidc, ValidationResult } from './resolved-config';

function resolve(config: IcaConfig): ResolvedConfig {
  const region = findIcaRegion(config.icaRegion) as IcaRegion;
  const credential = config.credential;
  let oidc: ResolvedOidc | undefined;
  if (credential.method === 'role') {
    const providerId = (credential.oidcProviderId ?? region.oidc?.providerId) as string;
    const issuer = formatName(NAME_FORMATS.oidcIssuer, region.awsRegion, providerId.toUpperCase());
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
    (Array.isArray(bucket?.prefixes) ? bucket.prefixes : []).forEach((prefix, prefixIndex) => {
      if (typeof prefix === 'string') warnings.push(...prefixWarnings(prefix).map((problem) => propProblem(`buckets[${index}].prefixes[${prefixIndex}]`, problem)));
    });
    if (bucket?.existing === true && !(Array.isArray(bucket.manage) && bucket.manage.includes('cors'))) {
      warnings.push(`buckets[${index}].manage: "cors" is not listed, so this tool does not add ICA's CORS rule; browser uploads in ICA need it (npx ica-s3 doctor checks the bucket)`);
    }
  });
  return warnings;
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
