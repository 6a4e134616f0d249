/**
 * The generated module's own `terraform test` suite, as data for templates/module/tests/:
 * - one plan run per example config with a mocked aws provider, asserting what ICA depends on
 *   (the values expected are computed here by the core, with the mocks' ARNs);
 * - one run per validation block, with inputs that break exactly its rule.
 * Validation runs target tests/validations, a provider-free module holding the module's own
 * variables.tf (rendered from the same template) and region table: a run against the full module
 * starts the 700 MB aws provider, about 1.5 s of CPU each, which 80 runs cannot afford.
 */
import { OBJECT_VERSIONED_ACTIONS } from '../core/actions';
import { ResolvedBucket, ResolvedConfig } from '../core/validate';
import { PolicyRefs, SID, bucketPolicy, iamPrincipalArn, kmsKeyPolicy, permissionPolicies, trustPolicy } from '../core/ica-policies';
import { PolicyStatement } from '../core/iam-policy';
import { attributeLines, hclString, hclValue } from './hcl';
import { moduleInputs } from './view-model';
import { VALID_MODULE_INPUTS, moduleValidations, modulePath, snakeCase } from './validations';

/** The values the mocked provider returns; the expected documents are computed with them. */
export const MOCKS = {
  accountId: '123456789012',
  deployerArn: 'arn:aws:iam::123456789012:role/terraform-deployer',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/MOCK',
} as const;

/** The ICA principal as the mock returns it: the config's own name, so the policies name it. */
function mockPrincipalArn(config: ResolvedConfig): string {
  return iamPrincipalArn(config, MOCKS.accountId);
}

function mockRefs(config: ResolvedConfig): PolicyRefs {
  return {
    accountId: MOCKS.accountId,
    icaPrincipalArn: mockPrincipalArn(config),
    kmsKeyArn: (bucket: ResolvedBucket) => (bucket.encryption.type === 'SSE-KMS' ? bucket.encryption.kmsKeyArn ?? MOCKS.kmsKeyArn : undefined),
    oidcProviderArn: config.oidc ? MOCKS.oidcProviderArn : undefined,
    deployerArn: MOCKS.deployerArn,
  };
}

interface Assertion {
  readonly condition: string;
  readonly errorMessage: string;
}

/** Every permission policy document the module plans, decoded: the first and the split-off parts. */
const PERMISSION_STATEMENTS = 'flatten([for policy in concat([aws_iam_policy.this.policy], [for part in aws_iam_policy.part : part.policy]) : jsondecode(policy).Statement])';
/** A statement field that may be a string or a list, as a list. */
const list = (value: string) => `flatten([${value}])`;
/** `expression` (a sorted list of strings) equals `values`; an empty list has no element type to compare, so its length is. */
const equalsSorted = (expression: string, values: readonly string[]) => (values.length === 0
  ? `length(${expression}) == 0`
  : `${expression} == tolist(${hclValue([...new Set(values)].sort())})`);

function permissionAssertions(config: ResolvedConfig): Assertion[] {
  const statements = permissionPolicies(config, mockRefs(config)).flatMap((document) => document.statements);
  const resources = statements.flatMap((statement) => statement.resources);
  const versionedAction = OBJECT_VERSIONED_ACTIONS[0];
  const versioned = statements.filter((statement) => statement.actions.includes(versionedAction)).flatMap((statement) => statement.resources);
  return [
    {
      condition: equalsSorted(`sort(distinct(flatten([for statement in ${PERMISSION_STATEMENTS} : ${list('statement.Resource')}])))`, resources),
      errorMessage: 'The permission policy must name every bucket, prefix (bucket/prefix*) and KMS key of the config, and nothing broader.',
    },
    {
      condition: equalsSorted(`sort(distinct(flatten([for statement in ${PERMISSION_STATEMENTS} : ${list('statement.Resource')} if contains(${list('statement.Action')}, ${hclString(versionedAction)})])))`, versioned),
      errorMessage: 'The versioned variant (object version actions) must cover exactly the prefixes of the versioned and suspended buckets.',
    },
  ];
}

function trustAssertions(config: ResolvedConfig): Assertion[] {
  if (config.credential.method !== 'role' || !config.oidc) return [];
  const [statement] = trustPolicy(config.oidc, MOCKS.oidcProviderArn, config.credential.sessionNamePrefix).statements as PolicyStatement[];
  const condition = 'jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Condition';
  return [
    ...Object.entries(statement.conditions).flatMap(([operator, entries]) => Object.entries(entries).map(([key, values]) => ({
      condition: `tolist(${list(`${condition}[${hclString(operator)}][${hclString(key)}]`)}) == tolist(${hclValue(values)})`,
      errorMessage: `The trust policy must hold ${operator} ${key} = ${values.join(', ')} (ICA's service account, audience and session name prefix).`,
    }))),
    { condition: 'aws_iam_role.this[0].max_session_duration == 43200', errorMessage: 'The role must allow 12 h sessions (43200 s): ICA refuses shorter ones ("Invalid Role Session Duration").' },
  ];
}

