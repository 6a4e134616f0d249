/**
 * `ica-s3 preflight`: run with the deploying credentials before the first apply, it reads the
 * account (read-only, with the doctor's guarded clients and timeouts) for what would make that
 * apply fail, and says so one line each with the fix. The decisions are the pure functions of
 * checks/preflight-resources.ts and checks/preflight-deployer.ts; `preflightChecks` combines them.
 */
import { GetPolicyCommand, GetRoleCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetBucketLocationCommand, GetBucketVersioningCommand, HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { ResolvedConfig } from '../core/validate';
import { Caller, readAccount } from './caller';
import { DoctorClients } from './clients';
import { formatCheck } from './format';
import { DeployerFacts, applyRequirements, callerPrincipal, checkDeployerExempt, checkDeployerPermissions } from './checks/preflight-deployer';
import {
  BucketOwner, BucketPreflightFacts, ExistingResource, ManagedResource, PlannedResource, bucketPreflightChecks, checkOidcProviderName,
  checkPlannedResource, plannedResources,
} from './checks/preflight-resources';
import { OidcProviderFacts, Versioning, bucketRegionFromLocation, read } from './facts';
import { inspectOidc } from './read-principal';
import { simulatePrincipal } from './simulate';
import { AccountReadOptions, CheckResult, CheckTally, Fact, absent, fail, info, ok, pass, tally, unreadable } from './types';

export interface PreflightFacts {
  readonly accountId: string;
  /** Undefined only when the endpoint's sts:GetCallerIdentity names no caller (AWS always does). */
  readonly deployer?: DeployerFacts;
  /** In the config's order. */
  readonly buckets: readonly BucketPreflightFacts[];
  /** Role method only. */
  readonly oidcProvider?: Fact<OidcProviderFacts>;
  readonly resources: readonly { readonly resource: PlannedResource; readonly existing: Fact<ExistingResource> }[];
}

export interface PreflightInputs {
  /** The calls went to an emulator (a missing policy simulator is then expected, not a problem). */
  readonly emulated: boolean;
  /** What the stack's state manages already (`--state`): those names are its own, not conflicts. */
  readonly state?: readonly ManagedResource[];
}

function accountCheck(facts: PreflightFacts, emulated: boolean): CheckResult {
  const deployer = facts.deployer;
  const principal = deployer && deployer.principalArn !== deployer.callerArn ? ` (aws:PrincipalArn ${deployer.principalArn})` : '';
  return pass('aws.account', facts.accountId,
    `deploying to account ${facts.accountId}${deployer ? ` as ${deployer.callerArn}${principal}` : ''}${emulated ? ' (emulator)' : ''}`);
}

/** Every check over facts already read: pure, in the order they print. */
export function preflightChecks(config: ResolvedConfig, facts: PreflightFacts, inputs: PreflightInputs): CheckResult[] {
  const { state, emulated } = inputs;
  const results = [accountCheck(facts, emulated)];
  if (state) results.push(info('state.resources', '--state', `${state.length} managed resources: a name one of them holds is this stack's own, not a conflict`));
  config.buckets.forEach((bucket, index) => results.push(...bucketPreflightChecks(config, bucket, index, facts.buckets[index], state)));
  const oidc = facts.oidcProvider && checkOidcProviderName(config, facts.oidcProvider, state);
  if (oidc) results.push(oidc);
  for (const { resource, existing } of facts.resources) results.push(checkPlannedResource(config, resource, existing, state));
  if (facts.deployer) {
    results.push(checkDeployerPermissions(facts.deployer, applyRequirements(config, facts.accountId, facts.deployer), emulated));
    const exempt = checkDeployerExempt(config, facts.deployer);
    if (exempt) results.push(exempt);
  }
  return results;
}

/** True when this account's bucket list holds the name. */
async function listedHere(clients: DoctorClients, name: string): Promise<boolean> {
  let token: string | undefined;
  do {
    const page = await clients.s3().send(new ListBucketsCommand({ Prefix: name, ContinuationToken: token }));
    if ((page.Buckets ?? []).some((bucket) => bucket.Name === name)) return true;
    token = page.ContinuationToken;
  } while (token);
  return false;
}

/**
 * Whose a bucket name is. HeadBucket tells a free name (404). Whose a taken one is, this
 * account's bucket list tells: HeadBucket answers 403 both for another account's bucket and for
 * one of this account the credentials may not read, and emulators answer 200 for any. Where the
 * list cannot be read, AWS's 200 still means this account's: ExpectedBucketOwner makes it 403 otherwise.
 */
async function bucketOwner(clients: DoctorClients, name: string, accountId: string): Promise<Fact<BucketOwner>> {
  const head = await read(() => clients.s3().send(new HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: accountId })), ['NotFound', 'NoSuchBucket']);
  if (head.state === 'absent') return absent(head.reason);
  const listed = await read(() => listedHere(clients, name));
  if (listed.state === 'ok') return ok(listed.value ? 'this account' : 'another account');
  if (head.state === 'ok') return ok('this account');
  return unreadable(`HeadBucket: ${head.error}; ListBuckets: ${listed.state === 'error' ? listed.error : listed.reason}`);
}

