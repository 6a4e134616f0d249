/**
 * The access map `ica-s3 explain` prints: for every bucket and prefix (and the rest of the
 * bucket), who may do what, decided by `decideAccess` over the very documents both renderers
 * write (permission policies as split, bucket policy, KMS key policy). Values that exist only
 * after apply are the seeds' placeholders unless the deployed values are given.
 *
 * The principals are stand-ins with stated assumptions: every principal but ICA's is given broad
 * rights of its own (s3:* and kms:* on *), so the map shows what the bucket and key policies
 * still let it do, which is the question a reviewer asks.
 */
import { KMS_USE_ACTIONS, OBJECT_TAGGING_ACTIONS, OBJECT_VERSION_TAGGING_ACTIONS } from './actions';
import { AccessDecisionKind, DecidingStatement, PolicyInForce, RequestingPrincipal, decideAccess } from './iam-decision';
import { PolicyDocument, PolicyStatement } from './iam-policy';
import {
  ACCOUNT_PLACEHOLDER, PolicyRefs, bucketArn, bucketPolicy, exemptsDeployer, iamPrincipalArn, isVersioned, kmsKeyPolicy, permissionPolicies, permissionPolicyName,
} from './ica-policies';
import { KEY_ID_PLACEHOLDER, placeholderRefs } from './placeholders';
import { ResolvedBucket, ResolvedConfig } from './resolved-config';

/** What a cell asks. Decrypt and encrypt exist for SSE-KMS buckets only. */
export const ACTION_CLASSES = ['list', 'read', 'write', 'delete', 'tag', 'decrypt', 'encrypt'] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

/** The requests of each class, on the bucket, an object, or the bucket's key. */
export function classActions(bucket: ResolvedBucket, actionClass: ActionClass): { readonly on: 'bucket' | 'object' | 'key'; readonly actions: readonly string[] } {
  const versioned = isVersioned(bucket);
  switch (actionClass) {
    case 'list': return { on: 'bucket', actions: ['s3:ListBucket', ...(versioned ? ['s3:ListBucketVersions'] : [])] };
    case 'read': return { on: 'object', actions: ['s3:GetObject', ...(versioned ? ['s3:GetObjectVersion'] : [])] };
    case 'write': return { on: 'object', actions: ['s3:PutObject'] };
    case 'delete': return { on: 'object', actions: ['s3:DeleteObject', ...(versioned ? ['s3:DeleteObjectVersion'] : [])] };
    case 'tag': return { on: 'object', actions: [...OBJECT_TAGGING_ACTIONS, ...(versioned ? OBJECT_VERSION_TAGGING_ACTIONS : [])] };
    case 'decrypt': return { on: 'key', actions: ['kms:Decrypt'] };
    case 'encrypt': return { on: 'key', actions: KMS_USE_ACTIONS.filter((action) => action !== 'kms:Decrypt') };
  }
}

export function bucketClasses(bucket: ResolvedBucket): ActionClass[] {
  return ACTION_CLASSES.filter((actionClass) => bucket.encryption.type === 'SSE-KMS' || classActions(bucket, actionClass).on !== 'key');
}

export type PrincipalKind = 'ica' | 'ica-federated' | 'cross-account' | 'deployer' | 'exempt' | 'account-principal' | 'anonymous';

export interface MapPrincipal {
  readonly kind: PrincipalKind;
  readonly label: string;
  /** The ARN `aws:PrincipalArn` holds (a pattern for an exemptPrincipalArns entry); none for anonymous. */
  readonly arn?: string;
  /** What the map assumes about it. */
  readonly assumes: string;
}

/** The placeholder for the principal that runs Terraform: read at plan time, not an output. */
export const DEPLOYER_PLACEHOLDER = 'YOUR_DEPLOYER_ROLE';

