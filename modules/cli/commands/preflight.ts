import { parseState } from '../../preflight/checks/resources';
import { TIMEOUTS_HELP } from '../../aws/timeouts';
import { REPORT_OPTIONS } from '../args';
import { defineCommand, readJsonOption, startCommand } from '../command';
import { withProgress } from '../progress';

export const preflightCommand = defineCommand({
  name: 'preflight',
  summary: 'check, before the first apply, what would make it fail (read-only)',
  description: `Run it with the credentials that will deploy, before the first apply. Reads
the account (read-only, standard AWS credential chain) and prints one line per
check, with the fix for anything that would make the apply fail: a bucket name
another account owns, or a bucket of this account the config does not adopt;
an adopted bucket ("existing": true) that is missing or in another region; a
versioned bucket the config calls "Disabled"; an OIDC provider that exists
with "oidcProvider": "create" (or is missing with "existing"); an IAM role,
user or policy, KMS alias, SSM parameter or Secrets Manager secret of the same
name; a write IAM denies the deployer; and, with restrictToIca and
exemptDeployer off, a deployer missing from exemptPrincipalArns. Exit status 1
when a check fails.`,
  options: {
    ...REPORT_OPTIONS,
    state: {
      type: 'string', value: 'FILE',
      help: 'the stack\'s state, as "terraform show -json" prints it or the state file itself: the names it manages are the stack\'s own, not conflicts',
    },
  },
  notes: TIMEOUTS_HELP,
  async run(values, out) {
    const start = startCommand(values, out, { aws: true });
    if (typeof start === 'number') return start;
    const { config, aws } = start;
    const state = readJsonOption(out, 'preflight', '--state', values.state, parseState);
    if (!state) return 1;
    // The AWS SDK loads only here, so validate and synth stay fast.
    const { runPreflight, formatPreflightReport } = await import('../../preflight/run');
    const { checksJson } = await import('../../account-report/run');
    const report = await withProgress(values.json, (progress) => runPreflight(config, { ...aws, state: state.value, progress }));
    out.log(values.json ? JSON.stringify(checksJson(config, report), null, 2) : formatPreflightReport(config, report));
    return report.ok ? 0 : 1;
  },
});
