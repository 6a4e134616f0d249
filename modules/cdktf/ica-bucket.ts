import { Construct } from 'constructs';
import { ITerraformDependable, TerraformIterator } from 'cdktf';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { ICA_ORIGIN } from '../core/actions';
import { keptCorsRuleArguments } from '../core/adoption';
import { KeptCorsRule, MANAGEABLE_SETTINGS, ManageableSetting } from '../core/config-schema';
import { icaCorsRule } from '../core/policies';
import { bucketNameProblems, prefixProblems } from '../core/rules';

export type Versioning = 'Enabled' | 'Suspended' | 'Disabled';
export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface IcaBucketProps {
  /** Name of the S3 bucket to create (or to adopt, with `existing`). */
  readonly bucketName: string;
  /**
   * Adopt a bucket that already exists: it is read with a data source, never created or deleted,
   * and only the settings in `manage` are written.
   * @default false - the bucket is created
   */
  readonly existing?: boolean;
  /**
   * The settings written on an adopted bucket (a created bucket gets all of them).
   * @default [] for an existing bucket
   */
  readonly manage?: readonly ManageableSetting[];
  /**
   * CORS rules already on an adopted bucket, written next to ICA's when `manage` holds "cors".
   * @default []
   */
  readonly keptCorsRules?: readonly KeptCorsRule[];
  /**
   * Resources the CORS configuration is created after (and destroyed before).
   * @default none
   */
  readonly corsDependsOn?: ITerraformDependable[];
  /** Folders connected to ICA, each ending in "/": one empty folder object is created per prefix. */
  readonly prefixes: readonly string[];
  /**
   * Versioning state of the bucket.
   * @default 'Disabled' - unversioned: no versioning resource is managed
   */
  readonly versioning?: Versioning;
  /**
   * ARN of the KMS key for default SSE-KMS encryption (with an S3 bucket key).
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /**
   * Origins allowed by the CORS rule ICA's browser uploads need.
   * @default ['https://ica.illumina.com']
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * Block every form of public access.
   * @default true
   */
  readonly blockPublicAccess?: boolean;
  /**
   * Object ownership setting.
   * @default 'BucketOwnerEnforced' - ACLs off; Illumina's copy jobs fail with 403 otherwise
   */
  readonly objectOwnership?: ObjectOwnership;
  /**
   * Let `terraform destroy` delete the bucket together with every object in it.
   * @default false - destroy fails while the bucket holds objects, so no data is lost
   */
  readonly forceDestroy?: boolean;
  /**
   * Tags of the bucket (not written on an existing bucket, which this tool does not change).
   * @default - none besides the provider's default tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An S3 bucket set up for ICA as the seed pages describe: default encryption, the CORS rule for
 * browser uploads, public access block, ownership controls, optional versioning, and one folder
 * object per ICA prefix. Bucket notifications are never managed: ICA writes its own. An adopted
 * bucket (`existing`) gets the folder objects and only the settings listed in `manage`.
 */
export class IcaBucket extends Construct {
  /** The bucket's name, as a reference that orders resources after the bucket (or its data source). */
  readonly bucketId: string;

  /** Every problem with the props, each naming the prop and the fix. */
  static validateProps(props: IcaBucketProps): string[] {
    const problems = bucketNameProblems(props.bucketName).map((problem) => `bucketName: ${problem.message}; ${problem.fix}`);
    if (!props.existing && props.manage !== undefined) problems.push('manage: only an existing bucket takes it; set existing: true or remove manage');
    if (props.existing && props.forceDestroy) problems.push('forceDestroy: an existing bucket is never deleted by this tool; remove forceDestroy');
    if (props.keptCorsRules?.length && !props.manage?.includes('cors')) problems.push('keptCorsRules: the CORS configuration is not managed; add "cors" to manage or remove keptCorsRules');
    if (props.prefixes.length === 0) problems.push('prefixes: none given; give at least one folder such as "ica-data/"');
    for (const prefix of props.prefixes) {
      problems.push(...prefixProblems(prefix).map((problem) => `prefixes: ${problem.message}; ${problem.fix}`));
      if (!prefix.endsWith('/')) problems.push(`prefixes: "${prefix}" does not end in "/"; write "${prefix}/"`);
    }
    return problems;
  }

  constructor(scope: Construct, id: string, props: IcaBucketProps) {
    super(scope, id);
    const problems = IcaBucket.validateProps(props);
    if (problems.length > 0) throw new Error(`Invalid IcaBucket props:\n  ${problems.join('\n  ')}`);

    const manage = new Set(props.existing ? props.manage ?? [] : MANAGEABLE_SETTINGS);
    this.bucketId = props.existing
      ? new DataAwsS3Bucket(this, 'bucket', { bucket: props.bucketName }).id
      : new S3Bucket(this, 'bucket', {
        bucket: props.bucketName,
        forceDestroy: props.forceDestroy ?? false,
        tags: props.tags ? { ...props.tags } : undefined,
      }).id;
    const bucket = this.bucketId;

    const encryption = manage.has('encryption')
      ? new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', { bucket, rule: [this.encryptionRule(props.kmsKeyArn)] })
      : undefined;
    if (manage.has('cors')) {
      new S3BucketCorsConfiguration(this, 'cors', {
        bucket,
        // Rules already on an adopted bucket first, as they were; ICA's rule after them.
        corsRule: [...(props.keptCorsRules ?? []).map(keptCorsRuleArguments), this.corsRule(props.corsAllowedOrigins ?? [ICA_ORIGIN])],
        dependsOn: props.corsDependsOn,
      });
    }
    if (manage.has('ownership')) {
      new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: props.objectOwnership ?? 'BucketOwnerEnforced' } });
    }
    if (manage.has('publicAccessBlock')) {
      const blocked = props.blockPublicAccess ?? true;
      new S3BucketPublicAccessBlock(this, 'public-access-block', {
        bucket,
        blockPublicAcls: blocked,
        blockPublicPolicy: blocked,
        ignorePublicAcls: blocked,
        restrictPublicBuckets: blocked,
      });
    }
    const versioning = props.versioning ?? 'Disabled';
    if (manage.has('versioning') && versioning !== 'Disabled') {
      new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: versioning } });
    }
    // One instance per prefix, keyed by the prefix as in the generated module: removing one prefix
    // leaves the others' folder objects alone. After the default encryption, so the folder object
    // is encrypted like everything in it.
    const folders = TerraformIterator.fromMap(Object.fromEntries(props.prefixes.map((prefix) => [prefix, prefix])));
    new S3Object(this, 'folder', { forEach: folders, bucket, key: folders.key, content: '', dependsOn: encryption ? [encryption] : undefined });
  }

  private encryptionRule(kmsKeyArn: string | undefined) {
    return kmsKeyArn
      ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }
      : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } };
  }

  private corsRule(origins: readonly string[]) {
    const rule = icaCorsRule(origins);
    return {
      allowedHeaders: rule.AllowedHeaders,
      allowedMethods: rule.AllowedMethods,
      allowedOrigins: rule.AllowedOrigins,
      exposeHeaders: rule.ExposeHeaders,
    };
  }
}
