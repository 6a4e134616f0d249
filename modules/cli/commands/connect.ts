import { DEPLOYED_VALUE_PLACEHOLDERS } from '../../core/placeholders';
import { StorageConfigurationValues } from '../../core/ica-policies';
import { NO_ACCESS_KEY_CREDENTIAL } from '../../core/renderer-literals';
import { ResolvedConfig } from '../../core/validate';
import {
  DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY, ICA_ACCESS_TOKEN_ENV, ICA_API_KEY_ENV, IcaClient, IcaUrlError, RetryPolicy, icaAuthFromEnv, resolveIcaUrl,
} from '../../ica/client';
import { ConnectInputs, DEFAULT_POLL, PollOptions, connect } from '../../ica/connect';
import { formatPlannedRequests, plannedRequests } from '../../ica/dry-run';
import { formatConnectReport } from '../../ica/report';
import { ICA_API_BASE, TerraformOutputs, missingSecretReason, parseTerraformOutputs, payloadValues } from '../../ica/payload';
import type { AwsTimeouts } from '../../aws/timeouts';
import { CONFIG_OPTIONS, ENDPOINT_OPTIONS, UsageError } from '../args';
import { Command, defineCommand, readJsonOption, startCommand } from '../command';
import { ProgressStream, withProgress } from '../progress';

/** Values only an apply knows: connect never sends them to ICA. */
const PLACEHOLDERS = [...DEPLOYED_VALUE_PLACEHOLDERS, NO_ACCESS_KEY_CREDENTIAL];

/** Where the deployed values come from, what the user method's secret situation is, and (read from AWS) what is not deployed yet. */
type Deployed = Omit<ConnectInputs, 'config'> & { readonly notDeployed?: readonly string[] };

function fromOutputs(config: ResolvedConfig, outputs: TerraformOutputs): Deployed {
  const keyCount = Object.keys(outputs.accessKeyIds ?? {}).length;
  return {
    values: payloadValues(config, outputs),
    ...(outputs.accessKeyId ? { accessKeyId: outputs.accessKeyId } : {}),
    ...(outputs.secretAccessKey ? { secretAccessKey: outputs.secretAccessKey } : {}),
    secretMissing: missingSecretReason(outputs, 'connect cannot decrypt it; create the credential with ica-s3 ica-payload and the decrypted secret instead'),
    rotating: keyCount > 1,
  };
}

/** The deployed values read from AWS the way the doctor reads them (the secret never comes back). */
async function fromAws(config: ResolvedConfig, endpointUrl: string | undefined, timeouts: AwsTimeouts): Promise<Deployed | { problem: string }> {
  // The AWS SDK loads only here, for a run without --outputs.
  const { AwsReadClients } = await import('../../aws/clients');
  const { identifyCaller } = await import('../../aws/caller');
  const { inspect } = await import('../../doctor/inspect');
  const { icaValues } = await import('../../doctor/run');
  const { notDeployed } = await import('../../ica/deployed');
  const clients = new AwsReadClients({ region: config.region.awsRegion, endpointUrl, timeouts });
  try {
    const identified = await identifyCaller(clients);
    if ('problem' in identified) return { problem: `reading the deployed values from AWS: ${identified.problem.found}; ${identified.problem.fix}, or pass --outputs FILE` };
    const facts = await inspect(clients, config, identified.caller);
    const active = facts.principal.accessKeys?.state === 'ok' ? facts.principal.accessKeys.value.filter((key) => key.status === 'Active') : [];
    return {
      values: icaValues(config, facts).storageConfigurations,
      ...(active.length > 0 ? { accessKeyId: active[active.length - 1].id } : {}),
      secretMissing: 'read from AWS, which never gives a secret back',
      rotating: active.length > 1,
      notDeployed: notDeployed(config, facts),
    };
  } finally {
    clients.destroy();
  }
}

/** Each value still holding a placeholder, as "<name>: <field> <value>". */
function placeholdersIn(values: readonly StorageConfigurationValues[], accessKeyId: string | undefined): string[] {
  const found: string[] = [];
  for (const value of values) {
    for (const [field, text] of Object.entries(value)) {
      if (typeof text === 'string' && PLACEHOLDERS.some((placeholder) => text.includes(placeholder))) found.push(`${value.name}: ${field} ${text}`);
    }
  }
  if (accessKeyId && PLACEHOLDERS.some((placeholder) => accessKeyId.includes(placeholder))) found.push(`access key id ${accessKeyId}`);
  return found;
}

/** What tests make faster: the waits, never the behaviour. */
export interface ConnectTuning {
  readonly poll?: PollOptions;
  readonly retry?: RetryPolicy;
  readonly requestTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly progressStream?: ProgressStream;
}

