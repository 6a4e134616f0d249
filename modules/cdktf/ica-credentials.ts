import { Construct } from 'constructs';
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { trustPolicy } from '../core/policies';
import { OIDC_AUDIENCE } from '../core/regions';
import { iamNameProblems, sessionNamePrefixProblems } from '../core/rules';
import { ResolvedOidc } from '../core/validate';

/** The principal ICA signs in as; the stack attaches the permission policy to it. */
export interface IcaPrincipal {
  /** ARN of the IAM user or role. */
  readonly principalArn: string;
  /** Attaches a managed policy to the principal. */
  attachPolicy(policyArn: string): void;
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
   * Create an access key for ICA's storage credential.
   * @default true
   */
  readonly createAccessKey?: boolean;
  /**
   * PGP public key (base64) or `keybase:<user>` to encrypt the secret with.
   * @default - the secret is kept in state and exposed only as a sensitive output
   */
  readonly pgpKey?: string;
}

/** The seeds' IAM user method: an IAM user and its access key. */
export class IcaUserCredential extends Construct implements IcaPrincipal {
  readonly user: IamUser;
  readonly accessKey?: IamAccessKey;
  readonly principalArn: string;

  constructor(scope: Construct, id: string, props: IcaUserCredentialProps = {}) {
    super(scope, id);
    const userName = props.userName ?? 'illumina_ica_admin';
    throwIfProblems('IcaUserCredential', iamNameProblems('user', userName).map((problem) => `userName: ${problem.message}; ${problem.fix}`));
    this.user = new IamUser(this, 'user', { name: userName });
    this.principalArn = this.user.arn;
    if (props.createAccessKey ?? true) {
      this.accessKey = new IamAccessKey(this, 'access-key', { user: this.user.name, pgpKey: props.pgpKey });
    }
  }

  attachPolicy(policyArn: string): void {
    new IamUserPolicyAttachment(this, 'policy-attachment', { user: this.user.name, policyArn });
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

/** Role session length ICA requires: 12 hours ("Invalid Role Session Duration" otherwise). */
export const ICA_ROLE_MAX_SESSION_SECONDS = 43200;

/** The seeds' IAM role method: the regional OIDC provider and a role it may assume. */
export class IcaRoleCredential extends Construct implements IcaPrincipal {
  readonly role: IamRole;
  readonly oidcProviderArn: string;
  readonly principalArn: string;

  constructor(scope: Construct, id: string, props: IcaRoleCredentialProps) {
    super(scope, id);
    const roleName = props.roleName ?? 'Illumina_ICA_Role';
    throwIfProblems('IcaRoleCredential', [
      ...iamNameProblems('role', roleName).map((problem) => `roleName: ${problem.message}; ${problem.fix}`),
      ...sessionNamePrefixProblems(props.sessionNamePrefix).map((problem) => `sessionNamePrefix: ${problem.message}; ${problem.fix}`),
    ]);
    this.oidcProviderArn = (props.oidcProvider ?? 'create') === 'create'
      ? new IamOpenidConnectProvider(this, 'oidc-provider', { url: props.oidc.url, clientIdList: [OIDC_AUDIENCE] }).arn
      : new DataAwsIamOpenidConnectProvider(this, 'oidc-provider', { url: props.oidc.url }).arn;
    this.role = new IamRole(this, 'role', {
      name: roleName,
      description: 'Assumed by Illumina Connected Analytics to access its S3 storage (managed by ica-s3-connect).',
      maxSessionDuration: ICA_ROLE_MAX_SESSION_SECONDS,
      assumeRolePolicy: trustPolicy(props.oidc, this.oidcProviderArn, props.sessionNamePrefix).toString(),
    });
    this.principalArn = this.role.arn;
  }

  attachPolicy(policyArn: string): void {
    new IamRolePolicyAttachment(this, 'policy-attachment', { role: this.role.name, policyArn });
  }
}
