/** The doctor's report as text (the account report's lines, then the values to enter in ICA) and as JSON. */
import { checksJson, formatAccountReport } from '../account-report/run';
import { ResolvedConfig } from '../core/validate';
import { DoctorReport } from './run';

export function formatReport(config: ResolvedConfig, report: DoctorReport): string {
  return [
    ...formatAccountReport('doctor', config, report, {
      failed: 'Fix the FAIL lines before you create the storage configuration in ICA: ICA would report the error shown.',
      passed: 'Nothing here stops ICA from connecting.',
    }),
    '',
    'Values to enter in ICA:',
    ...report.ica.lines,
  ].join('\n');
}

export function reportJson(config: ResolvedConfig, report: DoctorReport): Record<string, unknown> {
  return { ...checksJson(config, report), storageConfigurations: report.ica.storageConfigurations };
}
