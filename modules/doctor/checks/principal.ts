/**
 * The ICA principal: the user (with an active access key) or the role (12 h sessions, the
 * regional OIDC provider, a trust policy that admits ICA's service account, audience and session
 * name prefix).
 */
import { iamPrincipalArn, oidcProviderArn } from '../../core/ica-policies';
import { PolicyStatement } from '../../core/iam-policy';
import { ICA_ROLE_MAX_SESSION_SECONDS, OIDC_AUDIENCE } from '../../core/regions';
import { ResolvedConfig, ResolvedOidc } from '../../core/validate';
import { ICA_ERRORS, accessForbidden } from '../../core/ica-errors';
import { Request, conditionHolds, evaluate, parsePolicy, statementMatches } from '../../core/iam-eval';
import { OidcFacts, PrincipalFacts } from '../../aws/facts';
import { CheckResult, judge, pass, unreadableResult } from '../../account-report/checks';
import { Comparison, applyFixes, configFixes, outsideTool } from '../../account-report/verdict';

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
  return judge(id, name, `there is no IAM ${kind} named ${name} (${nameKey})`,
    kind === 'role' ? ICA_ERRORS.assumeRoleWithWebIdentity : ICA_ERRORS.invalidAccessKey,
    applyFixes(`it creates the ${kind} with its policy`, 'fails'));
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
  const attach = (impact: Comparison['impact']) => applyFixes(`it writes the policy ${config.policyName} and attaches it`, impact,
    `IAM > ${config.credential.method === 'role' ? 'Roles' : 'Users'} > ${name} > Add permissions > Attach policies: ${config.policyName}`);
  if (policies.length === 0) return judge(id, name, 'no policy is attached', accessForbidden(), attach('fails'));
  return judge(id, name, `the policy ${config.policyName} (policyName) is not attached; attached: ${names.join(', ')} (the policy.* checks decide whether they are enough)`, undefined,
    attach('risk'));
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
    ? applyFixes('it creates the access key of credential.accessKeys (active); then enter it in the ICA storage credential', 'fails',
      'IAM > Users > the user > Security credentials: activate the key')
    : outsideTool('IAM > Users > the user > Security credentials: create or activate an access key (credential.createAccessKey true has the stack create one), then enter it in the ICA storage credential', 'fails');
  if (expectedKeyId) {
    const key = keys.find((candidate) => candidate.id === expectedKeyId);
    if (!key) return judge(id, name, `the access key ${expectedKeyId} from the Terraform outputs does not belong to ${name}`, ICA_ERRORS.invalidAccessKey, fix);
    if (key.status !== 'Active') return judge(id, name, `the access key ${expectedKeyId} is ${key.status}`, ICA_ERRORS.invalidAccessKey, fix);
    return pass(id, name, `the access key ${expectedKeyId} is active`);
  }
  if (active.length === 0) {
    return judge(id, name, keys.length === 0 ? 'the user has no access key' : `the user's access keys are all inactive (${keys.map((key) => key.id).join(', ')})`,
      ICA_ERRORS.invalidAccessKey, fix);
  }
  return pass(id, name, `active access key${active.length > 1 ? 's' : ''} ${active.map((key) => key.id).join(', ')}: the ICA storage credential must hold ${active.length > 1 ? 'one of them' : 'it'}`);
}

export function checkSessionDuration(config: ResolvedConfig, facts: PrincipalFacts): CheckResult | undefined {
  if (config.credential.method !== 'role' || facts.entity.state !== 'ok') return undefined;
  const id = 'role.session-duration';
  const seconds = facts.entity.value.maxSessionDuration ?? 3600;
  if (seconds >= ICA_ROLE_MAX_SESSION_SECONDS) return pass(id, config.credential.roleName, `maximum session duration ${seconds} s (12 h)`);
  return judge(id, config.credential.roleName, `maximum session duration is ${seconds} s (${+(seconds / 3600).toFixed(2)} h), ICA needs 12 h (43200 s)`,
    ICA_ERRORS.invalidSessionDuration,
    applyFixes('it sets 43200 s', 'fails', `IAM > Roles > ${config.credential.roleName} > Edit > Maximum session duration: 12 hours`));
}

