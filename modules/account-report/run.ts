/**
 * The skeleton every account report shares (`ica-s3 doctor`, `ica-s3 preflight`): open the
 * read-only clients, identify the caller first, read the facts, run the checks over them (pure),
 * close the clients; and print the result the same way. A new report is a reader and a list of
 * checks.
 */
import { AccountReadOptions, Caller, readAccount } from '../aws/caller';
import { AwsReadClients } from '../aws/clients';
import { ResolvedConfig } from '../core/validate';
import { CheckResult, CheckTally, judge, tally } from './checks';
import { outsideTool } from './verdict';

export interface AccountReport<Facts> {
  /** Reads what the checks need, read-only, calling `progress` before each step. */
  read(clients: AwsReadClients, caller: Caller, progress: (step: string) => void): Promise<Facts>;
  /** Every check over the facts: pure, in the order they print. */
  check(facts: Facts, emulated: boolean): CheckResult[];
}

export interface AccountReportResult<Facts> extends CheckTally {
  /** What was read; undefined when the credentials could not read the account at all. */
  readonly facts?: Facts;
}

/** Runs one report over the account the credentials belong to, in the config's AWS region. */
export async function runAccountReport<Facts>(
  config: ResolvedConfig, report: AccountReport<Facts>, options: AccountReadOptions = {},
): Promise<AccountReportResult<Facts>> {
  return readAccount(config.region.awsRegion, options, async (clients, caller, progress) => {
    const facts = await report.read(clients, caller, progress);
    return { ...tally(report.check(facts, clients.emulated)), facts };
  }, (problem) => tally([judge('aws.account', '(credentials)', problem.found, undefined, outsideTool(problem.fix, 'fails'))]));
}

/** One line: status, id, subject: what was found | ICA error: ... | fix: ... */
export function formatCheck(check: CheckResult, idWidth = 0): string {
  const parts = [`${check.status.padEnd(4)}  ${check.id.padEnd(idWidth)}  ${check.subject}: ${check.found}`];
  if (check.status === 'FAIL' || check.status === 'WARN') {
    if (check.icaError) parts.push(`ICA error: "${check.icaError}"`);
    if (check.fix) parts.push(`fix: ${check.fix}`);
  }
  return parts.join(' | ');
}

/** What the last line says: when a check failed, and when none did. */
export interface Verdicts {
  readonly failed: string;
  readonly passed: string;
}

/** The report as text: a heading naming the config, one line per check, the counts and the verdict. */
export function formatAccountReport(command: string, config: ResolvedConfig, report: CheckTally, verdicts: Verdicts): string[] {
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const { PASS, WARN, FAIL, INFO } = report.counts;
  return [
    `ica-s3 ${command}: ${config.name}, ICA region ${config.region.code} (${config.region.awsRegion}), ${config.credential.method} method`,
    '',
    ...report.checks.map((check) => formatCheck(check, idWidth)),
    '',
    `${PASS} passed, ${WARN} warning${WARN === 1 ? '' : 's'}, ${FAIL} failed${INFO > 0 ? `, ${INFO} note${INFO === 1 ? '' : 's'}` : ''}.`,
    FAIL > 0 ? verdicts.failed : verdicts.passed,
  ];
}

/** The JSON of a report: the config it is about, the verdict, every check. */
export function checksJson(config: ResolvedConfig, report: CheckTally): Record<string, unknown> {
  return {
    name: config.name,
    icaRegion: config.region.code,
    awsRegion: config.region.awsRegion,
    method: config.credential.method,
    ok: report.ok,
    counts: report.counts,
    checks: report.checks,
  };
}
