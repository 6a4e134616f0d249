/**
 * Adopting an existing bucket, without terraform: the config rules, what the CDKTF constructs
 * create for an adopted bucket, and how `ica-s3 adopt` reads a bucket into its config entry.
 * The applied behaviour on moto is in test/adoption/adoption.e2e.test.ts.
 */
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { DataAwsS3BucketPolicy } from '@cdktf/provider-aws/lib/data-aws-s3-bucket-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { PROTECTION_RESOURCES } from '../../modules/core/protection';
import { mergedBucketPolicySizeMessage } from '../../modules/core/quota-checks';
import { AWS_QUOTAS } from '../../modules/core/quotas';
import { IcaBucket } from '../../modules/cdktf/ica-bucket';
import { IcaConnectStack } from '../../modules/cdktf/ica-connect-stack';
import { main } from '../../modules/cli/index';
import {
  OWN_BUCKET_POLICY_SIDS, RESTORE_CHECK_COMMAND, RESTORE_COMMAND, RESTORE_INPUT_ENVIRONMENT, keptCorsConfiguration,
} from '../../modules/core/adoption';
import { SID } from '../../modules/core/ica-policies';
import { RULES, RuleId } from '../../modules/core/rule-catalogue';
import { ConfigProblem, ResolvedConfig, resolveConfig, validateConfig } from '../../modules/core/validate';
import { adoptedConfig, planAdoption } from '../../modules/adoption/adopt';
import { BucketFacts, KeyFacts } from '../../modules/aws/facts';
import { absent, ok, unreadable } from '../../modules/aws/fact';

type Json = Record<string, any>;

const THEIR_RULE = { ID: 'their-app', AllowedMethods: ['GET' as const], AllowedOrigins: ['https://app.example.com'] };

function config(bucket: Json, extra: Json = {}): Json {
  return {
    name: 'acme-ica', icaRegion: 'US', credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
    buckets: [{ name: 'acme-ica-data', prefixes: ['ica/'], ...bucket }], ...extra,
  };
}

/** The config's problems; a catalogue rule's problem says the rule's words and gives its fix. */
function problemList(raw: Json): ConfigProblem[] {
  const result = validateConfig(raw);
  if (result.ok) return [];
  for (const problem of result.problems) {
    expect(problem.fix.trim()).not.toBe('');
    if (!problem.rule.startsWith('schema.')) {
      expect(problem.message).toContain(RULES[problem.rule].message);
      expect(problem.fix).toBe(RULES[problem.rule].fix);
    }
  }
  return result.problems;
}

/** The config's problems as [path, rule id]. */
function problemsOf(raw: Json): [string, RuleId][] {
  return problemList(raw).map((problem) => [problem.path, problem.rule]);
}

