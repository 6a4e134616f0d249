/**
 * A small, conservative evaluator of IAM policy documents in plain TypeScript, for the forms the
 * doctor and `explain` meet (`iam-decision.ts` combines it into AWS's decision for a request): identity policies, bucket policies (Deny with Principal "*" and ArnNotLike /
 * ArnNotEquals / StringNotLike on aws:PrincipalArn, Allow for a role), KMS key policies and role
 * trust policies. It answers three-valued: when a statement depends on something the doctor does
 * not know (an unknown condition key or operator, a policy variable), the answer is "unknown" and
 * the check says it could not decide, instead of guessing.
 *
 * It is not AWS's evaluator: on real AWS the doctor also asks IAM's policy simulator
 * (SimulatePrincipalPolicy). Nothing here comes from @cloud-copilot/iam-simulate (AGPL), which
 * the tests alone may use.
 */
import { PolicyDocument, PolicyStatement, Principals, hasPrincipals } from './iam-policy';

export type Tri = 'yes' | 'no' | 'unknown';

/**
 * Reads a policy document as IAM, S3 or KMS returns it (a JSON string, possibly URL-encoded, or
 * an object) into the core's policy model.
 */
export function parsePolicy(document: unknown): PolicyStatement[] {
  const text = typeof document === 'string' && /^%7b/i.test(document.trim()) ? decodeURIComponent(document) : document;
  return [...PolicyDocument.fromJSON(text).statements];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = `^${pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char))).join('')}$`;
  return new RegExp(source, ignoreCase ? 'is' : 's').test(value);
}

/** True when a policy value holds a policy variable such as `${aws:username}`. */
function hasVariable(value: string): boolean {
  return value.includes('${');
}

function anyMatch(patterns: readonly string[], value: string, ignoreCase: boolean): Tri {
  if (patterns.some((pattern) => !hasVariable(pattern) && wildcardMatch(pattern, value, ignoreCase))) return 'yes';
  return patterns.some(hasVariable) ? 'unknown' : 'no';
}

function not(value: Tri): Tri {
  return value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'unknown';
}

/** Three-valued AND. */
export function all(values: readonly Tri[]): Tri {
  if (values.includes('no')) return 'no';
  return values.includes('unknown') ? 'unknown' : 'yes';
}

/** Three-valued OR. */
export function any(values: readonly Tri[]): Tri {
  if (values.includes('yes')) return 'yes';
  return values.includes('unknown') ? 'unknown' : 'no';
}

/** An AWS principal making a request, for resource-based policies (bucket, key, trust). */
export interface RequestPrincipal {
  /** `AWS` (users, roles, federated users, accounts) or `Federated` (OIDC providers). */
  readonly type: 'AWS' | 'Federated';
  /** The principal's ARN: a user, a role (not the session), a federated user, or the OIDC provider. */
  readonly arn: string;
  /** The principal's account, for `arn:aws:iam::<account>:root` and bare account ids. */
  readonly accountId?: string;
}

export interface Request {
  readonly action: string;
  /** The resource ARN, or undefined for trust policies (the role itself). */
  readonly resource?: string;
  /** Set when evaluating a resource-based policy. */
  readonly principal?: RequestPrincipal;
  /**
   * Condition keys the doctor knows, by name (any case): values, or null for a key that is
   * certainly absent from the request. A key not listed makes a condition on it "unknown".
   */
  readonly context: Readonly<Record<string, readonly string[] | null>>;
}

