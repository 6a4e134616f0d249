/** The doctor's report as text (one line per check) and as JSON (for machines). */
import { ResolvedConfig } from '../core/validate';
import { DoctorReport } from './run';
import { CheckResult } from './types';

/** One line: status, id, subject: what was found | ICA error: ... | fix: ... */
export function formatCheck(check: CheckResult, idWidth = 0): string {
  const parts = [`${check.status.padEnd(4)}  ${check.id.padEnd(idWidth)}  ${check.subject}: ${check.found}`];
  if (check.status === 'FAIL' || check.status === 'WARN') {
    if (check.icaError) parts.push(`ICA error: "${check.icaError}"`);
    if (check.fix) parts.push(`fix: ${check.fix}`);
  }
  return parts.join(' | ');
}

export function formatReport(config: ResolvedConfig, report: DoctorReport): string {
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const { PASS, WARN, FAIL, INFO } = report.counts;
  const lines = [
    `ica-s3 doctor: ${config.name}, ICA region ${config.region.code} (${config.region.awsRegion}), ${config.credential.method} method`,
    '',
    ...report.checks.map((check) => formatCheck(check, idWidth)),
    '',
    `${PASS} passed, ${WARN} warning${WARN === 1 ? '' : 's'}, ${FAIL} failed${INFO > 0 ? `, ${INFO} note${INFO === 1 ? '' : 's'}` : ''}.`,
    FAIL > 0 ? 'Fix the FAIL lines before you create the storage configuration in ICA: ICA would report the error shown.' : 'Nothing here stops ICA from connecting.',
    '',
    'Values to enter in ICA:',
    ...report.ica.lines,
  ];
  return lines.join('\n');
}

/** The JSON of a report of checks (doctor, preflight): the config it is about, the verdict, every check. */
export function checksJson(config: ResolvedConfig, report: Pick<DoctorReport, 'ok' | 'counts' | 'checks'>): Record<string, unknown> {
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

export function reportJson(config: ResolvedConfig, report: DoctorReport): Record<string, unknown> {
  return { ...checksJson(config, report), storageConfigurations: report.ica.storageConfigurations };
}