function bucketPolicyAssertions(config: ResolvedConfig): Assertion[] {
  const refs = mockRefs(config);
  return config.buckets.flatMap((bucket) => {
    const restrict = bucketPolicy(config, bucket, refs)?.statements.find((statement) => statement.sid === SID.restrictToIca);
    if (!restrict) return [];
    const exempt = restrict.conditions.ArnNotLike['aws:PrincipalArn'];
    const policy = `jsondecode(aws_s3_bucket_policy.this[${hclString(bucket.name)}].policy).Statement`;
    return [{
      condition: equalsSorted(`sort(flatten([for statement in ${policy} : ${list('statement.Condition.ArnNotLike["aws:PrincipalArn"]')} if statement.Sid == ${hclString(SID.restrictToIca)}]))`, exempt),
      errorMessage: `The restrict-to-ICA Deny of ${bucket.name} must exempt exactly the ICA principal, its federated users${config.bucketPolicy.crossAccountCopy ? ", Illumina's cross-account role" : ''} and the exempt principals.`,
    }];
  });
}

function kmsAssertions(config: ResolvedConfig): Assertion[] {
  const created = config.buckets.filter((bucket) => bucket.encryption.type === 'SSE-KMS' && !bucket.encryption.kmsKeyArn && bucket.manage.includes('encryption'));
  const administration = kmsKeyPolicy(config, mockRefs(config)).statements.find((statement) => statement.sid === SID.keyAdministration) as PolicyStatement;
  const administrators = administration.principals === '*' ? ['*'] : administration.principals.AWS ?? [];
  return created.map((bucket) => ({
    condition: `one([for statement in jsondecode(aws_kms_key.this[${hclString(bucket.name)}].policy).Statement : tolist(${list('statement.Principal.AWS')}) == tolist(${hclValue(administrators)}) && tolist(${list('statement.Action')}) == tolist(${hclValue(administration.actions)}) if statement.Sid == ${hclString(SID.keyAdministration)}]) == true`,
    errorMessage: `The key of ${bucket.name} must let the account administer it (kms:* for the account root), so nobody is locked out.`,
  }));
}

function bucketAssertions(config: ResolvedConfig): Assertion[] {
  const created = config.buckets.filter((bucket) => !bucket.existing);
  return created.map((bucket) => ({
    condition: `aws_s3_bucket.this[${hclString(bucket.name)}].force_destroy == ${bucket.forceDestroy}`,
    errorMessage: `force_destroy of ${bucket.name} must be ${bucket.forceDestroy}: a destroy must not delete data unless asked.`,
  }));
}

/** Module inputs as the attribute lines of a run's `variables` block. */
function variablesBlock(inputs: Readonly<Record<string, unknown>>): string {
  return attributeLines(Object.entries(inputs).map(([name, value]) => [name, hclValue(value)] as const), 4);
}

export interface ExampleRun {
  readonly name: string;
  readonly region: string;
  readonly principalArn: string;
  /** The run's `variables` block body, laid out as terraform fmt does. */
  readonly variables: string;
  readonly adoptedPolicies: boolean;
  readonly assertions: readonly Assertion[];
}

/** The run of an example config, by the example's file name (a run name takes letters, digits and _). */
export function exampleRunName(example: string): string {
  return snakeCase(example).replace(/[^a-z0-9_]/g, '_');
}

/** One plan run per example config. */
export function exampleRun(name: string, config: ResolvedConfig): ExampleRun {
  return {
    name: exampleRunName(name),
    region: config.region.awsRegion,
    principalArn: mockPrincipalArn(config),
    variables: variablesBlock(moduleInputs(config)),
    adoptedPolicies: config.buckets.some((bucket) => bucket.existing && bucket.existingPolicy),
    assertions: [...permissionAssertions(config), ...trustAssertions(config), ...bucketPolicyAssertions(config), ...kmsAssertions(config), ...bucketAssertions(config)],
  };
}

export interface ValidationRun {
  readonly name: string;
  readonly rule: string;
  readonly variable: string;
  /** The run's `variables` block body, laid out as terraform fmt does. */
  readonly variables: string;
}

/** One run per validation block of the module: inputs that break its rule, the variable that must refuse them. */
export function validationRuns(variables: readonly { readonly name: string; readonly configKey: string }[]): ValidationRun[] {
  const seen = new Map<string, number>();
  return variables.flatMap((variable) => moduleValidations(variable.configKey).map((validation) => {
    const base = `${variable.name}_${validation.rule}${validation.path ? `_${modulePath(validation.path)}` : ''}`.replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/_$/, '');
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const inputs = { ...VALID_MODULE_INPUTS, ...validation.breaking };
    return {
      name: count === 1 ? base : `${base}_${count}`,
      rule: validation.rule,
      variable: variable.name,
      variables: variablesBlock(inputs),
    };
  }));
}
