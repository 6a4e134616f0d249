/**
 * What the ICA principal's own policies let it do: coverage of the bucket and every prefix, the
 * variant for the bucket's versioning, KMS use and federation. What the bucket and key policies
 * let through is resource-policies.ts.
 */
import { KMS_USE_ACTIONS } from '../../core/actions';
import { bucketArn } from '../../core/ica-policies';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import { IdentityAccess, Requirement, bucketRequirements, federationRequirements, kmsRequirements, prefixRequirements } from '../../aws/access';
import { ICA_ERRORS, accessForbidden } from '../../core/ica-errors';
import { BucketFacts, Versioning } from '../../aws/facts';
import { CheckResult, judge, pass } from '../../account-report/checks';
import { Comparison, applyFixes, configFixes, outsideTool } from '../../account-report/verdict';
import { bucketPath } from './bucket';

/** The versioning the policy must fit: the bucket's real state when known, else the config's. */
export function effectiveVersioning(bucket: ResolvedBucket, facts: BucketFacts): Versioning {
  return facts.versioning.state === 'ok' ? facts.versioning.value : bucket.versioning;
}

export function actionsOf(requirements: readonly Requirement[]): string {
  return [...new Set(requirements.map((r) => r.action))].join(', ');
}

export function principalWords(config: ResolvedConfig): string {
  return config.credential.method === 'role' ? `role ${config.credential.roleName}` : `user ${config.credential.userName}`;
}

/** The permission policy this config writes is right by construction: an apply writes and attaches it. */
export function policyFix(config: ResolvedConfig): Comparison {
  return applyFixes(`it writes the policy "${config.policyName}" and attaches it to the ${principalWords(config)}`, 'fails',
    `paste permission-policy.json from "ica-s3 policies" into IAM > Policies > ${config.policyName} and attach it`);
}
const CHECK_CONDITIONS = 'check the conditions of the permission policy';
const CHECK_CONDITIONS_OR_SIMULATE = `${CHECK_CONDITIONS}, or run the doctor on real AWS where IAM's policy simulator decides`;

/** What a check says in one outcome; the ICA error defaults to "access forbidden" with the requests refused. */
interface Words {
  readonly found: string;
  readonly comparison: Comparison;
  readonly icaError?: string;
}

/** One identity-policy check: the requests it asks about and its words for each outcome. */
interface CoverageCheck {
  readonly id: string;
  readonly subject: string;
  readonly requirements: readonly Requirement[];
  /** Some request is not allowed: `actions` lists them. */
  notAllowed(actions: string, missing: readonly Requirement[]): Words;
  /** Some request cannot be decided (and none is refused). */
  undecided(actions: string): Words;
  /** Every request is allowed. */
  readonly allowed: string;
}

/** ICA's "Access forbidden" with the first refused request, as AWS words it. */
export function refused(requirements: readonly Requirement[]): string {
  const [first] = requirements;
  return accessForbidden(first ? `not authorized to perform ${first.action} on resource ${first.resource}` : undefined);
}

/** FAIL when a request is not allowed, WARN when one cannot be decided, else PASS; each says who decided. */
function coverageCheck(access: IdentityAccess, check: CoverageCheck): CheckResult {
  const missing: Requirement[] = [];
  const unknown: Requirement[] = [];
  let source = 'built-in evaluator';
  for (const requirement of check.requirements) {
    const decision = access.decide(requirement);
    source = decision.source;
    if (decision.decision === 'unknown') unknown.push(requirement);
    else if (decision.decision !== 'allowed') missing.push(requirement);
  }
  const by = `(decided by the ${source})`;
  if (missing.length > 0) {
    const words = check.notAllowed(actionsOf(missing), missing);
    return judge(check.id, check.subject, `${words.found} ${by}`, words.icaError ?? refused(missing), words.comparison);
  }
  if (unknown.length > 0) {
    const words = check.undecided(actionsOf(unknown));
    return judge(check.id, check.subject, `${words.found} ${by}`, words.icaError ?? refused(unknown), words.comparison);
  }
  return pass(check.id, check.subject, `${check.allowed} ${by}`);
}

function bucketCoverage(config: ResolvedConfig, bucket: ResolvedBucket): CoverageCheck {
  const arn = bucketArn(bucket.name);
  const requirements = bucketRequirements(bucket).base;
  return {
    id: 'policy.bucket', subject: bucket.name, requirements,
    notAllowed: (actions, missing) => ({
      found: `the ${principalWords(config)} may not ${actions} on ${arn} (the policy's bucket statement must name "Resource": "${arn}")`,
      icaError: missing.some((r) => r.action === 's3:GetBucketLocation') ? ICA_ERRORS.getBucketLocationForbidden : refused(missing),
      comparison: policyFix(config),
    }),
    undecided: (actions) => ({ found: `could not decide ${actions} on ${arn}: a condition or policy variable depends on the request`, comparison: outsideTool(CHECK_CONDITIONS_OR_SIMULATE, 'risk') }),
    allowed: `the ${principalWords(config)} may ${actionsOf(requirements)} on the bucket`,
  };
}

