/**
 * The request bodies of ICA's public API that finish the connection, with the field names of
 * ICA's generated API client documentation: `POST /api/storageCredentials`
 * (CreateStorageCredential, user method only: the API's type enum lists AWS_USER, role
 * credentials are made in the ICA UI), its `:updateSecrets` after a key rotation, and one
 * `POST /api/storageConfigurations` (CreateStorageConfiguration) per bucket prefix. `ica-payload`
 * writes them with placeholders for what only ICA knows (region id, credential id); `connect`
 * sends the same bodies with the real ids.
 */
import { StorageConfigurationValues, storageConfigurations } from '../core/ica-policies';
import { ACCESS_KEY_PLACEHOLDER, holdsPlaceholder, placeholderRefs } from '../core/placeholders';
import { ResolvedConfig } from '../core/validate';

export const ICA_REGION_ID_PLACEHOLDER = 'YOUR_ICA_REGION_ID';
export const STORAGE_CREDENTIAL_ID_PLACEHOLDER = 'YOUR_STORAGE_CREDENTIAL_ID';
export const SECRET_PLACEHOLDER = 'YOUR_SECRET_ACCESS_KEY';
/** ICA's public API: the base of every path below. */
export const ICA_API_BASE = 'https://ica.illumina.com/ica/rest';
/** Paths relative to ICA_API_BASE. */
export const ICA_API = {
  regions: 'GET /api/regions',
  createStorageCredential: 'POST /api/storageCredentials',
  listStorageCredentials: 'GET /api/storageCredentials',
  updateStorageCredentialSecrets: 'POST /api/storageCredentials/{storageCredentialId}:updateSecrets',
  createStorageConfiguration: 'POST /api/storageConfigurations',
  listStorageConfigurations: 'GET /api/storageConfigurations',
  getStorageConfiguration: 'GET /api/storageConfigurations/{storageConfigurationId}',
  validateStorageConfiguration: 'POST /api/storageConfigurations/{storageConfigurationId}:validate',
} as const;

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** CreateStorageCredential. */
export interface CreateStorageCredential {
  readonly name: string;
  readonly type: 'AWS_USER';
  readonly awsCredentials: AwsCredentials;
}

/** UpdateStorageCredentialSecrets. */
export interface UpdateStorageCredentialSecrets {
  readonly awsCredentials: AwsCredentials;
}

/** CreateStorageConfiguration. */
export interface CreateStorageConfiguration {
  readonly regionId: string;
  readonly name: string;
  readonly description: string;
  readonly storageCredentialId: string;
  readonly type: 'AWS_S3';
  readonly awsDetails: {
    readonly bucketName: string;
    readonly keyPrefix: string;
    readonly serverSideEncryptionAlgorithm: string;
    readonly serverSideEncryptionKey?: string;
  };
}

/** The outputs of this tool's stack, as `terraform output -json` (or a state file) holds them. */
export interface TerraformOutputs {
  readonly storageConfigurations?: readonly StorageConfigurationValues[];
  readonly principalArn?: string;
  readonly accessKeyId?: string;
  /** Every access key by label: two while a rotation is under way. */
  readonly accessKeyIds?: Readonly<Record<string, string>>;
  readonly secretAccessKey?: string;
  readonly encryptedSecretAccessKey?: string;
}

/**
 * Reads `terraform output -json` ({"name": {"value": ...}}) or a state file ({"outputs": {...}}).
 * Throws with a readable message when the JSON is neither.
 */
