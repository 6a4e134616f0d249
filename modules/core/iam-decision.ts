/**
 * AWS's decision for one request over every policy in force: the principal's identity policies,
 * a session policy, and the resource's own policy (bucket, key or trust policy). The rules are
 * those of AWS's policy evaluation logic that the documents of this tool meet:
 *
 * - an explicit Deny in any of them wins;
 * - in the principal's own account an Allow of the identity policies (within the session policy)
 *   or an Allow of the resource policy that names the principal suffices, except for a KMS key or
 *   an IAM role, whose own policy must allow the request or trust the account (a statement naming
 *   the account) before identity policies count;
 * - across accounts both the identity side and the resource policy must allow;
 * - an anonymous request, and a web identity (an OIDC provider's token), has no identity side:
 *   only the resource policy (for a web identity, the role's trust policy) can allow it.
 *
 * `explain` decides every cell of its access map here; the tests hold it equal to
 * @cloud-copilot/iam-simulate (a devDependency, never imported by runtime code) on the whole
 * request matrix.
 */
import { PolicyStatement, Principals, hasPrincipals } from './iam-policy';
import { Request, Tri, statementApplies } from './iam-eval';

/** Who makes the request. */
export interface RequestingPrincipal {
  /** `AWS` for users, roles, federated users and anonymous; `Federated` for an OIDC provider. */
  readonly type: 'AWS' | 'Federated';
  /**
   * What `aws:PrincipalArn` holds: the user, the role behind a session, the federated user, the
   * OIDC provider. Undefined for an anonymous request.
   */
  readonly arn?: string;
  /** A role session's own ARN (assumed-role/...), which a resource policy may name too. */
  readonly sessionArn?: string;
  /** The principal's account; undefined for anonymous and OIDC principals. */
  readonly accountId?: string;
}

/** A policy in force, by the name a report gives it. */
export interface PolicyInForce {
  readonly name: string;
  readonly statements: readonly PolicyStatement[];
}

export interface AccessRequest {
  readonly principal: RequestingPrincipal;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** The request context (condition keys), as `Request.context` of the statement evaluator. */
  readonly context: Request['context'];
  readonly identityPolicies: readonly PolicyInForce[];
  /** The session policy of a federated user (GetFederationToken): it bounds the identity policies. */
  readonly sessionPolicy?: PolicyInForce;
  readonly resourcePolicy?: PolicyInForce;
}

/** IAM's three outcomes, spelled as IAM's simulator spells them, and "cannot tell". */
export type AccessDecisionKind = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'Undecided';

/** A statement that decides, named by its policy and its Sid (or its position). */
export interface DecidingStatement {
  readonly policy: string;
  readonly sid?: string;
  /** 1-based position in its policy. */
  readonly position: number;
}

export interface AccessDecision {
  readonly decision: AccessDecisionKind;
  /**
   * The Denies that apply (ExplicitlyDenied), the Allows that grant (Allowed: every side that must
   * allow), the statements that make it uncertain (Undecided); empty when nothing allows it.
   */
  readonly deciding: readonly DecidingStatement[];
}

/** How a resource policy statement's Principal names the requesting principal. */
type PrincipalMatch = 'principal' | 'account' | 'no';

function blockMatch(block: Principals, principal: RequestingPrincipal): PrincipalMatch {
  if (block === '*') return 'principal';
  const values = block[principal.type] ?? [];
  if (values.includes('*')) return 'principal';
  if (principal.arn && values.some((value) => value === principal.arn || value === principal.sessionArn)) return 'principal';
  const account = principal.accountId;
  if (principal.type === 'AWS' && account && values.some((value) => value === account || value === `arn:aws:iam::${account}:root`)) return 'account';
  return 'no';
}

function principalMatch(statement: PolicyStatement, principal: RequestingPrincipal): PrincipalMatch {
  if (hasPrincipals(statement.principals)) return blockMatch(statement.principals, principal);
  if (hasPrincipals(statement.notPrincipals)) return blockMatch(statement.notPrincipals, principal) === 'no' ? 'principal' : 'no';
  return 'no';
}

interface Applying {
  readonly statement: DecidingStatement;
  readonly applies: Tri;
  readonly match: PrincipalMatch;
}