function contextValue(request: Request, key: string): readonly string[] | null | undefined {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(request.context)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

type Comparator = (policyValue: string, requestValue: string) => boolean;

const COMPARATORS: Readonly<Record<string, { compare: Comparator; negated: boolean }>> = {
  stringequals: { compare: (p, r) => p === r, negated: false },
  stringnotequals: { compare: (p, r) => p === r, negated: true },
  stringequalsignorecase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  stringlike: { compare: (p, r) => wildcardMatch(p, r), negated: false },
  stringnotlike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  arnequals: { compare: (p, r) => wildcardMatch(p, r), negated: false },
  arnlike: { compare: (p, r) => wildcardMatch(p, r), negated: false },
  arnnotequals: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  arnnotlike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

/** Evaluates one condition operator on one key. */
export function conditionHolds(operator: string, key: string, policyValues: readonly string[], request: Request): Tri {
  let name = operator;
  let quantifier: 'any' | 'all' | undefined;
  if (/^ForAnyValue:/i.test(name)) { quantifier = 'any'; name = name.slice('ForAnyValue:'.length); }
  if (/^ForAllValues:/i.test(name)) { quantifier = 'all'; name = name.slice('ForAllValues:'.length); }
  const ifExists = /IfExists$/i.test(name);
  if (ifExists) name = name.slice(0, -'IfExists'.length);
  const requestValues = contextValue(request, key);

  if (name.toLowerCase() === 'null') {
    if (requestValues === undefined) return 'unknown';
    const absentWanted = policyValues.some((value) => value.toLowerCase() === 'true');
    const presentWanted = policyValues.some((value) => value.toLowerCase() === 'false');
    const isAbsent = requestValues === null;
    return (isAbsent && absentWanted) || (!isAbsent && presentWanted) ? 'yes' : 'no';
  }
  const comparator = COMPARATORS[name.toLowerCase()];
  if (!comparator) return 'unknown';
  if (requestValues === undefined) return 'unknown';
  if (policyValues.some(hasVariable)) return 'unknown';
  if (requestValues === null || requestValues.length === 0) {
    // A missing key: IfExists and ForAllValues hold; negated operators hold; the rest do not.
    if (ifExists || quantifier === 'all') return 'yes';
    return comparator.negated ? 'yes' : 'no';
  }
  const matches = (requestValue: string) => policyValues.some((policyValue) => comparator.compare(policyValue, requestValue));
  if (quantifier === 'all') {
    return requestValues.every((value) => (comparator.negated ? !matches(value) : matches(value))) ? 'yes' : 'no';
  }
  // Single-valued keys and ForAnyValue: the condition holds if some request value satisfies it.
  return requestValues.some((value) => (comparator.negated ? !matches(value) : matches(value))) ? 'yes' : 'no';
}

export function conditionsHold(statement: PolicyStatement, request: Request): Tri {
  const results: Tri[] = [];
  for (const [operator, entries] of Object.entries(statement.conditions)) {
    for (const [key, values] of Object.entries(entries)) results.push(conditionHolds(operator, key, values, request));
  }
  return all(results);
}

function actionMatches(statement: PolicyStatement, action: string): Tri {
  if (statement.actions.length > 0) return anyMatch(statement.actions, action, true);
  if (statement.notActions.length > 0) return not(anyMatch(statement.notActions, action, true));
  return 'no';
}

function resourceMatches(statement: PolicyStatement, resource: string | undefined): Tri {
  if (resource === undefined) return 'yes';
  if (statement.resources.length > 0) return anyMatch(statement.resources, resource, false);
  if (statement.notResources.length > 0) return not(anyMatch(statement.notResources, resource, false));
  // Trust policies and some key policies omit Resource: the policy's own resource is meant.
  return 'yes';
}

/** Does a Principal block name this principal? Accounts match every principal of the account. */
export function principalIn(block: Principals, principal: RequestPrincipal): Tri {
  if (block === '*') return 'yes';
  const values = block[principal.type] ?? [];
  const results = values.map((value): Tri => {
    if (value === '*') return 'yes';
    if (value === principal.arn) return 'yes';
    if (principal.type === 'AWS' && principal.accountId &&
      (value === principal.accountId || value === `arn:aws:iam::${principal.accountId}:root`)) return 'yes';
    return 'no';
  });
  return any(results);
}

function principalMatches(statement: PolicyStatement, principal: RequestPrincipal | undefined): Tri {
  if (!principal) return 'yes';
  if (hasPrincipals(statement.principals)) return principalIn(statement.principals, principal);
  if (hasPrincipals(statement.notPrincipals)) return not(principalIn(statement.notPrincipals, principal));
  return 'no';
}

/** Whether a statement's action, resource and principal match a request (its conditions and effect aside). */
export function statementMatches(statement: PolicyStatement, request: Request): Tri {
  return all([
    actionMatches(statement, request.action),
    resourceMatches(statement, request.resource),
    principalMatches(statement, request.principal),
  ]);
}

/** Whether a statement applies to a request (its effect aside). */
export function statementApplies(statement: PolicyStatement, request: Request): Tri {
  return all([statementMatches(statement, request), conditionsHold(statement, request)]);
}

export interface Evaluation {
  /** allowed: an Allow applies and no Deny can; denied: a Deny applies; implicit: nothing allows it; unknown: cannot tell. */
  readonly decision: 'allowed' | 'denied' | 'implicit' | 'unknown';
  /** Statements that deny it (decision denied), or might (decision unknown). */
  readonly denying: readonly PolicyStatement[];
  /** Statements that allow it, or might. */
  readonly allowing: readonly PolicyStatement[];
}

/** AWS's order for one set of statements: an explicit Deny wins, then an Allow, else implicit deny. */
export function evaluate(statements: readonly PolicyStatement[], request: Request): Evaluation {
  const deny = statements.filter((s) => s.effect === 'Deny').map((s) => ({ s, applies: statementApplies(s, request) }));
  const allow = statements.filter((s) => s.effect === 'Allow').map((s) => ({ s, applies: statementApplies(s, request) }));
  const denies = deny.filter((d) => d.applies === 'yes').map((d) => d.s);
  if (denies.length > 0) return { decision: 'denied', denying: denies, allowing: [] };
  const maybeDenies = deny.filter((d) => d.applies === 'unknown').map((d) => d.s);
  const allows = allow.filter((a) => a.applies === 'yes').map((a) => a.s);
  const maybeAllows = allow.filter((a) => a.applies === 'unknown').map((a) => a.s);
  if (maybeDenies.length > 0) return { decision: 'unknown', denying: maybeDenies, allowing: [...allows, ...maybeAllows] };
  if (allows.length > 0) return { decision: 'allowed', denying: [], allowing: allows };
  if (maybeAllows.length > 0) return { decision: 'unknown', denying: [], allowing: maybeAllows };
  return { decision: 'implicit', denying: [], allowing: [] };
}

/** A short label for a statement in messages: its Sid, or its position. */
export function statementLabel(statement: PolicyStatement, statements: readonly PolicyStatement[]): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement #${statements.indexOf(statement) + 1}`;
}
