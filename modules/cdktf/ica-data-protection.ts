import { Construct } from 'constructs';
import { DataConfig, DataResource, TerraformIterator } from 'cdktf';
import { PROTECTION_RESOURCES } from '../core/protection';

export interface IcaDataProtectionProps {
  /** Names of the created buckets that may hold data (forceDestroy false). */
  readonly bucketNames: readonly string[];
  /** ARN of each KMS key this tool created for a bucket that may hold data, by bucket name. */
  readonly kmsKeyArns: Readonly<Record<string, string>>;
}

/**
 * Stops any plan that would delete a bucket that may hold data, or the key that encrypts it, before
 * anything changes (see modules/core/protection.ts). Create it in every stack, even with nothing to
 * protect: the resource blocks must outlive the buckets they protect, or removing the last bucket
 * from the config would remove its protection with it.
 */
export class IcaDataProtection extends Construct {
  constructor(scope: Construct, id: string, props: IcaDataProtectionProps) {
    super(scope, id);
    const buckets = TerraformIterator.fromMap(Object.fromEntries(props.bucketNames.map((name) => [name, { bucket: name }])));
    this.protect('buckets', PROTECTION_RESOURCES.bucket, buckets, { input: { bucket: buckets.getString('bucket') } });
    const keys = TerraformIterator.fromMap(Object.fromEntries(Object.entries(props.kmsKeyArns).map(([name, arn]) => [name, { bucket: name, kms_key_arn: arn }])));
    const keyArn = keys.getString('kms_key_arn');
    // A replaced key is a destroyed key: the replacement of the protection stops that plan too.
    this.protect('kms-keys', PROTECTION_RESOURCES.kmsKey, keys, { input: { bucket: keys.getString('bucket'), kms_key_arn: keyArn }, triggersReplace: { kms_key_arn: keyArn } });
  }

  private protect(id: string, terraformName: string, instances: TerraformIterator, values: Pick<DataConfig, 'input' | 'triggersReplace'>): void {
    const resource = new DataResource(this, id, { forEach: instances, ...values, lifecycle: { preventDestroy: true } });
    // The same address as in the generated module, so the release command reads the same.
    resource.overrideLogicalId(terraformName);
  }
}
