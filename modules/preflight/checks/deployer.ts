/**
 * Preflight's checks of the principal that runs the apply: whether IAM lets it make the writes
 * the config's apply makes, and whether the restrictToIca Deny would shut it out of its own
 * folder objects. Pure: the facts come from ../preflight.ts.
 */
import { ManageableSetting } from '../../core/config-schema';
import {
  bucketArn, exemptsDeployer, iamPrincipalArn, kmsAliasName, oidcProviderArn, permissionPolicies, permissionPolicyName, sizingRefs,
  wantsBucketPolicy,
} from '../../core/ica-policies';
import { hasCreatedKey } from '../../core/protection';
import { accessKeyLabels, secretStoreTarget } from '../../core/secrets';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import { Requirement, Simulation, simulationKey } from '../../aws/access';
import { wildcardMatch } from '../../core/iam-eval';
import { CheckResult, info, judge, pass } from '../../account-report/checks';
import { configFixes, outsideTool } from '../../account-report/verdict';
import { Fact } from '../../aws/fact';

export type DeployerKind = 'user' | 'role' | 'root' | 'other';

/** The caller as a principal; an assumed-role ARN names the role without its path. */
export interface CallerPrincipal {
  readonly kind: DeployerKind;
  /** As `aws:PrincipalArn` names it, except for a role's path. */
  readonly arn: string;
  /** The role behind an assumed-role session. */
  readonly roleName?: string;
}

/** The principal behind a caller ARN (sts:GetCallerIdentity's). */
export function callerPrincipal(callerArn: string): CallerPrincipal {
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (assumed) {
    const [, partition, account, roleName] = assumed;
    return { kind: 'role', arn: `arn:${partition}:iam::${account}:role/${roleName}`, roleName };
  }
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\//.test(callerArn)) return { kind: 'user', arn: callerArn };
  if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(callerArn)) return { kind: 'root', arn: callerArn };
  return { kind: 'other', arn: callerArn };
}

export interface DeployerFacts {
  /** sts:GetCallerIdentity's ARN: the session, for an assumed role. */
  readonly callerArn: string;
  readonly kind: DeployerKind;
  /** The principal as `aws:PrincipalArn` names it: the user, or the role behind the session with its path. */
  readonly principalArn: string;
  /** Why the role's path could not be read; `principalArn` then has none. */
  readonly pathUnknown?: string;
  /** IAM's simulator on the apply's requests; undefined where it cannot evaluate the principal (root, federated users). */
  readonly simulation?: Fact<Simulation>;
}

/** The bucket setting each S3 action writes. */
const SETTING_ACTIONS: Readonly<Record<ManageableSetting, string>> = {
  versioning: 's3:PutBucketVersioning',
  encryption: 's3:PutEncryptionConfiguration',
  cors: 's3:PutBucketCORS',
  publicAccessBlock: 's3:PutBucketPublicAccessBlock',
  ownership: 's3:PutBucketOwnershipControls',
};

const on = (resource: string, actions: readonly (string | false)[]): Requirement[] =>
  actions.filter((action): action is string => action !== false).map((action) => ({ action, resource }));

function bucketApplyRequirements(config: ResolvedConfig, bucket: ResolvedBucket): Requirement[] {
  const resource = bucketArn(bucket.name);
  const created = !bucket.existing;
  // Versioning is written only for a versioned bucket: "Disabled" is S3's state before any write.
  const settings = bucket.manage.filter((setting) => setting !== 'versioning' || bucket.versioning !== 'Disabled');
  return [
    ...on(resource, [
      created && 's3:CreateBucket',
      created && Object.keys({ ...config.tags, ...bucket.tags }).length > 0 && 's3:PutBucketTagging',
      ...settings.map((setting) => SETTING_ACTIONS[setting]),
      wantsBucketPolicy(config) && 's3:PutBucketPolicy',
    ]),
    // The folder object of each prefix is keyed by the prefix itself.
    ...bucket.prefixes.flatMap((prefix) => on(`${resource}/${prefix}`, ['s3:PutObject'])),
  ];
}

