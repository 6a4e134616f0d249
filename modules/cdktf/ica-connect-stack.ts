import { Construct } from 'constructs';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { emulatorProviderSettings, normaliseEndpointUrl } from '../core/emulator';
import { OUTPUT_DESCRIPTIONS } from '../core/renderer-literals';
import { secretStoreTarget } from '../core/secrets';
import { ResolvedConfig } from '../core/validate';
import { IcaUserCredential } from './ica-credentials';
import { IcaS3Connect, IcaS3ConnectConfig } from './ica-s3-connect';

export interface IcaConnectStackProps {
  /**
   * The config: as the file holds it (validated here), or resolved by `loadConfigFile` or
   * `resolveConfig`. Its `backend` is the stack's backend.
   */
  readonly config: IcaS3ConnectConfig;
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
 * A stack of its own for one config: the config's backend, an AWS provider in the ICA region's
 * AWS region, the connection (`IcaS3Connect`), and the outputs ICA's storage configuration form
 * needs.
 */
export class IcaConnectStack extends TerraformStack {
  /** The connection: every resource of the stack. */
  readonly connection: IcaS3Connect;

  constructor(scope: Construct, id: string, props: IcaConnectStackProps) {
    super(scope, id);
    const endpointUrl = props.endpointUrl === undefined ? undefined : normaliseEndpointUrl(props.endpointUrl);
    // cdktf leaves the id "Default" out of logical ids: the resources keep the addresses they had
    // before the connection was a construct of its own, so an upgrade replaces no bucket.
    this.connection = new IcaS3Connect(this, 'Default', { config: props.config, endpointUrl });
    const config = this.connection.config;
    this.configureBackend(config, props.localStatePath);
    new AwsProvider(this, 'aws', {
      region: config.region.awsRegion,
      ...(endpointUrl ? this.emulatorSettings(endpointUrl) : {}),
    });
    this.addOutputs(this.connection);
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

  private addOutputs(connection: IcaS3Connect): void {
    const { config, principal } = connection;
    new TerraformOutput(this, 'storage_configurations', {
      description: OUTPUT_DESCRIPTIONS.storage_configurations,
      value: connection.storageConfigurations,
    });
    new TerraformOutput(this, 'principal_arn', {
      description: OUTPUT_DESCRIPTIONS.principal_arn,
      value: connection.principalArn,
    });
    const accessKey = principal instanceof IcaUserCredential ? principal.activeAccessKey : undefined;
    if (!(principal instanceof IcaUserCredential) || !accessKey) return;
    new TerraformOutput(this, 'access_key_id', {
      description: OUTPUT_DESCRIPTIONS.access_key_id,
      value: accessKey.id,
    });
    new TerraformOutput(this, 'access_key_ids', {
      description: OUTPUT_DESCRIPTIONS.access_key_ids,
      value: Object.fromEntries([...principal.accessKeys].map(([label, key]) => [label, key.id])),
    });
    if (config.credential.method === 'user' && config.credential.pgpKey) {
      new TerraformOutput(this, 'encrypted_secret_access_key', {
        description: OUTPUT_DESCRIPTIONS.encrypted_secret_access_key,
        value: accessKey.encryptedSecret,
      });
      return;
    }
    new TerraformOutput(this, 'secret_access_key', {
      description: OUTPUT_DESCRIPTIONS.secret_access_key,
      value: accessKey.secret,
      sensitive: true,
    });
    if (secretStoreTarget(config) && connection.secretStore) {
      new TerraformOutput(this, 'secret_store_arn', {
        description: OUTPUT_DESCRIPTIONS.secret_store_arn,
        value: connection.secretStore.arn,
      });
    }
  }
}
