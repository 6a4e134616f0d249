/**
 * `ica-s3 connect`: the ICA side of the connection through ICA's API. It finds or creates what
 * the config asks for, in order: the region (GET /api/regions), the storage credential (found by
 * name; created for the user method, whose secret it updates after a key rotation; made in the
 * UI for the role method), one storage configuration per prefix (found by name, or created with
 * the bodies `ica-payload` writes), then validates each and waits, bounded, for ICA's verdict.
 * Nothing that exists is changed behind the user's back: a storage configuration with other
 * values is reported as drift. A second run finds everything and changes nothing.
 */
import { StorageConfigurationValues } from '../core/ica-policies';
import { ResolvedConfig } from '../core/validate';
import { ApiRegion, ApiStorageConfiguration, ApiStorageCredential, IcaApiError, IcaClient, realSleep } from './client';
import { credentialName, storageConfigurationBody, storageCredentialBody } from './payload';
import { checksForValidationError } from './validation-errors';

/** A reason to stop, with what to do about it. */
export interface ConnectProblem {
  readonly message: string;
  readonly fix: string;
}

class ConnectStop extends Error {
  constructor(readonly problem: ConnectProblem) {
    super(problem.message);
  }
}

function stopOnApiError(error: unknown): never {
  if (error instanceof IcaApiError) throw new ConnectStop({ message: `ICA answered ${error.message}`, fix: error.fix });
  throw error;
}

export interface ConnectInputs {
  readonly config: ResolvedConfig;
  /** One entry per prefix, with the deployed values (outputs or read from AWS). */
  readonly values: readonly StorageConfigurationValues[];
  /** User method: the active access key id. */
  readonly accessKeyId?: string;
  /** User method: its secret; only Terraform's outputs hold it. */
  readonly secretAccessKey?: string;
  /** User method: why the secret is not at hand, for the message when it is needed. */
  readonly secretMissing?: string;
  /** User method: more than one access key exists, so ICA may still hold the old one. */
  readonly rotating?: boolean;
}

export interface PollOptions {
  /** Wait between two reads of a configuration's status. */
  readonly intervalMs: number;
  /** Give up waiting for ICA's verdict after this long (the validation goes on in ICA). */
  readonly timeoutMs: number;
}

export const DEFAULT_POLL: PollOptions = { intervalMs: 3_000, timeoutMs: 180_000 };

export interface ConnectOptions {
  /** The region id, when the tenant's list holds more than one match. */
  readonly regionId?: string;
  /** Send the active key's secret to the existing credential even without a rotation. */
  readonly update?: boolean;
  /** @default DEFAULT_POLL */
  readonly poll?: PollOptions;
  /** @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** One line per step, for a progress indicator. */
  readonly progress?: (text: string) => void;
}

export type ValidationResult =
  | { readonly result: 'valid'; readonly status: string }
  | { readonly result: 'invalid'; readonly status: string; readonly errorMessage: string; readonly checks: readonly string[] }
  | { readonly result: 'pending'; readonly status: string; readonly waitedSeconds: number };

export interface ConfigurationResult {
  readonly name: string;
  readonly bucketName: string;
  readonly keyPrefix: string;
  readonly id?: string;
  /** found: exists with these values; created: by this run; drift: exists with other values; failed: ICA refused a call. */
  readonly action: 'found' | 'created' | 'drift' | 'failed';
  /** What differs, for drift. */
  readonly drift?: readonly string[];
  readonly validation?: ValidationResult;
  readonly problem?: ConnectProblem;
}

export interface ConnectReport {
  /** Everything is connected and ICA validated every storage configuration (exit status 0). */
  readonly ok: boolean;
  /** This run created or updated something in ICA. */
  readonly changed: boolean;
  readonly region?: { readonly id: string; readonly code: string };
  readonly credential?: { readonly name: string; readonly id: string; readonly action: 'found' | 'created' | 'secret-updated' };
  readonly configurations: readonly ConfigurationResult[];
  /** What stopped the run before the storage configurations. */
  readonly problem?: ConnectProblem;
}

// ---------------------------------------------------------------------------------------------
// Region.
// ---------------------------------------------------------------------------------------------

function regionWords(region: ApiRegion): string {
  const place = [region.cityName, region.country?.name].filter(Boolean).join(', ');
  return `${region.code}${place ? ` (${place})` : ''} id ${region.id}`;
}

