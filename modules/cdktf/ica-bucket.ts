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
import { icaCorsRule } from '../core/ica-policies';
import { propProblem, ruleProblem } from '../core/rule-catalogue';
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
  /** ARN of the bucket. */
  readonly bucketArn: string;
  /** The created bucket, or the data source that reads an adopted (`existing`) one. */
  readonly bucket: S3Bucket | DataAwsS3Bucket;
  /** Default encryption; undefined on an adopted bucket that does not manage "encryption". */
  readonly encryption?: S3BucketServerSideEncryptionConfigurationA;
  /** The CORS configuration; undefined on an adopted bucket that does not manage "cors". */
  readonly cors?: S3BucketCorsConfiguration;
  /** Object ownership controls; undefined on an adopted bucket that does not manage "ownership". */
  readonly ownershipControls?: S3BucketOwnershipControls;
  /** The public access block; undefined on an adopted bucket that does not manage "publicAccessBlock". */
  readonly publicAccessBlock?: S3BucketPublicAccessBlock;
  /** Versioning; undefined for an unversioned bucket or one that does not manage "versioning". */
  readonly versioning?: S3BucketVersioningA;
  /** The folder objects: one instance per prefix, keyed by the prefix. */
  readonly folders: S3Object;

  /** Every problem with the props, each naming the prop and the fix. */
  static validateProps(props: IcaBucketProps): string[] {
    const problems = bucketNameProblems(props.bucketName).map((problem) => propProblem('bucketName', problem));
    if (!props.existing && props.manage !== undefined) problems.push(propProblem('manage', ruleProblem('adoption.existing-only')));
    if (props.existing && props.forceDestroy) problems.push(propProblem('forceDestroy', ruleProblem('adoption.force-destroy')));
    if (props.keptCorsRules?.length && !props.manage?.includes('cors')) problems.push(propProblem('keptCorsRules', ruleProblem('adoption.kept-cors-unmanaged')));
    if (props.prefixes.length === 0) problems.push(propProblem('prefixes', ruleProblem('schema.too-small', undefined, 'give at least one folder such as "ica-data/"')));
    for (const prefix of props.prefixes) {
      problems.push(...prefixProblems(prefix).map((problem) => propProblem('prefixes', problem)));
      if (!prefix.endsWith('/')) problems.push(propProblem('prefixes', ruleProblem('prefix.trailing-slash', prefix)));
    }
    return problems;
  }

  constructor(scope: Construct, id: string, props: IcaBucketProps) {
    super(scope, id);
    const problems = IcaBucket.validateProps(props);
    if (problems.length > 0) throw new Error(`Invalid IcaBucket props:\n  ${problems.join('\n  ')}`);

    const manage = new Set(props.existing ? props.manage ?? [] : MANAGEABLE_SETTINGS);
    this.bucket = props.existing
      ? new DataAwsS3Bucket(this, 'bucket', { bucket: props.bucketName })
      : new S3Bucket(this, 'bucket', {
        bucket: props.bucketName,
        forceDestroy: props.forceDestroy ?? false,
        tags: props.tags ? { ...props.tags } : undefined,
      });
    this.bucketId = this.bucket.id;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucketId;

    this.encryption = manage.has('encryption')
      ? new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', { bucket, rule: [this.encryptionRule(props.kmsKeyArn)] })
      : undefined;
    if (manage.has('cors')) {
      this.cors = new S3BucketCorsConfiguration(this, 'cors', {
        bucket,
        // Rules already on an adopted bucket first, as they were; ICA's rule after them.
        corsRule: [...(props.keptCorsRules ?? []).map(keptCorsRuleArguments), this.corsRule(props.corsAllowedOrigins ?? [ICA_ORIGIN])],
        dependsOn: props.corsDependsOn,
      });
    }
    if (manage.has('ownership')) {
      this.ownershipControls = new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: props.objectOwnership ?? 'BucketOwnerEnforced' } });
    }
    if (manage.has('publicAccessBlock')) {
      const blocked = props.blockPublicAccess ?? true;
      this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
        bucket,
        blockPublicAcls: blocked,
        blockPublicPolicy: blocked,
        ignorePublicAcls: blocked,
        restrictPublicBuckets: blocked,
      });
    }
    const versioning = props.versioning ?? 'Disabled';
    if (manage.has('versioning') && versioning !== 'Disabled') {
      this.versioning = new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: versioning } });
    }
    // One instance per prefix, keyed by the prefix as in the generated module: removing one prefix
    // leaves the others' folder objects alone. After the default encryption, so the folder object
    // is encrypted like everything in it.
    const folders = TerraformIterator.fromMap(Object.fromEntries(props.prefixes.map((prefix) => [prefix, prefix])));
    this.folders = new S3Object(this, 'folder', { forEach: folders, bucket, key: folders.key, content: '', dependsOn: this.encryption ? [this.encryption] : undefined });
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