export function parseTerraformOutputs(json: unknown): TerraformOutputs {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('is not a JSON object from "terraform output -json" or a state file');
  const record = json as Record<string, unknown>;
  const outputs = (record.outputs && typeof record.outputs === 'object' && ('terraform_version' in record || 'version' in record)
    ? record.outputs
    : record) as Record<string, unknown>;
  const value = (name: string): unknown => {
    const entry = outputs[name];
    return entry && typeof entry === 'object' && 'value' in (entry as object) ? (entry as { value: unknown }).value : undefined;
  };
  const text = (name: string): string | undefined => (typeof value(name) === 'string' ? value(name) as string : undefined);
  const configurations = value('storage_configurations');
  const keyIds = value('access_key_ids');
  if (configurations === undefined && text('principal_arn') === undefined) {
    throw new Error('holds no storage_configurations or principal_arn output: pass the JSON of "terraform output -json" in the stack directory');
  }
  return {
    ...(Array.isArray(configurations) ? { storageConfigurations: configurations as StorageConfigurationValues[] } : {}),
    ...(text('principal_arn') ? { principalArn: text('principal_arn') } : {}),
    ...(text('access_key_id') ? { accessKeyId: text('access_key_id') } : {}),
    ...(keyIds && typeof keyIds === 'object' && !Array.isArray(keyIds) ? { accessKeyIds: keyIds as Record<string, string> } : {}),
    ...(text('secret_access_key') ? { secretAccessKey: text('secret_access_key') } : {}),
    ...(text('encrypted_secret_access_key') ? { encryptedSecretAccessKey: text('encrypted_secret_access_key') } : {}),
  };
}

export interface PayloadOptions {
  readonly outputs?: TerraformOutputs;
  /** Put the real secret into the storage credential body (it must be in the outputs). */
  readonly includeSecret?: boolean;
}

export interface PayloadFile {
  readonly name: string;
  readonly body: CreateStorageCredential | CreateStorageConfiguration;
  /** True when the file holds a secret (written with mode 0600). */
  readonly secret: boolean;
}

export interface Payloads {
  readonly files: readonly PayloadFile[];
  /** How to send them, and what the placeholders stand for. */
  readonly notes: readonly string[];
}

export class PayloadError extends Error {}

/** The storage configuration form values, real where the outputs have them. */
export function payloadValues(config: ResolvedConfig, outputs?: TerraformOutputs): StorageConfigurationValues[] {
  const fromConfig = storageConfigurations(config, placeholderRefs(config));
  const real = outputs?.storageConfigurations ?? [];
  // Outputs of a stack applied before names were in them lack `name`: the core's is the same.
  return fromConfig.map((planned) => {
    const deployed = real.find((value) => value.bucketName === planned.bucketName && value.keyPrefix === planned.keyPrefix);
    return deployed ? { ...deployed, name: planned.name } : planned;
  });
}

/** The storage credential's name in ICA: credential.icaCredentialName, else the config's name. */
export function credentialName(config: ResolvedConfig): string {
  return config.credential.icaCredentialName ?? config.name;
}

export function storageCredentialBody(config: ResolvedConfig, credentials: AwsCredentials): CreateStorageCredential {
  return { name: credentialName(config), type: 'AWS_USER', awsCredentials: credentials };
}

/** The body of one storage configuration; `ica-payload` and `connect` both build it here. */
export function storageConfigurationBody(config: ResolvedConfig, value: StorageConfigurationValues, ids: { readonly regionId: string; readonly storageCredentialId: string }): CreateStorageConfiguration {
  return {
    regionId: ids.regionId,
    name: value.name,
    description: `s3://${value.bucketName}/${value.keyPrefix} (${config.region.name}), set up by ica-s3-connect "${config.name}"`,
    storageCredentialId: ids.storageCredentialId,
    type: 'AWS_S3',
    awsDetails: {
      bucketName: value.bucketName,
      keyPrefix: value.keyPrefix,
      serverSideEncryptionAlgorithm: value.serverSideEncryptionAlgorithm,
      ...(value.serverSideEncryptionKey ? { serverSideEncryptionKey: value.serverSideEncryptionKey } : {}),
    },
  };
}

export function icaPayloads(config: ResolvedConfig, options: PayloadOptions = {}): Payloads {
  const credential = credentialPayload(config, options);
  const files = [...credential.files, ...configurationPayloads(config, options.outputs)];
  return { files, notes: [...credential.notes, ...callOrder(config, options.outputs, files)] };
}

/**
 * Why the outputs give no plain secret, `encrypted` saying what to do with an encrypted one (only
 * the user can decrypt it). Shared by ica-payload and connect.
 */
export function missingSecretReason(outputs: TerraformOutputs, encrypted: string): string {
  return outputs.encryptedSecretAccessKey
    ? `the outputs hold only encrypted_secret_access_key (credential.pgpKey): ${encrypted}`
    : 'the outputs hold no secret_access_key (is credential.createAccessKey false?)';
}

