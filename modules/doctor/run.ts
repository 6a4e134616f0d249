/**
 * One doctor run: read the account (inspect), ask IAM's simulator where it can, then run every
 * check over the facts. `checkFacts` is the pure part, unit-tested without AWS.
 */
import { CheckResult, CheckTally, info, judge, pass, tally } from '../account-report/checks';
import { outsideTool } from '../account-report/verdict';
import { runAccountReport } from '../account-report/run';
import { IdentityAccess, Simulation, allRequirements, bucketRequirements, prefixRequirements } from '../aws/access';
import { AccountReadOptions } from '../aws/caller';
import { AwsReadClients } from '../aws/clients';
import { Fact } from '../aws/fact';
import { DoctorFacts } from '../aws/facts';
import { simulatePrincipal } from '../aws/simulate';
import { StorageConfigurationValues, bucketArn, storageConfigurations } from '../core/ica-policies';
import { storageConfigurationSteps, storageCredentialSteps } from '../core/next-steps';
import { ACCESS_KEY_PLACEHOLDER, placeholderRefs } from '../core/placeholders';
import { ResolvedConfig } from '../core/validate';
import { federationCheck, keyArnOf, permissionChecks } from './checks/access';
import { bucketChecks } from './checks/bucket';
import { checkObjectKeys } from './checks/objects';
import {
  checkAccessKey, checkOidcProvider, checkPolicyAttached, checkPrincipalExists, checkSessionDuration, checkTrustPolicy, principalArnOf,
} from './checks/principal';
import { bucketPolicyChecks, kmsChecks } from './checks/resource-policies';
import { inspect } from './inspect';

export interface SimulationFacts {
  /** Identity policies only (the policy.* checks). */
  readonly identity: Fact<Simulation>;
  /** Per bucket with a bucket policy: identity and bucket policy together (the bucket.policy check). */
  readonly withBucketPolicy: ReadonlyMap<string, Simulation>;
}

export interface CheckInputs {
  readonly facts: DoctorFacts;
  /** Undefined when the simulator was not asked (the principal or its policies are missing). */
  readonly simulation?: SimulationFacts;
  /** The calls went to an emulator (a missing simulator is then expected, not a problem). */
  readonly emulated: boolean;
  /** The access key id from Terraform's outputs, to check that exact key (user method). */
  readonly expectedAccessKeyId?: string;
}

function simulatorNote(inputs: CheckInputs): CheckResult | undefined {
  const simulation = inputs.simulation?.identity;
  if (!simulation) return undefined;
  if (simulation.state === 'ok') return pass('policy.simulator', 'iam:SimulatePrincipalPolicy', 'IAM\'s policy simulator decided the policy.* checks (and bucket.policy for the ICA principal)');
  const reason = simulation.state === 'error' ? simulation.error : simulation.reason;
  if (inputs.emulated) {
    return info('policy.simulator', 'iam:SimulatePrincipalPolicy',
      `the emulator lacks IAM's policy simulator (${reason}); the doctor's built-in evaluator decided the policy.* and bucket.policy checks`);
  }
  return judge('policy.simulator', 'iam:SimulatePrincipalPolicy',
    `could not use IAM's policy simulator (${reason}); the doctor's built-in evaluator decided the policy.* and bucket.policy checks`, undefined,
    outsideTool('allow iam:SimulatePrincipalPolicy to the credentials running the doctor for AWS\'s own verdict', 'risk'));
}

/** Every check over facts already read: pure, in the order they print. */
export function checkFacts(config: ResolvedConfig, inputs: CheckInputs): CheckResult[] {
  const { facts } = inputs;
  const { accountId } = facts;
  const results: CheckResult[] = [];
  results.push(pass('aws.account', accountId, `reading account ${accountId}${facts.callerArn ? ` as ${facts.callerArn}` : ''}${inputs.emulated ? ' (emulator)' : ''}`));

  config.buckets.forEach((bucket, index) => results.push(...bucketChecks(config, bucket, facts.buckets[index])));

  const principal = facts.principal;
  results.push(checkPrincipalExists(config, principal));
  const optional = [
    checkPolicyAttached(config, principal),
    checkAccessKey(config, principal, inputs.expectedAccessKeyId),
    checkSessionDuration(config, principal),
    checkOidcProvider(config, facts.oidc),
    checkTrustPolicy(config, principal, facts.oidc, accountId),
  ];
  results.push(...optional.filter((result): result is CheckResult => result !== undefined));

  const principalArn = principalArnOf(config, principal, accountId);
  let access: IdentityAccess | undefined;
  if (principal.entity.state === 'ok' && principal.policies.state === 'ok') {
    const simulation = inputs.simulation?.identity.state === 'ok' ? inputs.simulation.identity.value : undefined;
    access = new IdentityAccess(principalArn, accountId, principal.policies.value, principal.entity.value.boundary, simulation);
    const note = simulatorNote(inputs);
    if (note) results.push(note);
    if (access.unparsable.length > 0) {
      results.push(judge('policy.parse', principal.name, `could not parse ${access.unparsable.join(', ')}; they were left out`, undefined, outsideTool('check those policies in the IAM console', 'risk')));
    }
    config.buckets.forEach((bucket, index) => {
      if (facts.buckets[index].exists.state === 'ok' || facts.buckets[index].exists.state === 'absent') {
        results.push(...permissionChecks(config, bucket, facts.buckets[index], access!));
      }
    });
    results.push(federationCheck(config, access));
  }

  config.buckets.forEach((bucket, index) => {
    const bucketFacts = facts.buckets[index];
    if (bucketFacts.exists.state !== 'ok') return;
    results.push(...bucketPolicyChecks(config, bucket, bucketFacts, {
      principalArn,
      accountId,
      simulatedWithBucketPolicy: inputs.simulation?.withBucketPolicy.get(bucket.name),
    }));
    results.push(...kmsChecks(config, bucket, bucketFacts, principalArn, accountId, access));
    for (const prefix of bucket.prefixes) {
      const objectKeys = checkObjectKeys(bucket, prefix, bucketFacts);
      if (objectKeys) results.push(objectKeys);
    }
  });
  return results;
}