async function readBucket(clients: DoctorClients, name: string, accountId: string): Promise<BucketPreflightFacts> {
  const owner = await bucketOwner(clients, name, accountId);
  if (owner.state !== 'ok' || owner.value !== 'this account') return { name, owner };
  const s3 = clients.s3();
  const region = await read(async () => bucketRegionFromLocation((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint));
  const versioning = await read(async (): Promise<Versioning> => {
    const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status;
    return status === 'Enabled' || status === 'Suspended' ? status : 'Disabled';
  });
  return { name, owner, region, versioning };
}

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

/** Whether a resource of the planned one's name exists, and its ARN. */
async function readExisting(clients: DoctorClients, config: ResolvedConfig, accountId: string, resource: PlannedResource): Promise<Fact<ExistingResource>> {
  const iam = clients.iam;
  const region = config.region.awsRegion;
  switch (resource.terraformType) {
    case 'aws_iam_role':
      return read(async () => ({ arn: (await iam.send(new GetRoleCommand({ RoleName: resource.name }))).Role?.Arn ?? resource.name }), NO_SUCH_ENTITY);
    case 'aws_iam_user':
      return read(async () => ({ arn: (await iam.send(new GetUserCommand({ UserName: resource.name }))).User?.Arn ?? resource.name }), NO_SUCH_ENTITY);
    case 'aws_iam_policy':
      return read(async () => {
        const arn = `arn:aws:iam::${accountId}:policy/${resource.name}`;
        return { arn: (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Arn ?? arn };
      }, NO_SUCH_ENTITY);
    case 'aws_kms_alias':
      return read(async () => {
        const key = (await clients.kms().send(new DescribeKeyCommand({ KeyId: resource.name }))).KeyMetadata;
        return { arn: `arn:aws:kms:${region}:${accountId}:${resource.name}`, note: `it names key ${key?.Arn}${key?.KeyState && key.KeyState !== 'Enabled' ? `, ${key.KeyState}` : ''}` };
      }, ['NotFoundException']);
    case 'aws_ssm_parameter':
      return read(async () => {
        const { DescribeParametersCommand } = await import('@aws-sdk/client-ssm');
        // Metadata only: the parameter's value is the secret this never reads.
        const found = (await (await clients.ssm()).send(new DescribeParametersCommand({
          ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [resource.name] }],
        }))).Parameters ?? [];
        if (found.length === 0) throw Object.assign(new Error('no parameter of this name'), { name: 'ParameterNotFound' });
        return { arn: `arn:aws:ssm:${region}:${accountId}:parameter${resource.name.startsWith('/') ? '' : '/'}${resource.name}` };
      }, ['ParameterNotFound']);
    case 'aws_secretsmanager_secret':
      return read(async () => {
        const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager');
        const secret = await (await clients.secretsManager()).send(new DescribeSecretCommand({ SecretId: resource.name }));
        const arn = secret.ARN ?? resource.name;
        if (!secret.DeletedDate) return { arn };
        return {
          arn,
          note: `scheduled for deletion on ${secret.DeletedDate.toISOString().slice(0, 10)}, which holds the name until then: `
            + `aws secretsmanager restore-secret --secret-id ${arn} to keep it, or delete-secret --force-delete-without-recovery to free the name now`,
          conflictError: 'InvalidRequestException (a secret with this name is already scheduled for deletion)',
        };
      }, ['ResourceNotFoundException']);
  }
}

