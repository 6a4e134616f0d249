/**
 * IcaS3Connect, the construct a cdktf app of one's own adds to its stacks, and the guarantee that
 * IcaConnectStack, now built on it, synthesizes the resource addresses it always had (a renamed
 * address is a bucket Terraform destroys and creates again). In memory, no terraform.
 */
import { DefaultTokenResolver, StringConcat, Testing, TerraformStack, Tokenization } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { IcaConnectStack } from '../../modules/cdktf/ica-connect-stack';
import { IcaS3Connect, IcaS3ConnectProps, IcaS3ConnectPropsError } from '../../modules/cdktf/ica-s3-connect';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { formatProblems, resolveConfig, validateConfig } from '../../modules/core/validate';

type Json = Record<string, any>;

const BROUGHT_KEY = 'arn:aws:kms:eu-central-1:123456789012:key/0f0e0d0c-0b0a-4998-8776-655443322110';

/** Role method, a created SSE-KMS key, a bucket policy with the deployer exempted, and an adopted bucket whose policy and CORS rules are merged. */
const ROLE_CONFIG: IcaConfigInput = {
  name: 'acme-ica',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
  buckets: [
    { name: 'acme-ica-data', prefixes: ['ica/', 'runs/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } },
    {
      name: 'acme-ica-archive',
      prefixes: ['ica-projects/'],
      existing: true,
      manage: ['cors'],
      existingPolicy: true,
      keepCorsRules: [{ ID: 'portal', AllowedMethods: ['GET'], AllowedOrigins: ['https://portal.example.org'] }],
      encryption: { type: 'SSE-S3' },
    },
  ],
  bucketPolicy: { restrictToIca: true },
  tags: { team: 'genomics' },
};

/** User method with two access keys and an SSM store, a brought KMS key. */
const USER_CONFIG: IcaConfigInput = {
  name: 'acme-ica-user',
  icaRegion: 'EU',
  credential: { method: 'user', accessKeys: ['old', 'new'], secretStore: { type: 'ssm' } },
  buckets: [{ name: 'acme-ica-user-data', prefixes: ['ica-data/'], encryption: { type: 'SSE-KMS', kmsKeyArn: BROUGHT_KEY } }],
};

/** ROLE_CONFIG's addresses, as IcaConnectStack synthesized them before IcaS3Connect existed. */
const ROLE_ADDRESSES = [
  'aws_iam_openid_connect_provider.ica-role_oidc-provider_D5D18767',
  'aws_iam_policy.permission-policy',
  'aws_iam_role.ica-role_88F78CB3',
  'aws_iam_role_policy_attachment.ica-role_policy-attachment_E2509464',
  'aws_kms_alias.kms-acme-ica-data_alias_92EE3120',
  'aws_kms_key.kms-acme-ica-data_key_71BB06FD',
  'aws_s3_bucket.bucket-acme-ica-data_bucket_8D4EAC6E',
  'aws_s3_bucket_cors_configuration.bucket-acme-ica-archive_cors_34BDCAF1',
  'aws_s3_bucket_cors_configuration.bucket-acme-ica-data_cors_A674F384',
  'aws_s3_bucket_ownership_controls.bucket-acme-ica-data_ownership_35A1DF41',
  'aws_s3_bucket_policy.bucket-policy-acme-ica-archive',
  'aws_s3_bucket_policy.bucket-policy-acme-ica-data',
  'aws_s3_bucket_public_access_block.bucket-acme-ica-data_public-access-block_3F733AA6',
  'aws_s3_bucket_server_side_encryption_configuration.bucket-acme-ica-data_encryption_E928B45D',
  'aws_s3_bucket_versioning.bucket-acme-ica-data_versioning_AB0C155B',
  'aws_s3_object.bucket-acme-ica-archive_folder_92E8640D',
  'aws_s3_object.bucket-acme-ica-data_folder_04E19FA6',
  'data.aws_caller_identity.current',
  'data.aws_iam_session_context.deployer',
  'data.aws_s3_bucket.bucket-acme-ica-archive_bucket_AB4C1798',
  'data.aws_s3_bucket_policy.adopted-acme-ica-archive_current-policy_9465E383',
  'local.adopted-acme-ica-archive_kept-statements_6A882911',
  'output.principal_arn',
  'output.storage_configurations',
  'terraform_data.adopted-acme-ica-archive_restore_81F3363E',
  'terraform_data.bucket_holds_data',
  'terraform_data.kms_key_encrypts_data',
];
/** USER_CONFIG's addresses, likewise. */
const USER_ADDRESSES = [
  'aws_iam_access_key.ica-user_access-key-new_4BF49549',
  'aws_iam_access_key.ica-user_access-key-old_3BB1E976',
  'aws_iam_policy.permission-policy',
  'aws_iam_user.ica-user_56DBDA87',
  'aws_iam_user_policy_attachment.ica-user_policy-attachment_D927231D',
  'aws_s3_bucket.bucket-acme-ica-user-data_bucket_8BE55DF0',
  'aws_s3_bucket_cors_configuration.bucket-acme-ica-user-data_cors_9DDC49FC',
  'aws_s3_bucket_ownership_controls.bucket-acme-ica-user-data_ownership_39160134',
  'aws_s3_bucket_public_access_block.bucket-acme-ica-user-data_public-access-block_A2B256AD',
  'aws_s3_bucket_server_side_encryption_configuration.bucket-acme-ica-user-data_encryption_6EFE5198',
  'aws_s3_object.bucket-acme-ica-user-data_folder_47D962DE',
  'aws_ssm_parameter.secret-store_parameter_B3CB0384',
  'data.aws_caller_identity.current',
  'output.access_key_id',
  'output.access_key_ids',
  'output.principal_arn',
  'output.secret_access_key',
  'output.secret_store_arn',
  'output.storage_configurations',
  'terraform_data.bucket_holds_data',
  'terraform_data.kms_key_encrypts_data',
];

/** A token as the synthesized JSON spells it (`${aws_iam_role.<id>.arn}`). */
function resolved(stack: TerraformStack, value: unknown): string {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) }) as string;
}

