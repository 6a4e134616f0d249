/**
 * What preflight reads before the first apply, read-only: whose each bucket name is (and, for this
 * account's, its region and versioning), the OIDC provider, whether a resource of each planned
 * name exists, and the deployer with IAM's verdict on the writes the apply makes.
 */
import { GetPolicyCommand, GetRoleCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetBucketLocationCommand, GetBucketVersioningCommand, HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { Caller } from '../aws/caller';
import { AwsReadClients } from '../aws/clients';
import { Fact, absent, ok, unreadable } from '../aws/fact';
import { OidcProviderFacts, Versioning, bucketRegionFromLocation, read } from '../aws/facts';
import { inspectOidc } from '../aws/read-principal';
import { simulatePrincipal } from '../aws/simulate';
import { ResolvedConfig } from '../core/validate';
import { DeployerFacts, applyRequirements, callerPrincipal } from './checks/deployer';
import { BucketOwner, BucketPreflightFacts, ExistingResource, PlannedResource, plannedResources } from './checks/resources';

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

/** True when this account's bucket list holds the name. */
async function listedHere(clients: AwsReadClients, name: string): Promise<boolean> {
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
async function bucketOwner(clients: AwsReadClients, name: string, accountId: string): Promise<Fact<BucketOwner>> {
  const head = await read(() => clients.s3().send(new HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: accountId })), ['NotFound', 'NoSuchBucket']);
  if (head.state === 'absent') return absent(head.reason);
  const listed = await read(() => listedHere(clients, name));
  if (listed.state === 'ok') return ok(listed.value ? 'this account' : 'another account');
  if (head.state === 'ok') return ok('this account');
  return unreadable(`HeadBucket: ${head.error}; ListBuckets: ${listed.state === 'error' ? listed.error : listed.reason}`);
}

async function readBucket(clients: AwsReadClients, name: string, accountId: string): Promise<BucketPreflightFacts> {
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
async function readExisting(clients: AwsReadClients, config: ResolvedConfig, accountId: string, resource: PlannedResource): Promise<Fact<ExistingResource>> {
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
async function readDeployer(clients: AwsReadClients, config: ResolvedConfig, accountId: string, callerArn: string): Promise<DeployerFacts> {
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
  clients: AwsReadClients, config: ResolvedConfig, caller: Caller, progress: (step: string) => void = () => undefined,
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

