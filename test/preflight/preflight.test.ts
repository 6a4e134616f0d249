/**
 * `ica-s3 preflight` without AWS: every decision fed with facts (one conflict at a time against
 * a clean account), the import addresses against the generated module's template, the state
 * shapes --state takes, the lazily loaded clients' read-only guard, and the command's help,
 * misuse and --json shape.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutParameterCommand, DescribeParametersCommand } from '@aws-sdk/client-ssm';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { main } from '../../modules/cli/index';
import { IcaConfigInput } from '../../modules/core/config-schema';
import { ResolvedConfig, resolveConfig } from '../../modules/core/validate';
import { SimulatedDecision, simulationKey } from '../../modules/aws/access';
import { AwsReadClients, MutatingCallRefused } from '../../modules/aws/clients';
import {
  DeployerFacts, applyRequirements, arnLike, callerPrincipal, checkDeployerExempt, checkDeployerPermissions,
} from '../../modules/preflight/checks/deployer';
import {
  BucketPreflightFacts, GENERATED_MODULE, ManagedResource, parseState, plannedResources,
} from '../../modules/preflight/checks/resources';
import { checksJson } from '../../modules/account-report/run';
import { PreflightFacts, formatPreflightReport, preflightChecks, preflightReport } from '../../modules/preflight/run';
import { CheckResult } from '../../modules/account-report/checks';
import { absent, ok, unreadable } from '../../modules/aws/fact';

const ACCOUNT = '111122223333';
const DEPLOYER_ROLE = `arn:aws:iam::${ACCOUNT}:role/team/Deployer`;
const DEPLOYER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/alice`;

const roleInput: IcaConfigInput = {
  name: 'pre',
  icaRegion: 'US',
  credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
  buckets: [{ name: 'pre-data', prefixes: ['ica/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
  bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
  tags: { team: 'genomics' },
};
const userInput: IcaConfigInput = {
  name: 'pre-user',
  icaRegion: 'EU',
  credential: { method: 'user', secretStore: { type: 'ssm' } },
  buckets: [{ name: 'pre-user-data', prefixes: ['ica/'] }],
};

const config = (input: IcaConfigInput = roleInput, change: Partial<IcaConfigInput> = {}): ResolvedConfig => resolveConfig({ ...input, ...change });
const withBucket = (bucket: Record<string, unknown>, input: IcaConfigInput = roleInput) => config(input, { buckets: [{ ...input.buckets[0], ...bucket } as IcaConfigInput['buckets'][number]] });

const deployer = (change: Partial<DeployerFacts> = {}): DeployerFacts => ({
  callerArn: DEPLOYER_SESSION, kind: 'role', principalArn: DEPLOYER_ROLE, simulation: ok(new Map()), ...change,
});

/** An account where the config's first apply finds every name free and may do everything. */
function cleanFacts(resolved: ResolvedConfig): PreflightFacts {
  const allowed = new Map(applyRequirements(resolved, ACCOUNT, deployer()).map((requirement) => [simulationKey(requirement), 'allowed' as const]));
  return {
    accountId: ACCOUNT,
    deployer: deployer({ simulation: ok(allowed) }),
    buckets: resolved.buckets.map((bucket) => ({ name: bucket.name, owner: absent('NotFound') })),
    ...(resolved.oidc ? { oidcProvider: absent('no provider for this URL') } : {}),
    resources: plannedResources(resolved, ACCOUNT).map((resource) => ({ resource, existing: absent('NoSuchEntity') })),
  };
}

const ownBucket = (name: string, region = 'us-east-1', versioning: 'Enabled' | 'Suspended' | 'Disabled' = 'Enabled'): BucketPreflightFacts =>
  ({ name, owner: ok('this account'), region: ok(region), versioning: ok(versioning) });

/** Facts with the named resource (by check id and name) found in the account. */
function withExisting(facts: PreflightFacts, id: string, arn: string, extra: { note?: string; conflictError?: string } = {}, name?: string): PreflightFacts {
  return {
    ...facts,
    resources: facts.resources.map((entry) => (entry.resource.id === id && (name === undefined || entry.resource.name === name)
      ? { ...entry, existing: ok({ arn, ...extra }) } : entry)),
  };
}

function checksOf(resolved: ResolvedConfig, facts: PreflightFacts, state?: ManagedResource[]): CheckResult[] {
  return preflightChecks(resolved, facts, { emulated: false, state });
}

/** The one check with this id (and subject). */
function only(checks: CheckResult[], id: string, subject?: string): CheckResult {
  const found = checks.filter((check) => check.id === id && (subject === undefined || check.subject === subject));
  expect(found).toHaveLength(1);
  return found[0];
}