/** Every address of a synthesized stack: resources, data sources, locals and outputs. */
function addressesOf(synth: string): string[] {
  const stack = JSON.parse(synth) as Json;
  return [
    ...Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName as Json).map((name) => `${type}.${name}`)),
    ...Object.entries(stack.data ?? {}).flatMap(([type, byName]) => Object.keys(byName as Json).map((name) => `data.${type}.${name}`)),
    ...Object.keys(stack.locals ?? {}).map((name) => `local.${name}`),
    ...Object.keys(stack.output ?? {}).map((name) => `output.${name}`),
  ].sort();
}

/** Every resource and data source of a synthesized stack, by address. */
function blocksOf(synth: string): Map<string, Json> {
  const stack = JSON.parse(synth) as Json;
  return new Map([
    ...Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.entries(byName as Json).map(([name, block]): [string, Json] => [`${type}.${name}`, block])),
    ...Object.entries(stack.data ?? {}).flatMap(([type, byName]) => Object.entries(byName as Json).map(([name, block]): [string, Json] => [`data.${type}.${name}`, block])),
  ]);
}

/** A stack of a user's own: its provider (optionally more), the connection, and a policy of its own granting the ICA principal. */
function userStack(props: Omit<IcaS3ConnectProps, 'provider'> & { readonly providers?: 'one' | 'two'; readonly providerRegion?: string }) {
  const stack = new TerraformStack(Testing.app(), 'platform');
  new AwsProvider(stack, 'aws', { region: props.providerRegion ?? 'us-east-1' });
  const icaProvider = props.providers === 'two' ? new AwsProvider(stack, 'aws-ica', { alias: 'ica', region: 'us-east-1' }) : undefined;
  const ica = new IcaS3Connect(stack, 'ica', { config: props.config, endpointUrl: props.endpointUrl, provider: icaProvider });
  new S3Bucket(stack, 'own-bucket', { bucket: 'platform-logs', tags: { owner: 'platform' } });
  new IamPolicy(stack, 'own-policy', {
    name: 'platform-reads-ica',
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: ica.principalArn }] }),
  });
  return { stack, ica };
}

describe('IcaConnectStack keeps the resource addresses it had before IcaS3Connect', () => {
  test('role method, created key, bucket policy, adopted bucket', () => {
    const synth = Testing.synth(new IcaConnectStack(Testing.app(), 'acme-ica', { config: resolveConfig(ROLE_CONFIG) }));
    expect(addressesOf(synth)).toEqual(ROLE_ADDRESSES);
  });

  test('user method, two access keys, SSM store, brought key', () => {
    const synth = Testing.synth(new IcaConnectStack(Testing.app(), 'acme-ica-user', { config: resolveConfig(USER_CONFIG) }));
    expect(addressesOf(synth)).toEqual(USER_ADDRESSES);
  });

  test('the config as the file holds it synthesizes the same stack as the resolved config', () => {
    const raw = Testing.synth(new IcaConnectStack(Testing.app(), 'acme-ica', { config: ROLE_CONFIG }));
    const resolved = Testing.synth(new IcaConnectStack(Testing.app(), 'acme-ica', { config: resolveConfig(ROLE_CONFIG) }));
    expect(raw).toEqual(resolved);
  });
});

