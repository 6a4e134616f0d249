/**
 * What the resource policies let through: the bucket policy (it must not deny ICA, the federated
 * users ICA hands out, or Illumina's cross-account role) and the KMS key policy (and grants).
 */
import { KMS_CROSS_ACCOUNT_ACTIONS, KMS_USE_ACTIONS } from '../../core/actions';
import { crossAccountActions, isVersioned } from '../../core/ica-policies';
import { PolicyStatement, hasPrincipals } from '../../core/iam-policy';
import { ILLUMINA_CROSS_ACCOUNT_ID } from '../../core/regions';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import { IdentityAccess, PROBE_OBJECT, Requirement, bucketRequirements, kmsRequirements, prefixRequirements, probeObjectArn } from '../../aws/access';
import { ICA_ERRORS, accessForbidden } from '../../core/ica-errors';
import { OWN_BUCKET_POLICY_SIDS } from '../../core/adoption';
import { hasCreatedKey } from '../../core/protection';
import { Request, RequestPrincipal, evaluate, parsePolicy, principalIn, statementLabel } from '../../core/iam-eval';
import { BucketFacts, GrantFacts } from '../../aws/facts';
import { CheckResult, judge, pass, unreadableResult } from '../../account-report/checks';
import { Comparison, applyFixes, outsideTool } from '../../account-report/verdict';
import { actionsOf, effectiveVersioning, principalWords } from './access';
import { bucketPath, notChecked } from './bucket';

/** The request context the doctor knows for a principal calling S3 or KMS over HTTPS. */
export function principalContext(principal: RequestPrincipal, region: string): Request['context'] {
  return {
    'aws:PrincipalArn': [principal.arn],
    ...(principal.accountId ? { 'aws:PrincipalAccount': [principal.accountId], 'kms:CallerAccount': [principal.accountId] } : {}),
    'aws:SecureTransport': ['true'],
    'kms:ViaService': [`s3.${region}.amazonaws.com`],
  };
}

interface DenyFinding {
  readonly who: string;
  readonly requirement: Requirement;
  readonly statement: PolicyStatement;
  readonly certain: boolean;
}

function denials(statements: readonly PolicyStatement[], who: string, principal: RequestPrincipal, requirements: readonly Requirement[], region: string): DenyFinding[] {
  const denies = statements.filter((statement) => statement.effect === 'Deny');
  const findings: DenyFinding[] = [];
  for (const requirement of requirements) {
    const result = evaluate(denies, { action: requirement.action, resource: requirement.resource, principal, context: principalContext(principal, region) });
    if (result.decision === 'denied' || result.decision === 'unknown') {
      for (const statement of result.denying) findings.push({ who, requirement, statement, certain: result.decision === 'denied' });
    }
  }
  return findings;
}

function describeDenials(findings: readonly DenyFinding[], statements: readonly PolicyStatement[]): string {
  const byStatement = new Map<PolicyStatement, DenyFinding[]>();
  for (const finding of findings) byStatement.set(finding.statement, [...(byStatement.get(finding.statement) ?? []), finding]);
  return [...byStatement.entries()].map(([statement, found]) => {
    const who = [...new Set(found.map((f) => f.who))].join(' and ');
    const actions = [...new Set(found.map((f) => f.requirement.action))].join(', ');
    return `${statementLabel(statement, statements)} ${found.every((f) => f.certain) ? 'denies' : 'may deny'} ${who} ${actions}`;
  }).join('; ');
}

/** True when every statement found is one this tool writes: an apply rewrites them from the config. */
function onlyOwnStatements(findings: readonly DenyFinding[]): boolean {
  return findings.length > 0 && findings.every((finding) => OWN_BUCKET_POLICY_SIDS.includes(finding.statement.sid ?? ''));
}

/** ICA's "Access forbidden" as AWS words an explicit deny of the first request found. */
function deniedByPolicy(findings: readonly DenyFinding[], policy: string): string {
  const [first] = findings;
  return accessForbidden(first ? `not authorized to perform ${first.requirement.action} on resource ${first.requirement.resource} with an explicit deny in ${policy}` : undefined);
}

