/** Reads the ICA user or role (read-only): the entity, its policies and boundary, access keys; and the OIDC provider. */
import {
  GetGroupPolicyCommand, GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand,
  GetRolePolicyCommand, GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand, ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand, ListGroupsForUserCommand, ListOpenIDConnectProvidersCommand, ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { ResolvedConfig } from '../core/validate';
import { AwsReadClients } from './clients';
import { AccessKeyFacts, OidcFacts, OidcProviderFacts, PolicySource, PrincipalEntity, PrincipalFacts, read } from './facts';
import { absent, unreadable } from './fact';

async function managedPolicy(iam: IAMClient, arn: string, via: string): Promise<PolicySource> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId }));
  return { name: Policy?.PolicyName ?? arn, via, arn, document: decodeURIComponent(PolicyVersion?.Document ?? '{}') };
}

type Page<T> = { items: T[]; marker?: string };
async function paginate<T>(fetchPage: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    all.push(...page.items);
    marker = page.marker;
  } while (marker);
  return all;
}

async function rolePolicies(iam: IAMClient, roleName: string): Promise<PolicySource[]> {
  const attached = await paginate(async (Marker) => {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  const inline = await paginate(async (Marker) => {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  const sources: PolicySource[] = [];
  for (const policy of attached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `managed policy ${policy.PolicyArn}`));
  for (const policyName of inline) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    sources.push({ name: policyName, via: 'inline policy', document: decodeURIComponent(PolicyDocument ?? '{}') });
  }
  return sources;
}

async function userPolicies(iam: IAMClient, userName: string): Promise<PolicySource[]> {
  const sources: PolicySource[] = [];
  const attached = await paginate(async (Marker) => {
    const page = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const policy of attached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `managed policy ${policy.PolicyArn}`));
  const inline = await paginate(async (Marker) => {
    const page = await iam.send(new ListUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const policyName of inline) {
    const { PolicyDocument } = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName }));
    sources.push({ name: policyName, via: 'inline policy', document: decodeURIComponent(PolicyDocument ?? '{}') });
  }
  const groups = await paginate(async (Marker) => {
    const page = await iam.send(new ListGroupsForUserCommand({ UserName: userName, Marker }));
    return { items: page.Groups ?? [], marker: page.IsTruncated ? page.Marker : undefined };
  });
  for (const group of groups) {
    const groupName = group.GroupName ?? '';
    const groupAttached = await paginate(async (Marker) => {
      const page = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker }));
      return { items: page.AttachedPolicies ?? [], marker: page.IsTruncated ? page.Marker : undefined };
    });
    for (const policy of groupAttached) sources.push(await managedPolicy(iam, policy.PolicyArn ?? '', `group ${groupName}, managed policy ${policy.PolicyArn}`));
    const groupInline = await paginate(async (Marker) => {
      const page = await iam.send(new ListGroupPoliciesCommand({ GroupName: groupName, Marker }));
      return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
    });
    for (const policyName of groupInline) {
      const { PolicyDocument } = await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName }));
      sources.push({ name: policyName, via: `group ${groupName}, inline policy`, document: decodeURIComponent(PolicyDocument ?? '{}') });
    }
  }
  return sources;
}

/** The principal's boundary policy, when it has one. */
async function boundaryOf(iam: IAMClient, boundaryArn: string | undefined): Promise<Pick<PrincipalEntity, 'boundary'>> {
  return boundaryArn ? { boundary: await managedPolicy(iam, boundaryArn, `permissions boundary ${boundaryArn}`) } : {};
}

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

async function readRole(iam: IAMClient, name: string): Promise<PrincipalEntity> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
  return {
    arn: Role?.Arn ?? '',
    maxSessionDuration: Role?.MaxSessionDuration,
    // GetRole returns the trust policy URL-encoded (on AWS and moto alike).
    trustPolicy: decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}'),
    ...await boundaryOf(iam, Role?.PermissionsBoundary?.PermissionsBoundaryArn),
  };
}

async function readUser(iam: IAMClient, name: string): Promise<PrincipalEntity> {
  const { User } = await iam.send(new GetUserCommand({ UserName: name }));
  return { arn: User?.Arn ?? '', ...await boundaryOf(iam, User?.PermissionsBoundary?.PermissionsBoundaryArn) };
}

export async function inspectPrincipal(clients: AwsReadClients, config: ResolvedConfig): Promise<PrincipalFacts> {
  const iam = clients.iam;
  const credential = config.credential;
  if (credential.method === 'role') {
    const name = credential.roleName;
    const entity = await read(() => readRole(iam, name), NO_SUCH_ENTITY);
    const policies = entity.state === 'ok' ? await read(() => rolePolicies(iam, name)) : absent<readonly PolicySource[]>('the role does not exist');
    return { method: 'role', name, entity, policies };
  }
  const name = credential.userName;
  const entity = await read(() => readUser(iam, name), NO_SUCH_ENTITY);
  const exists = entity.state === 'ok';
  const policies = exists ? await read(() => userPolicies(iam, name)) : absent<readonly PolicySource[]>('the user does not exist');
  const accessKeys = exists
    ? await read(async () => (await iam.send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata?.map((key) => ({ id: key.AccessKeyId ?? '', status: key.Status ?? 'Unknown' })) ?? [])
    : absent<readonly AccessKeyFacts[]>('the user does not exist');
  return { method: 'user', name, entity, policies, accessKeys };
}

export async function inspectOidc(clients: AwsReadClients, issuer: string): Promise<OidcFacts> {
  const iam = clients.iam;
  const list = await read(async () => (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList?.map((p) => p.Arn ?? '') ?? []);
  if (list.state !== 'ok') return { provider: list.state === 'absent' ? list : unreadable(list.error), allProviderArns: [] };
  const wanted = list.value.find((arn) => arn.toLowerCase().endsWith(`:oidc-provider/${issuer.toLowerCase()}`));
  if (!wanted) return { provider: absent('no provider for this URL'), allProviderArns: list.value };
  const provider = await read(async (): Promise<OidcProviderFacts> => {
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: wanted }));
    return { arn: wanted, url: got.Url ?? '', clientIds: got.ClientIDList ?? [] };
  }, ['NoSuchEntity', 'NoSuchEntityException']);
  return { provider, allProviderArns: list.value };
}
