/**
 * The proof that the generated Terraform does what the CDKTF stack does, for every config of the
 * pairwise matrix in ./matrix.ts (role/user x Enabled/Suspended/Disabled x SSE-S3/created
 * key/given key x bucket policy off/restrictToIca/crossAccountCopy/both x tagging x one/several
 * buckets and prefixes), against one moto server:
 *
 * 1. `terraform plan -out` + `show -json` of both renderers: per config the same resource types
 *    with the same planned values, the same attributes left unknown until apply, and only creates;
 * 2. both saved plans applied (the CDKTF one, then, after moto is reset, the generated one) and the
 *    states compared the same way: now every value is known, so the policies that reference ARNs
 *    (permission policy, trust policy, bucket policies with the restrictToIca Deny, KMS key
 *    policies) are compared after parsing, with only random ids renamed;
 * 3. the outputs after apply (storage_configurations, principal_arn, access keys, secrets).
 *
 * Any difference fails the config's test and names the resource and the attribute. All configs go
 * through one harness per renderer (./harness.ts), so the whole matrix costs two plans and two
 * applies. The buckets case c9 adopts exist in moto before the plan, with an object, a policy
 * statement and a CORS rule of someone else's; the applies run its restore resource's AWS CLI check
 * against moto.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptCorsConfiguration } from '../../modules/core/adoption';
import { PROTECTION_HINT, protectionAddresses } from '../../modules/core/protection';
import { resolveConfig, ResolvedConfig } from '../../modules/core/validate';
import { terraform, terraformOk } from '../support/terraform';
import {
  Comparable, ShowJson, comparableResources, outputDifferences, resourceDifferences, stableStringify, stateTokens,
} from './compare';
import {
  awsCliEnvironment, buildCdktfHarness, buildGeneratedHarness, createExistingBuckets, createOidcProvider, initOk, showJson,
} from './harness';
import { MotoServer, startMoto } from '../support/moto';
import { ACCOUNT, EXISTING_BUCKETS, EXISTING_OIDC_ISSUER, FOREIGN_CORS_RULE, FOREIGN_STATEMENT, MATRIX } from './matrix';

/** The identity moto answers GetCallerIdentity with. */
const MOTO_CALLER_ARN = 'arn:aws:sts::123456789012:user/moto';

const scratch = mkdtempSync(join(tmpdir(), 'ica-equivalence-'));
const configs: Record<string, ResolvedConfig> = Object.fromEntries(Object.entries(MATRIX).map(([id, config]) => [id, resolveConfig(config)]));
const ids = Object.keys(configs);

let moto: MotoServer | undefined;
const shown: Partial<Record<'cdktfPlan' | 'generatedPlan' | 'cdktfState' | 'generatedState', ShowJson>> = {};

beforeAll(async () => {
  moto = await startMoto({ enforceBucketPolicies: false });
  await createOidcProvider(moto.url, EXISTING_OIDC_ISSUER);
  await createExistingBuckets(moto.url, EXISTING_BUCKETS);
  const cdktfDir = join(scratch, 'cdktf');
  const generatedDir = join(scratch, 'generated');
  buildCdktfHarness(cdktfDir, configs, moto.url);
  await buildGeneratedHarness(generatedDir, configs, moto.url);
  await initOk(cdktfDir);
  await initOk(generatedDir);

  await Promise.all([
    terraformOk(cdktfDir, ['plan', '-input=false', '-out=tfplan']),
    terraformOk(generatedDir, ['plan', '-input=false', '-out=tfplan']),
  ]);
  [shown.cdktfPlan, shown.generatedPlan] = await Promise.all([showJson(cdktfDir, 'tfplan'), showJson(generatedDir, 'tfplan')]);

  // The same moto account for both, one after the other: the names are the same.
  await terraformOk(cdktfDir, ['apply', '-input=false', 'tfplan'], awsCliEnvironment(moto.url));
  shown.cdktfState = await showJson(cdktfDir);
  await moto.reset();
  await createOidcProvider(moto.url, EXISTING_OIDC_ISSUER);
  await createExistingBuckets(moto.url, EXISTING_BUCKETS);
  await terraformOk(generatedDir, ['apply', '-input=false', 'tfplan'], awsCliEnvironment(moto.url));
  shown.generatedState = await showJson(generatedDir);
});