/** Why a Deny could not be decided: the condition keys it tests. */
function undecidedWords(findings: readonly DenyFinding[]): string {
  const keys = [...new Set(findings.flatMap((f) => Object.values(f.statement.conditions).flatMap((entries) => Object.keys(entries))))];
  return keys.length > 0
    ? `its condition on ${keys.join(', ')} depends on the request, which the doctor cannot know`
    : 'it depends on something the doctor cannot know';
}

/** The requirements of every prefix (and the bucket) for one principal. */
function objectRequirements(config: ResolvedConfig, bucket: ResolvedBucket, versioned: boolean): Requirement[] {
  return bucket.prefixes.flatMap((prefix) => {
    const onPrefix = prefixRequirements(config, bucket, prefix);
    return [...onPrefix.base, ...(versioned ? onPrefix.versioned : [])];
  });
}

export interface BucketPolicyInputs {
  readonly principalArn: string;
  readonly accountId: string;
  /**
   * IAM simulator decisions for the ICA principal with the bucket policy as resource policy,
   * when the doctor could use the simulator; the built-in evaluator decides otherwise.
   */
  readonly simulatedWithBucketPolicy?: ReadonlyMap<string, 'allowed' | 'explicitDeny' | 'implicitDeny'>;
}

export function bucketPolicyChecks(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts, inputs: BucketPolicyInputs): CheckResult[] {
  const id = 'bucket.policy';
  if (facts.policy.state === 'error') return [unreadableResult(id, bucket.name, 'the bucket policy (s3:GetBucketPolicy)', facts.policy.error)];
  if (facts.policy.state === 'absent' && facts.policy.reason !== 'NoSuchBucketPolicy') return [notChecked(id, bucket.name, facts.policy.reason)];
  let statements: PolicyStatement[] = [];
  if (facts.policy.state === 'ok') {
    try {
      statements = parsePolicy(facts.policy.value);
    } catch (error) {
      return [judge(id, bucket.name, `the bucket policy could not be parsed: ${(error as Error).message}`, undefined, outsideTool('check the bucket policy in the S3 console', 'risk'))];
    }
  }
  const region = config.region.awsRegion;
  const versioned = isVersioned({ ...bucket, versioning: effectiveVersioning(bucket, facts) });
  const icaPrincipal: RequestPrincipal = { type: 'AWS', arn: inputs.principalArn, accountId: inputs.accountId };
  const federatedArn = `arn:aws:sts::${inputs.accountId}:federated-user/${PROBE_OBJECT}`;
  const federated: RequestPrincipal = { type: 'AWS', arn: federatedArn, accountId: inputs.accountId };
  const icaRequirements = [...bucketRequirements(bucket).base, ...(versioned ? bucketRequirements(bucket).versioned : []), ...objectRequirements(config, bucket, versioned)];
  const results: CheckResult[] = [];

  const icaWho = `the ${principalWords(config)}`;
  const findings = [
    ...denials(statements, icaWho, icaPrincipal, icaRequirements, region),
    ...denials(statements, 'ICA\'s federated users', federated, objectRequirements(config, bucket, versioned), region),
  ];
  // On real AWS the simulator has the last word for the ICA principal itself.
  const simulated = inputs.simulatedWithBucketPolicy;
  const simulatedDenied = simulated ? icaRequirements.filter((r) => simulated.get(`${r.action} ${r.resource}`) === 'explicitDeny') : [];
  const relevant = simulated
    ? findings.filter((f) => f.who !== icaWho || simulatedDenied.includes(f.requirement))
    : findings;
  const exemptFix = (found: readonly DenyFinding[]): Comparison => (onlyOwnStatements(found)
    ? applyFixes(`it writes the restrictToIca Deny with ${inputs.principalArn} and ICA's federated users exempted (bucketPolicy.exemptPrincipalArns keeps your admins in)`, 'fails')
    : outsideTool(`add ${inputs.principalArn} and arn:aws:sts::${inputs.accountId}:federated-user/* to the aws:PrincipalArn list of the Deny's condition, or remove the statement: S3 console > bucket > Permissions > Bucket policy`, 'fails'));
  if (statements.length === 0) {
    results.push(pass(id, bucket.name, 'no bucket policy: nothing in it can deny ICA'));
  } else if (relevant.some((f) => f.certain) || simulatedDenied.length > 0) {
    const federatedDenied = relevant.some((f) => f.who !== icaWho);
    const shown = relevant.length > 0 ? relevant : findings;
    results.push(judge(id, bucket.name, describeDenials(shown, statements) || `the IAM policy simulator reports an explicit deny for ${actionsOf(simulatedDenied)}`,
      federatedDenied && !relevant.some((f) => f.who === icaWho) ? ICA_ERRORS.federatedForbidden : deniedByPolicy(shown, 'the bucket policy'),
      exemptFix(shown)));
  } else if (relevant.length > 0) {
    results.push(judge(id, bucket.name, `${describeDenials(relevant, statements)}: ${undecidedWords(relevant)}`,
      deniedByPolicy(relevant, 'the bucket policy'),
      outsideTool(`make sure ICA's requests satisfy that condition, or exempt ${inputs.principalArn} and arn:aws:sts::${inputs.accountId}:federated-user/* from the statement`, 'risk')));
  } else {
    results.push(pass(id, bucket.name, `the bucket policy (${statements.length} statement${statements.length === 1 ? '' : 's'}) denies neither the ${principalWords(config)} nor ICA's federated users${simulated ? ' (confirmed by the IAM policy simulator)' : ''}`));
  }

  if (config.bucketPolicy.crossAccountCopy) results.push(crossAccountBucketCheck(config, bucket, statements, versioned));
  return results;
}