const failures = (checks: CheckResult[]) => checks.filter((check) => check.status === 'FAIL').map((check) => check.id);

describe('a clean account', () => {
  test('role method: every check passes, in report order', () => {
    const resolved = config();
    const checks = checksOf(resolved, cleanFacts(resolved));
    expect(checks.map((check) => `${check.status} ${check.id} ${check.subject}`)).toEqual([
      `PASS aws.account ${ACCOUNT}`,
      'PASS bucket.name pre-data',
      `PASS iam.oidc-provider ${resolved.oidc!.url}`,
      'PASS iam.role Illumina_ICA_Role',
      'PASS iam.policy illumina-ica-admin-policy',
      'PASS kms.alias alias/pre/pre-data',
      `PASS deployer.permissions ${DEPLOYER_ROLE}`,
    ]);
    expect(only(checks, 'aws.account').found).toBe(`deploying to account ${ACCOUNT} as ${DEPLOYER_SESSION} (aws:PrincipalArn ${DEPLOYER_ROLE})`);
    expect(preflightReport(checks).ok).toBe(true);
  });

  test('user method with an SSM secret store', () => {
    const resolved = config(userInput);
    const checks = checksOf(resolved, cleanFacts(resolved));
    expect(failures(checks)).toEqual([]);
    expect(checks.map((check) => check.id)).toEqual(['aws.account', 'bucket.name', 'iam.user', 'iam.policy', 'ssm.parameter', 'deployer.permissions']);
  });
});

