/**
 * The ICA principal: the user (with an active access key) or the role (12 h sessions, the
 * regional OIDC provider, a trust policy that admits ICA's service account, audience and session
 * name prefix).
 */
import { iamPrincipalArn, oidcProviderArn } from '../../core/policies';
import { ICA_ROLE_MAX_SESSION_SECONDS, OIDC_AUDIENCE } from '../../core/regions';
import { ResolvedConfig, ResolvedOidc } from '../../core/validate';
import { ICA_ERRORS } from '../ica-errors';
import { ParsedStatement, Request, conditionHolds, evaluate, parsePolicy, statementApplies } from '../iam-eval';
import { OidcFacts, PrincipalFacts } from '../inspect';
import { CheckResult, fail, pass, unreadableResult, warn } from '../types';

/** The session name the doctor pretends ICA sends: the configured prefix, a dash, anything. */
export const PROBE_SESSION_SUFFIX = 'ica-s3-doctor';

function principalName(config: ResolvedConfig): string {
  return config.credential.method === 'role' ? config.credential.roleName : config.credential.userName;
}

export function checkPrincipalExists(config: ResolvedConfig, facts: PrincipalFacts): CheckResult {
  const id = 'principal.exists';
  const name = principalName(config);
  const kind = config.credential.method === 'role' ? 'role' : 'user';
  const nameKey = kind === 'role' ? 'credential.roleName' : 'credential.userName';
  if (facts.entity.state === 'ok') return pass(id, name, `IAM ${kind} ${facts.entity.value.arn} exists`);
  if (facts.entity.state === 'error') return unreadableResult(id, name, `the IAM ${kind} (iam:Get${kind === 'role' ? 'Role' : 'User'})`, facts.entity.error);
  return fail(id, name, `there is no IAM ${kind} named ${name}`,
    kind === 'role' ? ICA_ERRORS.assumeRoleWithWebIdentity : ICA_ERRORS.invalidAccessKey,
    `apply the stack (it creates the ${kind}), or set ${nameKey} to the ${kind} ICA uses`);
}

export function checkPolicyAttached(config: ResolvedConfig, facts: PrincipalFacts): CheckResult | undefined {
  const id = 'principal.policy-attached';
  const name = principalName(config);
  if (facts.entity.state !== 'ok') return undefined;
  if (facts.policies.state === 'error') return unreadableResult(id, name, 'the attached policies (iam:ListAttached*Policies, iam:GetPolicyVersion)', facts.policies.error);
  if (facts.policies.state === 'absent') return undefined;
  const policies = facts.policies.value;
  const names = policies.map((policy) => `${policy.name} (${policy.via})`);
  if (policies.some((policy) => policy.name === config.policyName)) {
    return pass(id, name, `the policy ${config.policyName} is attached${policies.length > 1 ? `; also ${names.filter((n) => !n.startsWith(`${config.policyName} `)).join(', ')}` : ''}`);
  }
  if (policies.length === 0) {
    return fail(id, name, 'no policy is attached', ICA_ERRORS.accessForbidden,
      `apply the stack, or IAM > ${config.credential.method === 'role' ? 'Roles' : 'Users'} > ${name} > Add permissions > Attach policies: ${config.policyName}`);
  }
  return warn(id, name, `the policy ${config.policyName} is not attached; attached: ${names.join(', ')} (the policy.* checks decide whether they are enough)`, undefined,
    `set policyName to the attached policy's name, or attach ${config.policyName}`);
}