/** Values known after apply (`--outputs`); whatever is missing stays a placeholder. */
export interface DeployedValues {
  readonly accountId?: string;
  /** Key ARN by bucket name. */
  readonly kmsKeyArns?: Readonly<Record<string, string>>;
  /** The deployer as aws:PrincipalArn names it. */
  readonly deployerArn?: string;
}

export type CellDecision = 'allow' | 'partly allowed' | 'deny' | 'not allowed' | 'undecided';

export interface CellRequest {
  /** Who asks, as the decision saw it. */
  readonly principal: RequestingPrincipal;
  readonly action: string;
  readonly resource: string;
  /** The policies in force, by their names in `AccessMap.policies`: a reader can decide again. */
  readonly identityPolicies: readonly string[];
  readonly sessionPolicy?: string;
  readonly resourcePolicy?: string;
  readonly decision: AccessDecisionKind;
  readonly deciding: readonly DecidingStatement[];
}

export interface AccessCell {
  readonly principal: PrincipalKind;
  /** The principal's label (exempt entries differ by it). */
  readonly who: string;
  readonly actionClass: ActionClass;
  /** allow: every request allowed; partly allowed: some; deny: some explicitly denied; not allowed: none allowed. */
  readonly decision: CellDecision;
  /** The Sids (with their policy) that decide the cell. */
  readonly statements: readonly string[];
  readonly requests: readonly CellRequest[];
}

export interface AccessLocation {
  readonly bucket: string;
  /** The prefix, or undefined for the objects outside every prefix of the bucket. */
  readonly prefix?: string;
  readonly cells: readonly AccessCell[];
}

export interface AccessMap {
  readonly config: string;
  readonly accountId: string;
  readonly principals: readonly MapPrincipal[];
  readonly locations: readonly AccessLocation[];
  /** The policies decided over, by name. */
  readonly policies: Readonly<Record<string, PolicyDocument>>;
  /** Placeholders still in the map (values known only after apply or at plan time). */
  readonly placeholders: readonly string[];
}

const BROAD = 'its own policies allow s3:* and kms:* on * (assumed)';
const broadPolicy: PolicyInForce = {
  name: 'its own policies (s3:* and kms:* on *, assumed)',
  statements: [new PolicyStatement({ actions: ['s3:*', 'kms:*'], resources: ['*'] })],
};

function sessionOf(roleArn: string, sessionName: string): string | undefined {
  const match = /^arn:aws:iam::([^:]*):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return match ? `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/${sessionName}` : undefined;
}

interface Actor {
  readonly principal: MapPrincipal;
  readonly requesting: RequestingPrincipal;
  readonly identity: readonly PolicyInForce[];
  readonly session?: PolicyInForce;
}

