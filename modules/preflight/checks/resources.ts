/**
 * Preflight's name checks: what the first apply creates under a name the account, or for a
 * bucket the whole of S3, may already hold, and what the apply would then run into. Pure: the
 * facts come from ../preflight.ts, the resources already managed from `--state`.
 *
 * A little over 300 lines: the list of planned resources and the reading of `--state` belong
 * with the check that compares them, and each is short.
 */
import { hasCreatedKey } from '../../core/protection';
import { kmsAliasName, permissionPolicies, permissionPolicyName, sizingRefs } from '../../core/ica-policies';
import { secretStoreTarget } from '../../core/secrets';
import { ResolvedBucket, ResolvedConfig } from '../../core/validate';
import type { OidcProviderFacts, Versioning } from '../../aws/facts';
import { CheckResult, judge, pass } from '../../account-report/checks';
import { Fact } from '../../aws/fact';
import { configFixes, outsideTool } from '../../account-report/verdict';
import { versioningComparison } from '../../account-report/versioning';

/** The module's address in the generated root configuration (templates/root/main.tf.hbs). */
export const GENERATED_MODULE = 'module.ica_s3_connect';

/** A resource of a Terraform state: `terraform show -json` and the state file name them alike. */
export interface ManagedResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The Terraform types of the named resources preflight looks for. */
export type PlannedResourceType =
  'aws_iam_role' | 'aws_iam_user' | 'aws_iam_policy' | 'aws_kms_alias' | 'aws_ssm_parameter' | 'aws_secretsmanager_secret';

/** A named resource the first apply creates. */
export interface PlannedResource {
  /** The check id. */
  readonly id: string;
  /** What it is, in words. */
  readonly kind: string;
  /** Its name as the config gives it (the check's subject). */
  readonly name: string;
  /** The config key that names it: the fix renames it there. */
  readonly configKey: string;
  readonly terraformType: PlannedResourceType;
  /** What `terraform import` takes for it; undefined: the ARN found (a secret's carries a random suffix). */
  readonly importId?: string;
  /** Its address in the generated root. */
  readonly generatedAddress: string;
  /** The error AWS answers the apply's create with when the name is taken. */
  readonly conflictError: string;
  /** A state resource of `terraformType` is this one when its name, ARN or id is one of these (lower case). */
  readonly identifiers: readonly string[];
}

/** A resource of that name found in the account: its ARN, and what else matters about it. */
export interface ExistingResource {
  readonly arn: string;
  readonly note?: string;
  /** The create's error when it is not the resource's usual `conflictError`. */
  readonly conflictError?: string;
}

const identifiersOf = (...values: string[]) => values.map((value) => value.toLowerCase());

function principalResource(config: ResolvedConfig, accountId: string): PlannedResource {
  const credential = config.credential;
  const [kind, name, configKey] = credential.method === 'role'
    ? ['role', credential.roleName, 'credential.roleName'] as const
    : ['user', credential.userName, 'credential.userName'] as const;
  return {
    id: `iam.${kind}`, kind: `IAM ${kind}`, name, configKey, terraformType: `aws_iam_${kind}`,
    importId: name, generatedAddress: `${GENERATED_MODULE}.aws_iam_${kind}.this[0]`,
    conflictError: 'EntityAlreadyExists', identifiers: identifiersOf(name, `arn:aws:iam::${accountId}:${kind}/${name}`),
  };
}

/** Every managed permission policy: one, or as many as IAM's size limit splits it into. */
function policyResources(config: ResolvedConfig, accountId: string): PlannedResource[] {
  const id = 'iam.policy';
  return permissionPolicies(config, sizingRefs(config)).map((_document, index) => {
    const name = permissionPolicyName(config, index);
    const arn = `arn:aws:iam::${accountId}:policy/${name}`;
    return {
      id, kind: 'IAM managed policy', name, configKey: 'policyName', terraformType: 'aws_iam_policy', importId: arn,
      // The generated module keys the second and later policies by name.
      generatedAddress: index === 0 ? `${GENERATED_MODULE}.aws_iam_policy.this` : `${GENERATED_MODULE}.aws_iam_policy.part[${JSON.stringify(name)}]`,
      conflictError: 'EntityAlreadyExists', identifiers: identifiersOf(name, arn),
    };
  });
}