function iamApplyRequirements(config: ResolvedConfig, accountId: string): Requirement[] {
  const tagged = Object.keys(config.tags).length > 0;
  const policies = permissionPolicies(config, sizingRefs(config)).flatMap((_document, index) =>
    on(`arn:aws:iam::${accountId}:policy/${permissionPolicyName(config, index)}`, ['iam:CreatePolicy', 'iam:CreatePolicyVersion', tagged && 'iam:TagPolicy']));
  const principal = iamPrincipalArn(config, accountId);
  const credential = config.credential;
  if (credential.method === 'user') {
    return [...policies, ...on(principal, ['iam:CreateUser', 'iam:AttachUserPolicy', tagged && 'iam:TagUser', accessKeyLabels(config).length > 0 && 'iam:CreateAccessKey'])];
  }
  return [
    ...policies,
    ...on(principal, ['iam:CreateRole', 'iam:AttachRolePolicy', tagged && 'iam:TagRole']),
    ...(credential.oidcProvider === 'create' && config.oidc
      ? on(oidcProviderArn(config.oidc, accountId), ['iam:CreateOpenIDConnectProvider', tagged && 'iam:TagOpenIDConnectProvider'])
      : []),
  ];
}

function kmsApplyRequirements(config: ResolvedConfig, accountId: string): Requirement[] {
  const buckets = config.buckets.filter(hasCreatedKey);
  if (buckets.length === 0) return [];
  const prefix = `arn:aws:kms:${config.region.awsRegion}:${accountId}`;
  // The keys do not exist yet: a policy must allow these on any key of the account.
  const anyKey = `${prefix}:key/*`;
  const tagged = buckets.some((bucket) => Object.keys({ ...config.tags, ...bucket.tags }).length > 0);
  return [
    ...on('*', ['kms:CreateKey']),
    ...on(anyKey, ['kms:EnableKeyRotation', 'kms:PutKeyPolicy', 'kms:CreateAlias', tagged && 'kms:TagResource']),
    // CreateAlias needs the permission on the alias as well as on the key.
    ...buckets.flatMap((bucket) => on(`${prefix}:${kmsAliasName(config, bucket)}`, ['kms:CreateAlias'])),
  ];
}