export function checkAccessKey(config: ResolvedConfig, facts: PrincipalFacts, expectedKeyId?: string): CheckResult | undefined {
  if (config.credential.method !== 'user' || !facts.accessKeys) return undefined;
  const id = 'user.access-key';
  const name = config.credential.userName;
  if (facts.accessKeys.state === 'error') return unreadableResult(id, name, 'the access keys (iam:ListAccessKeys)', facts.accessKeys.error);
  if (facts.accessKeys.state === 'absent') return undefined;
  const keys = facts.accessKeys.value;
  const active = keys.filter((key) => key.status === 'Active');
  const fix = config.credential.createAccessKey
    ? 'IAM > Users > the user > Security credentials: activate the key, or apply the stack to create one (credential.accessKeys), then enter it in the ICA storage credential'
    : 'IAM > Users > the user > Security credentials: create or activate an access key (or set credential.createAccessKey to true and apply), then enter it in the ICA storage credential';
  if (expectedKeyId) {
    const key = keys.find((candidate) => candidate.id === expectedKeyId);
    if (!key) return fail(id, name, `the access key ${expectedKeyId} from the Terraform outputs does not belong to ${name}`, ICA_ERRORS.invalidAccessKey, fix);
    if (key.status !== 'Active') return fail(id, name, `the access key ${expectedKeyId} is ${key.status}`, ICA_ERRORS.invalidAccessKey, fix);
    return pass(id, name, `the access key ${expectedKeyId} is active`);
  }
  if (active.length === 0) {
    return fail(id, name, keys.length === 0 ? 'the user has no access key' : `the user's access keys are all inactive (${keys.map((key) => key.id).join(', ')})`,
      ICA_ERRORS.invalidAccessKey, fix);
  }
  return pass(id, name, `active access key${active.length > 1 ? 's' : ''} ${active.map((key) => key.id).join(', ')}: the ICA storage credential must hold ${active.length > 1 ? 'one of them' : 'it'}`);
}

export function checkSessionDuration(config: ResolvedConfig, facts: PrincipalFacts): CheckResult | undefined {
  if (config.credential.method !== 'role' || facts.entity.state !== 'ok') return undefined;
  const id = 'role.session-duration';
  const seconds = facts.entity.value.maxSessionDuration ?? 3600;
  if (seconds >= ICA_ROLE_MAX_SESSION_SECONDS) return pass(id, config.credential.roleName, `maximum session duration ${seconds} s (12 h)`);
  return fail(id, config.credential.roleName, `maximum session duration is ${seconds} s (${+(seconds / 3600).toFixed(2)} h), ICA needs 12 h (43200 s)`,
    ICA_ERRORS.invalidSessionDuration,
    `apply the stack (it sets 43200), or IAM > Roles > ${config.credential.roleName} > Edit > Maximum session duration: 12 hours`);
}