/** The tenant's region for the config's ICA region, by ICA's region code or its country. */
export function pickRegion(config: ResolvedConfig, regions: readonly ApiRegion[], regionId?: string): ApiRegion {
  const seen = regions.length === 0 ? 'none' : regions.map(regionWords).join('; ');
  if (regionId !== undefined) {
    const chosen = regions.find((region) => region.id === regionId);
    if (!chosen) throw new ConnectStop({ message: `--region-id ${regionId} is not among the regions this API key may use (${seen})`, fix: 'give one of the ids listed' });
    return chosen;
  }
  const wanted = config.region;
  const spellings = new Set([wanted.code, ...wanted.aliases, wanted.name, wanted.awsRegion].map((text) => text.toLowerCase()));
  const matches = regions.filter((region) => [region.code, region.country?.code, region.country?.name]
    .some((text) => text !== undefined && spellings.has(text.toLowerCase())));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new ConnectStop({
      message: `the tenant has no region for the config's icaRegion ${wanted.code} (${wanted.name}); it offers: ${seen}`,
      fix: 'set icaRegion to the region your ICA project lives in, or pass --region-id with one of the ids listed',
    });
  }
  throw new ConnectStop({
    message: `more than one region matches icaRegion ${wanted.code} (${wanted.name}): ${matches.map(regionWords).join('; ')}`,
    fix: 'pass --region-id with the id of the one to use',
  });
}

// ---------------------------------------------------------------------------------------------
// Credential.
// ---------------------------------------------------------------------------------------------

function roleCredentialSteps(config: ResolvedConfig, name: string, roleArn: string): string {
  const prefix = config.credential.method === 'role' ? config.credential.sessionNamePrefix : '';
  return `create it in the ICA UI (the API creates AWS_USER credentials only): System Settings > Credentials > Create > Storage Credential, type AWS_Role, name "${name}", role ARN ${roleArn}, with the RoleSessionName prefix "${prefix}" of credential.sessionNamePrefix; or, if it exists under another name, set credential.icaCredentialName to that name. Then run connect again`;
}

async function ensureCredential(
  client: IcaClient, inputs: ConnectInputs, options: ConnectOptions,
): Promise<{ credential: ApiStorageCredential; action: 'found' | 'created' | 'secret-updated' }> {
  const { config } = inputs;
  const name = credentialName(config);
  const user = config.credential.method === 'user';
  options.progress?.(`storage credential "${name}"`);
  const all = await client.listStorageCredentials().catch(stopOnApiError);
  const named = all.filter((credential) => credential.name === name);
  if (named.length > 1) {
    throw new ConnectStop({ message: `ICA holds ${named.length} storage credentials named "${name}"`, fix: 'rename or delete all but one in the ICA UI (System Settings > Credentials), or set credential.icaCredentialName to a unique name' });
  }
  const found = named[0];
  if (found && user !== (found.type.toUpperCase() === 'AWS_USER')) {
    throw new ConnectStop({
      message: `the storage credential "${name}" is of type ${found.type}, but the config's credential.method is "${config.credential.method}"`,
      fix: 'set credential.icaCredentialName to the name of a credential of the right type',
    });
  }
  if (!user) {
    if (found) return { credential: found, action: 'found' };
    throw new ConnectStop({ message: `ICA holds no storage credential named "${name}"`, fix: roleCredentialSteps(config, name, inputs.values[0]?.credential ?? 'of the deployed role') });
  }
  const wantsSecret = !found || inputs.rotating === true || options.update === true;
  if (!wantsSecret) return { credential: found, action: 'found' };
  const why = !found ? `creating the storage credential "${name}"` : inputs.rotating ? `a key rotation is under way: the credential "${name}" must get the active key ${inputs.accessKeyId ?? ''}` : `--update sends the active key to the credential "${name}"`;
  if (!inputs.accessKeyId || !inputs.secretAccessKey) {
    throw new ConnectStop({ message: `${why}, which needs the access key's secret; ${inputs.secretMissing ?? 'it is not at hand'}`, fix: 'pass --outputs FILE with the JSON of "terraform output -json" of the stack, which holds access_key_id and secret_access_key' });
  }
  const awsCredentials = { accessKeyId: inputs.accessKeyId, secretAccessKey: inputs.secretAccessKey };
  if (!found) {
    const created = await client.createStorageCredential(storageCredentialBody(config, awsCredentials)).catch(stopOnApiError);
    return { credential: created, action: 'created' };
  }
  await client.updateStorageCredentialSecrets(found.id, { awsCredentials }).catch(stopOnApiError);
  return { credential: found, action: 'secret-updated' };
}

