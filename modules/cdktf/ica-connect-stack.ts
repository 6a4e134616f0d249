import { Construct } from 'constructs';
import { Aspects, CloudBackend, Fn, Op, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { keptCorsConfiguration, mergesLivePolicy, needsRestoreOnDestroy } from '../core/adoption';
import { emulatorProviderSettings, normaliseEndpointUrl } from '../core/emulator';
import { PolicyDocument } from '../core/policy';
import {
  PolicyRefs, bucketPolicy, exemptsDeployer, kmsAliasName, kmsKeyPolicy, permissionPolicies, permissionPolicyName, storageConfigurations,
} from '../core/policies';
import { protectedBuckets, protectedKeyBuckets } from '../core/protection';
import { mergedBucketPolicySizeMessage } from '../core/quota-checks';
import { AWS_QUOTAS } from '../core/quotas';
import { accessKeyLabels, secretStoreTarget } from '../core/secrets';
import { ResolvedBucket, ResolvedConfig } from '../core/validate';
import { IcaAdoptedBucketRestore } from './ica-adopted-bucket-restore';
import { IcaBucket } from './ica-bucket';
import { IcaPrincipal, IcaRoleCredential, IcaUserCredential } from './ica-credentials';
import { IcaDataProtection } from './ica-data-protection';
import { IcaKmsKey } from './ica-kms-key';
import { IcaTags } from './ica-tags';
import { IcaSecretStore } from './ica-secret-store';

export interface IcaConnectStackProps {
  /** The validated config (from `loadConfigFile` or `resolveConfig`). */
  readonly config: ResolvedConfig;
  /**
   * Send every AWS call to this URL (moto, LocalStack) instead of AWS.
   * @default - real AWS
   */
  readonly endpointUrl?: string;
  /**
   * Where the local backend keeps state (ignored for s3 and cloud backends).
   * @default - cdktf's default: terraform.<stack>.tfstate in the directory synth runs from
   */
  readonly localStatePath?: string;
}

/**
 * Everything one config asks for: buckets, KMS keys, the permission policy, the ICA user or
 * role, bucket policies, and the outputs ICA's storage configuration form needs.
 */
export class IcaConnectStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: IcaConnectStackProps) {
    super(scope, id);
    const { config } = props;
    const endpointUrl = props.endpointUrl === undefined ? undefined : normaliseEndpointUrl(props.endpointUrl);
    this.configureBackend(config, props.localStatePath);
    new AwsProvider(this, 'aws', {
      region: config.region.awsRegion,
      ...(endpointUrl ? this.emulatorSettings(endpointUrl) : {}),
    });
    Aspects.of(this).add(new IcaTags(config.tags));
    const caller = new DataAwsCallerIdentity(this, 'current');
    const accountId = caller.accountId;
    const principal = this.createPrincipal(config);

    const keyArns = new Map<string, string>();
    const refs: PolicyRefs = {
      accountId,
      icaPrincipalArn: principal.principalArn,
      kmsKeyArn: (bucket: ResolvedBucket) => keyArns.get(bucket.name),
      oidcProviderArn: principal instanceof IcaRoleCredential ? principal.oidcProviderArn : undefined,
      // aws:PrincipalArn of an assumed-role session (SSO, HCP Terraform dynamic credentials) is the role's ARN.
      deployerArn: exemptsDeployer(config) ? new DataAwsIamSessionContext(this, 'deployer', { arn: caller.arn }).issuerArn : undefined,
    };

    for (const bucket of config.buckets) {
      if (bucket.encryption.type === 'SSE-KMS') {
        const keyArn = bucket.encryption.kmsKeyArn ?? new IcaKmsKey(this, `kms-${bucket.name}`, {
          aliasName: kmsAliasName(config, bucket),
          description: `SSE-KMS key of S3 bucket ${bucket.name}, used by Illumina Connected Analytics`,
          policy: kmsKeyPolicy(config, refs).toString(),
          tags: bucket.tags,
        }).key.arn;
        keyArns.set(bucket.name, keyArn);
      }
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
      const icaBucket = new IcaBucket(this, `bucket-${bucket.name}`, {
        bucketName: bucket.name,
        existing: bucket.existing,
        manage: bucket.existing ? bucket.manage : undefined,
        keptCorsRules: bucket.keepCorsRules,
        corsDependsOn: restore ? [restore.resource] : undefined,
        prefixes: bucket.prefixes,
        versioning: bucket.versioning,
        kmsKeyArn: keyArns.get(bucket.name),
        corsAllowedOrigins: config.corsAllowedOrigins,
        blockPublicAccess: bucket.blockPublicAccess,
        objectOwnership: bucket.objectOwnership,
        forceDestroy: bucket.forceDestroy,
        tags: bucket.tags,
      });
      const policy = bucketPolicy(config, bucket, refs);
      if (policy) {
        // An adopted bucket's other statements first, as they were; ICA's (replacing any of its own Sids) after them.
        const merged = restore?.keptStatements
          ? Fn.jsonencode({ Version: PolicyDocument.VERSION, Statement: Fn.concat([restore.keptStatements, policy.toJSON().Statement]) })
          : undefined;
        new S3BucketPolicy(this, `bucket-policy-${bucket.name}`, {
          bucket: icaBucket.bucketId,
          policy: merged ?? policy.toString(),
          dependsOn: restore ? [restore.resource] : undefined,
          // validate measured ICA's statements; the kept ones are known only at plan.
          lifecycle: merged
            ? { precondition: [{ condition: Op.lte(Fn.lengthOf(merged), AWS_QUOTAS.bucketPolicyBytes.value), errorMessage: mergedBucketPolicySizeMessage(bucket.name) }] }
            : undefined,
        });
      }
    }