function secretStoreApplyRequirements(config: ResolvedConfig, accountId: string): Requirement[] {
  const target = secretStoreTarget(config);
  if (!target) return [];
  const tagged = Object.keys(config.tags).length > 0;
  if (target.type === 'ssm') {
    const name = target.name.startsWith('/') ? target.name : `/${target.name}`;
    return on(`arn:aws:ssm:${config.region.awsRegion}:${accountId}:parameter${name}`, ['ssm:PutParameter', tagged && 'ssm:AddTagsToResource']);
  }
  // Secrets Manager appends six random characters to the secret's ARN.
  return on(`arn:aws:secretsmanager:${config.region.awsRegion}:${accountId}:secret:${target.name}-AbCdEf`,
    ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', tagged && 'secretsmanager:TagResource']);
}

/**
 * The writes the config's apply makes, each on its resource, for IAM's simulator: the first
 * apply's creates, and what a later apply needs to change them (a policy's new version, a key
 * policy). With exemptDeployer, Terraform also reads the role behind the deployer's session.
 */
export function applyRequirements(config: ResolvedConfig, accountId: string, deployer: Pick<DeployerFacts, 'kind' | 'principalArn'>): Requirement[] {
  return [
    ...config.buckets.flatMap((bucket) => bucketApplyRequirements(config, bucket)),
    ...iamApplyRequirements(config, accountId),
    ...kmsApplyRequirements(config, accountId),
    ...secretStoreApplyRequirements(config, accountId),
    ...(exemptsDeployer(config) && deployer.kind === 'role' ? on(deployer.principalArn, ['iam:GetRole']) : []),
  ];
}

/** "s3:CreateBucket on arn:aws:s3:::a, arn:aws:s3:::b; iam:CreateRole on ...", in the requirements' order. */
function describeDenied(denied: readonly Requirement[], simulation: Simulation): string {
  const byAction = new Map<string, string[]>();
  for (const requirement of denied) {
    const explicit = simulation.get(simulationKey(requirement)) === 'explicitDeny' ? ' (explicit Deny)' : '';
    byAction.set(requirement.action, [...(byAction.get(requirement.action) ?? []), `${requirement.resource}${explicit}`]);
  }
  return [...byAction].map(([action, resources]) => `${action} on ${resources.join(', ')}`).join('; ');
}

/** Whether IAM lets the deployer make every write of the apply. */
export function checkDeployerPermissions(deployer: DeployerFacts, requirements: readonly Requirement[], emulated: boolean): CheckResult {
  const id = 'deployer.permissions';
  const subject = deployer.principalArn;
  if (deployer.kind === 'root') {
    return info(id, subject, 'the account\'s root user may do everything, and IAM\'s policy simulator does not evaluate it; deploy with an IAM role or user instead');
  }
  const simulation = deployer.simulation;
  if (!simulation) return info(id, subject, 'IAM\'s policy simulator evaluates IAM users and roles only: the deployer\'s permissions were not checked');
  if (simulation.state !== 'ok') {
    const reason = simulation.state === 'error' ? simulation.error : simulation.reason;
    if (emulated) return info(id, subject, `the emulator lacks IAM's policy simulator (${reason}): the deployer's permissions were not checked`);
    return judge(id, subject, `could not use IAM's policy simulator (${reason}): the deployer's permissions were not checked`, undefined,
      outsideTool(`allow iam:SimulatePrincipalPolicy on ${subject} to the deploying credentials, for this check`, 'risk'));
  }
  const denied = requirements.filter((requirement) => {
    const decision = simulation.value.get(simulationKey(requirement));
    return decision === 'implicitDeny' || decision === 'explicitDeny';
  });
  if (denied.length === 0) return pass(id, subject, `IAM's policy simulator allows the ${requirements.length} writes the apply makes`);
  return judge(id, subject, `IAM's policy simulator denies ${describeDenied(denied, simulation.value)}: the apply would stop there with AccessDenied`, undefined,
    outsideTool(`allow these actions to ${subject}, or deploy with credentials that have them; an explicit Deny (a policy, a permissions boundary or an SCP) must be lifted where it is written`, 'fails'));
}

/** IAM's ArnLike: each of the six colon-separated parts matched on its own, with `*` and `?` wildcards. */
export function arnLike(pattern: string, arn: string): boolean {
  const parts = (value: string) => {
    const split = value.split(':');
    return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const wanted = parts(pattern);
  const actual = parts(arn);
  return wanted !== undefined && actual !== undefined && wanted.every((part, index) => wildcardMatch(part, actual[index]));
}

/**
 * With restrictToIca and exemptDeployer off, the Deny exempts the deployer only through
 * exemptPrincipalArns, matched as the policy matches them: ArnLike on aws:PrincipalArn.
 */
export function checkDeployerExempt(config: ResolvedConfig, deployer: DeployerFacts): CheckResult | undefined {
  const { restrictToIca, exemptDeployer, exemptPrincipalArns } = config.bucketPolicy;
  if (!restrictToIca || exemptDeployer) return undefined;
  const id = 'deployer.exempt';
  const subject = deployer.principalArn;
  const match = exemptPrincipalArns.find((pattern) => arnLike(pattern, deployer.principalArn));
  if (match) return pass(id, subject, `bucketPolicy.exemptPrincipalArns exempts it from the restrictToIca Deny (${match})`);
  const session = exemptPrincipalArns.find((pattern) => arnLike(pattern, deployer.callerArn));
  const sessionNote = session ? `; it lists the session ${session}, but aws:PrincipalArn of an assumed role is the role` : '';
  const pathNote = deployer.pathUnknown ? `; the role's path could not be read (${deployer.pathUnknown}), so a role with a path may be missed here` : '';
  return judge(id, subject,
    `restrictToIca denies object access to every principal it does not exempt, bucketPolicy.exemptDeployer is false, and bucketPolicy.exemptPrincipalArns does not match the deployer (aws:PrincipalArn ${subject})${sessionNote}${pathNote}: `
    + 'once the bucket policy is in place, the apply\'s put (and a later destroy\'s delete) of the folder objects gets 403 AccessDenied',
    undefined, configFixes(`set bucketPolicy.exemptDeployer to true, or add "${subject}" to bucketPolicy.exemptPrincipalArns`, 'fails'));
}