function actorsOf(config: ResolvedConfig, refs: PolicyRefs, permission: readonly PolicyInForce[], accountId: string): Actor[] {
  const aws = (arn: string, account: string, session?: string): RequestingPrincipal => ({ type: 'AWS', arn, sessionArn: session ?? sessionOf(arn, 'session'), accountId: account });
  const { restrictToIca, crossAccountCopy, exemptPrincipalArns } = config.bucketPolicy;
  const actors: Actor[] = [];
  if (config.credential.method === 'role') {
    actors.push({
      principal: { kind: 'ica', label: 'ICA role (web-identity session)', arn: refs.icaPrincipalArn, assumes: `sessions named ${config.credential.sessionNamePrefix}-*, assumed through ICA's OIDC provider` },
      requesting: aws(refs.icaPrincipalArn, accountId, sessionOf(refs.icaPrincipalArn, `${config.credential.sessionNamePrefix}-session`)),
      identity: permission,
    });
  } else {
    actors.push({ principal: { kind: 'ica', label: 'ICA user', arn: refs.icaPrincipalArn, assumes: 'the access key ICA holds' }, requesting: aws(refs.icaPrincipalArn, accountId), identity: permission });
    const federated = `arn:aws:sts::${accountId}:federated-user/ica-transfer`;
    actors.push({
      principal: { kind: 'ica-federated', label: 'ICA federated user', arn: `arn:aws:sts::${accountId}:federated-user/*`, assumes: 'the sessions ICA creates with sts:GetFederationToken; its session policy assumed to allow s3:* and kms:*' },
      requesting: aws(federated, accountId),
      identity: permission,
      session: { name: 'the session policy ICA passes (s3:* and kms:* on *, assumed)', statements: broadPolicy.statements },
    });
  }
  if (crossAccountCopy) {
    const account = config.crossAccountRoleArn.split(':')[4];
    actors.push({ principal: { kind: 'cross-account', label: "Illumina's cross-account role", arn: config.crossAccountRoleArn, assumes: `copy and move jobs; Illumina's own policies assumed to allow s3:* and kms:*` }, requesting: aws(config.crossAccountRoleArn, account), identity: [broadPolicy] });
  }
  if (restrictToIca) {
    const arn = refs.deployerArn as string;
    actors.push({
      principal: { kind: 'deployer', label: `the deployer (${exemptsDeployer(config) ? 'exempt: exemptDeployer' : 'not exempt: exemptDeployer is off'})`, arn, assumes: `the principal that runs Terraform; ${BROAD}` },
      requesting: aws(arn, accountId),
      identity: [broadPolicy],
    });
    for (const pattern of exemptPrincipalArns) {
      const arn = pattern.replace(/\*/g, 'x').replace(/\?/g, 'x');
      // Before apply the account is a placeholder: an entry is taken to be of the account deployed to.
      const account = accountId === ACCOUNT_PLACEHOLDER ? accountId : arn.split(':')[4];
      actors.push({ principal: { kind: 'exempt', label: `exempt ${pattern}`, arn: pattern, assumes: `a principal matching the exemptPrincipalArns entry; ${BROAD}` }, requesting: aws(arn, account), identity: [broadPolicy] });
    }
  }
  const other = `arn:aws:iam::${accountId}:role/AnyOtherRole`;
  actors.push({ principal: { kind: 'account-principal', label: 'another principal of the account', arn: other, assumes: BROAD }, requesting: aws(other, accountId), identity: [broadPolicy] });
  actors.push({ principal: { kind: 'anonymous', label: 'anonymous (unsigned requests)', assumes: 'no credentials at all' }, requesting: { type: 'AWS' }, identity: [] });
  return actors;
}

/** An object key outside every prefix of the bucket. */
function outsideKey(bucket: ResolvedBucket): string {
  let key = 'outside-the-prefixes/example-object';
  while (bucket.prefixes.some((prefix) => key.startsWith(prefix))) key = `x${key}`;
  return key;
}

function cellDecision(requests: readonly CellRequest[]): CellDecision {
  if (requests.some((request) => request.decision === 'ExplicitlyDenied')) return 'deny';
  if (requests.some((request) => request.decision === 'Undecided')) return 'undecided';
  const allowed = requests.filter((request) => request.decision === 'Allowed').length;
  return allowed === requests.length ? 'allow' : allowed > 0 ? 'partly allowed' : 'not allowed';
}

const statementName = (statement: DecidingStatement) => (statement.sid ? `${statement.sid} (${statement.policy})` : statement.policy);