describe('buckets', () => {
  test('a name another account owns: choose another', () => {
    const resolved = config();
    const check = only(checksOf(resolved, { ...cleanFacts(resolved), buckets: [{ name: 'pre-data', owner: ok('another account') }] }), 'bucket.name');
    expect(check).toMatchObject({ status: 'FAIL', found: expect.stringContaining('another AWS account owns a bucket of this name: the apply would fail with BucketAlreadyExists') });
    expect(check).toMatchObject({ remedy: 'change the config', fix: expect.stringMatching(/^change the config: choose another name \(buckets\[0\]\.name\)/) });
    expect(check).not.toHaveProperty('icaError');
  });

  test('a bucket of this account the config does not adopt: adopt it, unless this stack made it', () => {
    const resolved = config();
    const facts = { ...cleanFacts(resolved), buckets: [ownBucket('pre-data')] };
    const check = only(checksOf(resolved, facts), 'bucket.name');
    expect(check.status).toBe('FAIL');
    expect(check.found).toBe('exists already in this account: the apply would fail with BucketAlreadyOwnedByYou (if this config\'s stack created it, ignore this line, or pass that stack\'s state with --state)');
    expect(check.fix).toBe('change the config: adopt it: npx ica-s3 adopt -b pre-data --write (sets "existing": true; the bucket is then read, never created or deleted), then apply the stack');
  });

  test('a bucket the state manages passes', () => {
    const resolved = config();
    const state = [{ address: 'module.ica_s3_connect.aws_s3_bucket.this["pre-data"]', type: 'aws_s3_bucket', values: { bucket: 'pre-data' } }];
    const check = only(checksOf(resolved, { ...cleanFacts(resolved), buckets: [ownBucket('pre-data')] }, state), 'bucket.name');
    expect(check).toMatchObject({ status: 'PASS', found: 'exists in this account; the state manages it as module.ica_s3_connect.aws_s3_bucket.this["pre-data"]' });
  });

  test('a bucket of this account in another region cannot be adopted either', () => {
    const resolved = config();
    const check = only(checksOf(resolved, { ...cleanFacts(resolved), buckets: [ownBucket('pre-data', 'eu-west-1')] }), 'bucket.name');
    expect(check.found).toMatch(/in eu-west-1, but ICA region US needs us-east-1/);
    expect(check.fix).toMatch(/choose another name .*a bucket cannot move/);
  });

  test('a taken name whose owner cannot be told', () => {
    const resolved = config();
    const owner = unreadable<'this account'>('HeadBucket: Forbidden (HTTP 403); ListBuckets: AccessDenied (HTTP 403)');
    const check = only(checksOf(resolved, { ...cleanFacts(resolved), buckets: [{ name: 'pre-data', owner }] }), 'bucket.name');
    expect(check.status).toBe('FAIL');
    expect(check.fix).toMatch(/^change the config: if it is this account's, adopt it: .*; otherwise choose another name/);
  });

  test('an adopted bucket must exist, be this account\'s, and be in the ICA region', () => {
    const resolved = withBucket({ existing: true, encryption: { type: 'SSE-S3' } });
    const facts = (bucket: BucketPreflightFacts) => ({ ...cleanFacts(resolved), buckets: [bucket] });
    expect(only(checksOf(resolved, facts(ownBucket('pre-data'))), 'bucket.existing')).toMatchObject({ status: 'PASS', found: 'exists in this account, in us-east-1' });
    const missing = only(checksOf(resolved, facts({ name: 'pre-data', owner: absent('NotFound') })), 'bucket.existing');
    expect(missing).toMatchObject({ status: 'FAIL', fix: 'change the config: correct buckets[0].name, or remove "existing" to have the bucket created, then apply the stack' });
    const elsewhere = only(checksOf(resolved, facts(ownBucket('pre-data', 'eu-west-1'))), 'bucket.existing');
    expect(elsewhere).toMatchObject({ status: 'FAIL', found: expect.stringMatching(/^is in eu-west-1, but ICA region US needs us-east-1/) });
    expect(only(checksOf(resolved, facts({ name: 'pre-data', owner: ok('another account') })), 'bucket.existing').status).toBe('FAIL');
  });

  test('versioning: a versioned bucket the config calls "Disabled" fails; others pass', () => {
    const disabled = withBucket({ existing: true, versioning: 'Disabled', encryption: { type: 'SSE-S3' } });
    for (const actual of ['Enabled', 'Suspended'] as const) {
      const check = only(checksOf(disabled, { ...cleanFacts(disabled), buckets: [ownBucket('pre-data', 'us-east-1', actual)] }), 'bucket.versioning');
      expect(check.status).toBe('FAIL');
      expect(check).toMatchObject({ remedy: 'change the config', fix: expect.stringMatching(/^change the config: set buckets\[0\]\.versioning to "Suspended"/) });
    }
    const enabled = withBucket({ existing: true, encryption: { type: 'SSE-S3' } });
    expect(only(checksOf(enabled, { ...cleanFacts(enabled), buckets: [ownBucket('pre-data')] }), 'bucket.versioning').status).toBe('PASS');
    // A free name has no versioning to compare.
    expect(checksOf(enabled, cleanFacts(enabled)).filter((check) => check.id === 'bucket.versioning')).toEqual([]);
  });
});

describe('the OIDC provider', () => {
  const providerArn = (resolved: ResolvedConfig) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${resolved.oidc!.issuer}`;
  const provider = (resolved: ResolvedConfig) => ok({ arn: providerArn(resolved), url: resolved.oidc!.issuer, clientIds: ['sts.amazonaws.com'] });

  test('"create" while the account has it: EntityAlreadyExists, set "existing"', () => {
    const resolved = config();
    const check = only(checksOf(resolved, { ...cleanFacts(resolved), oidcProvider: provider(resolved) }), 'iam.oidc-provider');
    expect(check.status).toBe('FAIL');
    expect(check.found).toMatch(/EntityAlreadyExists \(if this config's stack created it, ignore this line/);
    expect(check.fix).toBe('change the config: set "credential.oidcProvider": "existing" to use it, then apply the stack');
    const state = [{ address: 'aws_iam_openid_connect_provider.ica-role_oidc_ABCD1234', type: 'aws_iam_openid_connect_provider', values: { arn: providerArn(resolved) } }];
    expect(only(checksOf(resolved, { ...cleanFacts(resolved), oidcProvider: provider(resolved) }, state), 'iam.oidc-provider').status).toBe('PASS');
  });

  test('"existing" needs it there', () => {
    const resolved = config(roleInput, { credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProvider: 'existing' } });
    const missing = only(checksOf(resolved, cleanFacts(resolved)), 'iam.oidc-provider');
    expect(missing).toMatchObject({ status: 'FAIL', fix: 'change the config: set "credential.oidcProvider": "create" (the default) to have the stack create it, then apply the stack' });
    expect(only(checksOf(resolved, { ...cleanFacts(resolved), oidcProvider: provider(resolved) }), 'iam.oidc-provider').status).toBe('PASS');
  });
});

describe('names the apply creates', () => {
  test('a role of the same name: rename or import, with the generated root\'s exact address', () => {
    const resolved = config();
    const facts = withExisting(cleanFacts(resolved), 'iam.role', `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`);
    const check = only(checksOf(resolved, facts), 'iam.role');
    expect(check.found).toBe(`the IAM role exists already: arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role; the apply would fail with EntityAlreadyExists (if this config\'s stack created it, ignore this line, or pass that stack\'s state with --state)`);
    expect(check.fix).toContain('outside this tool: import it, or rename it (credential.roleName): terraform import \'module.ica_s3_connect.aws_iam_role.this[0]\' Illumina_ICA_Role in the generated root');
    expect(check.fix).toContain('for the CDKTF stack, npx ica-s3 synth, then in cdktf.out/stacks/pre/ terraform import \'<address>\' Illumina_ICA_Role with the aws_iam_role address that terraform plan there shows as to be created');
  });

  test('the user, the policy (by ARN), the KMS alias (by bucket) and the secret stores', () => {
    const user = config(userInput);
    const userFacts = withExisting(withExisting(cleanFacts(user), 'iam.user', `arn:aws:iam::${ACCOUNT}:user/illumina_ica_admin`), 'ssm.parameter', 'arn:aws:ssm:eu-central-1:x');
    const userChecks = checksOf(user, userFacts);
    expect(only(userChecks, 'iam.user').fix).toContain('terraform import \'module.ica_s3_connect.aws_iam_user.this[0]\' illumina_ica_admin');
    expect(only(userChecks, 'ssm.parameter').fix).toContain('terraform import \'module.ica_s3_connect.aws_ssm_parameter.access_key[0]\' /ica-s3-connect/pre-user/access-key');
    expect(only(userChecks, 'ssm.parameter').found).toMatch(/ParameterAlreadyExists \(if this/);

    const role = config();
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/illumina-ica-admin-policy`;
    const roleChecks = checksOf(role, withExisting(withExisting(cleanFacts(role), 'iam.policy', policyArn), 'kms.alias', 'arn:aws:kms:us-east-1:x:alias/pre/pre-data', { note: 'it names key k' }));
    expect(only(roleChecks, 'iam.policy').fix).toContain(`terraform import 'module.ica_s3_connect.aws_iam_policy.this' ${policyArn}`);
    expect(only(roleChecks, 'kms.alias').fix).toContain('terraform import \'module.ica_s3_connect.aws_kms_alias.this["pre-data"]\' alias/pre/pre-data');
    expect(only(roleChecks, 'kms.alias').found).toMatch(/\(it names key k\); the apply would fail with AlreadyExistsException \(if this/);

    // Secrets Manager imports by the ARN found; one scheduled for deletion holds its name too.
    const secrets = config(userInput, { credential: { method: 'user', secretStore: { type: 'secretsmanager' } } });
    const secretArn = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:ica-s3-connect/pre-user/access-key-AbCdEf`;
    const secret = only(checksOf(secrets, withExisting(cleanFacts(secrets), 'secretsmanager.secret', secretArn, { note: 'scheduled for deletion', conflictError: 'InvalidRequestException' })), 'secretsmanager.secret');
    expect(secret.found).toMatch(/\(scheduled for deletion\); the apply would fail with InvalidRequestException \(if this/);
    expect(secret.fix).toContain(`terraform import 'module.ica_s3_connect.aws_secretsmanager_secret.access_key[0]' ${secretArn}`);
  });

  test('a split permission policy: every part is checked, the later ones at their keyed address', () => {
    const prefixes = Array.from({ length: 90 }, (_, index) => `project-${String(index).padStart(3, '0')}-sequencing-runs-and-analysis-outputs/`);
    const resolved = withBucket({ prefixes });
    const policies = plannedResources(resolved, ACCOUNT).filter((resource) => resource.id === 'iam.policy');
    expect(policies.map((policy) => [policy.name, policy.generatedAddress])).toEqual([
      ['illumina-ica-admin-policy', 'module.ica_s3_connect.aws_iam_policy.this'],
      ['illumina-ica-admin-policy-2', 'module.ica_s3_connect.aws_iam_policy.part["illumina-ica-admin-policy-2"]'],
    ]);
    const facts = withExisting(cleanFacts(resolved), 'iam.policy', 'arn', {}, 'illumina-ica-admin-policy-2');
    expect(failures(checksOf(resolved, facts))).toEqual(['iam.policy']);
  });

  test('with --state: a name the state holds is this stack\'s own; others fail without the "ignore" hedge', () => {
    const resolved = config();
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`;
    const facts = withExisting(cleanFacts(resolved), 'iam.role', roleArn);
    const state = [{ address: 'aws_iam_role.ica-role_role_0A1B2C3D', type: 'aws_iam_role', values: { name: 'Illumina_ICA_Role', arn: roleArn } }];
    expect(only(checksOf(resolved, facts, state), 'iam.role')).toMatchObject({ status: 'PASS', found: `exists (${roleArn}); the state manages it as aws_iam_role.ica-role_role_0A1B2C3D` });
    const other = only(checksOf(resolved, facts, []), 'iam.role');
    expect(other.status).toBe('FAIL');
    expect(other.found).not.toContain('ignore this line');
    expect(other.fix).toMatch(/^outside this tool: import it, or rename it/);
  });

  test('a name that cannot be read is a warning, not a pass', () => {
    const resolved = config();
    const facts = { ...cleanFacts(resolved), resources: cleanFacts(resolved).resources.map((entry) => ({ ...entry, existing: unreadable<never>('AccessDenied (HTTP 403)') })) };
    expect(only(checksOf(resolved, facts), 'iam.role')).toMatchObject({ status: 'WARN', found: expect.stringContaining('AccessDenied') });
  });
});

describe('the deployer', () => {
  test('the principal behind a caller ARN', () => {
    expect(callerPrincipal(DEPLOYER_SESSION)).toEqual({ kind: 'role', arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, roleName: 'Deployer' });
    expect(callerPrincipal(`arn:aws:iam::${ACCOUNT}:user/ops/bob`)).toEqual({ kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/ops/bob` });
    expect(callerPrincipal(`arn:aws:iam::${ACCOUNT}:root`).kind).toBe('root');
    expect(callerPrincipal(`arn:aws:sts::${ACCOUNT}:federated-user/carol`).kind).toBe('other');
  });

  test('ArnLike: wildcards within each of the six parts, never across a colon', () => {
    expect(arnLike(DEPLOYER_ROLE, DEPLOYER_ROLE)).toBe(true);
    expect(arnLike(`arn:aws:iam::${ACCOUNT}:role/team/*`, DEPLOYER_ROLE)).toBe(true);
    expect(arnLike('arn:aws:iam::*:role/team/Dep?oyer', DEPLOYER_ROLE)).toBe(true);
    expect(arnLike(`arn:aws:iam::${ACCOUNT}:role/Deployer`, DEPLOYER_ROLE)).toBe(false);
    // A plain wildcard match would let this one through: "*" may not stand for the last colon.
    expect(arnLike('arn:aws:iam::*', DEPLOYER_ROLE)).toBe(false);
    expect(arnLike(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/*`, DEPLOYER_ROLE)).toBe(false);
  });

  test('the writes of the apply follow the config', () => {
    const keys = (resolved: ResolvedConfig, facts = deployer()) => applyRequirements(resolved, ACCOUNT, facts).map(simulationKey);
    const role = keys(config());
    for (const key of [
      's3:CreateBucket arn:aws:s3:::pre-data', 's3:PutBucketTagging arn:aws:s3:::pre-data', 's3:PutBucketVersioning arn:aws:s3:::pre-data',
      's3:PutBucketCORS arn:aws:s3:::pre-data', 's3:PutEncryptionConfiguration arn:aws:s3:::pre-data', 's3:PutBucketPublicAccessBlock arn:aws:s3:::pre-data',
      's3:PutBucketOwnershipControls arn:aws:s3:::pre-data', 's3:PutBucketPolicy arn:aws:s3:::pre-data', 's3:PutObject arn:aws:s3:::pre-data/ica/',
      `iam:CreateRole arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`, `iam:AttachRolePolicy arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`,
      `iam:TagRole arn:aws:iam::${ACCOUNT}:role/Illumina_ICA_Role`, `iam:CreatePolicy arn:aws:iam::${ACCOUNT}:policy/illumina-ica-admin-policy`,
      `iam:CreatePolicyVersion arn:aws:iam::${ACCOUNT}:policy/illumina-ica-admin-policy`,
      `iam:CreateOpenIDConnectProvider arn:aws:iam::${ACCOUNT}:oidc-provider/${config().oidc!.issuer}`,
      'kms:CreateKey *', `kms:PutKeyPolicy arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, `kms:CreateAlias arn:aws:kms:us-east-1:${ACCOUNT}:alias/pre/pre-data`,
      // exemptDeployer (the default) reads the role behind the session.
      `iam:GetRole ${DEPLOYER_ROLE}`,
    ]) expect(role).toContain(key);

    // An adopted bucket: only what "manage" lists, and its folder object; no key, no provider with "existing".
    const adopted = keys(config(roleInput, {
      credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34', oidcProvider: 'existing' },
      buckets: [{ name: 'theirs', prefixes: ['ica/'], existing: true, manage: ['cors'] }],
      bucketPolicy: {},
      tags: {},
    }));
    expect(adopted.filter((key) => key.startsWith('s3:') || key.startsWith('kms:') || key.startsWith('iam:CreateOpen') || key.startsWith('iam:GetRole'))).toEqual([
      's3:PutBucketCORS arn:aws:s3:::theirs', 's3:PutObject arn:aws:s3:::theirs/ica/',
    ]);

    const user = keys(config(userInput));
    expect(user).toEqual(expect.arrayContaining([
      `iam:CreateUser arn:aws:iam::${ACCOUNT}:user/illumina_ica_admin`, `iam:CreateAccessKey arn:aws:iam::${ACCOUNT}:user/illumina_ica_admin`,
      `ssm:PutParameter arn:aws:ssm:eu-central-1:${ACCOUNT}:parameter/ica-s3-connect/pre-user/access-key`,
    ]));
    expect(user).not.toContain('s3:PutBucketVersioning arn:aws:s3:::pre-user-data');
  });

  test('permissions: allowed passes; denials fail, each action with its resources; no simulator is a note on an emulator', () => {
    const resolved = config();
    const clean = cleanFacts(resolved);
    expect(only(checksOf(resolved, clean), 'deployer.permissions').found).toMatch(/^IAM's policy simulator allows the \d+ writes the apply makes$/);
    const requirements = applyRequirements(resolved, ACCOUNT, clean.deployer!);
    const decisions = new Map<string, SimulatedDecision>(requirements.map((requirement) => [simulationKey(requirement), 'allowed']));
    decisions.set('s3:CreateBucket arn:aws:s3:::pre-data', 'implicitDeny');
    decisions.set('kms:CreateKey *', 'explicitDeny');
    const denied = checkDeployerPermissions(deployer({ simulation: ok(decisions) }), requirements, false);
    expect(denied).toMatchObject({ status: 'FAIL', found: 'IAM\'s policy simulator denies s3:CreateBucket on arn:aws:s3:::pre-data; kms:CreateKey on * (explicit Deny): the apply would stop there with AccessDenied' });
    expect(denied.fix).toMatch(new RegExp(`^outside this tool: allow these actions to ${DEPLOYER_ROLE}`));

    const missing = unreadable<never>('Error (HTTP 500): the answer was not an AWS response');
    expect(checkDeployerPermissions(deployer({ simulation: missing }), requirements, true)).toMatchObject({ status: 'INFO', found: expect.stringMatching(/^the emulator lacks IAM's policy simulator/) });
    expect(checkDeployerPermissions(deployer({ simulation: unreadable('AccessDenied (HTTP 403)') }), requirements, false)).toMatchObject({ status: 'WARN', fix: expect.stringContaining('iam:SimulatePrincipalPolicy') });
    expect(checkDeployerPermissions(deployer({ kind: 'root', simulation: undefined }), requirements, false).status).toBe('INFO');
    expect(checkDeployerPermissions(deployer({ kind: 'other', simulation: undefined }), requirements, false).status).toBe('INFO');
  });

  test('restrictToIca without exemptDeployer: the deployer must be in exemptPrincipalArns (ArnLike on aws:PrincipalArn)', () => {
    const policy = (exemptPrincipalArns: string[], exemptDeployer = false) => config(roleInput, { bucketPolicy: { restrictToIca: true, exemptDeployer, exemptPrincipalArns } });
    expect(checkDeployerExempt(policy([], true), deployer())).toBeUndefined();
    expect(checkDeployerExempt(config(roleInput, { bucketPolicy: { exemptDeployer: false } }), deployer())).toBeUndefined();
    const left = checkDeployerExempt(policy([`arn:aws:iam::${ACCOUNT}:role/Admin`]), deployer())!;
    expect(left).toMatchObject({ id: 'deployer.exempt', status: 'FAIL', subject: DEPLOYER_ROLE });
    expect(left.found).toMatch(/403 AccessDenied$/);
    expect(left.fix).toBe(`change the config: set bucketPolicy.exemptDeployer to true, or add "${DEPLOYER_ROLE}" to bucketPolicy.exemptPrincipalArns, then apply the stack`);
    expect(checkDeployerExempt(policy([`arn:aws:iam::${ACCOUNT}:role/team/*`]), deployer())).toMatchObject({ status: 'PASS' });
    // The session's ARN is not what the policy compares.
    expect(checkDeployerExempt(policy([DEPLOYER_SESSION]), deployer())!.found).toContain(`it lists the session ${DEPLOYER_SESSION}, but aws:PrincipalArn of an assumed role is the role`);
  });
});

describe('--state', () => {
  test('terraform show -json, with child modules; data sources are not managed', () => {
    const show = {
      format_version: '1.0',
      values: {
        root_module: {
          resources: [{ address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values: { name: 'A' } }],
          child_modules: [{
            address: 'module.ica_s3_connect',
            resources: [
              { address: 'module.ica_s3_connect.aws_kms_alias.this["b"]', mode: 'managed', type: 'aws_kms_alias', name: 'this', index: 'b', values: { name: 'alias/x/b' } },
              { address: 'module.ica_s3_connect.data.aws_s3_bucket.adopted["c"]', mode: 'data', type: 'aws_s3_bucket', name: 'adopted', values: { bucket: 'c' } },
            ],
          }],
        },
      },
    };
    expect(parseState(show)).toEqual([
      { address: 'aws_iam_role.r', type: 'aws_iam_role', values: { name: 'A' } },
      { address: 'module.ica_s3_connect.aws_kms_alias.this["b"]', type: 'aws_kms_alias', values: { name: 'alias/x/b' } },
    ]);
    // An empty state prints no values.
    expect(parseState({ format_version: '1.0' })).toEqual([]);
  });

  test('the state file itself, with module, count and for_each instances', () => {
    const file = {
      version: 4,
      resources: [
        { module: 'module.ica_s3_connect', mode: 'managed', type: 'aws_iam_role', name: 'this', instances: [{ index_key: 0, attributes: { name: 'R' } }] },
        { module: 'module.ica_s3_connect', mode: 'managed', type: 'aws_s3_bucket', name: 'this', instances: [{ index_key: 'b', attributes: { bucket: 'b' } }] },
        { mode: 'managed', type: 'aws_iam_policy', name: 'permission-policy', instances: [{ attributes: { name: 'P' } }] },
        { mode: 'data', type: 'aws_caller_identity', name: 'current', instances: [{ attributes: {} }] },
      ],
    };
    expect(parseState(file).map((resource) => resource.address)).toEqual([
      'module.ica_s3_connect.aws_iam_role.this[0]', 'module.ica_s3_connect.aws_s3_bucket.this["b"]', 'aws_iam_policy.permission-policy',
    ]);
  });

  test('anything else names the shapes it takes', () => {
    expect(() => parseState({ resources: [] })).toThrow('is not the output of terraform show -json, or a Terraform state file (format version 4)');
    expect(() => parseState([])).toThrow(/is not the output of terraform show -json/);
  });
});

test('the generated addresses are the module\'s resources, indexed as the module indexes them', () => {
  const template = readFileSync(join(__dirname, '../../templates/module/main.tf.hbs'), 'utf8');
  const root = readFileSync(join(__dirname, '../../templates/root/main.tf.hbs'), 'utf8');
  expect(root).toContain(`module "${GENERATED_MODULE.replace('module.', '')}" {`);
  const split = withBucket({ prefixes: Array.from({ length: 90 }, (_, index) => `project-${String(index).padStart(3, '0')}-sequencing-runs-and-analysis-outputs/`) });
  const addresses = [config(), config(userInput), config(userInput, { credential: { method: 'user', secretStore: { type: 'secretsmanager' } } }), split]
    .flatMap((resolved) => plannedResources(resolved, ACCOUNT).map((resource) => resource.generatedAddress));
  addresses.push(`${GENERATED_MODULE}.aws_s3_bucket.this["pre-data"]`);
  for (const address of new Set(addresses)) {
    const [, type, name, index] = /^module\.ica_s3_connect\.(\w+)\.(\w+)(\[.*\])?$/.exec(address)!;
    const block = new RegExp(`resource "${type}" "${name}" \\{\\n(.*?)\\n\\}`, 's').exec(template)?.[1];
    expect(block).toBeDefined();
    const indexing = /^\s*count\s*=/m.test(block!) ? 'count' : /^\s*for_each\s*=/m.test(block!) ? 'for_each' : 'none';
    expect([address, indexing]).toEqual([address, index === undefined ? 'none' : index === '[0]' ? 'count' : 'for_each']);
  }
});

describe('the clients preflight adds are read-only too', () => {
  const clients = new AwsReadClients({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9' });
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterAll(() => {
    clients.destroy();
    process.env = saved;
  });

  test('SSM and Secrets Manager refuse writes before sending them, and let reads through', async () => {
    await expect((await clients.ssm()).send(new PutParameterCommand({ Name: 'n', Value: 'v', Type: 'SecureString' }))).rejects.toBeInstanceOf(MutatingCallRefused);
    await expect((await clients.secretsManager()).send(new CreateSecretCommand({ Name: 'n', SecretString: 'v' }))).rejects.toBeInstanceOf(MutatingCallRefused);
    const read = await (await clients.ssm()).send(new DescribeParametersCommand({})).catch((error: unknown) => error);
    expect(read).not.toBeInstanceOf(MutatingCallRefused);
  });
});

describe('the report', () => {
  test('text: one line per check, the fix on FAIL; JSON: ok, counts, checks', () => {
    const resolved = config();
    const report = preflightReport(checksOf(resolved, withExisting(cleanFacts(resolved), 'iam.role', 'arn:r')));
    const text = formatPreflightReport(resolved, report);
    expect(text.split('\n')[0]).toBe('ica-s3 preflight: pre, ICA region US (us-east-1), role method');
    expect(text).toMatch(/^FAIL  iam\.role\s+Illumina_ICA_Role: the IAM role exists already: arn:r; the apply would fail with EntityAlreadyExists \(if this config's stack created it, .*\) \| fix: outside this tool: import it/m);
    expect(text).toMatch(/^PASS  bucket\.name\s+pre-data: the name is free: the apply creates the bucket$/m);
    expect(text).toMatch(/6 passed, 0 warnings, 1 failed\.\nFix the FAIL lines before the first apply: each would stop it\.$/);
    const json = checksJson(resolved, report);
    expect(json).toMatchObject({ ok: false, counts: { PASS: 6, WARN: 0, FAIL: 1, INFO: 0 } });
    for (const check of json.checks as CheckResult[]) expect(Object.keys(check).sort()).toEqual(check.status === 'FAIL' ? ['fix', 'found', 'id', 'remedy', 'status', 'subject'] : ['found', 'id', 'status', 'subject']);
  });
});

describe('ica-s3 preflight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ica-preflight-cli-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const run = async (args: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const status = await main(args, { log: (text) => stdout.push(text), error: (text) => stderr.push(text) });
    return { status, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  };
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'ICA_S3_ENDPOINT_URL', 'ICA_S3_TIMEOUTS']) delete process.env[name];
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterEach(() => { process.env = { ...saved }; });

  test('is listed, and has --help', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/preflight\s+check, before the first apply, what would make it fail \(read-only\)/);
    const own = await run(['preflight', '--help']);
    expect(own.status).toBe(0);
    expect(own.stdout).toMatch(/^Usage: ica-s3 preflight \[-c FILE\] \[--json\] \[--endpoint-url URL\] \[--state FILE\]/);
  });

  test('misuse exits 2 before anything is read: an unknown option, a malformed endpoint, bad timeouts', async () => {
    const configPath = file('config.json', userInput);
    expect((await run(['preflight', '--jsn'])).stderr).toMatch(/Unknown option '--jsn'/);
    expect((await run(['preflight', '--jsn'])).status).toBe(2);
    expect((await run(['preflight', '-c', configPath, '--endpoint-url', 'localhost:5000'])).status).toBe(2);
    process.env.ICA_S3_TIMEOUTS = 'soon';
    expect((await run(['preflight', '-c', configPath])).status).toBe(2);
  });

  test('an invalid config or an unusable --state exits 1', async () => {
    expect((await run(['preflight', '-c', file('bad.json', { name: 'x' })])).status).toBe(1);
    const configPath = file('config.json', userInput);
    const notJson = await run(['preflight', '-c', configPath, '--state', file('state.txt', 'not json')]);
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toMatch(/^ica-s3 preflight: --state .*state\.txt is not JSON/);
    const wrong = await run(['preflight', '-c', configPath, '--state', file('plan.json', { planned_values: {} })]);
    expect(wrong.stderr).toMatch(/is not the output of terraform show -json, or a Terraform state file/);
  });

  test('--json without reachable AWS: exit 1, the account line says why, fast', async () => {
    const started = Date.now();
    const result = await run(['preflight', '-c', file('config.json', userInput), '--endpoint-url', 'http://127.0.0.1:9', '--json']);
    expect(result.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      name: 'pre-user', icaRegion: 'EU', awsRegion: 'eu-central-1', method: 'user', ok: false,
      counts: { PASS: 0, WARN: 0, FAIL: 1, INFO: 0 },
      checks: [{
        id: 'aws.account', subject: '(credentials)', status: 'FAIL', found: 'http://127.0.0.1:9 refused the connection (ECONNREFUSED)',
        fix: expect.stringContaining('check that the emulator is running'), remedy: 'outside this tool',
      }],
    });
  });
});
