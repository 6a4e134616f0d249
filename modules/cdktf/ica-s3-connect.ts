import { Construct, IConstruct } from 'constructs';
import { Annotations, Aspects, Fn, Op, TerraformDataSource, TerraformResource, TerraformStack, Token } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { keptCorsConfiguration, mergesLivePolicy, needsRestoreOnDestroy } from '../core/adoption';
import { IcaConfigInput } from '../core/config-schema';
import { normaliseEndpointUrl } from '../core/emulator';
import { PolicyDocument } from '../core/iam-policy';
import { NO_ACCESS_KEY_CREDENTIAL, RESOURCE_DESCRIPTIONS } from '../core/renderer-literals';
import {
  PolicyRefs, StorageConfigurationValues, bucketPolicy, exemptsDeployer, kmsAliasName, kmsKeyPolicy, permissionPolicies, permissionPolicyName,
  storageConfigurations,
} from '../core/ica-policies';
import { protectedBuckets, protectedKeyBuckets } from '../core/protection';
import { mergedBucketPolicySizeMessage } from '../core/quota-checks';
import { AWS_QUOTAS } from '../core/quotas';
import { accessKeyLabels, secretStoreTarget } from '../core/secrets';
import { ConfigError, ConfigProblem, ResolvedBucket, ResolvedConfig, validateConfig } from '../core/validate';
import { IcaAdoptedBucketRestore } from './ica-adopted-bucket-restore';
import { IcaBucket } from './ica-bucket';
import { IcaRoleCredential, IcaUserCredential } from './ica-credentials';
import { IcaDataProtection } from './ica-data-protection';
import { IcaKmsKey } from './ica-kms-key';
import { IcaSecretStore } from './ica-secret-store';
import { IcaTags } from './ica-tags';

/**
 * A connection's config: as an `ica.config.json` file holds it (`IcaConfigInput`, defaults not
 * applied), or as `loadConfigFile` and `resolveConfig` return it (`ResolvedConfig`).
 */
export type IcaS3ConnectConfig = IcaConfigInput | ResolvedConfig;

export interface IcaS3ConnectProps {
  /**
   * What to connect. A config as the file holds it is validated here, by the rules of
   * `ica-s3 validate`; a resolved config was validated when it was resolved. Its `backend` is not
   * used: the state lives wherever the enclosing stack's backend keeps it.
   */
  readonly config: IcaS3ConnectConfig;
  /**
   * The AWS provider of every AWS resource and data source of the connection. Give it in a stack
   * with several AWS providers; its region must be the ICA region's AWS region.
   * @default - the stack's default AWS provider (the one without an alias)
   */
  readonly provider?: AwsProvider;
  /**
   * Emulator (moto, LocalStack) base URL for the AWS CLI that an adopted bucket's destroy-time
   * restore runs. Point the provider's endpoints at the same URL.
   * @default - real AWS
   */
  readonly endpointUrl?: string;
}

/** One bucket of the connection. */
export interface IcaS3ConnectBucket {
  /** The bucket's name. */
  readonly name: string;
  /** ARN of the bucket. */
  readonly arn: string;
  /** The bucket (or an adopted bucket's data source), its settings and its folder objects. */
  readonly resources: IcaBucket;
  /** The bucket policy; undefined when the config asks for none on this bucket. */
  readonly policy?: S3BucketPolicy;
  /** ARN of the KMS key that encrypts the bucket, created here or brought; undefined for SSE-S3. */
  readonly kmsKeyArn?: string;
}

/** Invalid IcaS3Connect props: every problem of the config, with its path, as `ica-s3 validate` prints them. */
export class IcaS3ConnectPropsError extends ConfigError {
  constructor(problems: readonly ConfigProblem[]) {
    super(problems);
    this.name = 'IcaS3ConnectPropsError';
    this.message = `Invalid IcaS3Connect props: the config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${this.message}`;
  }
}

/** A resolved config carries its ICA region's table row; the file's form names the region only. */
function isResolvedConfig(config: IcaS3ConnectConfig): config is ResolvedConfig {
  const candidate = config as Partial<ResolvedConfig>;
  return typeof candidate.crossAccountRoleArn === 'string' && typeof candidate.region === 'object' && candidate.region !== null;
}

function usesAwsProvider(node: IConstruct): node is TerraformResource | TerraformDataSource {
  return (TerraformResource.isTerraformResource(node) || TerraformDataSource.isTerraformDataSource(node))
    && node.terraformGeneratorMetadata?.providerName === 'aws';
}

/**
 * Everything one config asks for, inside any `TerraformStack`: buckets (created or adopted), KMS
 * keys, the permission policies, the ICA user or role, bucket policies and the data protection
 * that stops a plan from deleting data. The stack keeps its own backend and provider; the config's
 * tags go on the connection's resources only.
 *
 * Logical ids are cdktf's usual ones, so the construct id prefixes every resource address
 * (`<id>_bucket-<name>_bucket_<hash>`); with the id `Default`, which cdktf leaves out of logical
 * ids, the addresses are those of `IcaConnectStack`. The data protection resources keep fixed
 * addresses (the release command names them), so a stack holds at most one connection.
 */
