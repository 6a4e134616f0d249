import { parseTerraformOutputs } from '../../ica/payload';
import { TIMEOUTS_HELP } from '../../aws/timeouts';
import { ENDPOINT_HELP, REPORT_OPTIONS } from '../args';
import { Command, readJsonOption, startCommand } from '../command';
import { Output } from '../output';
import { withProgress } from '../progress';

// connect.ts imports the stream type from here; its home is ../progress.

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
    const start = startCommand(this, args, out, { options: { ...REPORT_OPTIONS, outputs: { type: 'string' } }, aws: true });
    if (typeof start === 'number') return start;
    const { values, config, aws } = start;
    const outputs = readJsonOption(out, 'doctor', '--outputs', values.outputs, parseTerraformOutputs);
    if (!outputs) return 1;
    const expectedAccessKeyId = outputs.value?.accessKeyId;
    // The AWS SDK loads only here, so validate and synth stay fast.
    const { runDoctor } = await import('../../doctor/run');
    const { formatReport, reportJson } = await import('../../doctor/format');
    const report = await withProgress(values.json, (progress) => runDoctor(config, { ...aws, expectedAccessKeyId, progress }));
    out.log(values.json ? JSON.stringify(reportJson(config, report), null, 2) : formatReport(config, report));
    return report.ok ? 0 : 1;
  },
};