afterAll(async () => {
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function resources(which: keyof typeof shown, id: string): Comparable[] {
  const show = shown[which];
  if (!show) throw new Error(`no ${which}: see the beforeAll failure`);
  return comparableResources(show, which.startsWith('cdktf') ? 'cdktf' : 'generated', id);
}

const title = (id: string) => `${id} (${MATRIX[id].credential.method}, ${MATRIX[id].buckets.length} bucket${MATRIX[id].buckets.length > 1 ? 's' : ''})`;

describe.each(ids.map((id) => [title(id), id]))('%s', (_title, id) => {
  test('plans the same resources, values and unknowns on both paths', () => {
    const cdktf = resources('cdktfPlan', id);
    expect(cdktf.length).toBeGreaterThan(8);
    expect(resourceDifferences(cdktf, resources('generatedPlan', id))).toEqual([]);
  });

  test('holds the same resources and values after apply, policies included', () => {
    const cdktf = resources('cdktfState', id);
    expect(resourceDifferences(cdktf, resources('generatedState', id))).toEqual([]);
    // The comparison saw real documents: the permission policy is known after apply.
    const policy = cdktf.find((resource) => resource.type === 'aws_iam_policy')?.values.policy as { Statement: unknown[] };
    expect(policy.Statement.length).toBeGreaterThanOrEqual(3);
  });

  test('gives the same outputs after apply', () => {
    const cdktf = shown.cdktfState?.values?.outputs?.[id]?.value as Record<string, unknown>;
    const generated = shown.generatedState?.values?.outputs?.[id]?.value as Record<string, unknown>;
    expect(cdktf.storage_configurations).toBeDefined();
    expect(outputDifferences(cdktf, generated,
      stateTokens(shown.cdktfState as ShowJson, 'cdktf', id), stateTokens(shown.generatedState as ShowJson, 'generated', id))).toEqual([]);
  });
});

test('the restrictToIca Deny of the generated module exempts the ICA role, federated users, the admins, Illumina\'s cross-account role and the deployer', () => {
  const policies = resources('generatedState', 'c1').filter((resource) => resource.type === 'aws_s3_bucket_policy');
  expect(policies).toHaveLength(3);
  for (const policy of policies) {
    const deny = (policy.values.policy as { Statement: { Sid: string; Condition: { ArnNotLike: Record<string, string[]> } }[] }).Statement
      .find((statement) => statement.Sid === 'IcaRestrictObjectAccess');
    expect(deny?.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::079623148045:role/ica_use1_crossacct',
      'arn:aws:iam::123456789012:role/Admin',
      'arn:aws:iam::123456789012:role/Illumina_ICA_Role',
      'arn:aws:sts::123456789012:assumed-role/Ops/*',
      'arn:aws:sts::123456789012:federated-user/*',
      // The principal running Terraform, as aws_iam_session_context reads moto's caller.
      MOTO_CALLER_ARN,
    ]);
  }
});

test('c8: the Secrets Manager secret holds the active key id and secret (read after the generated apply)', async () => {
  const outputs = shown.generatedState?.values?.outputs?.c8?.value as Record<string, string>;
  const secrets = new SecretsManagerClient({ endpoint: moto?.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const stored = await secrets.send(new GetSecretValueCommand({ SecretId: 'eq-c8/ica-access-key' }));
  expect(JSON.parse(stored.SecretString ?? '{}')).toEqual({ accessKeyId: outputs.access_key_id, secretAccessKey: outputs.secret_access_key });
  expect(outputs.secret_access_key.length).toBeGreaterThan(10);
});

test('renaming a bucket that may hold data stops the generated module\'s plan, naming the bucket, its key and the release', async () => {
  const generatedDir = join(scratch, 'generated');
  const rootPath = join(generatedDir, 'main.tf.json');
  const root = readFileSync(rootPath, 'utf8');
  const renamed = JSON.parse(root) as { module: Record<string, { buckets: { name: string }[] }> };
  expect(renamed.module.c3.buckets[0].name).toBe('eq-c3-data');
  renamed.module.c3.buckets[0].name = 'eq-c3-renamed';
  writeFileSync(rootPath, JSON.stringify(renamed));
  try {
    const plan = await terraform(generatedDir, ['plan', '-input=false', '-refresh=false', '-target=module.c3']);
    expect(plan.code).toBe(1);
    // Terraform wraps its messages at 78 columns, not the quoted source line.
    for (const address of protectionAddresses('eq-c3-data', 'module.c3.module.ica_s3_connect.')) {
      expect(plan.stderr.replace(/\s+/g, ' ')).toContain(`${address} has lifecycle.prevent_destroy`);
    }
    // Terraform quotes the resource's first line, which points at the release.
    expect(plan.stderr).toContain(PROTECTION_HINT);
  } finally {
    writeFileSync(rootPath, root);
  }
});

describe('c9: adopted buckets in the generated module', () => {
  const byType = (type: string) => resources('generatedState', 'c9').filter((resource) => resource.type === type);
  const buckets = (type: string) => byType(type).map((resource) => resource.values.bucket).sort();

  test('are read, not created; only the managed settings are written; the folders are created', () => {
    expect(buckets('aws_s3_bucket')).toEqual(['eq-c9-new']);
    expect(buckets('aws_s3_bucket_cors_configuration')).toEqual(['eq-c9-adopted', 'eq-c9-new']);
    expect(buckets('aws_s3_bucket_versioning')).toEqual(['eq-c9-adopted', 'eq-c9-new']);
    expect(buckets('aws_s3_bucket_public_access_block')).toEqual(['eq-c9-adopted', 'eq-c9-new']);
    expect(buckets('aws_s3_bucket_server_side_encryption_configuration')).toEqual(['eq-c9-new']);
    expect(buckets('aws_s3_bucket_ownership_controls')).toEqual(['eq-c9-new']);
    expect(buckets('aws_s3_object')).toEqual(['eq-c9-adopted', 'eq-c9-adopted', 'eq-c9-bare', 'eq-c9-new']);
  });

  test('keep the other policy statement and CORS rule beside ICA\'s, and record them for the restore as the core writes them', () => {
    const policy = byType('aws_s3_bucket_policy').find((resource) => resource.values.bucket === 'eq-c9-adopted')?.values.policy as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((statement) => statement.Sid).sort()).toEqual(['IcaCrossAccountCopy', FOREIGN_STATEMENT.Sid]);
    const cors = byType('aws_s3_bucket_cors_configuration').find((resource) => resource.values.bucket === 'eq-c9-adopted')?.values.cors_rule as { id: string }[];
    // cors_rule is a set to the aws provider: the state keeps no order.
    expect(cors.map((rule) => rule.id).sort()).toEqual(['', FOREIGN_CORS_RULE.ID]);
    const inputs = byType('terraform_data').filter((resource) => resource.address.includes('adopted_bucket_restore')).map((resource) => resource.values.input as Record<string, string>)
      .sort((a, b) => a.bucket.localeCompare(b.bucket));
    const adopted = configs.c9.buckets.find((bucket) => bucket.name === 'eq-c9-adopted');
    expect(inputs).toEqual([
      {
        bucket: 'eq-c9-adopted', region: 'us-east-1', account_id: ACCOUNT,
        // jsonencode writes object keys sorted, as stableStringify does.
        kept_policy: stableStringify({ Version: '2012-10-17', Statement: [FOREIGN_STATEMENT] }),
        // Byte for byte the core's text: the module writes it with jsonencode in the config's key order.
        kept_cors: keptCorsConfiguration(adopted!),
      },
      { bucket: 'eq-c9-bare', region: 'us-east-1', account_id: ACCOUNT, kept_policy: '', kept_cors: '' },
    ]);
  });
});
