/**
 * `ica-s3 preflight`: run with the deploying credentials before the first apply, it reads the
 * account (read.ts) for what would make that apply fail, and says so one line each with the fix.
 * The decisions are the pure functions of checks/resources.ts and checks/deployer.ts;
 * `preflightChecks` combines them.
 */
import { CheckResult, CheckTally, info, pass, tally } from '../account-report/checks';
import { formatAccountReport, runAccountReport } from '../account-report/run';
import { AccountReadOptions } from '../aws/caller';
import { ResolvedConfig } from '../core/validate';
import { checkDeployerExempt, checkDeployerPermissions, applyRequirements } from './checks/deployer';
import { ManagedResource, bucketPreflightChecks, checkOidcProviderName, checkPlannedResource } from './checks/resources';
import { PreflightFacts, readPreflightFacts } from './read';

export type { PreflightFacts } from './read';

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
  const { checks } = await runAccountReport<PreflightFacts>(config, {
    read: (clients, caller, progress) => readPreflightFacts(clients, config, caller, progress),
    check: (facts, emulated) => preflightChecks(config, facts, { emulated, state: options.state }),
  }, options);
  return preflightReport(checks);
}

export function formatPreflightReport(config: ResolvedConfig, report: PreflightReport): string {
  return formatAccountReport('preflight', config, report, {
    failed: 'Fix the FAIL lines before the first apply: each would stop it.',
    passed: 'Nothing here stops the first apply. Deploy, then check the result with npx ica-s3 doctor.',
  }).join('\n');
}