/** IAM stores provider URLs without the scheme; users write them with it. Compare them as issuers. */
export function issuerOf(url: string): string {
  return url.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

export function checkOidcProvider(config: ResolvedConfig, facts: OidcFacts | undefined): CheckResult | undefined {
  if (config.credential.method !== 'role' || !config.oidc || !facts) return undefined;
  const id = 'role.oidc-provider';
  const oidc = config.oidc;
  const createFix = config.credential.oidcProvider === 'existing'
    ? `set credential.oidcProvider to "create" and apply, or IAM > Identity providers > Add provider > OpenID Connect: URL ${oidc.url}, audience ${OIDC_AUDIENCE}`
    : `apply the stack (credential.oidcProvider "create" makes it), or IAM > Identity providers > Add provider > OpenID Connect: URL ${oidc.url}, audience ${OIDC_AUDIENCE}`;
  if (facts.provider.state === 'error') return unreadableResult(id, oidc.url, 'the OIDC providers (iam:ListOpenIDConnectProviders)', facts.provider.error);
  if (facts.provider.state === 'absent') {
    const sameRegion = facts.allProviderArns.filter((arn) => arn.includes(`oidc.eks.${config.region.awsRegion}.amazonaws.com/id/`));
    return fail(id, oidc.url,
      `the account has no OIDC provider for ${oidc.url}${sameRegion.length > 0 ? `; it has ${sameRegion.join(', ')} (another provider id: check credential.oidcProviderId)` : ''}`,
      ICA_ERRORS.assumeRoleWithWebIdentity, createFix);
  }
  const provider = facts.provider.value;
  if (issuerOf(provider.url) !== issuerOf(oidc.url)) {
    return fail(id, provider.arn, `the provider's URL is ${provider.url}, not ${oidc.url}`, ICA_ERRORS.assumeRoleWithWebIdentity, createFix);
  }
  if (!provider.clientIds.includes(OIDC_AUDIENCE)) {
    return fail(id, provider.arn, `the provider's audiences are ${provider.clientIds.join(', ') || '(none)'}, not ${OIDC_AUDIENCE}`, ICA_ERRORS.assumeRoleWithWebIdentity,
      `IAM > Identity providers > ${oidc.issuer} > Audiences > Add audience: ${OIDC_AUDIENCE}`);
  }
  return pass(id, provider.arn, `provider for ${oidc.url} with audience ${OIDC_AUDIENCE}`);
}

/** What ICA's token and request look like to the trust policy, as far as the seeds say. */
export function trustRequest(oidc: ResolvedOidc, providerArn: string, sessionNamePrefix: string, statements: readonly ParsedStatement[]): Request {
  const context: Record<string, readonly string[] | null> = {
    [`${oidc.issuer}:sub`]: [`system:serviceaccount:${oidc.namespace}:irsa-${oidc.namespace}-gds`],
    [`${oidc.issuer}:aud`]: [OIDC_AUDIENCE],
    'sts:RoleSessionName': [`${sessionNamePrefix}-${PROBE_SESSION_SUFFIX}`],
  };
  // Claims of any other issuer are simply absent from ICA's request.
  for (const statement of statements) {
    for (const entries of Object.values(statement.conditions)) {
      for (const key of Object.keys(entries)) {
        if (/^oidc\.eks\./i.test(key) && !key.toLowerCase().startsWith(`${oidc.issuer.toLowerCase()}:`)) context[key] = null;
      }
    }
  }
  return { action: 'sts:AssumeRoleWithWebIdentity', principal: { type: 'Federated', arn: providerArn }, context };
}

type Claim = 'sub' | 'aud' | 'session' | 'other';

function claimOf(key: string): Claim {
  const lower = key.toLowerCase();
  if (lower === 'sts:rolesessionname') return 'session';
  if (lower.endsWith(':sub')) return 'sub';
  if (lower.endsWith(':aud')) return 'aud';
  return 'other';
}

function conditionValues(statement: ParsedStatement, claim: Claim): string[] {
  return Object.values(statement.conditions).flatMap((entries) =>
    Object.entries(entries).filter(([key]) => claimOf(key) === claim).flatMap(([key, values]) => values.map((value) => `${key} ${value}`)));
}

export function checkTrustPolicy(config: ResolvedConfig, facts: PrincipalFacts, oidcFacts: OidcFacts | undefined, accountId: string): CheckResult | undefined {
  if (config.credential.method !== 'role' || !config.oidc || facts.entity.state !== 'ok') return undefined;
  const id = 'role.trust-policy';
  const subject = config.credential.roleName;
  const oidc = config.oidc;
  const prefix = config.credential.sessionNamePrefix;
  const fix = 'apply the stack (it writes the trust policy), or IAM > Roles > the role > Trust relationships > Edit trust policy: paste trust-policy.json from "ica-s3 policies"';
  let statements: ParsedStatement[];
  try {
    statements = parsePolicy(facts.entity.value.trustPolicy ?? '{}');
  } catch (error) {
    return warn(id, subject, `the trust policy could not be parsed: ${(error as Error).message}`, ICA_ERRORS.assumeRoleWithWebIdentity, fix);
  }
  const providerArn = oidcFacts?.provider.state === 'ok' ? oidcFacts.provider.value.arn : oidcProviderArn(oidc, accountId);
  const request = trustRequest(oidc, providerArn, prefix, statements);
  const result = evaluate(statements, request);
  const sub = `system:serviceaccount:${oidc.namespace}:irsa-${oidc.namespace}-gds*`;

  if (result.decision === 'allowed') {
    const allowing = result.allowing;
    const missing: string[] = [];
    if (!allowing.every((s) => conditionValues(s, 'sub').length > 0)) missing.push(`no "sub" condition (any workload of ICA's cluster could assume the role; the seeds require ${sub})`);
    if (!allowing.every((s) => conditionValues(s, 'session').length > 0)) missing.push(`no sts:RoleSessionName condition (the seeds require "${prefix}-*": it proves the request comes from your ICA storage credential)`);
    if (missing.length > 0) return warn(id, subject, `ICA can assume the role, but the trust policy has ${missing.join(' and ')}`, undefined, fix);
    return pass(id, subject, `trusts ${providerArn} for sub ${sub}, aud ${OIDC_AUDIENCE}, session names "${prefix}-*"`);
  }
  if (result.decision === 'denied') {
    return fail(id, subject, `a Deny statement in the trust policy blocks ICA's sts:AssumeRoleWithWebIdentity`, ICA_ERRORS.assumeRoleWithWebIdentity, fix);
  }

  // Not allowed (or undecidable): find the statement meant for ICA and name the condition that fails.
  const candidates = statements.filter((s) => s.effect === 'Allow' && statementApplies({ ...s, conditions: {} }, request) === 'yes');
  if (candidates.length === 0) {
    const trusted = statements.flatMap((s) => (s.principals && s.principals !== '*' ? Object.values(s.principals).flat() : s.principals === '*' ? ['*'] : []));
    return fail(id, subject, `no statement lets ${providerArn} call sts:AssumeRoleWithWebIdentity; the role trusts ${trusted.join(', ') || 'nobody'}`,
      ICA_ERRORS.assumeRoleWithWebIdentity, `the trust policy's Federated principal must be the ICA region's provider, ${providerArn}; ${fix}`);
  }
  const problems: string[] = [];
  let onlySubSuffix = true;
  for (const statement of candidates) {
    for (const [operator, entries] of Object.entries(statement.conditions)) {
      for (const [key, values] of Object.entries(entries)) {
        const holds = conditionHolds(operator, key, values, request);
        if (holds === 'yes') continue;
        const claim = claimOf(key);
        const shown = `${operator} ${key} = ${values.join(', ')}`;
        if (claim === 'sub') {
          const namespaces = values.map((value) => /^system:serviceaccount:([^:]+):irsa-([^-]+)-gds/.exec(value)).filter((m): m is RegExpExecArray => m !== null);
          const rightNamespace = namespaces.length > 0 && namespaces.every((m) => m[1] === oidc.namespace && m[2] === oidc.namespace);
          if (!rightNamespace) onlySubSuffix = false;
          const foundNamespace = namespaces.map((m) => m[1]).join(', ');
          problems.push(rightNamespace
            ? `the sub condition (${shown}) is narrower than ICA's service account ${sub}`
            : `the sub condition (${shown}) names namespace ${foundNamespace || '(none)'}, ICA region ${config.region.code} uses ${oidc.namespace}: ${sub}`);
        } else {
          onlySubSuffix = false;
          if (holds === 'unknown') problems.push(`the condition ${shown} cannot be decided`);
          else if (key.toLowerCase().startsWith('oidc.eks.') && !key.toLowerCase().startsWith(`${oidc.issuer.toLowerCase()}:`)) problems.push(`the condition ${shown} names another OIDC issuer than ${oidc.issuer}`);
          else if (claim === 'aud') problems.push(`the audience condition (${shown}) does not admit ${OIDC_AUDIENCE}`);
          else if (claim === 'session') problems.push(`the session name condition (${shown}) does not admit "${prefix}-…", the prefix in the config`);
          else problems.push(`the condition ${shown} does not hold for ICA`);
        }
      }
    }
  }
  const sessionProblem = problems.some((p) => p.startsWith('the session name'));
  const namespaceProblem = problems.some((p) => p.includes('names namespace'));
  const specificFix = [
    namespaceProblem ? `the sub condition must be ${sub} (credential.namespace overrides the region table's namespace)` : '',
    sessionProblem ? `the session name condition must be "${prefix}-*" with the RoleSessionName prefix ICA generated (credential.sessionNamePrefix)` : '',
  ].filter(Boolean).join('; ');
  const found = problems.length > 0 ? [...new Set(problems)].join('; ') : 'the trust policy does not admit ICA\'s request';
  if (onlySubSuffix && problems.length > 0 && result.decision !== 'unknown') {
    return warn(id, subject, `${found} (ICA's exact service account name is not published, so this may or may not match)`, ICA_ERRORS.assumeRoleWithWebIdentity,
      `use ${sub} as the seeds do; ${fix}`);
  }
  if (result.decision === 'unknown' && !namespaceProblem && !sessionProblem) {
    return warn(id, subject, found, ICA_ERRORS.assumeRoleWithWebIdentity, fix);
  }
  return fail(id, subject, found, ICA_ERRORS.assumeRoleWithWebIdentity, specificFix ? `${specificFix}; ${fix}` : fix);
}

/** The ARN the principal has, or will have once created. */
export function principalArnOf(config: ResolvedConfig, facts: PrincipalFacts, accountId: string): string {
  return facts.entity.state === 'ok' && facts.entity.value.arn ? facts.entity.value.arn : iamPrincipalArn(config, accountId);
}