function kmsAliasResources(config: ResolvedConfig): PlannedResource[] {
  const id = 'kms.alias';
  return config.buckets.flatMap((bucket, index) => {
    if (!hasCreatedKey(bucket)) return [];
    const name = kmsAliasName(config, bucket);
    return [{
      id, kind: 'KMS alias', name, configKey: `name or buckets[${index}].name: the alias is alias/<name>/<bucket>`, terraformType: 'aws_kms_alias', importId: name,
      generatedAddress: `${GENERATED_MODULE}.aws_kms_alias.this[${JSON.stringify(bucket.name)}]`,
      conflictError: 'AlreadyExistsException', identifiers: identifiersOf(name),
    }];
  });
}

function secretStoreResources(config: ResolvedConfig): PlannedResource[] {
  const target = secretStoreTarget(config);
  if (!target) return [];
  if (target.type === 'ssm') {
    const id = 'ssm.parameter';
    return [{
      id, kind: 'SSM parameter', name: target.name, configKey: 'credential.secretStore.name', terraformType: 'aws_ssm_parameter',
      importId: target.name, generatedAddress: `${GENERATED_MODULE}.aws_ssm_parameter.access_key[0]`,
      conflictError: 'ParameterAlreadyExists', identifiers: identifiersOf(target.name),
    }];
  }
  const id = 'secretsmanager.secret';
  return [{
    id, kind: 'Secrets Manager secret', name: target.name, configKey: 'credential.secretStore.name', terraformType: 'aws_secretsmanager_secret',
    generatedAddress: `${GENERATED_MODULE}.aws_secretsmanager_secret.access_key[0]`,
    conflictError: 'ResourceExistsException', identifiers: identifiersOf(target.name),
  }];
}

/** The named resources the first apply creates besides buckets and the OIDC provider, in report order. */
export function plannedResources(config: ResolvedConfig, accountId: string): PlannedResource[] {
  return [principalResource(config, accountId), ...policyResources(config, accountId), ...kmsAliasResources(config), ...secretStoreResources(config)];
}

/** The address of a state resource of `type` that is the one identified, if the state holds it. */
export function managedAddress(state: readonly ManagedResource[] | undefined, type: string, identifiers: readonly string[]): string | undefined {
  return state?.find((resource) => resource.type === type
    && ['name', 'bucket', 'arn', 'id'].some((key) => typeof resource.values[key] === 'string' && identifiers.includes((resource.values[key] as string).toLowerCase())))?.address;
}

/** What to say about a resource that exists when no state was given: it may be this stack's own. */
const NO_STATE_NOTE = ' (if this config\'s stack created it, ignore this line, or pass that stack\'s state with --state)';

function importFix(config: ResolvedConfig, resource: PlannedResource, existing: ExistingResource): string {
  const importId = resource.importId ?? existing.arn;
  return `import it, or rename it (${resource.configKey}): `
    + `terraform import '${resource.generatedAddress}' ${importId} in the generated root (terraform-out/ by default); `
    + `for the CDKTF stack, npx ica-s3 synth, then in cdktf.out/stacks/${config.name}/ terraform import '<address>' ${importId} `
    + `with the ${resource.terraformType} address that terraform plan there shows as to be created`;
}

/** A named resource: free, this stack's own (in the state), or taken by something else. */
export function checkPlannedResource(
  config: ResolvedConfig, resource: PlannedResource, existing: Fact<ExistingResource>, state?: readonly ManagedResource[],
): CheckResult {
  const { id, kind, name } = resource;
  if (existing.state === 'absent') return pass(id, name, `no ${kind} of this name yet: the apply creates it`);
  if (existing.state === 'error') {
    return judge(id, name, `could not read whether the ${kind} exists: ${existing.error}`, undefined,
      outsideTool('run preflight with the deploying credentials, which need to read it anyway (Terraform reads what it creates)', 'risk'));
  }
  const address = managedAddress(state, resource.terraformType, resource.identifiers);
  if (address) return pass(id, name, `exists (${existing.value.arn}); the state manages it as ${address}`);
  const note = existing.value.note ? ` (${existing.value.note})` : '';
  // The config names what it should; the account holds it outside the state: Terraform's import (or a new name) settles it.
  return judge(id, name, `the ${kind} exists already: ${existing.value.arn}${note}; the apply would fail with ${existing.value.conflictError ?? resource.conflictError}${state ? '' : NO_STATE_NOTE}`,
    undefined, outsideTool(importFix(config, resource, existing.value), 'fails'));
}

/** Whose a bucket of the configured name is. */
export type BucketOwner = 'this account' | 'another account';

export interface BucketPreflightFacts {
  readonly name: string;
  /** Absent: no bucket has this name. Error: one has, and whose could not be told. */
  readonly owner: Fact<BucketOwner>;
  /** Read for a bucket of this account only. */
  readonly region?: Fact<string>;
  /** Read for a bucket of this account only. */
  readonly versioning?: Fact<Versioning>;
}