describe('IcaS3Connect in a stack of one\'s own', () => {
  test('the stack\'s default provider: no resource names a provider; addresses carry the construct id', () => {
    const { stack } = userStack({ config: ROLE_CONFIG });
    const synth = Testing.synth(stack);
    const blocks = blocksOf(synth);
    for (const [address, block] of blocks) expect([address, block.provider]).toEqual([address, undefined]);
    const connection = [...blocks.keys()].filter((address) => !address.endsWith('.own-bucket') && !address.endsWith('.own-policy'));
    // cdktf's logical ids: the construct id first; the protection resources keep their fixed names.
    for (const address of connection) {
      expect(address).toMatch(/^(data\.)?\w+\.(ica_\S+_[0-9A-F]{8}|bucket_holds_data|kms_key_encrypts_data)$/);
    }
    expect(JSON.parse(synth).provider.aws).toHaveLength(1);
  });

  test('a policy of one\'s own references the ICA principal ARN', () => {
    const { stack, ica } = userStack({ config: ROLE_CONFIG });
    const own = blocksOf(Testing.synth(stack)).get('aws_iam_policy.own-policy')!;
    expect(JSON.parse(own.policy).Statement[0].Resource).toBe(resolved(stack, ica.principalArn));
    expect(resolved(stack, ica.principalArn)).toMatch(/^\$\{aws_iam_role\.ica_ica-role_\w+\.arn\}$/);
  });

  test('the config\'s tags go on the connection\'s resources, not on the stack\'s others', () => {
    const { stack } = userStack({ config: ROLE_CONFIG });
    const blocks = blocksOf(Testing.synth(stack));
    expect(blocks.get('aws_s3_bucket.own-bucket')!.tags).toEqual({ owner: 'platform' });
    const key = [...blocks].find(([address]) => address.startsWith('aws_kms_key.'))![1];
    expect(key.tags).toEqual({ team: 'genomics' });
  });

  test('an explicit provider: every AWS resource and data source of the connection uses it, the stack\'s own keep the default', () => {
    const { stack } = userStack({ config: ROLE_CONFIG, providers: 'two' });
    const blocks = blocksOf(Testing.synth(stack));
    const [aws, builtIn] = [...blocks].reduce<[string[], string[]]>(([onAws, other], [address]) => (
      address.startsWith('terraform_data.') ? [onAws, [...other, address]] : [[...onAws, address], other]), [[], []]);
    for (const address of aws.filter((address) => !address.includes('.own-'))) expect([address, blocks.get(address)!.provider]).toEqual([address, 'aws.ica']);
    expect(blocks.get('aws_s3_bucket.own-bucket')!.provider).toBeUndefined();
    expect(blocks.get('aws_iam_policy.own-policy')!.provider).toBeUndefined();
    // terraform_data belongs to Terraform's built-in provider.
    expect(builtIn.length).toBeGreaterThan(0);
    for (const address of builtIn) expect(blocks.get(address)!.provider).toBeUndefined();
  });

  test('a provider in another region than the ICA region\'s fails the synth, naming the fix', () => {
    const { stack } = userStack({ config: ROLE_CONFIG, providerRegion: 'eu-west-1' });
    expect(() => Testing.synth(stack, true)).toThrow(/is in eu-west-1, but ICA region US keeps its data in us-east-1; give IcaS3Connect an AWS provider with region "us-east-1"/);
  });

  test('a stack holds one connection', () => {
    const { stack } = userStack({ config: ROLE_CONFIG });
    expect(() => new IcaS3Connect(stack, 'second', { config: USER_CONFIG })).toThrow(/already holds one/);
  });

  test('invalid props throw one error listing every problem with its path, as validate prints them', () => {
    const raw = {
      ...ROLE_CONFIG,
      icaRegion: 'Atlantis',
      buckets: [{ name: 'Bad_Bucket', prefixes: ['/root/'] }],
      credential: { method: 'role' },
    };
    const expected = validateConfig(raw);
    expect(expected.ok).toBe(false);
    const problems = expected.ok ? [] : expected.problems;
    expect(problems.length).toBeGreaterThanOrEqual(3);
    let thrown: unknown;
    try {
      userStack({ config: raw as IcaConfigInput });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IcaS3ConnectPropsError);
    const error = thrown as IcaS3ConnectPropsError;
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe(`Invalid IcaS3Connect props: the config has ${problems.length} problems:\n${formatProblems(problems)}`);
    for (const path of ['icaRegion', 'credential.sessionNamePrefix', 'buckets[0].name', 'buckets[0].prefixes[0]']) expect(error.message).toContain(`  ${path}: `);
  });
});

