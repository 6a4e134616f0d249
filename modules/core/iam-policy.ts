/**
 * IAM policy documents as objects: the one policy model of this tool. The renderers build
 * documents with it, and the doctor reads the policies AWS returns with it.
 *
 * A document this tool builds serialises itself canonically: actions and resources are
 * de-duplicated and sorted (their order carries no meaning) and one-element lists collapse to a
 * string, so two equal policies always print the same. Policy JSON is never assembled from strings.
 *
 * A document read with `fromJSON` is lossless: it prints back exactly as it was read (string or
 * list forms, value order, a single statement object, Sid, Id and Version); `canonical()` gives
 * the canonical form of it.
 *
 * A little over 300 lines: the model, its canonical writer and its lossless reader stay together,
 * so that a new element of the policy language is added in one place.
 */

export type Effect = 'Allow' | 'Deny';
/** A read statement's effect: IAM rejects anything but Allow or Deny, and such a statement grants nothing. */
export type StatementEffect = Effect | 'Invalid';
export type PrincipalType = 'AWS' | 'Federated' | 'Service' | 'CanonicalUser';
/** Principal or NotPrincipal: everyone (`"*"`), or principals by type. */
export type Principals = '*' | Readonly<Partial<Record<PrincipalType, readonly string[]>>>;
/** Condition block: operator -> context key -> values, as IAM writes it. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface PolicyStatementProps {
  /** Statement id; required where a statement must be found again (bucket policy merges). */
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: Effect;
  /** Action; a statement has actions or notActions. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** Omitted in trust policies, where the role itself is the resource. */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** Omitted in identity policies. */
  readonly principals?: Principals;
  readonly notPrincipals?: Principals;
  readonly conditions?: Conditions;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SerialiseOptions {
  /**
   * Write a one-element list as the element, as IAM does. Statements read by fromJSON keep the
   * form they were written in.
   * @default true
   */
  readonly collapse?: boolean;
}

/** The list elements of a statement, by their JSON key, and the field that holds each. */
const LIST_ELEMENTS = [['Action', 'actions'], ['NotAction', 'notActions'], ['Resource', 'resources'], ['NotResource', 'notResources']] as const;
type ListKey = typeof LIST_ELEMENTS[number][0];

/** A bare string, a JSON list, or (Principal only) `"*"` or a bare string. */
type ListForm = 'string' | 'list';
type PrincipalForm = '*' | { readonly bare: string } | { readonly types: Readonly<Record<string, ListForm>> };

/** How a policy wrote a statement, so that a statement read by fromJSON prints back as it was. */
export interface StatementForm {
  /** The Sid as written ('' included). */
  readonly sid?: string;
  /** The Effect as written, also one IAM rejects. */
  readonly effect: JsonValue | undefined;
  readonly lists: Readonly<Partial<Record<ListKey, ListForm>>>;
  readonly principal?: PrincipalForm;
  readonly notPrincipal?: PrincipalForm;
  /** The Condition element as written: its values may be strings, lists, booleans or numbers. */
  readonly condition?: JsonValue;
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
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function listForm(value: unknown): ListForm {
  return Array.isArray(value) ? 'list' : 'string';
}

function writeList(values: readonly string[], form: ListForm): JsonValue {
  return form === 'string' ? values[0] : [...values];
}

/** Principal or NotPrincipal as written: its principals and its form. */
function readPrincipals(value: unknown): { principals: Principals; form: PrincipalForm } {
  if (value === '*') return { principals: '*', form: '*' };
  // IAM accepts only "*" as a bare string; any other is read as an AWS principal.
  if (typeof value !== 'object' || value === null) return { principals: { AWS: [String(value)] }, form: { bare: String(value) } };
  const principals: Partial<Record<PrincipalType, string[]>> = {};
  const types: Record<string, ListForm> = {};
  for (const [type, values] of Object.entries(value)) {
    principals[type as PrincipalType] = asList(values);
    types[type] = listForm(values);
  }
  return { principals, form: { types } };
}

function writePrincipals(principals: Principals, form: PrincipalForm): JsonValue {
  if (principals === '*' || form === '*') return '*';
  if ('bare' in form) return form.bare;
  const block: Record<string, JsonValue> = {};
  for (const [type, values] of Object.entries(principals)) block[type] = writeList(values ?? [], form.types[type] ?? 'list');
  return block;
}

/** True when a Principal (or NotPrincipal) element names anyone: `{}` stands for its absence. */
export function hasPrincipals(principals: Principals): boolean {
  return principals === '*' || Object.keys(principals).length > 0;
}

function readConditions(value: unknown): Conditions {
  const conditions: Record<string, Record<string, string[]>> = {};
  for (const [operator, entries] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
    conditions[operator] = {};
    for (const [key, values] of Object.entries(entries ?? {})) conditions[operator][key] = asList(values);
  }
  return conditions;
}

function deepCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value)) as T;
}

