import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

export interface IcaKmsKeyProps {
  /** Alias of the key, starting with `alias/`. */
  readonly aliasName: string;
  /** The key policy, as JSON. It must keep the account root as administrator. */
  readonly policy: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /**
   * Tags of the key.
   * @default - none besides the provider's default tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A customer managed KMS key for a bucket's SSE-KMS encryption, with yearly rotation and an alias. */
export class IcaKmsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: IcaKmsKeyProps) {
    super(scope, id);
    if (!/^alias\/[A-Za-z0-9/_-]+$/.test(props.aliasName) || props.aliasName.startsWith('alias/aws/')) {
      throw new Error(`Invalid IcaKmsKey props:\n  aliasName: "${props.aliasName}" is not a KMS alias; write alias/<name> with letters, digits, / _ - (not alias/aws/)`);
    }
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      policy: props.policy,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    new KmsAlias(this, 'alias', { name: props.aliasName, targetKeyId: this.key.keyId });
  }
}
