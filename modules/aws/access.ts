/**
 * What ICA must be allowed to do, built from the core action sets (never re-typed here), and the
 * decision for each request: from IAM's policy simulator where the doctor could use it, else from
 * the built-in evaluator over the policies read from the account.
 */
import { FEDERATION_ACTIONS, KMS_USE_ACTIONS } from '../core/actions';
import { bucketArn, icaBucketActions, icaObjectActions } from '../core/ica-policies';
import { PolicyStatement } from '../core/iam-policy';
import { ResolvedBucket, ResolvedConfig } from '../core/validate';
import { Evaluation, Request, evaluate, parsePolicy } from '../core/iam-eval';
import { PolicySource } from './facts';

/** The object key the doctor asks about inside each prefix (it is never created). */
export const PROBE_OBJECT = 'ica-s3-doctor-probe';

export function probeObjectArn(bucketName: string, prefix: string): string {
  return `${bucketArn(bucketName)}/${prefix}${PROBE_OBJECT}`;
}

/** The extra actions of the seeds' "Versioned OR Suspended" tab, derived from the core sets. */
export function versionedExtras(base: readonly string[], versioned: readonly string[]): string[] {
  return versioned.filter((action) => !base.includes(action));
}

export interface Requirement {
  readonly action: string;
  readonly resource: string;
}

/** Bucket-level actions: the unversioned tab's, and the versioned tab's extras. */
export function bucketRequirements(bucket: ResolvedBucket): { base: Requirement[]; versioned: Requirement[] } {
  const resource = bucketArn(bucket.name);
  const base = icaBucketActions(false);
  return {
    base: base.map((action) => ({ action, resource })),
    versioned: versionedExtras(base, icaBucketActions(true)).map((action) => ({ action, resource })),
  };
}

/** Object actions inside one prefix, the unversioned tab's and the versioned tab's extras. */
export function prefixRequirements(config: ResolvedConfig, bucket: ResolvedBucket, prefix: string): { base: Requirement[]; versioned: Requirement[] } {
  const resource = probeObjectArn(bucket.name, prefix);
  const base = icaObjectActions(false, config.objectTagging);
  return {
    base: base.map((action) => ({ action, resource })),
    versioned: versionedExtras(base, icaObjectActions(true, config.objectTagging)).map((action) => ({ action, resource })),
  };
}

export function kmsRequirements(keyArn: string): Requirement[] {
  return KMS_USE_ACTIONS.map((action) => ({ action, resource: keyArn }));
}

export function federationRequirements(): Requirement[] {
  return FEDERATION_ACTIONS.map((action) => ({ action, resource: '*' }));
}

/** Every request the ICA principal must be allowed, for the simulator. */
export function allRequirements(config: ResolvedConfig, keyArns: ReadonlyMap<string, string>): Requirement[] {
  return [
    ...config.buckets.flatMap((bucket) => {
      const onBucket = bucketRequirements(bucket);
      const keyArn = keyArns.get(bucket.name);
      return [
        ...onBucket.base, ...onBucket.versioned,
        ...bucket.prefixes.flatMap((prefix) => {
          const onPrefix = prefixRequirements(config, bucket, prefix);
          return [...onPrefix.base, ...onPrefix.versioned];
        }),
        ...(keyArn ? kmsRequirements(keyArn) : []),
      ];
    }),
    ...federationRequirements(),
  ];
}

/** IAM's simulator decisions, by `action resource`. */
export type SimulatedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';
export type Simulation = ReadonlyMap<string, SimulatedDecision>;

export function simulationKey(request: Requirement): string {
  return `${request.action} ${request.resource}`;
}

export interface Decision {
  readonly decision: Evaluation['decision'];
  /** Who decided: IAM's simulator, or the built-in evaluator. */
  readonly source: 'IAM policy simulator' | 'built-in evaluator';
}

/** The identity side of the ICA principal: its policies (and boundary), or the simulator's answers. */
export class IdentityAccess {
  private readonly statements: PolicyStatement[];
  private readonly boundary?: PolicyStatement[];
  /** Policies that could not be parsed, by name. */
  readonly unparsable: string[] = [];

  constructor(
    readonly principalArn: string,
    readonly accountId: string | undefined,
    policies: readonly PolicySource[],
    boundary?: PolicySource,
    private readonly simulation?: Simulation,
  ) {
    this.statements = policies.flatMap((policy) => this.parse(policy));
    this.boundary = boundary ? this.parse(boundary) : undefined;
  }

  private parse(policy: PolicySource): PolicyStatement[] {
    try {
      return parsePolicy(policy.document);
    } catch {
      this.unparsable.push(policy.name);
      return [];
    }
  }

  private request(requirement: Requirement): Request {
    return {
      action: requirement.action,
      resource: requirement.resource,
      context: {
        'aws:PrincipalArn': [this.principalArn],
        ...(this.accountId ? { 'aws:PrincipalAccount': [this.accountId] } : {}),
        'aws:SecureTransport': ['true'],
      },
    };
  }

  decide(requirement: Requirement): Decision {
    const simulated = this.simulation?.get(simulationKey(requirement));
    if (simulated) {
      const decision = simulated === 'allowed' ? 'allowed' : simulated === 'explicitDeny' ? 'denied' : 'implicit';
      return { decision, source: 'IAM policy simulator' };
    }
    const identity = evaluate(this.statements, this.request(requirement)).decision;
    if (!this.boundary || identity === 'denied') return { decision: identity, source: 'built-in evaluator' };
    const bounded = evaluate(this.boundary, this.request(requirement)).decision;
    const order: Evaluation['decision'][] = ['denied', 'implicit', 'unknown', 'allowed'];
    // The effective permission is the weaker of the two.
    const decision = order[Math.min(order.indexOf(identity), order.indexOf(bounded))];
    return { decision, source: 'built-in evaluator' };
  }
}
