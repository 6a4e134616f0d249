/** The result shape of every account report (`ica-s3 doctor`, `ica-s3 preflight`): one line per check, and their tally. */
import { Comparison, FixKind, decide, outsideTool } from './verdict';

/**
 * PASS: ICA will be fine with this. WARN: it works, but is risky or could not be verified.
 * FAIL: ICA will report the error named in `icaError` (preflight: the first apply would fail).
 * INFO: a note that changes nothing (for example that an emulator lacks IAM's policy simulator);
 * never counted as a problem.
 */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'INFO';

export interface CheckResult {
  /** Stable id of the check, such as `bucket.cors` (docs/troubleshooting.md lists them). */
  readonly id: string;
  /** What the check looked at: a bucket, `bucket/prefix`, a role, a key ARN. */
  readonly subject: string;
  readonly status: CheckStatus;
  /** What was found, in words. */
  readonly found: string;
  /** The ICA error message this would cause (from the seed pages' troubleshooting tables). */
  readonly icaError?: string;
  /** How to fix it: apply the stack, change a config key (then apply), or the console or CLI step. */
  readonly fix?: string;
  /** Which of the three the fix is (WARN and FAIL only). */
  readonly remedy?: FixKind;
}

export function pass(id: string, subject: string, found: string): CheckResult {
  return { id, subject, status: 'PASS', found };
}

export function info(id: string, subject: string, found: string): CheckResult {
  return { id, subject, status: 'INFO', found };
}

/**
 * The line of a check that found something to look at: the status and the fix come from
 * `decide` over what the check compared (config, account, apply). Preflight leaves `icaError`
 * undefined: the first apply fails before ICA is involved.
 */
export function judge(id: string, subject: string, found: string, icaError: string | undefined, comparison: Comparison): CheckResult {
  const verdict = decide(comparison);
  if (verdict.status === 'PASS') return pass(id, subject, found);
  return { id, subject, status: verdict.status, found, ...(icaError ? { icaError } : {}), fix: verdict.fix, remedy: verdict.remedy };
}

/** The outcome of a list of checks: how many of each status, and whether none failed (exit status 0). */
export interface CheckTally {
  /** False when any check failed (exit status 1). */
  readonly ok: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly CheckResult[];
}

export function tally(checks: readonly CheckResult[]): CheckTally {
  const counts: Record<CheckStatus, number> = { PASS: 0, WARN: 0, FAIL: 0, INFO: 0 };
  for (const check of checks) counts[check.status] += 1;
  return { ok: counts.FAIL === 0, counts, checks };
}

/** The WARN every check returns when the doctor's own credentials cannot read what it needs. */
export function unreadableResult(id: string, subject: string, what: string, error: string): CheckResult {
  return judge(id, subject, `could not read ${what}: ${error}`, undefined,
    outsideTool(`run the doctor with credentials that may read ${what} (docs/troubleshooting.md, "Permissions the doctor needs", lists the read-only actions it uses)`, 'risk'));
}
