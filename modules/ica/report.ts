/** The report of `connect` as text: one line per prefix with its status, what was done and the fix. */
import { ConfigurationResult, ConnectReport } from './connect';


function configurationLine(result: ConfigurationResult, configFile: string): string {
  const where = `s3://${result.bucketName}/${result.keyPrefix}`;
  const head = (status: string, what: string) => `${status.padEnd(5)} ${result.name}  ${where}: ${what}`;
  if (result.problem) {
    const status = result.action === 'drift' ? 'DRIFT' : 'FAIL';
    return `${head(status, result.problem.message)} | fix: ${result.problem.fix}`;
  }
  const done = result.action === 'created' ? 'created' : 'found';
  const validation = result.validation;
  if (!validation) return head('FAIL', `${done}, not validated`);
  if (validation.result === 'valid') return head('OK', `${done}, validated (${validation.status})`);
  if (validation.result === 'pending') {
    return `${head('WAIT', `${done}, ICA had not finished validating after ${validation.waitedSeconds} s (status ${validation.status})`)} | fix: run connect again in a few minutes, or look at System Settings > Storage in ICA`;
  }
  const doctor = validation.checks.length > 0
    ? `run npx ica-s3 doctor -c ${configFile}: its checks ${validation.checks.join(', ')} find the cause in AWS`
    : `run npx ica-s3 doctor -c ${configFile}, then Validate in ICA (System Settings > Storage) once it passes`;
  return `${head('FAIL', `${done}, ICA's validation failed (${validation.status}): "${validation.errorMessage}"`)} | fix: ${doctor}`;
}

export function formatConnectReport(report: ConnectReport, configFile: string, baseUrl: string): string {
  const lines = [`ICA API ${baseUrl}`];
  if (report.region) lines.push(`region       ${report.region.code} (id ${report.region.id})`);
  if (report.credential) {
    const action = { found: 'found', created: 'created', 'secret-updated': 'found; its secret updated to the active access key' }[report.credential.action];
    lines.push(`credential   "${report.credential.name}" (id ${report.credential.id}): ${action}`);
  }
  if (report.problem) lines.push(`FAIL  ${report.problem.message} | fix: ${report.problem.fix}`);
  for (const result of report.configurations) lines.push(configurationLine(result, configFile));
  if (!report.problem) {
    lines.push(report.changed
      ? 'Changed ICA: see "created" and "updated" above; a second run changes nothing.'
      : 'Nothing to change: ICA already holds the credential and every storage configuration.');
  }
  lines.push(report.ok ? 'Connected: every storage configuration is valid.' : 'Not connected: see FAIL, DRIFT and WAIT above.');
  return lines.join('\n');
}