export function connectCommandWith(tuning: ConnectTuning = {}): Command {
  return defineCommand({
    name: 'connect',
    summary: "create the ICA side through ICA's API: storage credential, storage configurations, validation",
    description: `Creates in ICA what the deployed AWS side needs, through ICA's API, then has ICA
validate it: the region (GET /api/regions, matched to icaRegion), the storage
credential (found by name, credential.icaCredentialName or the config's name;
the user method creates it, and updates its secret while a key rotation is
under way; the role method's credential is made in the ICA UI), and one storage
configuration per prefix (found by name or created, with the bodies of
ica-payload), each validated, waiting at most ${DEFAULT_POLL.timeoutMs / 1000} s for ICA's verdict. A
configuration that exists with other values is reported as drift, never
changed. A second run changes nothing.`,
    options: {
      ...CONFIG_OPTIONS,
      outputs: {
        type: 'string', value: 'FILE',
        help: 'the JSON of "terraform output -json" of the stack: the deployed values, and the user method\'s secret (needed to create the credential or update its secret). Without it the values are read from AWS as the doctor reads them.',
      },
      'ica-url': { type: 'string', value: 'URL', help: `ICA's API base (default ${ICA_API_BASE}); https only, but http for localhost` },
      'region-id': { type: 'string', value: 'ID', help: "the ICA region's id, when the tenant lists several that match icaRegion" },
      update: { type: 'boolean', default: false, help: "send the active access key's secret to an existing user credential even when no rotation is under way" },
      'dry-run': { type: 'boolean', default: false, help: 'print the requests a run sends (secrets masked), send none' },
      json: { type: 'boolean', default: false, help: 'print the report (or the dry run) as JSON' },
      ...ENDPOINT_OPTIONS,
    },
    notes: `Environment:
  ${ICA_API_KEY_ENV}            an ICA API key, sent as X-API-Key; or
  ${ICA_ACCESS_TOKEN_ENV}       a bearer token. Never a flag, never printed or written.

Every request waits at most ${DEFAULT_REQUEST_TIMEOUT_MS / 1000} s; answers 429 and 5xx are tried ${DEFAULT_RETRY.attempts} times
with backoff. Exit status 0 when every storage configuration is connected and
valid, 1 when anything failed, drifted or is still validating, 2 on misuse.`,
    async run(values, out) {
      try {
        resolveIcaUrl(values['ica-url']);
      } catch (error) {
        if (error instanceof IcaUrlError) throw new UsageError(error.message);
        throw error;
      }
      if (!icaAuthFromEnv() && !values['dry-run']) {
        throw new UsageError(`set ${ICA_API_KEY_ENV} (an API key: ICA > your user menu > Manage API Keys) or ${ICA_ACCESS_TOKEN_ENV} in the environment; connect takes no secret as a flag`);
      }
      const start = startCommand(values, out, { aws: true });
      if (typeof start === 'number') return start;
      const { config } = start;
      const baseUrl = resolveIcaUrl(values['ica-url']);
      const auth = icaAuthFromEnv();

      let deployed: Deployed;
      if (values.outputs) {
        const outputs = readJsonOption(out, 'connect', '--outputs', values.outputs, parseTerraformOutputs);
        if (!outputs?.value) return 1;
        deployed = fromOutputs(config, outputs.value);
      } else {
        const read = await fromAws(config, start.aws.endpointUrl, start.aws.timeouts);
        if ('problem' in read) { out.error(`ica-s3 connect: ${read.problem}`); return 1; }
        deployed = read;
      }
      const missing = deployed.notDeployed ?? [];
      if (missing.length > 0 && !values['dry-run']) {
        out.error([
          'ica-s3 connect: the AWS side is not deployed yet, so there is nothing to connect:',
          ...missing.map((line) => `  - ${line}`),
          `Apply the stack first (npx ica-s3 preflight checks the account before it), then run connect again.`,
        ].join('\n'));
        return 1;
      }
      if (missing.length > 0) {
        out.error([
          'ica-s3 connect: not deployed yet, so the values below stand in for what the apply creates:',
          ...missing.map((line) => `  - ${line}`),
          'Apply the stack first; a run then sends the real values.',
        ].join('\n'));
      }
      const placeholders = placeholdersIn(deployed.values, deployed.accessKeyId);
      if (placeholders.length > 0 && missing.length === 0) {
        out.error([
          'ica-s3 connect: these values are placeholders, not deployed values; ICA would store them as they are:',
          ...placeholders.map((line) => `  - ${line}`),
          'Apply the stack first, then pass --outputs FILE (terraform output -json), or run where AWS credentials can read the deployed resources.',
        ].join('\n'));
        return 1;
      }
      const inputs: ConnectInputs = { config, ...deployed };

      if (values['dry-run']) {
        const requests = plannedRequests(inputs, { regionId: values['region-id'], update: values.update });
        out.log(values.json ? JSON.stringify({ dryRun: true, baseUrl, requests }, null, 2) : formatPlannedRequests(requests, baseUrl));
        return 0;
      }

      const client = new IcaClient({
        baseUrl,
        auth: auth!,
        ...(tuning.requestTimeoutMs ? { requestTimeoutMs: tuning.requestTimeoutMs } : {}),
        ...(tuning.retry ? { retry: tuning.retry } : {}),
        ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
      });
      // The steps name what they do ("validating ..."): no verb of the progress line's own.
      const report = await withProgress(values.json, (step) => connect(client, inputs, {
        regionId: values['region-id'],
        update: values.update,
        ...(tuning.poll ? { poll: tuning.poll } : {}),
        ...(tuning.sleep ? { sleep: tuning.sleep } : {}),
        progress: step,
      }), tuning.progressStream ?? process.stderr, '');
      out.log(values.json ? JSON.stringify({ baseUrl, ...report }, null, 2) : formatConnectReport(report, values.config, baseUrl));
      return report.ok ? 0 : 1;
    },
  });
}

export const connectCommand = connectCommandWith();