export class IcaS3Connect extends Construct {
  /** The config the connection is built from, validated and resolved. */
  readonly config: ResolvedConfig;
  /** The IAM role (role method) or user (user method) ICA signs in as. */
  readonly principal: IcaRoleCredential | IcaUserCredential;
  /** ARN of that role or user: what a policy of your own names to grant ICA access. */
  readonly principalArn: string;
  /** Every bucket of the config, by name. */
  readonly buckets: ReadonlyMap<string, IcaS3ConnectBucket>;
  /** The KMS keys created here (SSE-KMS buckets without a `kmsKeyArn`), by bucket name. */
  readonly kmsKeys: ReadonlyMap<string, IcaKmsKey>;
  /** The managed permission policies attached to the principal: one, or as many as IAM's size limit needs. */
  readonly permissionPolicies: readonly IamPolicy[];
  /** One entry per bucket prefix: the values of ICA's storage configuration form. */
  readonly storageConfigurations: readonly StorageConfigurationValues[];
  /** Where the active access key is stored (user method with a `secretStore` and no `pgpKey`). */
  readonly secretStore?: IcaSecretStore;

  constructor(scope: Construct, id: string, props: IcaS3ConnectProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    if (stack.node.findAll().some((node) => node !== this && node instanceof IcaS3Connect)) {
      throw new Error(`Invalid IcaS3Connect: stack ${stack.node.id} already holds one, and the data protection resources of two would share addresses; put each connection in its own stack`);
    }
    const config = this.resolve(props.config);
    this.config = config;
    const endpointUrl = props.endpointUrl === undefined ? undefined : normaliseEndpointUrl(props.endpointUrl);
    Aspects.of(this).add(new IcaTags(config.tags));

    const caller = new DataAwsCallerIdentity(this, 'current');
    const accountId = caller.accountId;
    this.principal = this.createPrincipal(config);
    this.principalArn = this.principal.principalArn;

    const keyArns = new Map<string, string>();
    const refs: PolicyRefs = {
      accountId,
      icaPrincipalArn: this.principalArn,
      kmsKeyArn: (bucket: ResolvedBucket) => keyArns.get(bucket.name),
      oidcProviderArn: this.principal instanceof IcaRoleCredential ? this.principal.oidcProviderArn : undefined,
      // aws:PrincipalArn of an assumed-role session (SSO, HCP Terraform dynamic credentials) is the role's ARN.
      deployerArn: exemptsDeployer(config) ? new DataAwsIamSessionContext(this, 'deployer', { arn: caller.arn }).issuerArn : undefined,
    };

    const kmsKeys = new Map<string, IcaKmsKey>();
    const buckets = new Map<string, IcaS3ConnectBucket>();
    for (const bucket of config.buckets) {
      if (bucket.encryption.type === 'SSE-KMS') {
        let keyArn = bucket.encryption.kmsKeyArn;
        if (keyArn === undefined) {
          const key = new IcaKmsKey(this, `kms-${bucket.name}`, {
            aliasName: kmsAliasName(config, bucket),
            description: `SSE-KMS key of S3 bucket ${bucket.name}, used by Illumina Connected Analytics`,
            policy: kmsKeyPolicy(config, refs).toString(),
            tags: bucket.tags,
          });
          kmsKeys.set(bucket.name, key);
          keyArn = key.key.arn;
        }
        keyArns.set(bucket.name, keyArn);
      }
      buckets.set(bucket.name, this.connectBucket(config, bucket, refs, accountId, endpointUrl));
    }
    this.buckets = buckets;
    this.kmsKeys = kmsKeys;

    new IcaDataProtection(this, 'data-protection', {
      bucketNames: protectedBuckets(config).map((bucket) => bucket.name),
      kmsKeyArns: Object.fromEntries(protectedKeyBuckets(config).map((bucket) => [bucket.name, keyArns.get(bucket.name) as string])),
    });

    // One managed policy, or as many as IAM's size limit needs (the first keeps its construct id).
    this.permissionPolicies = permissionPolicies(config, refs).map((document, index) => new IamPolicy(this, index === 0 ? 'permission-policy' : `permission-policy-${index + 1}`, {
      name: permissionPolicyName(config, index),
      description: RESOURCE_DESCRIPTIONS.permissionPolicy,
      policy: document.toString(),
    }));
    this.principal.attachPolicies(this.permissionPolicies.map((policy) => policy.arn));

    const accessKey = this.principal instanceof IcaUserCredential ? this.principal.activeAccessKey : undefined;
    const credential = this.principal instanceof IcaUserCredential
      ? accessKey?.id ?? NO_ACCESS_KEY_CREDENTIAL
      : this.principalArn;
    this.storageConfigurations = storageConfigurations(config, { ...refs, credential });
    const store = secretStoreTarget(config);
    // With a pgpKey the provider holds only the encrypted secret, which is no use in a store.
    if (accessKey && store && !(config.credential.method === 'user' && config.credential.pgpKey)) {
      this.secretStore = new IcaSecretStore(this, 'secret-store', { ...store, accessKeyId: accessKey.id, secretAccessKey: accessKey.secret });
    }

    if (props.provider) {
      const provider = props.provider;
      this.node.findAll().filter(usesAwsProvider).forEach((node) => { node.provider = provider; });
    }
    // At synth, not here: the stack's default provider may be added after the connection.
    this.node.addValidation({ validate: () => this.providerRegionProblems(props.provider) });
  }