function crossAccountBucketCheck(config: ResolvedConfig, bucket: ResolvedBucket, statements: readonly PolicyStatement[], versioned: boolean): CheckResult {
  const id = 'bucket.cross-account';
  const role: RequestPrincipal = { type: 'AWS', arn: config.crossAccountRoleArn, accountId: ILLUMINA_CROSS_ACCOUNT_ID };
  const resource = probeObjectArn(bucket.name, bucket.prefixes[0]);
  const requirements = crossAccountActions(versioned, config.objectTagging).map((action) => ({ action, resource }));
  // This check runs only when the config asks for cross-account copy: the config is right, and an apply writes the bucket policy.
  const allowFix = applyFixes(`it writes the seeds' "Allow cross account access" statement for ${config.crossAccountRoleArn} into the bucket policy`, 'fails',
    `add that statement (bucket-policy.${bucket.name}.json from "ica-s3 policies")`);
  const denied = denials(statements, 'Illumina\'s cross-account role', role, requirements, config.region.awsRegion);
  const certain = denied.filter((f) => f.certain);
  if (certain.length > 0) {
    return judge(id, bucket.name, describeDenials(denied, statements), ICA_ERRORS.copyForbidden, onlyOwnStatements(certain)
      ? applyFixes(`it writes the restrictToIca Deny with ${config.crossAccountRoleArn} exempted`, 'fails')
      : outsideTool(`add ${config.crossAccountRoleArn} to the Deny's aws:PrincipalArn exemptions, or remove the statement: S3 console > bucket > Permissions > Bucket policy`, 'fails'));
  }
  const notAllowed = requirements.filter((r) => evaluate(statements.filter((s) => s.effect === 'Allow'),
    { action: r.action, resource: r.resource, principal: role, context: principalContext(role, config.region.awsRegion) }).decision !== 'allowed');
  if (notAllowed.length > 0) {
    return judge(id, bucket.name, `the bucket policy does not allow ${config.crossAccountRoleArn} ${actionsOf(notAllowed)}`, ICA_ERRORS.copyForbidden, allowFix);
  }
  if (denied.length > 0) {
    return judge(id, bucket.name, `${describeDenials(denied, statements)}: ${undecidedWords(denied)}`, ICA_ERRORS.copyForbidden,
      outsideTool(`make sure Illumina's copy requests satisfy that condition, or exempt ${config.crossAccountRoleArn} from the statement`, 'risk'));
  }
  return pass(id, bucket.name, `the bucket policy allows ${config.crossAccountRoleArn} ${actionsOf(requirements)} and denies it nothing`);
}

function grantCovers(grants: readonly GrantFacts[], principalArn: string, actions: readonly string[]): boolean {
  const mine = grants.filter((grant) => grant.grantee === principalArn);
  return actions.every((action) => mine.some((grant) => grant.operations.includes(action.replace(/^kms:/, ''))));
}

interface KeyAccess {
  readonly decision: 'direct' | 'delegated' | 'grant' | 'denied' | 'none' | 'unknown';
  readonly detail: string;
}