function regionFix(config: ResolvedConfig): string {
  return `a bucket cannot move: connect a bucket in ${config.region.awsRegion}, or set icaRegion to the region your ICA project lives in`;
}

/** A bucket the apply creates: its name must be free, or the bucket already this stack's. */
export function checkNewBucket(
  config: ResolvedConfig, bucket: ResolvedBucket, index: number, facts: BucketPreflightFacts, state?: readonly ManagedResource[],
): CheckResult {
  const id = 'bucket.name';
  const rename = `choose another name (buckets[${index}].name): bucket names are global across all AWS accounts`;
  const adopt = `adopt it: npx ica-s3 adopt -b ${bucket.name} --write (sets "existing": true; the bucket is then read, never created or deleted)`;
  const { owner } = facts;
  if (owner.state === 'absent') return pass(id, bucket.name, 'the name is free: the apply creates the bucket');
  if (owner.state === 'error') {
    return judge(id, bucket.name, `a bucket of this name exists, and whose could not be told: ${owner.error}`, undefined,
      configFixes(`if it is this account's, ${adopt}; otherwise ${rename}`, 'fails'));
  }
  if (owner.value === 'another account') {
    return judge(id, bucket.name, 'another AWS account owns a bucket of this name: the apply would fail with BucketAlreadyExists', undefined, configFixes(rename, 'fails'));
  }
  const address = managedAddress(state, 'aws_s3_bucket', identifiersOf(bucket.name));
  if (address) return pass(id, bucket.name, `exists in this account; the state manages it as ${address}`);
  const region = facts.region?.state === 'ok' ? facts.region.value : undefined;
  if (region && region !== config.region.awsRegion) {
    return judge(id, bucket.name, `this account has a bucket of this name in ${region}, but ICA region ${config.region.code} needs ${config.region.awsRegion}: the apply would fail`,
      undefined, configFixes(`${rename}; ${regionFix(config)}`, 'fails'));
  }
  return judge(id, bucket.name, `exists already in this account: the apply would fail with BucketAlreadyOwnedByYou${state ? '' : NO_STATE_NOTE}`, undefined,
    configFixes(adopt, 'fails'));
}

/** A bucket the config adopts (`existing: true`): it must be this account's, in the ICA region. */
export function checkExistingBucket(config: ResolvedConfig, bucket: ResolvedBucket, index: number, facts: BucketPreflightFacts): CheckResult {
  const id = 'bucket.existing';
  const { owner } = facts;
  if (owner.state === 'absent') {
    return judge(id, bucket.name, 'the config adopts it ("existing": true), but no bucket has this name: the apply\'s read of it would fail', undefined,
      configFixes(`correct buckets[${index}].name, or remove "existing" to have the bucket created`, 'fails'));
  }
  if (owner.state === 'error' || owner.value === 'another account') {
    const found = owner.state === 'error' ? `whose it is could not be told: ${owner.error}` : 'another AWS account owns it';
    return judge(id, bucket.name, `the config adopts it, but ${found}; only the owner may change its policy and settings`, undefined,
      outsideTool('run preflight and the apply with credentials of the account that owns the bucket', 'fails'));
  }
  const region = facts.region;
  if (!region || region.state !== 'ok') {
    return judge(id, bucket.name, `exists in this account; could not read its region: ${region?.state === 'error' ? region.error : 'not read'}`, undefined,
      outsideTool('allow s3:GetBucketLocation to the deploying credentials', 'risk'));
  }
  if (region.value !== config.region.awsRegion) {
    return judge(id, bucket.name, `is in ${region.value}, but ICA region ${config.region.code} needs ${config.region.awsRegion}: the apply stops at the bucket's region check`,
      undefined, configFixes(regionFix(config), 'fails'));
  }
  return pass(id, bucket.name, `exists in this account, in ${region.value}`);
}

/** A bucket of this account against the configured versioning: S3 never unversions a bucket. */
export function checkBucketVersioning(bucket: ResolvedBucket, index: number, facts: BucketPreflightFacts): CheckResult | undefined {
  const id = 'bucket.versioning';
  const versioning = facts.versioning;
  if (!versioning) return undefined;
  if (versioning.state !== 'ok') {
    return judge(id, bucket.name, `could not read the bucket's versioning: ${versioning.state === 'error' ? versioning.error : versioning.reason}`, undefined,
      outsideTool('allow s3:GetBucketVersioning to the deploying credentials', 'risk'));
  }
  const { found, comparison } = versioningComparison(bucket, versioning.value, `buckets[${index}]`);
  return judge(id, bucket.name, found, undefined, comparison);
}