describe('IcaS3Connect attributes', () => {
  test('role method: principal, buckets by name, the created key, the permission policy, the storage configuration values', () => {
    const { stack, ica } = userStack({ config: ROLE_CONFIG });
    const ref = (value: unknown) => resolved(stack, value);
    expect(ica.config.region.awsRegion).toBe('us-east-1');
    expect(ref(ica.principalArn)).toBe(ref(ica.principal.principalArn));
    expect([...ica.buckets.keys()]).toEqual(['acme-ica-data', 'acme-ica-archive']);
    const data = ica.buckets.get('acme-ica-data')!;
    expect(ref(data.arn)).toMatch(/^\$\{aws_s3_bucket\.ica_bucket-acme-ica-data_bucket_\w+\.arn\}$/);
    expect(data.resources.versioning).toBeDefined();
    expect(data.policy).toBeDefined();
    expect([...ica.kmsKeys.keys()]).toEqual(['acme-ica-data']);
    expect(ref(data.kmsKeyArn)).toBe(ref(ica.kmsKeys.get('acme-ica-data')!.key.arn));
    const archive = ica.buckets.get('acme-ica-archive')!;
    expect(ref(archive.arn)).toMatch(/^\$\{data\.aws_s3_bucket\.ica_bucket-acme-ica-archive_bucket_\w+\.arn\}$/);
    expect(archive.resources.cors).toBeDefined();
    expect(archive.resources.encryption).toBeUndefined();
    expect(archive.kmsKeyArn).toBeUndefined();
    expect(ica.permissionPolicies.map((policy) => policy.nameInput)).toEqual(['illumina-ica-admin-policy']);
    expect(ica.secretStore).toBeUndefined();
    expect(ica.storageConfigurations.map((values) => [values.bucketName, values.keyPrefix, values.region, values.credentialType, values.serverSideEncryptionAlgorithm]))
      .toEqual([
        ['acme-ica-data', 'ica/', 'us-east-1', 'AWS_ROLE', 'aws:kms'],
        ['acme-ica-data', 'runs/', 'us-east-1', 'AWS_ROLE', 'aws:kms'],
        ['acme-ica-archive', 'ica-projects/', 'us-east-1', 'AWS_ROLE', 'AES256'],
      ]);
    expect(ref(ica.storageConfigurations[0].credential)).toBe(ref(ica.principalArn));
    expect(ref(ica.storageConfigurations[0].serverSideEncryptionKey)).toBe(ref(data.kmsKeyArn));
  });

  test('user method: the active access key is the credential, a brought key is no created key, the store exists', () => {
    const stack = new TerraformStack(Testing.app(), 'platform');
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    const ica = new IcaS3Connect(stack, 'ica', { config: USER_CONFIG });
    const ref = (value: unknown) => resolved(stack, value);
    expect(ref(ica.principalArn)).toMatch(/^\$\{aws_iam_user\.ica_ica-user_\w+\.arn\}$/);
    expect(ica.kmsKeys.size).toBe(0);
    expect(ica.buckets.get('acme-ica-user-data')!.kmsKeyArn).toBe(BROUGHT_KEY);
    expect(ica.buckets.get('acme-ica-user-data')!.policy).toBeUndefined();
    expect(ica.secretStore).toBeDefined();
    const principal = ica.principal as { activeAccessKey?: { id: string } };
    expect(ica.storageConfigurations).toEqual([expect.objectContaining({
      bucketName: 'acme-ica-user-data', region: 'eu-central-1', credentialType: 'AWS_USER', serverSideEncryptionKey: BROUGHT_KEY,
    })]);
    expect(ref(ica.storageConfigurations[0].credential)).toBe(ref(principal.activeAccessKey!.id));
  });
});