describe('config rules', () => {
  test('an adopted bucket with its settings, policy and kept CORS rules is valid; manage is resolved', () => {
    const result = validateConfig(config({ existing: true, manage: ['cors', 'versioning'], existingPolicy: true, keepCorsRules: [THEIR_RULE] }));
    expect(result.ok).toBe(true);
    const bucket = (result as { config: ResolvedConfig }).config.buckets[0];
    // Resolved in the one canonical order, whatever order the config lists them in.
    expect(bucket.manage).toEqual(['versioning', 'cors']);
    expect(bucket.keepCorsRules).toEqual([THEIR_RULE]);
  });

  test('an adopted bucket manages nothing unless listed, and a new bucket manages everything', () => {
    expect(resolveConfig(config({ existing: true })).buckets[0].manage).toEqual([]);
    expect(resolveConfig(config({})).buckets[0].manage).toEqual(['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership']);
  });

  test.each(['manage', 'existingPolicy', 'keepCorsRules'])('%s on a bucket that is not existing', (field) => {
    const value = { manage: ['cors'], existingPolicy: true, keepCorsRules: [THEIR_RULE] }[field];
    expect(problemsOf(config({ [field]: value }))).toEqual([[`buckets[0].${field}`, 'adoption.existing-only']]);
  });

  test('a setting listed twice in manage', () => {
    const problems = problemList(config({ existing: true, manage: ['cors', 'cors'] }));
    expect(problems.map((problem) => [problem.path, problem.rule])).toEqual([['buckets[0].manage[1]', 'adoption.manage-unique']]);
    expect(problems[0].message).toContain('"cors"');
  });

  test('an unknown setting in manage', () => {
    expect(problemsOf(config({ existing: true, manage: ['lifecycle'] }))[0][0]).toBe('buckets[0].manage[0]');
  });

  test('forceDestroy on an existing bucket', () => {
    expect(problemsOf(config({ existing: true, forceDestroy: true }))).toEqual([['buckets[0].forceDestroy', 'adoption.force-destroy']]);
  });

  test('a created KMS key for an existing bucket whose encryption is not managed', () => {
    expect(problemsOf(config({ existing: true, encryption: { type: 'SSE-KMS' } }))).toEqual([
      ['buckets[0].encryption', 'adoption.new-key-unmanaged'],
    ]);
    expect(problemsOf(config({ existing: true, manage: ['encryption'], encryption: { type: 'SSE-KMS' } }))).toEqual([]);
  });

  test('keepCorsRules without "cors" in manage', () => {
    expect(problemsOf(config({ existing: true, keepCorsRules: [THEIR_RULE] }))).toEqual([
      ['buckets[0].keepCorsRules', 'adoption.kept-cors-unmanaged'],
    ]);
  });

  test('more CORS rules than S3 allows next to ICA\'s', () => {
    const rules = Array.from({ length: 100 }, (_, index) => ({ ...THEIR_RULE, ID: `rule-${index}` }));
    const problems = problemList(config({ existing: true, manage: ['cors'], keepCorsRules: rules }));
    expect(problems.map((problem) => [problem.path, problem.rule])).toEqual([['buckets[0].keepCorsRules', 'adoption.kept-cors-count']]);
    expect(problems[0].message).toContain('(100 rules and ICA\'s)');
  });

  test.each<[string, Json, string, RuleId]>([
    ['an origin with an interpolation', { AllowedOrigins: ['https://${var.x}'] }, 'buckets[0].keepCorsRules[0].AllowedOrigins[0]', 'kept-cors-origin.pattern'],
    ['a header with a template directive', { AllowedHeaders: ['%{if true}x'] }, 'buckets[0].keepCorsRules[0].AllowedHeaders[0]', 'kept-cors-header.pattern'],
    ['an unknown method', { AllowedMethods: ['PATCH'] }, 'buckets[0].keepCorsRules[0].AllowedMethods[0]', 'schema.enum'],
    ['no origins', { AllowedOrigins: [] }, 'buckets[0].keepCorsRules[0].AllowedOrigins', 'schema.too-small'],
    ['a negative MaxAgeSeconds', { MaxAgeSeconds: -1 }, 'buckets[0].keepCorsRules[0].MaxAgeSeconds', 'schema.too-small'],
    ['an unknown key', { Origin: 'x' }, 'buckets[0].keepCorsRules[0].Origin', 'schema.unknown-key'],
  ])('a kept CORS rule with %s', (_, patch, path, rule) => {
    expect(problemsOf(config({ existing: true, manage: ['cors'], keepCorsRules: [{ ...THEIR_RULE, ...patch }] }))).toEqual([[path, rule]]);
  });

  test('an adopted bucket without "cors" warns that ICA\'s browser uploads need the rule', () => {
    const result = validateConfig(config({ existing: true }));
    expect(result.warnings).toEqual([expect.stringMatching(/^buckets\[0\]\.manage: "cors" is not listed.*browser uploads/)]);
  });
});

