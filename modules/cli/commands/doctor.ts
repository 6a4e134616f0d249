import { resolveEndpointUrl } from '../../core/emulator';
import { parseTerraformOutputs } from '../../doctor/ica-payload';
import { TIMEOUTS_HELP, resolveTimeouts } from '../../doctor/timeouts';
import { CONFIG_OPTIONS, ENDPOINT_HELP, ENDPOINT_OPTIONS, UsageError, parseCommandArgs } from '../args';
import { loadConfigOrReport } from '../config';
import { readInputFile } from '../files';
import { Output } from '../output';
import type { Command } from '../command';

/** Where a progress indicator may write: a terminal, never a pipe or a file. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A one-line progress indicator ("⠋ [3] reading bucket acme-ica-data") that rewrites itself on a
 * terminal and stays silent elsewhere; `done` clears the line.
 */
export function createProgress(stream: ProgressStream): { step(text: string): void; done(): void } {
  if (!stream.isTTY) return { step: () => undefined, done: () => undefined };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let count = 0;
  return {
    step(text: string) {
      count += 1;
      stream.write(`\r\x1b[K${frames[count % frames.length]} checking ${text} ...`);
    },
    done() {
      if (count > 0) stream.write('\r\x1b[K');
    },
  };
}

export const doctorCommand: Command = {
  summary: 'check a live AWS account against everything ICA needs (read-only)',
  usage: `Usage: ica-s3 doctor [-c FILE] [--json] [--endpoint-url URL] [--outputs FILE]

Reads the account with the standard AWS credential chain (AWS_PROFILE, SSO,
environment, instance role) and checks the buckets, notifications, CORS,
versioning and policy variant, encryption and KMS key, the keys of a few
objects per prefix, ownership, public access, the ICA user or role (session
length, OIDC provider, trust policy) and bucket policies. Prints one line per
check: PASS, WARN or FAIL, what was found, the ICA error it would cause and
the fix; then the values to enter in ICA. Read-only: it changes nothing. Exit
status 1 when a check fails.

Options:
  -c, --config FILE      config file (default ica.config.json; - reads standard input)
      --json             print the report as JSON (no progress indicator)
${ENDPOINT_HELP}
      --outputs FILE     the JSON of "terraform output -json": check that exact
                         access key (user method)
  -h, --help             show this help

${TIMEOUTS_HELP}`,
  async run(args: string[], out: Output): Promise<number> {
    const { values } = parseCommandArgs(args, {
      ...CONFIG_OPTIONS,
      json: { type: 'boolean', default: false },
      ...ENDPOINT_OPTIONS,
      outputs: { type: 'string' },
    });
    if (values.help) { out.log(this.usage); return 0; }
    const config = loadConfigOrReport(values.config, out);
    if (!config) return 1;
    let expectedAccessKeyId: string | undefined;
    if (values.outputs) {
      const text = readInputFile('--outputs', values.outputs);
      try {
        expectedAccessKeyId = parseTerraformOutputs(JSON.parse(text)).accessKeyId;
      } catch (error) {
        out.error(`ica-s3 doctor: ${values.outputs} ${(error as Error).message}`);
        return 1;
      }
    }
    const endpointUrl = resolveEndpointUrl(values['endpoint-url']);
    const timeouts = resolveTimeouts();
    if ('problem' in timeouts) throw new UsageError(timeouts.problem);
    // The AWS SDK loads only here, so validate and synth stay fast.
    const { runDoctor } = await import('../../doctor/run');
    const { formatReport, reportJson } = await import('../../doctor/format');
    const progress = createProgress(values.json ? {} as ProgressStream : process.stderr);
    let report;
    try {
      report = await runDoctor(config, { endpointUrl, timeouts: timeouts.timeouts, expectedAccessKeyId, progress: progress.step });
    } finally {
      progress.done();
    }
    out.log(values.json ? JSON.stringify(reportJson(config, report), null, 2) : formatReport(config, report));
    return report.ok ? 0 : 1;
  },
};
