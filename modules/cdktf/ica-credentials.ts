import { Construct } from 'constructs';
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { trustPolicy } from '../core/ica-policies';
import { ICA_ROLE_MAX_SESSION_SECONDS, OIDC_AUDIENCE } from '../core/regions';
import { RESOURCE_DESCRIPTIONS } from '../core/renderer-literals';
import { propProblem, ruleProblem } from '../core/rule-catalogue';
import { iamNameProblems, sessionNamePrefixProblems } from '../core/rules';
import { ResolvedOidc } from '../core/validate';

/** The principal ICA signs in as; the stack attaches the permission policy to it. */
export interface IcaPrincipal {
  /** ARN of the IAM user or role. */
  readonly principalArn: string;
  /** Attaches the managed policies (the split permission policy) to the principal. */
  attachPolicies(policyArns: readonly string[]): void;
}

/** Construct ids of the attachments: the first keeps the id it had before policies were split. */
function attachmentId(index: number): string {
  return index === 0 ? 'policy-attachment' : `policy-attachment-${index + 1}`;
}

function throwIfProblems(construct: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`Invalid ${construct} props:\n  ${problems.join('\n  ')}`);
}

export interface IcaUserCredentialProps {
  /**
   * Name of the IAM user.
   * @default 'illumina_ica_admin'
   */
  readonly userName?: string;
  /**
   * Labels of the access keys to create, at most two (the AWS limit). Rotate by adding a second
   * label, entering the new key in ICA, then removing the old label; the last one is active.
   * @default ['primary'] - one key; pass [] for none
   */
  readonly accessKeyLabels?: readonly string[];
  /**
   * PGP public key (base64) or `keybase:<user>` to encrypt the secrets with.
   * @default - the secrets are kept in state and exposed only as sensitive outputs
   */
  readonly pgpKey?: string;
}

/** The seeds' IAM user method: an IAM user and its access keys. */
export class IcaUserCredential extends Construct implements IcaPrincipal {
  readonly user: IamUser;
  /** The access keys by label, in the order given. */
  readonly accessKeys: ReadonlyMap<string, IamAccessKey>;
  /** The key ICA should use: the last label's. */
  readonly activeAccessKey?: IamAccessKey;
  readonly principalArn: string;

  constructor(scope: Construct, id: string, props: IcaUserCredentialProps = {}) {
    super(scope, id);
    const userName = props.userName ?? 'illumina_ica_admin';
    const labels = props.accessKeyLabels ?? ['primary'];
    throwIfProblems('IcaUserCredential', [
      ...iamNameProblems('user', userName).map((problem) => propProblem('userName', problem)),
      ...(labels.length > 2 ? [propProblem('accessKeyLabels', ruleProblem('schema.too-big', undefined, `${labels.length} labels; AWS allows at most 2 access keys per user`))] : []),
      ...labels.filter((label, index) => labels.indexOf(label) !== index).map((label) => propProblem('accessKeyLabels', ruleProblem('access-keys.unique', label))),
    ]);
    this.user = new IamUser(this, 'user', { name: userName });
    this.principalArn = this.user.arn;
    this.accessKeys = new Map(labels.map((label) =>
      [label, new IamAccessKey(this, `access-key-${label}`, { user: this.user.name, pgpKey: props.pgpKey })]));
    this.activeAccessKey = labels.length > 0 ? this.accessKeys.get(labels[labels.length - 1]) : undefined;
  }

  attachPolicies(policyArns: readonly string[]): void {
    policyArns.forEach((policyArn, index) => new IamUserPolicyAttachment(this, attachmentId(index), { user: this.user.name, policyArn }));
  }
}

export interface IcaRoleCredentialProps {
  /** ICA's OIDC identity in the region (issuer, namespace). */
  readonly oidc: ResolvedOidc;
  /** The RoleSessionName prefix ICA generated for the AWS_Role storage credential. */
  readonly sessionNamePrefix: string;
  /**
   * Name of the IAM role.
   * @default 'Illumina_ICA_Role'
   */
  readonly roleName?: string;
  /**
   * Create the IAM OIDC provider, or look up the one the account already has for the URL
   * (an account holds one provider per URL).
   * @default 'create'
   */
  readonly oidcProvider?: 'create' | 'existing';
}

/** The seeds' IAM role method: the regional OIDC provider and a role it may assume. */
export class IcaRoleCredential extends Construct implements IcaPrincipal {
  readonly role: IamRole;
  readonly oidcProviderArn: string;
  readonly principalArn: string;

  constructor(scope: Construct, id: string, props: IcaRoleCredentialProps) {
    super(scope, id);
    const roleName = props.roleName ?? 'Illumina_ICA_Role';
    throwIfProblems('IcaRoleCredential', [
      ...iamNameProblems('role', roleName).map((problem) => propProblem('roleName', problem)),
      ...sessionNamePrefixProblems(props.sessionNamePrefix).map((problem) => propProblem('sessionNamePrefix', problem)),
    ]);
    this.oidcProviderArn = (props.oidcProvider ?? 'create') === 'create'
      ? new IamOpenidConnectProvider(this, 'oidc-provider', { url: props.oidc.url, clientIdList: [OIDC_AUDIENCE] }).arn
      : new DataAwsIamOpenidConnectProvider(this, 'oidc-provider', { url: props.oidc.url }).arn;
    this.role = new IamRole(this, 'role', {
      name: roleName,
      description: RESOURCE_DESCRIPTIONS.role,
      maxSessionDuration: ICA_ROLE_MAX_SESSION_SECONDS,
      assumeRolePolicy: trustPolicy(props.oidc, this.oidcProviderArn, props.sessionNamePrefix).toString(),
    });
    this.principalArn = this.role.arn;
  }

  attachPolicies(policyArns: readonly string[]): void {
    policyArns.forEach((policyArn, index) => new IamRolePolicyAttachment(this, attachmentId(index), { role: this.role.name, policyArn }));
  }
}