describe('CDKTF', () => {
  const synthOf = (raw: Json) => Testing.synth(new IcaConnectStack(Testing.app(), 'stack', { config: resolveConfig(raw) }));

  test('IcaBucket, existing with nothing managed: a data source, the folder objects, nothing else', () => {
    const synth = Testing.synthScope((scope) => { new IcaBucket(scope, 'bucket', { bucketName: 'acme-ica-data', prefixes: ['ica/'], existing: true }); });
    expect(synth).toHaveDataSourceWithProperties(DataAwsS3Bucket, { bucket: 'acme-ica-data' });
    expect(synth).not.toHaveResource(S3Bucket);
    for (const type of [S3BucketServerSideEncryptionConfigurationA, S3BucketCorsConfiguration, S3BucketOwnershipControls, S3BucketPublicAccessBlock, S3BucketVersioningA]) {
      expect(synth).not.toHaveResource(type);
    }
    const folder = Object.values(JSON.parse(synth).resource[S3Object.tfResourceType] as Json)[0];
    expect(folder).toMatchObject({ for_each: { 'ica/': 'ica/' }, key: '${each.key}', content: '', bucket: expect.stringMatching(/^\$\{data\.aws_s3_bucket\./) });
    expect(folder.depends_on).toBeUndefined();
  });

  test('IcaBucket, existing with every setting managed: the same resources as a new bucket, kept CORS rules first', () => {
    const synth = Testing.synthScope((scope) => {
      new IcaBucket(scope, 'bucket', {
        bucketName: 'acme-ica-data', prefixes: ['ica/'], existing: true, versioning: 'Enabled',
        manage: ['versioning', 'encryption', 'cors', 'publicAccessBlock', 'ownership'], keptCorsRules: [{ ...THEIR_RULE, MaxAgeSeconds: 600 }],
      });
    });
    for (const type of [S3BucketServerSideEncryptionConfigurationA, S3BucketOwnershipControls, S3BucketPublicAccessBlock, S3BucketVersioningA]) {
      expect(synth).toHaveResource(type);
    }
    const cors = Object.values(JSON.parse(synth).resource[S3BucketCorsConfiguration.tfResourceType] as Json)[0];
    expect(cors.cors_rule[0]).toEqual({ id: 'their-app', allowed_methods: ['GET'], allowed_origins: ['https://app.example.com'], max_age_seconds: 600 });
    expect(cors.cors_rule[1].allowed_origins).toEqual(['https://ica.illumina.com']);
  });

  test.each([
    ['manage without existing', { manage: ['cors'] }, `manage: ${RULES['adoption.existing-only'].message}; fix: ${RULES['adoption.existing-only'].fix}`],
    ['kept CORS rules without managed CORS', { existing: true, keptCorsRules: [THEIR_RULE] }, `keptCorsRules: ${RULES['adoption.kept-cors-unmanaged'].message}; fix: ${RULES['adoption.kept-cors-unmanaged'].fix}`],
    ['forceDestroy on an existing bucket', { existing: true, forceDestroy: true }, `forceDestroy: ${RULES['adoption.force-destroy'].message}; fix: ${RULES['adoption.force-destroy'].fix}`],
  ])('IcaBucket refuses %s, naming the prop and the fix', (_, props, message) => {
    expect(() => Testing.synthScope((scope) => {
      new IcaBucket(scope, 'bucket', { bucketName: 'acme-ica-data', prefixes: ['ica/'], ...(props as object) });
    })).toThrow(message);
  });

  test('the stack merges the live policy: other statements first, ICA\'s Sids replaced, restore resource with the core\'s commands', () => {
    const synth = synthOf(config({ existing: true, manage: ['cors'], existingPolicy: true, keepCorsRules: [THEIR_RULE] }, { bucketPolicy: { crossAccountCopy: true } }));
    const json = JSON.parse(synth) as Json;
    expect(synth).toHaveDataSourceWithProperties(DataAwsS3BucketPolicy, { bucket: 'acme-ica-data' });
    const [keptName, keptExpression] = Object.entries(json.locals as Json)[0];
    expect(keptExpression).toContain(`if !contains(${JSON.stringify(OWN_BUCKET_POLICY_SIDS)}, try(statement.Sid, ""))`);
    expect(OWN_BUCKET_POLICY_SIDS).toEqual([SID.restrictToIca, SID.crossAccountCopy]);

    const [restoreName, restore] = Object.entries(json.resource.terraform_data as Json)[0] as [string, Json];
    expect(restore.input).toMatchObject({ bucket: 'acme-ica-data', region: 'us-east-1', kept_cors: keptCorsConfiguration(resolveConfig(config({ existing: true, manage: ['cors'], keepCorsRules: [THEIR_RULE] })).buckets[0]) });
    expect(restore.input.kept_policy).toContain(`length(local.${keptName}) > 0`);
    const environment = Object.fromEntries(Object.entries(RESTORE_INPUT_ENVIRONMENT).map(([key, name]) => [name, `\${self.input.${key}}`]));
    expect(restore.provisioner).toEqual([
      { 'local-exec': { command: RESTORE_CHECK_COMMAND, environment } },
      { 'local-exec': { command: RESTORE_COMMAND, environment, when: 'destroy' } },
    ]);

    const policy = Object.values(json.resource[S3BucketPolicy.tfResourceType] as Json)[0];
    expect(policy.policy).toMatch(new RegExp(`^\\$\\{jsonencode\\(\\{"Version" = "2012-10-17", "Statement" = concat\\(local\\.${keptName}, \\[\\{"Sid" = "IcaCrossAccountCopy"`));
    // The kept statements are known only at plan: the plan stops when the merged policy is over S3's limit.
    expect(policy.lifecycle.precondition).toEqual([{
      condition: `\${(length(${policy.policy.slice(2, -1)}) <= ${AWS_QUOTAS.bucketPolicyBytes.value})}`,
      error_message: mergedBucketPolicySizeMessage('acme-ica-data'),
    }]);
    // Destroy deletes the merged documents before the restore puts the others back.
    expect(policy.depends_on).toEqual([`terraform_data.${restoreName}`]);
    const cors = Object.values(json.resource[S3BucketCorsConfiguration.tfResourceType] as Json)[0];
    expect(cors.depends_on).toEqual([`terraform_data.${restoreName}`]);
  });

  test('an adopted bucket without a policy before: no data source, ICA\'s policy alone, nothing to put back', () => {
    const synth = synthOf(config({ existing: true }, { bucketPolicy: { crossAccountCopy: true } }));
    const json = JSON.parse(synth) as Json;
    expect(synth).not.toHaveDataSource(DataAwsS3BucketPolicy);
    const restore = Object.values(json.resource.terraform_data as Json).find((resource) => resource.provisioner) as Json;
    expect(restore.input).toMatchObject({ kept_policy: '', kept_cors: '' });
    const policy = Object.values(json.resource[S3BucketPolicy.tfResourceType] as Json)[0];
    expect(JSON.parse(policy.policy).Statement.map((statement: Json) => statement.Sid)).toEqual([SID.crossAccountCopy]);
    // validate measured this policy already.
    expect(policy.lifecycle).toBeUndefined();
  });

  test('an adopted bucket with nothing this tool writes a document for gets no restore resource', () => {
    // Only the data protection resources, which every stack has.
    expect(Object.keys(JSON.parse(synthOf(config({ existing: true }))).resource.terraform_data).sort()).toEqual(Object.values(PROTECTION_RESOURCES).sort());
  });
});

describe('ica-s3 adopt planning', () => {
  const resolved = resolveConfig(config({ existing: true, manage: ['cors'] }));
  const icaRule = { AllowedHeaders: ['*'], AllowedMethods: ['PUT', 'GET', 'HEAD', 'POST', 'DELETE'], AllowedOrigins: ['https://ica.illumina.com'], ExposeHeaders: ['x-amz-meta-custom-header', 'ETag'] };
  const facts = (patch: Partial<BucketFacts> = {}): BucketFacts => ({
    name: 'acme-ica-data', exists: ok(true), region: ok('us-east-1'), notifications: ok({ entries: [], eventBridge: false }),
    cors: ok([THEIR_RULE, icaRule]), versioning: ok('Enabled'), encryption: ok({ algorithm: 'AES256' }),
    ownership: ok('BucketOwnerEnforced'), publicAccess: absent('none'),
    policy: ok(JSON.stringify({ Statement: [{ Sid: 'TheirRead' }, { Sid: SID.crossAccountCopy }] })),
    ...patch,
  });
  const raw = { name: 'acme-ica-data', prefixes: ['ica/'], manage: ['cors'] };

  test('the other statements and CORS rules are recorded; ICA\'s own are recognised; unmanaged versioning and encryption are read', () => {
    const result = planAdoption(resolved, raw, facts());
    expect(result.problems).toEqual([]);
    expect(result.bucket).toEqual({ ...raw, existing: true, existingPolicy: true, keepCorsRules: [THEIR_RULE], versioning: 'Enabled', encryption: { type: 'SSE-S3' } });
  });

  test('a policy of only ICA\'s statements, no CORS: nothing to keep', () => {
    const result = planAdoption(resolved, raw, facts({ policy: ok(JSON.stringify({ Statement: { Sid: SID.restrictToIca } })), cors: absent('NoSuchCORSConfiguration') }));
    expect(result.bucket).toMatchObject({ existingPolicy: false });
    expect(result.bucket).not.toHaveProperty('keepCorsRules');
  });

  test('CORS not managed: the rules stay, and a missing ICA rule is pointed out', () => {
    const result = planAdoption(resolved, { ...raw, manage: [] }, facts({ cors: ok([THEIR_RULE]) }));
    expect(result.bucket).not.toHaveProperty('keepCorsRules');
    expect(result.notes.join('\n')).toMatch(/ICA's rule is missing: browser uploads in ICA need it/);
  });

  test('a customer key is recorded by its ARN; the AWS managed key cannot be shared', () => {
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(planAdoption(resolved, raw, facts({ encryption: ok({ algorithm: 'aws:kms', kmsKeyId: keyArn }) })).bucket?.encryption).toEqual({ type: 'SSE-KMS', kmsKeyArn: keyArn });
    expect(planAdoption(resolved, raw, facts({ encryption: ok({ algorithm: 'aws:kms' }) })).problems).toEqual([expect.stringMatching(/AWS managed key aws\/s3/)]);
  });

  test('a bucket with S3\'s default encryption, into an entry that asks SSE-KMS: the entry says SSE-S3 and validates', () => {
    const rawConfig = config({ encryption: { type: 'SSE-KMS' } });
    const asked = rawConfig.buckets[0];
    const result = planAdoption(resolveConfig(rawConfig), asked, facts({ encryption: ok({ algorithm: 'AES256' }) }));
    expect(result.problems).toEqual([]);
    expect(result.bucket).toMatchObject({ existing: true, encryption: { type: 'SSE-S3' } });
    expect(result.notes).toContain('encryption: not managed; the bucket uses SSE-S3 (AES256), S3\'s default');
    expect(adoptedConfig(rawConfig, 0, result.bucket!)).toEqual({ config: expect.anything() });
    // Handed over, the encryption stays as asked: the apply sets the key.
    const handedOver = planAdoption(resolveConfig(rawConfig), { ...asked, manage: ['encryption'] }, facts({ encryption: ok({ algorithm: 'AES256' }) }));
    expect(adoptedConfig(rawConfig, 0, handedOver.bucket!)).toEqual({ config: expect.anything() });
    expect(handedOver.bucket?.encryption).toEqual({ type: 'SSE-KMS' });
  });

  test('a setting it cannot read and must copy: the one key and the choice are named, nothing written', () => {
    const result = planAdoption(resolved, raw, facts({ versioning: unreadable('AccessDenied (HTTP 403)') }));
    expect(result.bucket).toBeUndefined();
    expect(result.problems).toEqual(['buckets[0].versioning: could not read the bucket\'s versioning (s3:GetBucketVersioning) (AccessDenied (HTTP 403)), so adopt cannot copy it: '
      + 'set buckets[0].versioning to "Enabled", "Suspended" or "Disabled" as the bucket has it, or add "versioning" to buckets[0].manage to have the apply set it']);
  });

  const awsS3Key = 'arn:aws:kms:us-east-1:123456789012:key/0000aaaa-0000-0000-0000-000000000000';
  const described = (keyId: string, metadata: KeyFacts['metadata']): KeyFacts => ({ keyId, metadata, policy: absent('-'), grants: absent('-') });
  test.each([
    ['by its alias', 'alias/aws/s3', ok({ arn: awsS3Key, region: 'us-east-1', state: 'Enabled', manager: 'AWS' })],
    ['by its alias ARN (not describable)', 'arn:aws:kms:us-east-1:123456789012:alias/aws/s3', unreadable<never>('AccessDeniedException (HTTP 400)')],
    ['by a key ARN that kms:DescribeKey says AWS manages', awsS3Key, ok({ arn: awsS3Key, region: 'us-east-1', state: 'Enabled', manager: 'AWS' })],
  ])('the AWS managed key named %s is refused like the implicit one', (_, kmsKeyId, metadata) => {
    const result = planAdoption(resolved, raw, facts({ encryption: ok({ algorithm: 'aws:kms', kmsKeyId }), key: described(kmsKeyId, metadata) }));
    expect(result.bucket).toBeUndefined();
    expect(result.problems).toEqual([`the bucket uses the AWS managed key aws/s3 (named as ${kmsKeyId}), which cannot be shared with ICA: add "encryption" to manage, or switch the bucket to SSE-S3 or a customer key`]);
  });

  test.each([
    ['a missing bucket', { exists: absent<true>('NoSuchBucket') }, /does not exist; remove "existing"/],
    ['a bucket in another region', { region: ok('eu-west-1') }, /is in eu-west-1, but ICA region US uses us-east-1/],
    ['a policy that is not JSON', { policy: ok('{not json') }, /the bucket policy is not valid JSON/],
  ])('%s cannot be adopted', (_, patch, message) => {
    const result = planAdoption(resolved, raw, facts(patch as Partial<BucketFacts>));
    expect(result.bucket).toBeUndefined();
    expect(result.problems).toEqual([expect.stringMatching(message)]);
  });
});

describe('ica-s3 adopt command', () => {
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const status = await main(['adopt', ...args], { log: (text) => lines.push(text), error: (text) => lines.push(text) });
    return { status, output: lines.join('\n') };
  };

  test('without --bucket: misuse, exit 2 with the usage', async () => {
    const { status, output } = await run(['-c', 'ica.config.json']);
    expect(status).toBe(2);
    expect(output).toMatch(/--bucket is required[\s\S]*Usage: ica-s3 adopt/);
  });

  test('a bucket the config does not list: exit 1 and what to do', async () => {
    const { status, output } = await run(['-c', 'ica.config.json', '-b', 'not-listed']);
    expect(status).toBe(1);
    expect(output).toMatch(/no bucket named "not-listed"; add it to "buckets"/);
  });
});