function prefixCoverage(config: ResolvedConfig, bucket: ResolvedBucket, prefix: string): CoverageCheck {
  const requirements = prefixRequirements(config, bucket, prefix).base;
  return {
    id: 'policy.prefix', subject: `${bucket.name}/${prefix}`, requirements,
    notAllowed: (actions) => ({
      found: `the ${principalWords(config)} may not ${actions} on objects under ${prefix} (the policy's object statement must name "Resource": "${bucketArn(bucket.name)}/${prefix}*")`,
      comparison: policyFix(config),
    }),
    undecided: (actions) => ({ found: `could not decide ${actions} on objects under ${prefix}`, comparison: outsideTool(CHECK_CONDITIONS_OR_SIMULATE, 'risk') }),
    allowed: `the ${principalWords(config)} may ${actionsOf(requirements)} under ${prefix}`,
  };
}

function variantCoverage(config: ResolvedConfig, bucket: ResolvedBucket, versioning: Exclude<Versioning, 'Disabled'>): CoverageCheck {
  const state = versioning === 'Enabled' ? 'versioned' : 'versioning-suspended';
  return {
    id: 'policy.variant', subject: bucket.name,
    requirements: [...bucketRequirements(bucket).versioned, ...bucket.prefixes.flatMap((prefix) => prefixRequirements(config, bucket, prefix).versioned)],
    notAllowed: (actions) => ({
      found: `the bucket is ${state} but the policy is the unversioned variant: it does not allow ${actions}`,
      // The config's versioning picks the variant an apply writes.
      comparison: bucket.versioning === 'Disabled'
        ? configFixes(`set ${bucketPath(config, bucket)}.versioning to "${versioning}" (the policy gets the "Versioned OR Suspended" actions)`, 'fails', 'paste that tab\'s policy')
        : policyFix(config),
    }),
    undecided: (actions) => ({ found: `could not decide ${actions}`, comparison: outsideTool(CHECK_CONDITIONS, 'risk') }),
    allowed: `${state} bucket, and the policy is the versioned/suspended variant`,
  };
}

function kmsCoverage(config: ResolvedConfig, bucket: ResolvedBucket, keyArn: string): CoverageCheck {
  return {
    id: 'policy.kms', subject: bucket.name, requirements: kmsRequirements(keyArn),
    notAllowed: (actions) => ({
      found: `the ${principalWords(config)} may not ${actions} on ${keyArn} (the policy needs ${KMS_USE_ACTIONS.join(', ')} on the key, SSE-KMS page)`,
      comparison: policyFix(config),
    }),
    undecided: (actions) => ({ found: `could not decide ${actions} on ${keyArn}`, comparison: outsideTool(CHECK_CONDITIONS, 'risk') }),
    allowed: `the ${principalWords(config)} may ${KMS_USE_ACTIONS.join(', ')} on ${keyArn}`,
  };
}

/** The identity-policy checks of one bucket: bucket actions, each prefix, the versioning variant, KMS. */
export function permissionChecks(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts, access: IdentityAccess): CheckResult[] {
  const versioning = effectiveVersioning(bucket, facts);
  const keyArn = bucket.encryption.type === 'SSE-KMS' ? keyArnOf(bucket, facts) : undefined;
  return [
    coverageCheck(access, bucketCoverage(config, bucket)),
    ...bucket.prefixes.map((prefix) => coverageCheck(access, prefixCoverage(config, bucket, prefix))),
    versioning === 'Disabled'
      ? pass('policy.variant', bucket.name, 'unversioned bucket: the unversioned policy variant is enough')
      : coverageCheck(access, variantCoverage(config, bucket, versioning)),
    ...(keyArn ? [coverageCheck(access, kmsCoverage(config, bucket, keyArn))] : []),
  ];
}

/** The key the bucket uses (from its encryption), else the configured one. */
export function keyArnOf(bucket: ResolvedBucket, facts: BucketFacts): string | undefined {
  if (facts.key?.metadata.state === 'ok') return facts.key.metadata.value.arn;
  if (facts.key) return facts.key.keyId;
  return bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn : undefined;
}

export function federationCheck(config: ResolvedConfig, access: IdentityAccess): CheckResult {
  return coverageCheck(access, {
    id: 'policy.federation',
    subject: config.credential.method === 'role' ? config.credential.roleName : config.credential.userName,
    requirements: federationRequirements(),
    notAllowed: () => ({
      found: `the ${principalWords(config)} may not call sts:GetFederationToken (every permission policy tab of the seeds ends with it, on "*")`,
      icaError: ICA_ERRORS.federatedForbidden,
      comparison: policyFix(config),
    }),
    undecided: () => ({ found: 'could not decide sts:GetFederationToken', icaError: ICA_ERRORS.federatedForbidden, comparison: outsideTool(CHECK_CONDITIONS, 'risk') }),
    allowed: `the ${principalWords(config)} may call sts:GetFederationToken (upload and download credentials)`,
  });
}
