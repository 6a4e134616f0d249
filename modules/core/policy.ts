/**
 * IAM policy documents as objects. A document serialises itself: actions and resources are
 * de-duplicated and sorted (their order carries no meaning) and one-element lists collapse to a
 * string, so two equal policies always print the same. Policy JSON is never assembled from strings.
 */

export type Effect = 'Allow' | 'Deny';
export type PrincipalType = 'AWS' | 'Federated' | 'Service';
/** Condition block: operator -> context key -> values, as IAM writes it. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface PolicyStatementProps {
  /** Statement id; required where a statement must be found again (bucket policy merges). */
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: Effect;
  readonly actions: readonly string[];
  /** Omitted in trust policies, where the role itself is the resource. */
  readonly resources?: readonly string[];
  /** Omitted in identity policies. */
  readonly principals?: Readonly<Partial<Record<PrincipalType, readonly string[]>>>;
  readonly conditions?: Conditions;
}

type JsonValue = string | JsonValue[] | { [key: string]: JsonValue };

export interface SerialiseOptions {
  /**
   * Write a one-element list as the element, as IAM does.
   * @default true
   */
  readonly collapse?: boolean;
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** IAM's own compact form: a one-element list is written as the element. */
function collapseList(values: readonly string[]): string | string[] {
  const list = uniqueSorted(values);
  return list.length === 1 ? list[0] : list;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

export class PolicyStatement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly principals: Readonly<Partial<Record<PrincipalType, readonly string[]>>>;
  readonly conditions: Conditions;

  constructor(props: PolicyStatementProps) {
    if (props.actions.length === 0) {
      throw new Error(`policy statement ${props.sid ?? '(no Sid)'} has no actions`);
    }
    this.sid = props.sid;
    this.effect = props.effect ?? 'Allow';
    this.actions = uniqueSorted(props.actions);
    this.resources = uniqueSorted(props.resources ?? []);
    this.principals = props.principals ?? {};
    this.conditions = props.conditions ?? {};
  }

  /** Reads a statement as IAM or a policy file writes it (strings or lists, any order). */
  static fromJSON(json: Record<string, unknown>): PolicyStatement {
    const principal = json.Principal;
    const principals: Partial<Record<PrincipalType, string[]>> = {};
    if (principal === '*') {
      principals.AWS = ['*'];
    } else if (principal && typeof principal === 'object') {
      for (const [type, values] of Object.entries(principal)) {
        principals[type as PrincipalType] = asList(values);
      }
    }
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const [operator, entries] of Object.entries((json.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      conditions[operator] = {};
      for (const [key, values] of Object.entries(entries)) {
        conditions[operator][key] = asList(values);
      }
    }
    return new PolicyStatement({
      sid: typeof json.Sid === 'string' && json.Sid !== '' ? json.Sid : undefined,
      effect: json.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: asList(json.Action),
      resources: asList(json.Resource),
      principals,
      conditions,
    });
  }

  /** `collapse: false` keeps one-element lists as lists (the shape the generated module writes). */
  toJSON(options: SerialiseOptions = {}): Record<string, JsonValue> {
    const collapse = options.collapse === false ? uniqueSorted : collapseList;
    const json: Record<string, JsonValue> = {};
    if (this.sid) json.Sid = this.sid;
    json.Effect = this.effect;
    const principalTypes = Object.keys(this.principals).sort() as PrincipalType[];
    if (principalTypes.length > 0) {
      const principal: Record<string, JsonValue> = {};
      for (const type of principalTypes) principal[type] = collapse(this.principals[type] ?? []);
      json.Principal = principal;
    }
    json.Action = collapse(this.actions);
    if (this.resources.length > 0) json.Resource = collapse(this.resources);
    const operators = Object.keys(this.conditions).sort();
    if (operators.length > 0) {
      const condition: Record<string, JsonValue> = {};
      for (const operator of operators) {
        const entries: Record<string, JsonValue> = {};
        for (const key of Object.keys(this.conditions[operator]).sort()) {
          entries[key] = collapse(this.conditions[operator][key]);
        }
        condition[operator] = entries;
      }
      json.Condition = condition;
    }
    return json;
  }
}

export class PolicyDocument {
  /** The IAM policy language version every document of this tool declares. */
  static readonly VERSION = '2012-10-17';

  readonly statements: readonly PolicyStatement[];

  constructor(statements: readonly PolicyStatement[]) {
    this.statements = statements;
  }

  static fromJSON(json: unknown): PolicyDocument {
    const document = (typeof json === 'string' ? JSON.parse(json) : json) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement)
      ? document.Statement
      : document.Statement ? [document.Statement] : [];
    return new PolicyDocument(statements.map((statement) => PolicyStatement.fromJSON(statement as Record<string, unknown>)));
  }

  /** The statement with this Sid, if any. */
  statement(sid: string): PolicyStatement | undefined {
    return this.statements.find((statement) => statement.sid === sid);
  }

  toJSON(options: SerialiseOptions = {}): Record<string, JsonValue> {
    return { Version: PolicyDocument.VERSION, Statement: this.statements.map((statement) => statement.toJSON(options)) };
  }

  /**
   * The size a renderer's policy can reach, as both renderers measure it: compact JSON with every
   * list kept a list (the generated module's `length(jsonencode(...))`). IAM counts without
   * whitespace and with one-element lists as strings, so this is never less than what IAM counts.
   */
  sizeForQuota(): number {
    return JSON.stringify(this.toJSON({ collapse: false })).length;
  }

  /** The document as IAM stores it: compact JSON. */
  toString(): string {
    return JSON.stringify(this.toJSON());
  }

  /** The document as a person pastes it into the console. */
  toPrettyString(): string {
    return `${JSON.stringify(this.toJSON(), null, 2)}\n`;
  }
}