/** The user method's secret as the credential body gets it: the placeholder unless asked for and given. */
function credentialSecret(options: PayloadOptions): string {
  const outputs = options.outputs;
  if (!options.includeSecret) return SECRET_PLACEHOLDER;
  if (!outputs) throw new PayloadError('--include-secret needs --outputs FILE (the JSON of "terraform output -json", which holds secret_access_key)');
  if (!outputs.secretAccessKey) {
    throw new PayloadError(missingSecretReason(outputs, 'decrypt it (base64 -d | gpg -d) and put it into storage-credential.json yourself'));
  }
  return outputs.secretAccessKey;
}

/** storage-credential.json (user method only: role credentials are made in the ICA UI), with its note. */
function credentialPayload(config: ResolvedConfig, options: PayloadOptions): { files: PayloadFile[]; notes: string[] } {
  if (config.credential.method !== 'user') {
    return { files: [], notes: ['no storage-credential.json for the role method: role credentials (AWS_Role) are created in the ICA UI, which generates the RoleSessionName prefix'] };
  }
  const secret = credentialSecret(options);
  const withSecret = secret !== SECRET_PLACEHOLDER;
  return {
    files: [{
      name: 'storage-credential.json',
      body: storageCredentialBody(config, { accessKeyId: options.outputs?.accessKeyId ?? ACCESS_KEY_PLACEHOLDER, secretAccessKey: secret }),
      secret: withSecret,
    }],
    notes: [withSecret
      ? 'storage-credential.json holds the secret access key (mode 0600): delete it once the credential exists in ICA'
      : `storage-credential.json holds the placeholder ${SECRET_PLACEHOLDER}: replace it with "terraform output -raw secret_access_key", or run again with --include-secret --outputs FILE (the file then holds the secret: keep it private and delete it after use)`],
  };
}

/** One storage-configuration.<name>.json per prefix. */
function configurationPayloads(config: ResolvedConfig, outputs: TerraformOutputs | undefined): PayloadFile[] {
  return payloadValues(config, outputs).map((value) => ({
    name: `storage-configuration.${value.name}.json`,
    body: storageConfigurationBody(config, value, { regionId: ICA_REGION_ID_PLACEHOLDER, storageCredentialId: STORAGE_CREDENTIAL_ID_PLACEHOLDER }),
    secret: false,
  }));
}

/** The calls in order, with the ids to fill in, and a word on placeholders left in the files. */
function callOrder(config: ResolvedConfig, outputs: TerraformOutputs | undefined, files: readonly PayloadFile[]): string[] {
  const region = config.region;
  const credentialStep = config.credential.method === 'user'
    ? `${ICA_API.createStorageCredential} with storage-credential.json, then use the id it returns (or find it with ${ICA_API.listStorageCredentials}) for ${STORAGE_CREDENTIAL_ID_PLACEHOLDER}`
    : `create the role credential in the ICA UI: System Settings > Credentials > Create > Storage Credential, type AWS_Role, Generate the RoleSessionName prefix (the config's credential.sessionNamePrefix, "${config.credential.sessionNamePrefix}") and give it the role ARN ${outputs?.principalArn ?? placeholderRefs(config).icaPrincipalArn}; the public API creates AWS_USER credentials only. Then ${ICA_API.listStorageCredentials} gives its id for ${STORAGE_CREDENTIAL_ID_PLACEHOLDER}`;
  const placeholdersLeft = files.some((file) => holdsPlaceholder(JSON.stringify(file.body)));
  return [
    `API base ${ICA_API_BASE}, authenticated with your API key (X-API-Key header) or a bearer token.`,
    `1. ${ICA_API.regions} lists the regions you may use: take the "id" of ${region.name} (${region.code}, AWS ${region.awsRegion}) for ${ICA_REGION_ID_PLACEHOLDER}.`,
    `2. ${credentialStep}.`,
    `3. ${ICA_API.createStorageConfiguration} with each storage-configuration.*.json (one per prefix), then ${ICA_API.validateStorageConfiguration} to check it.`,
    ...(placeholdersLeft ? ['Values that exist only after apply (YOUR_ACCOUNT_ID, YOUR_KEY_ID, YOUR_ACCESS_KEY_ID) are placeholders: pass --outputs FILE with the JSON of "terraform output -json" to fill them in.'] : []),
  ];
}