// ---------------------------------------------------------------------------------------------
// Storage configurations.
// ---------------------------------------------------------------------------------------------

/** How an existing configuration differs from the wanted one (only what ICA reports back). */
export function configurationDrift(existing: ApiStorageConfiguration, value: StorageConfigurationValues, regionId: string): string[] {
  const drift: string[] = [];
  const differs = (what: string, has: string | undefined, wants: string | undefined, same = (a: string, b: string) => a === b) => {
    if (has === undefined && wants === undefined) return;
    if (has === undefined || wants === undefined || !same(has, wants)) drift.push(`${what}: ICA has ${has ?? '(none)'}, the config wants ${wants ?? '(none)'}`);
  };
  if (existing.region?.id !== undefined) differs('region', existing.region.id, regionId);
  if (existing.type !== undefined) differs('type', existing.type, 'AWS_S3');
  const details = existing.storageConfigurationDetails?.awsS3;
  if (details) {
    differs('bucketName', details.bucketName, value.bucketName);
    differs('keyPrefix', details.keyPrefix, value.keyPrefix);
    // The model text spells SSE-KMS "AWS:KMS", the console "aws:kms".
    differs('serverSideEncryptionAlgorithm', details.serverSideEncryptionAlgorithm, value.serverSideEncryptionAlgorithm, (a, b) => a.toLowerCase() === b.toLowerCase());
    if (value.serverSideEncryptionAlgorithm === 'aws:kms') differs('serverSideEncryptionKey', details.serverSideEncryptionKey, value.serverSideEncryptionKey);
  }
  return drift;
}

const DRIFT_FIX = 'ICA\'s API has no call that changes a storage configuration: change it in the ICA UI (System Settings > Storage), or delete it there and run connect again to create it from the config';

async function ensureConfiguration(
  client: IcaClient, config: ResolvedConfig, value: StorageConfigurationValues, existing: readonly ApiStorageConfiguration[],
  ids: { regionId: string; storageCredentialId: string },
): Promise<ConfigurationResult> {
  const base = { name: value.name, bucketName: value.bucketName, keyPrefix: value.keyPrefix };
  const found = existing.find((configuration) => configuration.name === value.name);
  if (found) {
    const drift = configurationDrift(found, value, ids.regionId);
    return drift.length > 0 ? { ...base, id: found.id, action: 'drift', drift, problem: { message: `exists with other values: ${drift.join('; ')}`, fix: DRIFT_FIX } } : { ...base, id: found.id, action: 'found' };
  }
  const sameFolder = existing.find((configuration) => configuration.storageConfigurationDetails?.awsS3?.bucketName === value.bucketName
    && configuration.storageConfigurationDetails.awsS3.keyPrefix === value.keyPrefix);
  if (sameFolder) {
    const drift = [`name: ICA connects s3://${value.bucketName}/${value.keyPrefix} as "${sameFolder.name}", the config names it "${value.name}"`];
    return { ...base, id: sameFolder.id, action: 'drift', drift, problem: { message: drift[0], fix: `ICA refuses a second configuration of one folder: rename "${sameFolder.name}" to "${value.name}" in the ICA UI, or delete it there and run connect again` } };
  }
  try {
    const created = await client.createStorageConfiguration(storageConfigurationBody(config, value, ids));
    return { ...base, id: created.id, action: 'created' };
  } catch (error) {
    if (!(error instanceof IcaApiError)) throw error;
    return { ...base, action: 'failed', problem: { message: `ICA answered ${error.message}`, fix: error.fix } };
  }
}

/** The UI shows states such as initializing, ready and error; anything else is not finished yet. */
function statusKind(status: string | undefined): 'valid' | 'invalid' | 'pending' {
  const normalised = (status ?? '').toLowerCase();
  if (normalised === 'ready') return 'valid';
  if (normalised === 'error') return 'invalid';
  return 'pending';
}

