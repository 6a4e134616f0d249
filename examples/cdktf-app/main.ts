/**
 * A cdktf app of a platform team's own (its stack, provider, S3 backend and tags) that adds the
 * ICA connection with IcaS3Connect and grants its own auditors read access to the ICA role.
 */
import { App, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IcaS3Connect } from 'ica-s3-connect';

class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new S3Backend(this, { bucket: 'platform-terraform-state', key: 'platform/terraform.tfstate', region: 'us-east-1' });
    // ICA region US keeps its data in us-east-1: the provider of the connection must be there.
    new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { owner: 'platform' } }] });

    // The same object as an ica.config.json file, checked by the compiler and, at synth, by the
    // rules of `ica-s3 validate`. Its backend is ignored: this stack's S3 backend keeps the state.
    const ica = new IcaS3Connect(this, 'ica', {
      config: {
        name: 'platform-ica',
        icaRegion: 'US',
        credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
        buckets: [{ name: 'platform-ica-data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS' } }],
      },
    });

    // A resource of the platform's own, wired to the connection's attributes.
    new IamPolicy(this, 'audit-ica', {
      name: 'platform-audit-ica',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: ica.principalArn }] }),
    });
    new TerraformOutput(this, 'ica_storage_configurations', { value: ica.storageConfigurations });
  }
}

const app = new App();
new PlatformStack(app, 'platform');
app.synth();