/** IAM stores provider URLs without the scheme; users write them with it. Compare them as issuers. */
export function issuerOf(url: string): string {
  return url.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

export function checkOidcProvider(config: ResolvedConfig, facts: OidcFacts | undefined): CheckResult | undefined {
  if (config.credential.method !== 'role' || !config.oidc || !facts) return undefined;
  const id = 'role.oidc-provider';
  const oidc = config.oidc;
  const byHand = `IAM > Identity providers > Add provider > OpenID Connect: URL ${oidc.url}, audience ${OIDC_AUDIENCE}`;
  const createFix = config.credential.oidcProvider === 'existing'
    ? configFixes('set credential.oidcProvider to "create"', 'fails', byHand)
    : applyFixes('it creates the provider (credential.oidcProvider "create")', 'fails', byHand);
  if (facts.provider.state === 'error') return unreadableResult(id, oidc.url, 'the OIDC providers (iam:ListOpenIDConnectProviders)', facts.provider.error);
  if (facts.provider.state === 'absent') {
    const sameRegion = facts.allProviderArns.filter((arn) => arn.includes(`oidc.eks.${config.region.awsRegion}.amazonaws.com/id/`));
    return judge(id, oidc.url,
      `the account has no OIDC provider for ${oidc.url}${sameRegion.length > 0 ? `; it has ${sameRegion.join(', ')} (another provider id: check credential.oidcProviderId)` : ''}`,
      ICA_ERRORS.assumeRoleWithWebIdentity, createFix);
  }
  const provider = facts.provider.value;
  if (issuerOf(provider.url) !== issuerOf(oidc.url)) {
    return judge(id, provider.arn, `the provider's URL is ${provider.url}, not ${oidc.url}`, ICA_ERRORS.assumeRoleWithWebIdentity, createFix);
  }
  if (!provider.clientIds.includes(OIDC_AUDIENCE)) {
    return judge(id, provider.arn, `the provider's audiences are ${provider.clientIds.join(', ') || '(none)'}, not ${OIDC_AUDIENCE}`, ICA_ERRORS.assumeRoleWithWebIdentity,
      outsideTool(`IAM > Identity providers > ${oidc.issuer} > Audiences > Add audience: ${OIDC_AUDIENCE}`, 'fails'));
  }
  return pass(id, provider.arn, `provider for ${oidc.url} with audience ${OIDC_AUDIENCE}`);
}

/** What ICA's token and request look like to the trust policy, as far as the seeds say. */
export function trustRequest(oidc: ResolvedOidc, providerArn: string, sessionNamePrefix: string, statements: readonly PolicyStatement[]): Request {
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

function conditionValues(statement: PolicyStatement, claim: Claim): string[] {
  return Object.values(statement.conditions).flatMap((entries) =>
    Object.entries(entries).filter(([key]) => claimOf(key) === claim).flatMap(([key, values]) => values.map((value) => `${key} ${value}`)));
}

/** What checkTrustPolicy knows of the config, for its messages. */
interface TrustSubject {
  readonly id: 'role.trust-policy';
  readonly roleName: string;
  readonly oidc: ResolvedOidc;
  readonly prefix: string;
  /** The service account pattern of the seeds. */
  readonly sub: string;
  readonly regionCode: string;
  /** An apply writes the config's trust policy over whatever the role has; `specific` names what it corrects. */
  fix(impact: Comparison['impact'], specific?: string): Comparison;
}

/** Why one condition of a statement meant for ICA does not admit ICA's request. */
type TrustFinding =
  | { readonly kind: 'sub-narrower' | 'undecided' | 'other-issuer' | 'audience' | 'session' | 'other'; readonly shown: string }
  | { readonly kind: 'sub-namespace'; readonly shown: string; readonly namespaces: string };

export function checkTrustPolicy(config: ResolvedConfig, facts: PrincipalFacts, oidcFacts: OidcFacts | undefined, accountId: string): CheckResult | undefined {
  if (config.credential.method !== 'role' || !config.oidc || facts.entity.state !== 'ok') return undefined;
  const oidc = config.oidc;
  const trust: TrustSubject = {
    id: 'role.trust-policy',
    roleName: config.credential.roleName,
    oidc,
    prefix: config.credential.sessionNamePrefix,
    sub: `system:serviceaccount:${oidc.namespace}:irsa-${oidc.namespace}-gds*`,
    regionCode: config.region.code,
    fix: (impact, specific) => applyFixes(`it writes the trust policy${specific ? ` (${specific})` : ''}`, impact,
      'IAM > Roles > the role > Trust relationships > Edit trust policy: paste trust-policy.json from "ica-s3 policies"'),
  };
  let statements: PolicyStatement[];
  try {
    statements = parsePolicy(facts.entity.value.trustPolicy ?? '{}');
  } catch (error) {
    return judge(trust.id, trust.roleName, `the trust policy could not be parsed: ${(error as Error).message}`, ICA_ERRORS.assumeRoleWithWebIdentity, trust.fix('risk'));
  }
  const providerArn = oidcFacts?.provider.state === 'ok' ? oidcFacts.provider.value.arn : oidcProviderArn(oidc, accountId);
  const request = trustRequest(oidc, providerArn, trust.prefix, statements);
  const result = evaluate(statements, request);
  if (result.decision === 'allowed') return allowedTrustResult(trust, result.allowing, providerArn);
  if (result.decision === 'denied') {
    return judge(trust.id, trust.roleName, 'a Deny statement in the trust policy blocks ICA\'s sts:AssumeRoleWithWebIdentity', ICA_ERRORS.assumeRoleWithWebIdentity, trust.fix('fails'));
  }
  // Not allowed (or undecidable): find the statements meant for ICA and name the conditions that fail.
  const candidates = statements.filter((s) => s.effect === 'Allow' && statementMatches(s, request) === 'yes');
  if (candidates.length === 0) return untrustedResult(trust, statements, providerArn);
  return conditionsResult(trust, trustFindings(trust, candidates, request), result.decision === 'unknown');
}

/** ICA may assume the role: a WARN when the statements that let it lack the seeds' sub or session name condition. */
function allowedTrustResult(trust: TrustSubject, allowing: readonly PolicyStatement[], providerArn: string): CheckResult {
  const missing: string[] = [];
  if (!allowing.every((s) => conditionValues(s, 'sub').length > 0)) missing.push(`no "sub" condition (any workload of ICA's cluster could assume the role; the seeds require ${trust.sub})`);
  if (!allowing.every((s) => conditionValues(s, 'session').length > 0)) missing.push(`no sts:RoleSessionName condition (the seeds require "${trust.prefix}-*": it proves the request comes from your ICA storage credential)`);
  if (missing.length > 0) return judge(trust.id, trust.roleName, `ICA can assume the role, but the trust policy has ${missing.join(' and ')}`, undefined, trust.fix('risk'));
  return pass(trust.id, trust.roleName, `trusts ${providerArn} for sub ${trust.sub}, aud ${OIDC_AUDIENCE}, session names "${trust.prefix}-*"`);
}

/** No Allow statement names ICA's provider and action at all. */
function untrustedResult(trust: TrustSubject, statements: readonly PolicyStatement[], providerArn: string): CheckResult {
  const trusted = statements.flatMap((s) => (s.principals === '*' ? ['*'] : Object.values(s.principals).flat()));
  return judge(trust.id, trust.roleName, `no statement lets ${providerArn} call sts:AssumeRoleWithWebIdentity; the role trusts ${trusted.join(', ') || 'nobody'}`,
    ICA_ERRORS.assumeRoleWithWebIdentity, trust.fix('fails', `its Federated principal is the ICA region's provider, ${providerArn}`));
}

/** The sub condition's verdict: the right namespace (only narrower than the seeds' pattern) or another one. */
function subFinding(trust: TrustSubject, values: readonly string[], shown: string): TrustFinding {
  const matches = values.map((value) => /^system:serviceaccount:([^:]+):irsa-([^-]+)-gds/.exec(value)).filter((m): m is RegExpExecArray => m !== null);
  const rightNamespace = matches.length > 0 && matches.every((m) => m[1] === trust.oidc.namespace && m[2] === trust.oidc.namespace);
  return rightNamespace ? { kind: 'sub-narrower', shown } : { kind: 'sub-namespace', shown, namespaces: matches.map((m) => m[1]).join(', ') };
}

/** One finding per condition of the candidate statements that does not hold for ICA's request. */
function trustFindings(trust: TrustSubject, candidates: readonly PolicyStatement[], request: Request): TrustFinding[] {
  const issuer = trust.oidc.issuer.toLowerCase();
  const findings: TrustFinding[] = [];
  for (const statement of candidates) {
    for (const [operator, entries] of Object.entries(statement.conditions)) {
      for (const [key, values] of Object.entries(entries)) {
        const holds = conditionHolds(operator, key, values, request);
        if (holds === 'yes') continue;
        const claim = claimOf(key);
        const shown = `${operator} ${key} = ${values.join(', ')}`;
        const lowerKey = key.toLowerCase();
        if (claim === 'sub') findings.push(subFinding(trust, values, shown));
        else if (holds === 'unknown') findings.push({ kind: 'undecided', shown });
        else if (lowerKey.startsWith('oidc.eks.') && !lowerKey.startsWith(`${issuer}:`)) findings.push({ kind: 'other-issuer', shown });
        else if (claim === 'aud') findings.push({ kind: 'audience', shown });
        else if (claim === 'session') findings.push({ kind: 'session', shown });
        else findings.push({ kind: 'other', shown });
      }
    }
  }
  return findings;
}

function findingText(trust: TrustSubject, finding: TrustFinding): string {
  switch (finding.kind) {
    case 'sub-narrower': return `the sub condition (${finding.shown}) is narrower than ICA's service account ${trust.sub}`;
    case 'sub-namespace': return `the sub condition (${finding.shown}) names namespace ${finding.namespaces || '(none)'}, ICA region ${trust.regionCode} uses ${trust.oidc.namespace}: ${trust.sub}`;
    case 'undecided': return `the condition ${finding.shown} cannot be decided`;
    case 'other-issuer': return `the condition ${finding.shown} names another OIDC issuer than ${trust.oidc.issuer}`;
    case 'audience': return `the audience condition (${finding.shown}) does not admit ${OIDC_AUDIENCE}`;
    case 'session': return `the session name condition (${finding.shown}) does not admit "${trust.prefix}-…", the prefix in the config`;
    case 'other': return `the condition ${finding.shown} does not hold for ICA`;
  }
}

/**
 * The verdict from the findings: a WARN when only the sub pattern is narrower than the seeds'
 * (ICA's exact service account name is not published) or when nothing config-specific is wrong
 * but something is undecidable; else a FAIL with the fix for what is wrong.
 */
function conditionsResult(trust: TrustSubject, findings: readonly TrustFinding[], undecidable: boolean): CheckResult {
  const onlySubSuffix = findings.length > 0 && findings.every((finding) => finding.kind === 'sub-narrower');
  const namespaceProblem = findings.some((finding) => finding.kind === 'sub-namespace');
  const sessionProblem = findings.some((finding) => finding.kind === 'session');
  const found = findings.length > 0 ? [...new Set(findings.map((finding) => findingText(trust, finding)))].join('; ') : 'the trust policy does not admit ICA\'s request';
  if (onlySubSuffix && !undecidable) {
    return judge(trust.id, trust.roleName, `${found} (ICA's exact service account name is not published, so this may or may not match)`, ICA_ERRORS.assumeRoleWithWebIdentity,
      trust.fix('risk', `with ${trust.sub}, as the seeds do`));
  }
  if (undecidable && !namespaceProblem && !sessionProblem) return judge(trust.id, trust.roleName, found, ICA_ERRORS.assumeRoleWithWebIdentity, trust.fix('risk'));
  const specificFix = [
    namespaceProblem ? `with the sub condition ${trust.sub}; credential.namespace overrides the region table's namespace` : '',
    sessionProblem ? `with the session name condition "${trust.prefix}-*"; credential.sessionNamePrefix must be the RoleSessionName prefix ICA generated` : '',
  ].filter(Boolean).join('; ');
  return judge(trust.id, trust.roleName, found, ICA_ERRORS.assumeRoleWithWebIdentity, trust.fix('fails', specificFix || undefined));
}

/** The ARN the principal has, or will have once created. */
export function principalArnOf(config: ResolvedConfig, facts: PrincipalFacts, accountId: string): string {
  return facts.entity.state === 'ok' && facts.entity.value.arn ? facts.entity.value.arn : iamPrincipalArn(config, accountId);
}