    new IcaDataProtection(this, 'data-protection', {
      bucketNames: protectedBuckets(config).map((bucket) => bucket.name),
      kmsKeyArns: Object.fromEntries(protectedKeyBuckets(config).map((bucket) => [bucket.name, keyArns.get(bucket.name) as string])),
    });

    // One managed policy, or as many as IAM's size limit needs (the first keeps its construct id).
    const permission = permissionPolicies(config, refs).map((document, index) => new IamPolicy(this, index === 0 ? 'permission-policy' : `permission-policy-${index + 1}`, {
      name: permissionPolicyName(config, index),
      description: 'Access Illumina Connected Analytics needs to its S3 storage (managed by ica-s3-connect).',
      policy: document.toString(),
    }));
    principal.attachPolicies(permission.map((policy) => policy.arn));
    this.addOutputs(config, refs, principal);
  }

  private configureBackend(config: ResolvedConfig, localStatePath: string | undefined): void {
    const backend = config.backend;
    if (backend.type === 's3') {
      const s3 = new S3Backend(this, { bucket: backend.bucket, key: backend.key, region: backend.region });
      // cdktf 0.21 predates S3 native locking in its typed config; Terraform >= 1.10 reads it.
      if (backend.useLockfile) s3.addOverride('use_lockfile', true);
    } else if (backend.type === 'cloud') {
      new CloudBackend(this, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: backend.workspace !== undefined
          ? new NamedCloudWorkspace(backend.workspace)
          : new TaggedCloudWorkspaces(backend.workspaceTags ?? []),
      });
    } else {
      new LocalBackend(this, { path: localStatePath });
    }
  }

  private emulatorSettings(endpointUrl: string) {
    const settings = emulatorProviderSettings(endpointUrl);
    return {
      endpoints: [settings.endpoints],
      skipCredentialsValidation: settings.skipCredentialsValidation,
      skipRequestingAccountId: settings.skipRequestingAccountId,
      skipMetadataApiCheck: String(settings.skipMetadataApiCheck),
      s3UsePathStyle: settings.s3UsePathStyle,
    };
  }

  private createPrincipal(config: ResolvedConfig): IcaPrincipal {
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

  private addOutputs(config: ResolvedConfig, refs: PolicyRefs, principal: IcaPrincipal): void {
    const accessKey = principal instanceof IcaUserCredential ? principal.activeAccessKey : undefined;
    const credential = principal instanceof IcaUserCredential
      ? accessKey?.id ?? 'create an access key for the user (createAccessKey is false)'
      : principal.principalArn;
    new TerraformOutput(this, 'storage_configurations', {
      description: "One entry per bucket prefix: the values of ICA's storage configuration form.",
      value: storageConfigurations(config, { ...refs, credential }),
    });
    new TerraformOutput(this, 'principal_arn', {
      description: 'ARN of the IAM user or role ICA uses.',
      value: principal.principalArn,
    });
    if (!(principal instanceof IcaUserCredential) || !accessKey) return;
    new TerraformOutput(this, 'access_key_id', {
      description: 'Id of the active access key (the last label) for the ICA storage credential (AWS_USER).',
      value: accessKey.id,
    });
    new TerraformOutput(this, 'access_key_ids', {
      description: 'Every access key id by label; during a rotation the old key is still listed here.',
      value: Object.fromEntries([...principal.accessKeys].map(([label, key]) => [label, key.id])),
    });
    if (config.credential.method === 'user' && config.credential.pgpKey) {
      new TerraformOutput(this, 'encrypted_secret_access_key', {
        description: 'The active secret access key, encrypted with pgpKey (decrypt with: base64 -d | gpg -d).',
        value: accessKey.encryptedSecret,
      });
      return;
    }
    new TerraformOutput(this, 'secret_access_key', {
      description: 'Secret of the active access key for the ICA storage credential. Read it with: terraform output -raw secret_access_key',
      value: accessKey.secret,
      sensitive: true,
    });
    const store = secretStoreTarget(config);
    if (store) {
      const stored = new IcaSecretStore(this, 'secret-store', { ...store, accessKeyId: accessKey.id, secretAccessKey: accessKey.secret });
      new TerraformOutput(this, 'secret_store_arn', {
        description: `ARN of the ${store.type === 'ssm' ? 'SSM parameter' : 'Secrets Manager secret'} holding the active access key as JSON.`,
        value: stored.arn,
      });
    }
  }
}
