import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { RESOURCE_DESCRIPTIONS } from '../core/renderer-literals';

export interface IcaSecretStoreProps {
  /** `ssm` for a Parameter Store SecureString, `secretsmanager` for a Secrets Manager secret. */
  readonly type: 'ssm' | 'secretsmanager';
  /** Parameter or secret name. */
  readonly name: string;
  /** The access key id to store. */
  readonly accessKeyId: string;
  /** The secret access key to store (a Terraform reference, never a literal). */
  readonly secretAccessKey: string;
}

/**
 * Stores the ICA user's active access key as JSON (`{"accessKeyId", "secretAccessKey"}`) where
 * operators can fetch it with IAM-controlled access, instead of reading Terraform outputs.
 */
export class IcaSecretStore extends Construct {
  /** ARN of the parameter or secret. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: IcaSecretStoreProps) {
    super(scope, id);
    const value = JSON.stringify({ accessKeyId: props.accessKeyId, secretAccessKey: props.secretAccessKey });
    const description = RESOURCE_DESCRIPTIONS.secretStore;
    if (props.type === 'ssm') {
      this.arn = new SsmParameter(this, 'parameter', { name: props.name, type: 'SecureString', value, description }).arn;
    } else {
      const secret = new SecretsmanagerSecret(this, 'secret', { name: props.name, description });
      new SecretsmanagerSecretVersion(this, 'version', { secretId: secret.id, secretString: value });
      this.arn = secret.arn;
    }
  }
}
