/**
 * IAM's own policy evaluator, SimulatePrincipalPolicy: it reads the principal's policies (and
 * boundary) itself and, given a bucket policy as resource policy, combines both. The doctor asks
 * it on real AWS. Emulators may lack it (moto answers HTTP 500), which the doctor reports.
 */
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { Requirement, SimulatedDecision, simulationKey } from './access';
import { errorText } from './facts';
import { Fact, ok, unreadable } from './fact';

/** One simulator call per resource, every action at once; the decisions by `action resource`. */
export async function simulatePrincipal(
  iam: Pick<IAMClient, 'send'>,
  principalArn: string,
  requirements: readonly Requirement[],
  resourcePolicy?: (resource: string) => string | undefined,
): Promise<Fact<Map<string, SimulatedDecision>>> {
  const byResource = new Map<string, string[]>();
  for (const requirement of requirements) byResource.set(requirement.resource, [...new Set([...(byResource.get(requirement.resource) ?? []), requirement.action])]);
  const decisions = new Map<string, SimulatedDecision>();
  try {
    for (const [resource, actions] of byResource) {
      const policy = resourcePolicy?.(resource);
      let marker: string | undefined;
      do {
        const page = await iam.send(new SimulatePrincipalPolicyCommand({
          PolicySourceArn: principalArn,
          ActionNames: actions,
          ResourceArns: [resource],
          ...(policy ? { ResourcePolicy: policy } : {}),
          ContextEntries: [
            { ContextKeyName: 'aws:PrincipalArn', ContextKeyType: 'string', ContextKeyValues: [principalArn] },
            { ContextKeyName: 'aws:SecureTransport', ContextKeyType: 'boolean', ContextKeyValues: ['true'] },
          ],
          Marker: marker,
        }));
        for (const result of page.EvaluationResults ?? []) {
          const decision = result.EvalDecision;
          if (result.EvalActionName && (decision === 'allowed' || decision === 'explicitDeny' || decision === 'implicitDeny')) {
            decisions.set(simulationKey({ action: result.EvalActionName, resource }), decision);
          }
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    }
  } catch (error) {
    return unreadable(errorText(error));
  }
  return ok(decisions);
}