function applying(policy: PolicyInForce, request: AccessRequest, effect: 'Allow' | 'Deny', resourcePolicy: boolean): Applying[] {
  const statementRequest: Request = { action: request.action, resource: request.resource, context: request.context };
  return policy.statements.flatMap((statement, index) => {
    if (statement.effect !== effect) return [];
    const match = resourcePolicy ? principalMatch(statement, request.principal) : 'principal';
    if (match === 'no') return [];
    // Without a principal, statementApplies weighs action, resource and conditions only.
    const applies = statementApplies(statement, statementRequest);
    if (applies === 'no') return [];
    return [{ statement: { policy: policy.name, ...(statement.sid ? { sid: statement.sid } : {}), position: index + 1 }, applies, match }];
  });
}

/** KMS keys and IAM roles: their own policy must allow, or trust the account, for identity policies to count. */
function resourcePolicyRequired(request: AccessRequest): boolean {
  return /^arn:aws:kms:[^:]*:[^:]*:key\//.test(request.resource) || /^sts:AssumeRole/i.test(request.action);
}

const certain = (entries: readonly Applying[]) => entries.filter((entry) => entry.applies === 'yes');
const uncertain = (entries: readonly Applying[]) => entries.filter((entry) => entry.applies === 'unknown');
const statementsOf = (entries: readonly Applying[]) => entries.map((entry) => entry.statement);

/** AWS's decision for a request; see the top of this file for the rules. */
export function decideAccess(request: AccessRequest): AccessDecision {
  // Anonymous requests and web identities belong to no account and have no identity policies.
  const anonymous = request.principal.arn === undefined || request.principal.type === 'Federated';
  const principalSide = anonymous ? [] : [...request.identityPolicies, ...(request.sessionPolicy ? [request.sessionPolicy] : [])];
  const denies = [
    ...principalSide.flatMap((policy) => applying(policy, request, 'Deny', false)),
    ...(request.resourcePolicy ? applying(request.resourcePolicy, request, 'Deny', true) : []),
  ];
  if (certain(denies).length > 0) return { decision: 'ExplicitlyDenied', deciding: statementsOf(certain(denies)) };

  const identity = anonymous ? [] : request.identityPolicies.flatMap((policy) => applying(policy, request, 'Allow', false));
  const session = request.sessionPolicy && !anonymous ? applying(request.sessionPolicy, request, 'Allow', false) : [];
  const resource = request.resourcePolicy ? applying(request.resourcePolicy, request, 'Allow', true) : [];
  const grantsPrincipal = (entries: readonly Applying[]) => entries.filter((entry) => entry.match === 'principal');
  const grantsAccount = (entries: readonly Applying[]) => entries.filter((entry) => entry.match === 'account');

  /** The statements that allow when only certain ones count (or uncertain ones too), else undefined. */
  const allowing = (pick: (entries: readonly Applying[]) => Applying[]): DecidingStatement[] | undefined => {
    const byResource = grantsPrincipal(pick(resource));
    const identitySide = pick(identity);
    const withinSession = !request.sessionPolicy || pick(session).length > 0;
    const identityAllows = identitySide.length > 0 && withinSession;
    const sessionStatements = request.sessionPolicy ? pick(session) : [];
    if (anonymous) return byResource.length > 0 ? statementsOf(byResource) : undefined;
    const sameAccount = request.principal.accountId !== undefined && request.principal.accountId === request.resourceAccount;
    if (sameAccount) {
      if (byResource.length > 0) return statementsOf(byResource);
      if (!identityAllows) return undefined;
      if (!resourcePolicyRequired(request)) return statementsOf([...identitySide, ...sessionStatements]);
      const trust = grantsAccount(pick(resource));
      return trust.length > 0 ? statementsOf([...identitySide, ...sessionStatements, ...trust]) : undefined;
    }
    const resourceSide = [...byResource, ...grantsAccount(pick(resource))];
    return identityAllows && resourceSide.length > 0 ? statementsOf([...identitySide, ...sessionStatements, ...resourceSide]) : undefined;
  };

  const maybeDenies = uncertain(denies);
  const allowed = allowing(certain);
  if (maybeDenies.length > 0) return { decision: 'Undecided', deciding: statementsOf(maybeDenies) };
  if (allowed) return { decision: 'Allowed', deciding: allowed };
  const maybeAllowed = allowing((entries) => [...entries]);
  if (maybeAllowed) return { decision: 'Undecided', deciding: statementsOf([...uncertain(identity), ...uncertain(session), ...uncertain(resource)]) };
  return { decision: 'ImplicitlyDenied', deciding: [] };
}