/** Whether a key policy (and the key's grants) lets a principal use the key for these actions. */
export function keyAccess(statements: readonly PolicyStatement[], grants: readonly GrantFacts[], principal: RequestPrincipal, actions: readonly string[], keyArn: string, region: string): KeyAccess {
  let delegated = false;
  for (const action of actions) {
    const request: Request = { action, resource: keyArn, principal, context: principalContext(principal, region) };
    const result = evaluate(statements, request);
    if (result.decision === 'denied') return { decision: 'denied', detail: `${statementLabel(result.denying[0], statements)} denies ${action}` };
    if (result.decision === 'unknown') return { decision: 'unknown', detail: `a condition on ${action} depends on the request` };
    if (result.decision === 'implicit') {
      if (grantCovers(grants, principal.arn, actions)) return { decision: 'grant', detail: 'a grant allows it' };
      return { decision: 'none', detail: `no statement allows ${action} and no grant covers it` };
    }
    const named = result.allowing.some((statement) => {
      const block = statement.principals;
      if (!hasPrincipals(block)) return false;
      if (block === '*') return true;
      return principalIn(Object.fromEntries(Object.entries(block).map(([type, values]) =>
        [type, values.filter((value) => value !== principal.accountId && !value.endsWith(':root'))])), principal) === 'yes';
    });
    if (!named) delegated = true;
  }
  return delegated
    ? { decision: 'delegated', detail: 'the key policy delegates to the account\'s IAM policies' }
    : { decision: 'direct', detail: 'the key policy names it' };
}

