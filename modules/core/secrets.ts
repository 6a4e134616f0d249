/** Where the user method's active access key is stored besides Terraform state, if anywhere. */
import { NAME_FORMATS, formatName } from './renderer-literals';
import { ResolvedConfig } from './resolved-config';

export interface SecretStoreTarget {
  readonly type: 'ssm' | 'secretsmanager';
  readonly name: string;
}

/** The labels of the access keys to create: none when createAccessKey is false. */
export function accessKeyLabels(config: ResolvedConfig): readonly string[] {
  const credential = config.credential;
  return credential.method === 'user' && credential.createAccessKey ? credential.accessKeys : [];
}

export function secretStoreTarget(config: ResolvedConfig): SecretStoreTarget | undefined {
  const credential = config.credential;
  if (credential.method !== 'user' || !credential.secretStore) return undefined;
  const store = credential.secretStore;
  return {
    type: store.type,
    name: store.name ?? formatName(store.type === 'ssm' ? NAME_FORMATS.ssmParameter : NAME_FORMATS.secretsManagerSecret, config.name),
  };
}
