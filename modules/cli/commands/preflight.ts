import { resolveEndpointUrl } from '../../core/emulator';
import { ManagedResource, parseState } from '../../doctor/checks/preflight-resources';
import { TIMEOUTS_HELP, resolveTimeouts } from '../../doctor/timeouts';
import { CONFIG_OPTIONS, ENDPOINT_HELP, ENDPOINT_OPTIONS, UsageError, parseCommandArgs } from '../args';
import { loadConfigOrReport } from '../config';
import { readInputFile } from '../files';
import { Output } from '../output';
import type { Command } from '../command';
import { ProgressStream, createProgress } from './doctor';

/** The managed resources of the --state file, or why it cannot be used. */
function readState(path: string): { state: ManagedResource[] } | { problem: string } {
  const text = readInputFile('--state', path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `--state ${path} is not JSON (${(error as Error).message})` };
  }
  try {
    return { state: parseState(json) };
  } catch (error) {
    return { problem: `--state ${path} ${(error as Error).message}` };
  }
}

export const preflightCommand: Command = {
  summary: 'check, before the first apply, what would make it fail (read-only)',
  usage: `Usage: ica-s3 preflight [-c FILE] [--json] [--endpoint-url URL] [--state FILE]

Run it with the credentials that will deploy, before the first apply. Reads
the account (read-only, standard AWS credential chain) and prints one line per
check, with the fix for anything that would make the apply fail: a bucket name
another account owns, or a bucket of this account the config does not adopt;
an adopted bucket ("existing": true) that is missing or in another region; a
versioned bucket the config calls "Disabled"; an OIDC provider that exists
with "oidcProvider": "create" (or is missing with "existing"); an IAM role,
user or policy, KMS alias, SSM parameter or Secrets Manager secret of the same
name; a write IAM denies the deployer; and, with restrictToIca and
exemptDeployer off, a deployer missing from exemptPrincipalArns. Exit status 1
when a check fails.

Options:
  -c, --config FILE      config file (default ica.config.json; - reads standard input)
      --json             print the report as JSON (no progress indicator)
${ENDPOINT_HELP}
      --state FILE       the stack's state, as "terraform show -json" prints it
                         or the state file itself: the names it manages are the
                         stack's own, not conflicts
  -h, --help             show this help

${TIMEOUTS_HELP}`,
  async run(args: string[], out: Output): Promise<number> {
    const { values } = parseCommandArgs(args, {
      ...CONFIG_OPTIONS,
      json: { type: 'boolean', default: false },
      ...ENDPOINT_OPTIONS,
      state: { type: 'string' },
    });
    if (values.help) { out.log(this.usage); return 0; }
    const endpointUrl = resolveEndpointUrl(values['endpoint-url']);
    const timeouts = resolveTimeouts();
    if ('problem' in timeouts) throw new UsageError(timeouts.problem);
    const config = loadConfigOrReport(values.config, out);
    if (!config) return 1;
    let state: ManagedResource[] | undefined;
    if (values.state) {
      const read = readState(values.state);
      if ('problem' in read) {
        out.error(`ica-s3 preflight: ${read.problem}`);
        return 1;
      }
      state = read.state;
    }
    // The AWS SDK loads only here, so validate and synth stay fast.
    const { runPreflight, formatPreflightReport } = await import('../../doctor/preflight');
    const { checksJson } = await import('../../doctor/format');
    const progress = createProgress(values.json ? {} as ProgressStream : process.stderr);
    let report;
    try {
      report = await runPreflight(config, { endpointUrl, timeouts: timeouts.timeouts, state, progress: progress.step });
    } finally {
      progress.done();
    }
    out.log(values.json ? JSON.stringify(checksJson(config, report), null, 2) : formatPreflightReport(config, report));
    return report.ok ? 0 : 1;
  },
};