export class PolicyStatement {
  readonly sid?: string;
  readonly effect: StatementEffect;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `{}` when the statement has no Principal. */
  readonly principals: Principals;
  readonly notPrincipals: Principals;
  readonly conditions: Conditions;
  /** Set for statements read by fromJSON: how to print them back. */
  private readonly form?: StatementForm;

  /**
   * A statement built by this tool (lists de-duplicated and sorted). `form` is fromJSON's: the
   * statement keeps its values as written, in order, and prints back in that form.
   */
  constructor(props: PolicyStatementProps, form?: StatementForm) {
    const list = form ? (values: readonly string[] | undefined) => [...values ?? []] : (values: readonly string[] | undefined) => uniqueSorted(values ?? []);
    this.sid = props.sid;
    this.effect = form && props.effect === undefined ? 'Invalid' : props.effect ?? 'Allow';
    this.actions = list(props.actions);
    this.notActions = list(props.notActions);
    this.resources = list(props.resources);
    this.notResources = list(props.notResources);
    this.principals = props.principals ?? {};
    this.notPrincipals = props.notPrincipals ?? {};
    this.conditions = props.conditions ?? {};
    this.form = form;
    if (!form && this.actions.length === 0 && this.notActions.length === 0) {
      throw new Error(`policy statement ${props.sid ?? '(no Sid)'} has no actions`);
    }
  }

  /** Reads a statement as IAM or a policy file writes it (strings or lists, any order), losing nothing. */
  static fromJSON(json: Record<string, unknown>): PolicyStatement {
    const lists: Partial<Record<ListKey, ListForm>> = {};
    const props: { -readonly [K in keyof PolicyStatementProps]: PolicyStatementProps[K] } = {};
    for (const [key, field] of LIST_ELEMENTS) {
      if (json[key] === undefined) continue;
      props[field] = asList(json[key]);
      lists[key] = listForm(json[key]);
    }
    const principal = json.Principal === undefined ? undefined : readPrincipals(json.Principal);
    const notPrincipal = json.NotPrincipal === undefined ? undefined : readPrincipals(json.NotPrincipal);
    const sid = typeof json.Sid === 'string' ? json.Sid : undefined;
    return new PolicyStatement({
      ...props,
      sid: sid === '' ? undefined : sid,
      effect: json.Effect === 'Allow' || json.Effect === 'Deny' ? json.Effect : undefined,
      principals: principal?.principals,
      notPrincipals: notPrincipal?.principals,
      conditions: readConditions(json.Condition),
    }, {
      sid,
      effect: deepCopy(json.Effect) as JsonValue | undefined,
      lists,
      principal: principal?.form,
      notPrincipal: notPrincipal?.form,
      condition: deepCopy(json.Condition) as JsonValue | undefined,
    });
  }

  /** The statement as this tool would build it: lists de-duplicated and sorted, printed canonically. */
  canonical(): PolicyStatement {
    if (this.effect === 'Invalid') throw new Error(`policy statement ${this.sid ?? '(no Sid)'} has an Effect IAM rejects`);
    return new PolicyStatement({
      sid: this.sid, effect: this.effect, actions: this.actions, notActions: this.notActions, resources: this.resources,
      notResources: this.notResources, principals: this.principals, notPrincipals: this.notPrincipals, conditions: this.conditions,
    });
  }

