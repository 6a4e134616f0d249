/**
 * `connect --dry-run`: the requests a run would send to a tenant that has none of the objects yet,
 * in order, with the secret masked; it sends none, so it needs no API key.
 */
import { ConnectInputs, ConnectOptions } from './connect';
import { ICA_API, credentialName, storageConfigurationBody, storageCredentialBody } from './payload';


export interface PlannedRequest {
  /** "POST /api/storageConfigurations" */
  readonly request: string;
  /** When it is sent. */
  readonly when: string;
  /** The body, with the secret masked. */
  readonly body?: object;
}

export const MASK = '********';

/**
 * Every request a run sends to a tenant that has none of the objects yet, in order; ids that
 * only ICA knows are shown as `{...}`. A run against a tenant that has them skips their creation.
 */
export function plannedRequests(inputs: ConnectInputs, options: Pick<ConnectOptions, 'regionId' | 'update'> = {}): PlannedRequest[] {
  const { config } = inputs;
  const name = credentialName(config);
  const regionId = options.regionId ?? `{id of region ${config.region.code} from ${ICA_API.regions}}`;
  const storageCredentialId = `{id of storage credential "${name}"}`;
  const requests: PlannedRequest[] = [
    { request: ICA_API.regions, when: options.regionId ? `always (checks that ${options.regionId} is listed)` : `always (picks region ${config.region.code}, ${config.region.name})` },
    { request: ICA_API.listStorageCredentials, when: `always (looks for "${name}")` },
  ];
  if (config.credential.method === 'user') {
    const awsCredentials = { accessKeyId: inputs.accessKeyId ?? '{access_key_id from --outputs}', secretAccessKey: MASK };
    requests.push({ request: ICA_API.createStorageCredential, when: `if "${name}" is missing`, body: storageCredentialBody(config, awsCredentials) });
    requests.push({
      request: ICA_API.updateStorageCredentialSecrets.replace('{storageCredentialId}', storageCredentialId),
      when: options.update ? `if "${name}" exists (--update)` : `if "${name}" exists and a key rotation is under way${inputs.rotating ? ' (it is: the outputs list more than one key)' : ''}`,
      body: { awsCredentials },
    });
  }
  requests.push({ request: ICA_API.listStorageConfigurations, when: 'always (looks for each name below)' });
  for (const value of inputs.values) {
    const configurationId = `{id of "${value.name}"}`;
    requests.push(
      { request: ICA_API.createStorageConfiguration, when: `if "${value.name}" is missing`, body: storageConfigurationBody(config, value, { regionId, storageCredentialId }) },
      { request: ICA_API.validateStorageConfiguration.replace('{storageConfigurationId}', configurationId), when: 'unless it exists with other values' },
      { request: ICA_API.getStorageConfiguration.replace('{storageConfigurationId}', configurationId), when: 'repeatedly until ICA reports it ready or in error (bounded)' },
    );
  }
  return requests;
}

/** The dry run as text: one block per request, the body as indented JSON. */
export function formatPlannedRequests(requests: readonly PlannedRequest[], baseUrl: string): string {
  const lines = [`Dry run: nothing is sent. A run sends these requests to ${baseUrl} (ids only ICA knows in {braces}; secrets masked):`];
  for (const planned of requests) {
    lines.push('', `${planned.request}    # ${planned.when}`);
    if (planned.body) lines.push(JSON.stringify(planned.body, null, 2));
  }
  return lines.join('\n');
}