/** The deployer as the bucket policy and the simulator see it: for an assumed role, the role with its path. */
async function readDeployer(clients: DoctorClients, config: ResolvedConfig, accountId: string, callerArn: string): Promise<DeployerFacts> {
  const principal = callerPrincipal(callerArn);
  const role = principal.roleName
    ? await read(async () => (await clients.iam.send(new GetRoleCommand({ RoleName: principal.roleName }))).Role?.Arn ?? principal.arn)
    : undefined;
  const deployer: DeployerFacts = {
    callerArn,
    kind: principal.kind,
    principalArn: role?.state === 'ok' ? role.value : principal.arn,
    ...(role && role.state !== 'ok' ? { pathUnknown: role.state === 'error' ? role.error : role.reason } : {}),
  };
  if (deployer.kind !== 'user' && deployer.kind !== 'role') return deployer;
  return { ...deployer, simulation: await simulatePrincipal(clients.iam, deployer.principalArn, applyRequirements(config, accountId, deployer)) };
}

/** Everything the checks need, one read after the other. */
export async function readPreflightFacts(
  clients: DoctorClients, config: ResolvedConfig, caller: Caller, progress: (step: string) => void = () => undefined,
): Promise<PreflightFacts> {
  const { accountId } = caller;
  const buckets: BucketPreflightFacts[] = [];
  for (const bucket of config.buckets) {
    progress(`bucket ${bucket.name}`);
    buckets.push(await readBucket(clients, bucket.name, accountId));
  }
  let oidcProvider: Fact<OidcProviderFacts> | undefined;
  if (config.oidc) {
    progress('IAM OIDC provider');
    oidcProvider = (await inspectOidc(clients, config.oidc.issuer)).provider;
  }
  const resources: PreflightFacts['resources'][number][] = [];
  for (const resource of plannedResources(config, accountId)) {
    progress(`${resource.kind} ${resource.name}`);
    resources.push({ resource, existing: await readExisting(clients, config, accountId, resource) });
  }
  let deployer: DeployerFacts | undefined;
  if (caller.arn) {
    progress('the deployer\'s permissions (IAM policy simulator)');
    deployer = await readDeployer(clients, config, accountId, caller.arn);
  }
  return { accountId, buckets, resources, ...(oidcProvider ? { oidcProvider } : {}), ...(deployer ? { deployer } : {}) };
}

export type PreflightReport = CheckTally;

export function preflightReport(checks: readonly CheckResult[]): PreflightReport {
  return tally(checks);
}

export interface PreflightOptions extends AccountReadOptions {
  /** What the stack's state manages already (`--state`). */
  readonly state?: readonly ManagedResource[];
}

/** Reads the account and runs every check. Read-only: the clients refuse any other call. */
export async function runPreflight(config: ResolvedConfig, options: PreflightOptions = {}): Promise<PreflightReport> {
  return readAccount(config.region.awsRegion, options, async (clients, caller, progress) => {
    const facts = await readPreflightFacts(clients, config, caller, progress);
    return preflightReport(preflightChecks(config, facts, { emulated: clients.emulated, state: options.state }));
  }, (problem) => preflightReport([fail('aws.account', '(credentials)', problem.found, undefined, problem.fix)]));
}

export function formatPreflightReport(config: ResolvedConfig, report: PreflightReport): string {
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const { PASS, WARN, FAIL, INFO } = report.counts;
  return [
    `ica-s3 preflight: ${config.name}, ICA region ${config.region.code} (${config.region.awsRegion}), ${config.credential.method} method`,
    '',
    ...report.checks.map((check) => formatCheck(check, idWidth)),
    '',
    `${PASS} passed, ${WARN} warning${WARN === 1 ? '' : 's'}, ${FAIL} failed${INFO > 0 ? `, ${INFO} note${INFO === 1 ? '' : 's'}` : ''}.`,
    FAIL > 0
      ? 'Fix the FAIL lines before the first apply: each would stop it.'
      : 'Nothing here stops the first apply. Deploy, then check the result with npx ica-s3 doctor.',
  ].join('\n');
}