/**
 * Starts ICA's validation of every configuration, then reads their status until each is ready
 * or in error, or the time is up. Validation runs in ICA, so waiting for all at once costs the
 * slowest one, not the sum.
 */
async function validateAll(client: IcaClient, results: ConfigurationResult[], options: ConnectOptions): Promise<void> {
  const poll = options.poll ?? DEFAULT_POLL;
  const sleep = options.sleep ?? realSleep;
  const waiting = new Map<number, string>();
  for (const [index, result] of results.entries()) {
    if (!result.id || (result.action !== 'found' && result.action !== 'created')) continue;
    try {
      options.progress?.(`validating ${result.name}`);
      await client.validateStorageConfiguration(result.id);
      waiting.set(index, 'started');
    } catch (error) {
      if (!(error instanceof IcaApiError)) throw error;
      results[index] = { ...result, action: 'failed', problem: { message: `ICA answered ${error.message}`, fix: error.fix } };
    }
  }
  const started = Date.now();
  // Bounded by rounds, not by the clock: a slow answer must not buy more reads, nor a fast one fewer.
  const rounds = Math.ceil(poll.timeoutMs / poll.intervalMs);
  for (let round = 0; round < rounds && waiting.size > 0; round++) {
    // ICA validates asynchronously: read only after giving it a moment.
    await sleep(poll.intervalMs);
    for (const index of [...waiting.keys()]) {
      const result = results[index];
      try {
        const current = await client.getStorageConfiguration(result.id as string);
        const status = current.status ?? '(no status)';
        options.progress?.(`validating ${result.name}: ${status} (${Math.round((Date.now() - started) / 1000)} s)`);
        const kind = statusKind(current.status);
        if (kind === 'pending') { waiting.set(index, status); continue; }
        waiting.delete(index);
        const errorMessage = current.errorMessage ?? '(ICA gave no message)';
        results[index] = {
          ...result,
          validation: kind === 'valid' ? { result: 'valid', status } : { result: 'invalid', status, errorMessage, checks: checksForValidationError(errorMessage) },
        };
      } catch (error) {
        if (!(error instanceof IcaApiError)) throw error;
        waiting.delete(index);
        results[index] = { ...result, problem: { message: `reading its status: ICA answered ${error.message}`, fix: error.fix } };
      }
    }
  }
  const waitedSeconds = Math.round(poll.timeoutMs / 1000);
  for (const [index, status] of waiting) results[index] = { ...results[index], validation: { result: 'pending', status, waitedSeconds } };
}

// ---------------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------------

export async function connect(client: IcaClient, inputs: ConnectInputs, options: ConnectOptions = {}): Promise<ConnectReport> {
  const { config } = inputs;
  let region: ApiRegion;
  let credential: { credential: ApiStorageCredential; action: 'found' | 'created' | 'secret-updated' };
  try {
    options.progress?.('regions');
    region = pickRegion(config, await client.listRegions().catch(stopOnApiError), options.regionId);
    credential = await ensureCredential(client, inputs, options);
  } catch (error) {
    if (error instanceof ConnectStop) return { ok: false, changed: false, configurations: [], problem: error.problem };
    throw error;
  }
  const regionSummary = { id: region.id, code: region.code };
  const credentialSummary = { name: credential.credential.name, id: credential.credential.id, action: credential.action };
  let existing: ApiStorageConfiguration[];
  try {
    options.progress?.('storage configurations');
    existing = await client.listStorageConfigurations().catch(stopOnApiError);
  } catch (error) {
    if (!(error instanceof ConnectStop)) throw error;
    return { ok: false, changed: credential.action !== 'found', region: regionSummary, credential: credentialSummary, configurations: [], problem: error.problem };
  }
  const results: ConfigurationResult[] = [];
  for (const value of inputs.values) {
    results.push(await ensureConfiguration(client, config, value, existing, { regionId: region.id, storageCredentialId: credential.credential.id }));
  }
  await validateAll(client, results, options);
  const ok = results.every((result) => (result.action === 'found' || result.action === 'created') && !result.problem && result.validation?.result === 'valid');
  const changed = credential.action !== 'found' || results.some((result) => result.action === 'created');
  return { ok, changed, region: regionSummary, credential: credentialSummary, configurations: results };
}
