import { parseTerraformOutputs } from '../../ica/payload';
import { TIMEOUTS_HELP } from '../../aws/timeouts';
import { REPORT_OPTIONS } from '../args';
import { defineCommand, readJsonOption, startCommand } from '../command';
import { withProgress } from '../progress';

// connect.ts imports the stream type from here; its home is ../progress.

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check a live AWS account against everything ICA needs (read-only)',
  description: `Reads the account with the standard AWS credential chain (AWS_PROFILE, SSO,
environment, instance role) and checks the buckets, notifications, CORS,
versioning and policy variant, encryption and KMS key, the keys of a few
objects per prefix, ownership, public access, the ICA user or role (session
length, OIDC provider, trust policy) and bucket policies. Prints one line per
check: PASS, WARN or FAIL, what was found, the ICA error it would cause and
the fix; then the values to enter in ICA. Read-only: it changes nothing. Exit
status 1 when a check fails.`,
  options: {
    ...REPORT_OPTIONS,
    outputs: { type: 'string', value: 'FILE', help: 'the JSON of "terraform output -json": check that exact access key (user method)' },
  },
  notes: TIMEOUTS_HELP,
  async run(values, out) {
    const start = startCommand(values, out, { aws: true });
    if (typeof start === 'number') return start;
    const { config, aws } = start;
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
});