/** What the user enters in ICA, with the real values the doctor found where it found them. */
export function icaValues(config: ResolvedConfig, facts: DoctorFacts, expectedAccessKeyId?: string): { lines: string[]; storageConfigurations: StorageConfigurationValues[] } {
  const { accountId } = facts;
  const placeholders = placeholderRefs(config, accountId);
  const principalArn = principalArnOf(config, facts.principal, accountId);
  const activeKey = facts.principal.accessKeys?.state === 'ok'
    ? facts.principal.accessKeys.value.find((key) => key.status === 'Active')?.id
    : undefined;
  const values = storageConfigurations(config, {
    accountId,
    icaPrincipalArn: principalArn,
    kmsKeyArn: (bucket) => {
      if (bucket.encryption.type !== 'SSE-KMS') return undefined;
      const index = config.buckets.indexOf(bucket);
      return keyArnOf(bucket, facts.buckets[index]) ?? placeholders.kmsKeyArn(bucket);
    },
    credential: config.credential.method === 'role' ? principalArn : expectedAccessKeyId ?? activeKey ?? ACCESS_KEY_PLACEHOLDER,
  });
  return {
    lines: [...storageCredentialSteps(config), ...storageConfigurationSteps(values)],
    storageConfigurations: values,
  };
}

export interface DoctorReport extends CheckTally {
  readonly ica: { readonly lines: readonly string[]; readonly storageConfigurations: readonly StorageConfigurationValues[] };
}

export function report(config: ResolvedConfig, checks: readonly CheckResult[], facts?: DoctorFacts, expectedAccessKeyId?: string): DoctorReport {
  const ica = facts
    ? icaValues(config, facts, expectedAccessKeyId)
    : { lines: [...storageCredentialSteps(config), ...storageConfigurationSteps(storageConfigurations(config, placeholderRefs(config)))], storageConfigurations: storageConfigurations(config, placeholderRefs(config)) };
  return { ...tally(checks), ica };
}

export interface DoctorOptions extends AccountReadOptions {
  /** Check this access key (user method), from Terraform's outputs. */
  readonly expectedAccessKeyId?: string;
}

/** What the doctor reads: the account's facts and, where it could ask, IAM's simulator. */
interface DoctorReading {
  readonly facts: DoctorFacts;
  readonly simulation?: SimulationFacts;
}

/** Reads the account and runs every check. Read-only: the clients refuse any other call. */
export async function runDoctor(config: ResolvedConfig, options: DoctorOptions = {}): Promise<DoctorReport> {
  const { expectedAccessKeyId } = options;
  const result = await runAccountReport<DoctorReading>(config, {
    async read(clients, caller, progress) {
      const facts = await inspect(clients, config, caller, progress);
      return { facts, simulation: await simulate(clients, config, facts, progress) };
    },
    check: ({ facts, simulation }, emulated) => checkFacts(config, { facts, simulation, emulated, expectedAccessKeyId }),
  }, options);
  return report(config, result.checks, result.facts?.facts, expectedAccessKeyId);
}

async function simulate(clients: AwsReadClients, config: ResolvedConfig, facts: DoctorFacts, progress: (step: string) => void): Promise<SimulationFacts | undefined> {
  const principal = facts.principal;
  if (principal.entity.state !== 'ok' || principal.policies.state !== 'ok') return undefined;
  progress('IAM policy simulator');
  const arn = principal.entity.value.arn;
  const keyArns = new Map<string, string>();
  config.buckets.forEach((bucket, index) => {
    const keyArn = bucket.encryption.type === 'SSE-KMS' ? keyArnOf(bucket, facts.buckets[index]) : undefined;
    if (keyArn) keyArns.set(bucket.name, keyArn);
  });
  const identity = await simulatePrincipal(clients.iam, arn, allRequirements(config, keyArns));
  const withBucketPolicy = new Map<string, Simulation>();
  if (identity.state === 'ok') {
    for (const [index, bucket] of config.buckets.entries()) {
      const policy = facts.buckets[index].policy;
      if (policy.state !== 'ok') continue;
      const onBucket = bucketRequirements(bucket);
      const requirements = [...onBucket.base, ...onBucket.versioned, ...bucket.prefixes.flatMap((prefix) => {
        const onPrefix = prefixRequirements(config, bucket, prefix);
        return [...onPrefix.base, ...onPrefix.versioned];
      })];
      const simulated = await simulatePrincipal(clients.iam, arn, requirements,
        (resource) => (resource === bucketArn(bucket.name) || resource.startsWith(`${bucketArn(bucket.name)}/`) ? policy.value : undefined));
      if (simulated.state === 'ok') withBucketPolicy.set(bucket.name, simulated.value);
    }
  }
  return { identity, withBucketPolicy };
}
