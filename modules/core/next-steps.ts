/** What the user enters in ICA once the AWS side exists, as text for the CLI. */
import { StorageConfigurationValues, storageConfigurations } from './ica-policies';
import { placeholderRefs } from './placeholders';
import { ResolvedConfig } from './resolved-config';

export function storageCredentialSteps(config: ResolvedConfig): string[] {
  if (config.credential.method === 'role') {
    return [
      'In ICA: System Settings > Credentials: your AWS_Role storage credential already holds the',
      `RoleSessionName prefix "${config.credential.sessionNamePrefix}"; give it the role ARN below.`,
    ];
  }
  return [
    'In ICA: System Settings > Credentials > Create > Storage Credential, type "AWS user",',
    'with the access key id below and the secret (terraform output -raw secret_access_key).',
  ];
}

/** One block per storage configuration (one per bucket prefix), with the form's field names. */
export function storageConfigurationSteps(values: readonly StorageConfigurationValues[]): string[] {
  const lines = ['Then System Settings > Storage > Create, one storage configuration per prefix:'];
  for (const value of values) {
    lines.push(
      `  - Bucket name: ${value.bucketName}`,
      `    Key prefix: ${value.keyPrefix}`,
      `    Region: ${value.icaRegion} (${value.region})`,
      `    Credential: ${value.credentialType} ${value.credential}`,
      `    Server side encryption: ${value.serverSideEncryptionAlgorithm}${value.serverSideEncryptionKey ? ` key ${value.serverSideEncryptionKey}` : ''}`,
    );
  }
  return lines;
}

/** What to do in ICA after an apply, with the seeds' placeholders for values not known yet. */
export function icaStepsAfterApply(config: ResolvedConfig): string {
  return [
    ...storageCredentialSteps(config),
    ...storageConfigurationSteps(storageConfigurations(config, placeholderRefs(config))),
    'The real ARNs and ids are in: terraform output -json storage_configurations',
  ].join('\n');
}