  /** `collapse: false` keeps one-element lists as lists (the shape the generated module writes). */
  toJSON(options: SerialiseOptions = {}): Record<string, JsonValue> {
    return this.form ? this.asWritten(this.form) : this.canonicalJson(options.collapse === false ? uniqueSorted : collapseList);
  }

  private canonicalJson(collapse: (values: readonly string[]) => string | string[]): Record<string, JsonValue> {
    const json: Record<string, JsonValue> = {};
    if (this.sid) json.Sid = this.sid;
    json.Effect = this.effect;
    const principalJson = (principals: Principals): JsonValue => {
      if (principals === '*') return '*';
      const block: Record<string, JsonValue> = {};
      for (const type of Object.keys(principals).sort() as PrincipalType[]) block[type] = collapse(principals[type] ?? []);
      return block;
    };
    if (hasPrincipals(this.principals)) json.Principal = principalJson(this.principals);
    if (hasPrincipals(this.notPrincipals)) json.NotPrincipal = principalJson(this.notPrincipals);
    for (const [key, field] of LIST_ELEMENTS) if (this[field].length > 0) json[key] = collapse(this[field]);
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

  private asWritten(form: StatementForm): Record<string, JsonValue> {
    const json: Record<string, JsonValue> = {};
    if (form.sid !== undefined) json.Sid = form.sid;
    if (form.effect !== undefined) json.Effect = deepCopy(form.effect);
    if (form.principal !== undefined) json.Principal = writePrincipals(this.principals, form.principal);
    if (form.notPrincipal !== undefined) json.NotPrincipal = writePrincipals(this.notPrincipals, form.notPrincipal);
    for (const [key, field] of LIST_ELEMENTS) {
      const listFormOf = form.lists[key];
      if (listFormOf) json[key] = writeList(this[field], listFormOf);
    }
    if (form.condition !== undefined) json.Condition = deepCopy(form.condition);
    return json;
  }
}

/** How a policy wrote its document: Version, Id, and one statement object or a list. */
interface DocumentForm {
  readonly version?: JsonValue;
  readonly id?: JsonValue;
  readonly statement?: 'object' | 'list';
}

export class PolicyDocument {
  /** The IAM policy language version every document of this tool declares. */
  static readonly VERSION = '2012-10-17';

  readonly statements: readonly PolicyStatement[];
  /** Set for documents read by fromJSON. */
  private readonly form?: DocumentForm;

  constructor(statements: readonly PolicyStatement[], form?: DocumentForm) {
    this.statements = statements;
    this.form = form;
  }

  /** Reads a document (JSON text or its parsed value) as IAM, S3 or KMS returns it, losing nothing. */
  static fromJSON(json: unknown): PolicyDocument {
    const document = (typeof json === 'string' ? JSON.parse(json) : json) as { Version?: JsonValue; Id?: JsonValue; Statement?: unknown };
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('a policy document must be a JSON object');
    const statement = document.Statement;
    const statements = Array.isArray(statement) ? statement : statement ? [statement] : [];
    return new PolicyDocument(statements.map((entry) => PolicyStatement.fromJSON(entry as Record<string, unknown>)), {
      version: deepCopy(document.Version),
      id: deepCopy(document.Id),
      statement: Array.isArray(statement) ? 'list' : statement ? 'object' : undefined,
    });
  }

  /** The document as this tool would build it: its statements canonical, the tool's Version. */
  canonical(): PolicyDocument {
    return new PolicyDocument(this.statements.map((statement) => statement.canonical()));
  }

  /** The statement with this Sid, if any. */
  statement(sid: string): PolicyStatement | undefined {
    return this.statements.find((statement) => statement.sid === sid);
  }

  toJSON(options: SerialiseOptions = {}): Record<string, JsonValue> {
    const statements = this.statements.map((statement) => statement.toJSON(options));
    const form = this.form;
    if (!form) return { Version: PolicyDocument.VERSION, Statement: statements };
    return {
      ...(form.version !== undefined ? { Version: deepCopy(form.version) } : {}),
      ...(form.id !== undefined ? { Id: deepCopy(form.id) } : {}),
      ...(form.statement === 'list' ? { Statement: statements } : form.statement === 'object' ? { Statement: statements[0] } : {}),
    };
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