  /** The resolved config; a config as the file holds it is validated first, every problem reported at once. */
  private resolve(config: IcaS3ConnectConfig): ResolvedConfig {
    if (isResolvedConfig(config)) return config;
    const result = validateConfig(config);
    if (!result.ok) throw new IcaS3ConnectPropsError(result.problems);
    for (const warning of result.warnings) Annotations.of(this).addWarning(warning);
    return result.config;
  }

  private createPrincipal(config: ResolvedConfig): IcaRoleCredential | IcaUserCredential {
    const credential = config.credential;
    if (credential.method === 'user') {
      return new IcaUserCredential(this, 'ica-user', {
        userName: credential.userName,
        accessKeyLabels: accessKeyLabels(config),
        pgpKey: credential.pgpKey,
      });
    }
    return new IcaRoleCredential(this, 'ica-role', {
      oidc: config.oidc!,
      sessionNamePrefix: credential.sessionNamePrefix,
      roleName: credential.roleName,
      oidcProvider: credential.oidcProvider,
    });
  }

  private connectBucket(config: ResolvedConfig, bucket: ResolvedBucket, refs: PolicyRefs, accountId: string, endpointUrl: string | undefined): IcaS3ConnectBucket {
    const kmsKeyArn = refs.kmsKeyArn(bucket);
    const restore = needsRestoreOnDestroy(config, bucket)
      ? new IcaAdoptedBucketRestore(this, `adopted-${bucket.name}`, {
        bucketName: bucket.name,
        region: config.region.awsRegion,
        accountId,
        readsLivePolicy: mergesLivePolicy(config, bucket),
        keptCorsConfiguration: keptCorsConfiguration(bucket),
        endpointUrl,
      })
      : undefined;
    const resources = new IcaBucket(this, `bucket-${bucket.name}`, {
      bucketName: bucket.name,
      existing: bucket.existing,
      manage: bucket.existing ? bucket.manage : undefined,
      keptCorsRules: bucket.keepCorsRules,
      corsDependsOn: restore ? [restore.resource] : undefined,
      prefixes: bucket.prefixes,
      versioning: bucket.versioning,
      kmsKeyArn,
      corsAllowedOrigins: config.corsAllowedOrigins,
      blockPublicAccess: bucket.blockPublicAccess,
      objectOwnership: bucket.objectOwnership,
      forceDestroy: bucket.forceDestroy,
      tags: bucket.tags,
    });
    const document = bucketPolicy(config, bucket, refs);
    // An adopted bucket's other statements first, as they were; ICA's (replacing any of its own Sids) after them.
    const merged = document && restore?.keptStatements
      ? Fn.jsonencode({ Version: PolicyDocument.VERSION, Statement: Fn.concat([restore.keptStatements, document.toJSON().Statement]) })
      : undefined;
    const policy = document
      ? new S3BucketPolicy(this, `bucket-policy-${bucket.name}`, {
        bucket: resources.bucketId,
        policy: merged ?? document.toString(),
        dependsOn: restore ? [restore.resource] : undefined,
        // validate measured ICA's statements; the kept ones are known only at plan.
        lifecycle: merged
          ? { precondition: [{ condition: Op.lte(Fn.lengthOf(merged), AWS_QUOTAS.bucketPolicyBytes.value), errorMessage: mergedBucketPolicySizeMessage(bucket.name) }] }
          : undefined,
      })
      : undefined;
    return { name: bucket.name, arn: resources.bucketArn, resources, policy, kmsKeyArn };
  }

  /** The provider the resources use must be in the ICA region's AWS region, or the storage configuration would name the wrong one. */
  private providerRegionProblems(explicit: AwsProvider | undefined): string[] {
    const provider = explicit ?? TerraformStack.of(this).node.findAll()
      .find((node): node is AwsProvider => node instanceof AwsProvider && node.alias === undefined);
    const region = provider?.region;
    const expected = this.config.region.awsRegion;
    if (!provider || region === undefined || Token.isUnresolved(region) || region === expected) return [];
    return [`provider: the AWS provider ${provider.node.path} is in ${region}, but ICA region ${this.config.region.code} keeps its data in ${expected}; give IcaS3Connect an AWS provider with region "${expected}" as provider`];
  }
}