/** The access map of a config; see the top of this file. */
export function accessMap(config: ResolvedConfig, deployed: DeployedValues = {}): AccessMap {
  const accountId = deployed.accountId ?? ACCOUNT_PLACEHOLDER;
  const placeholder = placeholderRefs(config);
  const refs: PolicyRefs = {
    accountId,
    icaPrincipalArn: iamPrincipalArn(config, accountId),
    kmsKeyArn: (bucket) => (bucket.encryption.type !== 'SSE-KMS' ? undefined
      : bucket.encryption.kmsKeyArn ?? deployed.kmsKeyArns?.[bucket.name] ?? placeholder.kmsKeyArn(bucket)?.replace(ACCOUNT_PLACEHOLDER, accountId)),
    deployerArn: deployed.deployerArn ?? `arn:aws:iam::${accountId}:role/${DEPLOYER_PLACEHOLDER}`,
  };
  const policies: Record<string, PolicyDocument> = {};
  const permission = permissionPolicies(config, refs).map((document, index) => {
    const name = `permission policy ${permissionPolicyName(config, index)}`;
    policies[name] = document;
    return { name, statements: document.statements };
  });
  const actors = actorsOf(config, refs, permission, accountId);
  for (const policy of actors.flatMap((actor) => [...actor.identity, ...(actor.session ? [actor.session] : [])])) {
    policies[policy.name] ??= new PolicyDocument(policy.statements);
  }
  const locations: AccessLocation[] = [];
  for (const bucket of config.buckets) {
    const bucketPolicyDocument = bucketPolicy(config, bucket, refs);
    const bucketPolicyInForce = bucketPolicyDocument ? { name: `bucket policy ${bucket.name}`, statements: bucketPolicyDocument.statements } : undefined;
    if (bucketPolicyDocument) policies[`bucket policy ${bucket.name}`] = bucketPolicyDocument;
    const keyArn = refs.kmsKeyArn(bucket);
    const keyPolicy = keyArn ? { name: `key policy ${bucket.name}`, statements: kmsKeyPolicy(config, refs).statements } : undefined;
    if (keyPolicy) policies[keyPolicy.name] = new PolicyDocument(keyPolicy.statements);
    for (const prefix of [...bucket.prefixes, undefined]) {
      const objectArn = `${bucketArn(bucket.name)}/${prefix === undefined ? outsideKey(bucket) : `${prefix}example-object`}`;
      const cells = actors.flatMap((actor) => bucketClasses(bucket).map((actionClass): AccessCell => {
        const { on, actions } = classActions(bucket, actionClass);
        const resource = on === 'bucket' ? bucketArn(bucket.name) : on === 'object' ? objectArn : keyArn as string;
        const requests = actions.map((action): CellRequest => {
          const principal = actor.requesting;
          const resourcePolicy = on === 'key' ? keyPolicy : bucketPolicyInForce;
          const decision = decideAccess({
            principal, action, resource, resourceAccount: accountId,
            context: {
              'aws:PrincipalArn': principal.arn ? [principal.arn] : null,
              'aws:PrincipalAccount': principal.accountId ? [principal.accountId] : null,
              'aws:SecureTransport': ['true'],
            },
            identityPolicies: actor.identity,
            ...(actor.session ? { sessionPolicy: actor.session } : {}),
            ...(resourcePolicy ? { resourcePolicy } : {}),
          });
          return {
            principal, action, resource,
            identityPolicies: actor.identity.map((policy) => policy.name),
            ...(actor.session ? { sessionPolicy: actor.session.name } : {}),
            ...(resourcePolicy ? { resourcePolicy: resourcePolicy.name } : {}),
            ...decision,
          };
        });
        const decision = cellDecision(requests);
        // A cell names what decides it: the Denies, the Allows, or (not allowed) nothing.
        const deciding = decision === 'not allowed' ? [] : requests
          .filter((request) => request.decision === { allow: 'Allowed', 'partly allowed': 'Allowed', deny: 'ExplicitlyDenied', undecided: 'Undecided' }[decision]).flatMap((request) => request.deciding);
        return {
          principal: actor.principal.kind, who: actor.principal.label, actionClass, decision,
          statements: [...new Set(deciding.map(statementName))], requests,
        };
      }));
      locations.push({ bucket: bucket.name, ...(prefix === undefined ? {} : { prefix }), cells });
    }
  }
  const text = JSON.stringify([actors.map((actor) => actor.principal), Object.values(policies)]);
  const placeholders = [ACCOUNT_PLACEHOLDER, KEY_ID_PLACEHOLDER, DEPLOYER_PLACEHOLDER].filter((value) => text.includes(value));
  return { config: config.name, accountId, principals: actors.map((actor) => actor.principal), locations, policies, placeholders };
}