/** The bucket checks of one configured bucket, in report order. */
export function bucketPreflightChecks(
  config: ResolvedConfig, bucket: ResolvedBucket, index: number, facts: BucketPreflightFacts, state?: readonly ManagedResource[],
): CheckResult[] {
  const checks = [bucket.existing ? checkExistingBucket(config, bucket, index, facts) : checkNewBucket(config, bucket, index, facts, state)];
  const versioning = checkBucketVersioning(bucket, index, facts);
  return versioning ? [...checks, versioning] : checks;
}

/**
 * The role method's OIDC provider: an account holds one per URL, so "create" needs none there
 * (else EntityAlreadyExists) and "existing" needs it there (else the lookup fails).
 */
export function checkOidcProviderName(config: ResolvedConfig, provider: Fact<OidcProviderFacts>, state?: readonly ManagedResource[]): CheckResult | undefined {
  const credential = config.credential;
  if (credential.method !== 'role' || !config.oidc) return undefined;
  const id = 'iam.oidc-provider';
  const url = config.oidc.url;
  if (provider.state === 'error') {
    return judge(id, url, `could not read the account's OIDC providers: ${provider.error}`, undefined,
      outsideTool('allow iam:ListOpenIDConnectProviders to the deploying credentials', 'risk'));
  }
  if (credential.oidcProvider === 'existing') {
    if (provider.state === 'ok') return pass(id, url, `exists (${provider.value.arn}); the stack looks it up ("oidcProvider": "existing")`);
    return judge(id, url, 'the config says "oidcProvider": "existing", but the account has no provider for this URL: the apply\'s lookup would fail', undefined,
      configFixes('set "credential.oidcProvider": "create" (the default) to have the stack create it', 'fails'));
  }
  if (provider.state === 'absent') return pass(id, url, 'no provider for this URL yet: the apply creates it');
  const address = managedAddress(state, 'aws_iam_openid_connect_provider', identifiersOf(provider.value.arn));
  if (address) return pass(id, url, `exists (${provider.value.arn}); the state manages it as ${address}`);
  return judge(id, url, `the account has this provider already (${provider.value.arn}), one per URL, and the config says "oidcProvider": "create": the apply would fail with EntityAlreadyExists${state ? '' : NO_STATE_NOTE}`,
    undefined, configFixes('set "credential.oidcProvider": "existing" to use it', 'fails'));
}

/** The shapes `--state` accepts, in words, for the error about any other. */
const STATE_SHAPES = 'the output of terraform show -json, or a Terraform state file (format version 4)';

interface ShowJsonModule {
  resources?: { address?: string; mode?: string; type?: string; values?: Record<string, unknown> }[];
  child_modules?: ShowJsonModule[];
}

function showJsonResources(module: ShowJsonModule): ManagedResource[] {
  return [
    ...(module.resources ?? []).filter((resource) => resource.mode === 'managed' && resource.address && resource.type)
      .map((resource) => ({ address: resource.address as string, type: resource.type as string, values: resource.values ?? {} })),
    ...(module.child_modules ?? []).flatMap(showJsonResources),
  ];
}

interface StateFileResource {
  module?: string;
  mode?: string;
  type?: string;
  name?: string;
  instances?: { index_key?: string | number; attributes?: Record<string, unknown> }[];
}

function stateFileResources(resources: readonly StateFileResource[]): ManagedResource[] {
  return resources.filter((resource) => resource.mode === 'managed' && resource.type && resource.name).flatMap((resource) =>
    (resource.instances ?? []).map((instance) => ({
      address: `${resource.module ? `${resource.module}.` : ''}${resource.type}.${resource.name}${instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`}`,
      type: resource.type as string,
      values: instance.attributes ?? {},
    })));
}

/**
 * The managed resources of a state, given as `terraform show -json` prints it (no `values`
 * when the state is empty) or as the state file itself; throws naming the shapes it takes.
 */
export function parseState(json: unknown): ManagedResource[] {
  const state = (json ?? {}) as { format_version?: unknown; values?: { root_module?: ShowJsonModule }; version?: unknown; resources?: unknown };
  if (typeof state.format_version === 'string') return state.values?.root_module ? showJsonResources(state.values.root_module) : [];
  if (state.version === 4 && Array.isArray(state.resources)) return stateFileResources(state.resources as StateFileResource[]);
  throw new Error(`is not ${STATE_SHAPES}`);
}