/** The KMS checks of an SSE-KMS bucket: the key itself, ICA's use of it, and Illumina's cross-account role. */
export function kmsChecks(config: ResolvedConfig, bucket: ResolvedBucket, facts: BucketFacts, principalArn: string, accountId: string, access?: IdentityAccess): CheckResult[] {
  const key = facts.key;
  if (bucket.encryption.type !== 'SSE-KMS' || !key) return [];
  const region = config.region.awsRegion;
  const path = `${bucketPath(config, bucket)}.encryption`;
  if (key.metadata.state === 'error') return [unreadableResult('kms.key', key.keyId, 'the key (kms:DescribeKey)', key.metadata.error)];
  const configuredKey = bucket.encryption.kmsKeyArn;
  const managed = bucket.manage.includes('encryption');
  const useKey = `S3 console > bucket > Properties > Default encryption: choose an enabled key in ${region}`;
  const forbidden = (keyArn: string) => accessForbidden(`not authorized to perform kms:Decrypt on resource ${keyArn}`);
  if (key.metadata.state === 'absent') {
    return [judge('kms.key', key.keyId, 'the bucket\'s default encryption names a key that does not exist', forbidden(key.keyId), managed
      ? applyFixes(`it sets the bucket's default encryption to ${configuredKey ?? 'the key it creates'}`, 'fails')
      : outsideTool(`${useKey} (or add "encryption" to ${bucketPath(config, bucket)}.manage and apply)`, 'fails'))];
  }
  const meta = key.metadata.value;
  const results: CheckResult[] = [];
  if (meta.region !== region) {
    const found = `the key is in ${meta.region}, but ICA region ${config.region.code} uses ${region}: SSE-KMS keys must be in the ICA project's region`;
    results.push(judge('kms.key', meta.arn, found, forbidden(meta.arn), configuredKey === meta.arn || configuredKey === key.keyId
      ? { account: false, config: false, applies: managed, impact: 'fails', configChange: `set ${path}.kmsKeyArn to a key in ${region}, or omit it to have the stack create one` }
      : managed
        ? applyFixes(`it sets the bucket's default encryption to ${configuredKey ?? 'the key it creates'}`, 'fails')
        : outsideTool(useKey, 'fails')));
  } else if (meta.state !== 'Enabled') {
    results.push(judge('kms.key', meta.arn, `the key is ${meta.state}`, forbidden(meta.arn),
      outsideTool('KMS console > Customer managed keys > the key > Key actions > Enable (cancel its deletion first if it is pending deletion)', 'fails')));
  } else {
    results.push(pass('kms.key', meta.arn, `an enabled ${meta.manager === 'AWS' ? 'AWS managed' : 'customer managed'} key in ${region}`));
  }

  if (key.policy.state !== 'ok') {
    results.push(unreadableResult('kms.ica-access', meta.arn, 'the key policy (kms:GetKeyPolicy)', key.policy.state === 'error' ? key.policy.error : key.policy.reason));
    return results;
  }
  let statements: PolicyStatement[];
  try {
    statements = parsePolicy(key.policy.value);
  } catch (error) {
    results.push(judge('kms.ica-access', meta.arn, `the key policy could not be parsed: ${(error as Error).message}`, undefined, outsideTool('check the key policy in the KMS console', 'risk')));
    return results;
  }
  const grants = key.grants.state === 'ok' ? key.grants.value : [];
  // The stack writes the policy of a key it creates; a key of your own keeps the policy you give it.
  const created = hasCreatedKey(bucket);
  const keyPolicyFix = (impact: Comparison['impact']): Comparison => (created
    ? applyFixes(`it writes the key policy, which allows ${principalArn} ${KMS_USE_ACTIONS.join(', ')}`, impact)
    : outsideTool(`add a key policy statement that allows ${principalArn} ${KMS_USE_ACTIONS.join(', ')} (kms-key-policy.${bucket.name}.json from "ica-s3 policies"), or omit ${path}.kmsKeyArn to let the stack create a key with that policy`, impact));
  const ica = keyAccess(statements, grants, { type: 'AWS', arn: principalArn, accountId }, KMS_USE_ACTIONS, meta.arn, region);
  if (ica.decision === 'direct' || ica.decision === 'grant') {
    results.push(pass('kms.ica-access', meta.arn, `the ${principalWords(config)} may use the key: ${ica.detail}`));
  } else if (ica.decision === 'delegated') {
    const identity = access ? kmsRequirements(meta.arn).map((r) => access.decide(r).decision) : [];
    if (identity.length > 0 && identity.every((d) => d === 'allowed')) {
      results.push(pass('kms.ica-access', meta.arn, `the ${principalWords(config)} may use the key: ${ica.detail}, and the permission policy grants ${KMS_USE_ACTIONS.join(', ')}`));
    } else {
      results.push(judge('kms.ica-access', meta.arn, `${ica.detail}, but the permission policy does not grant ${KMS_USE_ACTIONS.join(', ')} on the key`, forbidden(meta.arn), keyPolicyFix('fails')));
    }
  } else if (ica.decision === 'unknown') {
    results.push(judge('kms.ica-access', meta.arn, `could not decide whether the ${principalWords(config)} may use the key: ${ica.detail}`, forbidden(meta.arn), keyPolicyFix('risk')));
  } else {
    results.push(judge('kms.ica-access', meta.arn, `the ${principalWords(config)} may not use the key: ${ica.detail}`, forbidden(meta.arn), keyPolicyFix('fails')));
  }

  if (config.bucketPolicy.crossAccountCopy) {
    const role = config.crossAccountRoleArn;
    const cross = keyAccess(statements, grants, { type: 'AWS', arn: role, accountId: ILLUMINA_CROSS_ACCOUNT_ID }, KMS_CROSS_ACCOUNT_ACTIONS, meta.arn, region);
    const fix = (impact: Comparison['impact']): Comparison => (created
      ? applyFixes(`bucketPolicy.crossAccountCopy puts the SSE-KMS page's "AllowCrossAccountAccess" statement for ${role} into the policy of the key it creates`, impact)
      : outsideTool(`add the SSE-KMS page's "AllowCrossAccountAccess" statement for ${role} (${KMS_CROSS_ACCOUNT_ACTIONS.join(', ')}) to your key's policy`, impact));
    if (cross.decision === 'direct' || cross.decision === 'grant' || cross.decision === 'delegated') {
      results.push(pass('kms.cross-account', meta.arn, `Illumina's cross-account role ${role} may use the key: ${cross.decision === 'delegated' ? 'the key policy trusts Illumina\'s account' : cross.detail}`));
    } else if (cross.decision === 'unknown') {
      results.push(judge('kms.cross-account', meta.arn, `could not decide whether ${role} may use the key: ${cross.detail}`, ICA_ERRORS.copyForbidden, fix('risk')));
    } else {
      results.push(judge('kms.cross-account', meta.arn, `Illumina's cross-account role ${role} may not use the key: ${cross.detail}`, ICA_ERRORS.copyForbidden, fix('fails')));
    }
  }
  return results;
}
