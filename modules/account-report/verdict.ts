/**
 * The one decision every check of the doctor and preflight makes about a problem it found: it
 * compares what the config asks, what the account has, and what an apply of this config would
 * change, and from which of them differs follows the fix. "apply" when the config is right and
 * the account is behind; "change the config" when the config asks for something ICA cannot work
 * with or the account cannot get (an apply would then not help, or make it worse); "outside this
 * tool" when neither an apply nor a config change reaches it (a console or CLI step). Both
 * reports decide through this function, so they never tell a user two ways to fix one fact.
 */
export type FixKind = 'apply' | 'change the config' | 'outside this tool';

/** What a check knows of one fact, three ways, and the words of each way to fix it. */
export interface Comparison {
  /** The account has what ICA needs under this config. */
  readonly account: boolean;
  /** The config asks for what ICA needs, and for something the account can get. */
  readonly config: boolean;
  /** An apply of this config writes the fact (false when it leaves it alone: a setting not managed, a thing no stack writes). */
  readonly applies: boolean;
  /** While it stays wrong, ICA fails (FAIL) or it works with a risk (WARN). */
  readonly impact: 'fails' | 'risk';
  /** What the apply does about it ("it writes ICA's CORS rule"), for the "apply" fix. */
  readonly apply?: string;
  /** The config change that an apply then carries out ("set buckets[0].versioning to \"Suspended\""). */
  readonly configChange?: string;
  /** The console or CLI step: the fix when neither an apply nor a config change reaches it, else the way by hand. */
  readonly outside?: string;
}

export interface Verdict {
  readonly status: 'PASS' | 'WARN' | 'FAIL';
  readonly remedy?: FixKind;
  readonly fix?: string;
}

function kindOf(c: Comparison): FixKind {
  if (c.config && c.applies && c.apply) return 'apply';
  if (c.configChange && (!c.config || !c.applies)) return 'change the config';
  if (c.outside) return 'outside this tool';
  throw new Error(`a check found a problem it has no fix for: ${JSON.stringify(c)}`);
}

function fixText(kind: FixKind, c: Comparison): string {
  const byHand = c.outside && kind !== 'outside this tool' ? `; or by hand: ${c.outside}` : '';
  switch (kind) {
    case 'apply': return `apply the stack: ${c.apply}${byHand}`;
    case 'change the config': return `change the config: ${c.configChange}, then apply the stack${byHand}`;
    case 'outside this tool': return `outside this tool: ${c.outside}`;
  }
}

/**
 * PASS when the account has what ICA needs and an apply would not take it away; otherwise the
 * status the impact gives and the fix of the first way that works: apply, change the config, by hand.
 */
export function decide(c: Comparison): Verdict {
  if (c.account && (c.config || !c.applies)) return { status: 'PASS' };
  const remedy = kindOf(c);
  return { status: c.impact === 'fails' ? 'FAIL' : 'WARN', remedy, fix: fixText(remedy, c) };
}

/** A problem no config key and no apply touches (a notification, a key's state, the reader's own rights). */
export function outsideTool(step: string, impact: Comparison['impact']): Comparison {
  return { account: false, config: true, applies: false, impact, outside: step };
}

/** A problem an apply of this (right) config fixes. */
export function applyFixes(apply: string, impact: Comparison['impact'], byHand?: string): Comparison {
  return { account: false, config: true, applies: true, impact, apply, ...(byHand ? { outside: byHand } : {}) };
}

/** A problem of the config itself: the change, then an apply. */
export function configFixes(change: string, impact: Comparison['impact'], byHand?: string): Comparison {
  return { account: false, config: false, applies: true, impact, configChange: change, ...(byHand ? { outside: byHand } : {}) };
}
