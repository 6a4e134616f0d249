/**
 * The equivalence test's comparison and matrix, checked without terraform: the matrix covers every
 * pair of factor values, and a difference between the two renderers is reported with the resource
 * and the attribute, policies compared after parsing.
 */
import { Comparable, ShowJson, comparableResources, outputDifferences, resourceDifferences } from './compare';
import { FACTORS, MATRIX, factorsOf, uncoveredPairs } from './matrix';
import { resolveConfig } from '../../modules/core/validate';

test('the equivalence matrix covers every pair of factor values', () => {
  expect(uncoveredPairs(MATRIX)).toEqual([]);
  // And every single value, with one and several buckets each.
  const all = Object.values(MATRIX).flatMap(factorsOf);
  for (const [factor, values] of Object.entries(FACTORS)) {
    for (const value of values) expect({ factor, value, found: all.some((bucket) => bucket[factor as keyof typeof FACTORS] === value) }).toEqual({ factor, value, found: true });
  }
});

test('every config of the matrix is valid and its names are unique across the matrix', () => {
  const names = Object.values(MATRIX).flatMap((raw) => {
    const config = resolveConfig(raw);
    return [...config.buckets.map((bucket) => `bucket:${bucket.name}`), `policy:${config.policyName}`,
      config.credential.method === 'role' ? `role:${config.credential.roleName}` : `user:${config.credential.userName}`,
      ...(config.oidc && config.credential.method === 'role' && config.credential.oidcProvider === 'create' ? [`oidc:${config.oidc.url}`] : [])];
  });
  expect(names.length).toBe(new Set(names).size);
});

function show(prefix: string, resources: { type: string; name: string; values: Record<string, unknown> }[], planned = true): ShowJson {
  const module = { resources: resources.map((resource) => ({ ...resource, mode: 'managed', address: `${prefix}${resource.type}.${resource.name}` })) };
  return planned ? { planned_values: { root_module: { child_modules: [module] } } } : { values: { root_module: { child_modules: [module] } } };
}

const policy = (actions: string[], extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*', ...extra }, { Sid: 'B', Effect: 'Deny', Action: 's3:*', Resource: '*' }] });

test('policies compare after parsing: statement and action order does not matter, content does', () => {
  const cdktf = comparableResources(show('module.c.', [{ type: 'aws_iam_policy', name: 'p', values: { name: 'x', policy: policy(['s3:GetObject', 's3:PutObject']) } }]), 'cdktf', 'c');
  const reordered = JSON.parse(policy(['s3:PutObject', 's3:GetObject'])) as { Statement: unknown[] };
  reordered.Statement.reverse();
  const same = comparableResources(show('module.c.module.ica_s3_connect.', [{ type: 'aws_iam_policy', name: 'this', values: { name: 'x', policy: JSON.stringify(reordered) } }]), 'generated', 'c');
  expect(resourceDifferences(cdktf, same)).toEqual([]);
  const different = comparableResources(show('module.c.module.ica_s3_connect.', [{ type: 'aws_iam_policy', name: 'this', values: { name: 'x', policy: policy(['s3:GetObject']) } }]), 'generated', 'c');
  expect(resourceDifferences(cdktf, different)).toEqual([expect.stringMatching(/^module\.c\.aws_iam_policy\.p ~ module\.c\.module\.ica_s3_connect\.aws_iam_policy\.this: attribute "policy": cdktf .*PutObject.* != generated /)]);
});

test('missing resources and differing attributes are named; other configs are ignored', () => {
  const resources = (tags: Record<string, string>): Comparable[] => comparableResources(show('module.c.', [
    { type: 'aws_s3_bucket', name: 'b', values: { bucket: 'b', tags } },
    { type: 'aws_s3_bucket', name: 'other', values: { bucket: 'other' } },
  ]), 'cdktf', 'c');
  expect(resourceDifferences(resources({ a: '1' }), resources({ a: '2' }))).toEqual([
    'module.c.aws_s3_bucket.b ~ module.c.aws_s3_bucket.b: attribute "tags": cdktf {"a":"1"} != generated {"a":"2"}',
  ]);
  expect(resourceDifferences(resources({}), [])).toEqual([expect.stringMatching(/^aws_s3_bucket: 2 in cdktf .*, 0 in generated/)]);
  expect(comparableResources(show('module.cc.', [{ type: 'aws_s3_bucket', name: 'b', values: {} }]), 'cdktf', 'c')).toEqual([]);
});

test('random values of an apply are renamed after their owner, so the rest compares exactly', () => {
  const state = (keyId: string, accessKey: string, side: 'cdktf' | 'generated') => {
    const prefix = side === 'cdktf' ? 'module.c.' : 'module.c.module.ica_s3_connect.';
    const keyName = side === 'cdktf' ? 'ica-user_access-key-primary_ABCDEF12' : 'this';
    const json = show(prefix, [
      { type: 'aws_kms_key', name: 'k', values: { key_id: keyId, arn: `arn:aws:kms:us-east-1:1:key/${keyId}`, description: 'key of b', create_date: String(Math.random()) } },
      { type: 'aws_s3_bucket_server_side_encryption_configuration', name: 'e', values: { rule: [{ kms_master_key_id: `arn:aws:kms:us-east-1:1:key/${keyId}` }] } },
      { type: 'aws_iam_access_key', name: keyName, values: { id: accessKey, secret: `${accessKey}-secret`, user: 'u' } },
      { type: 'aws_ssm_parameter', name: 'p', values: { value: JSON.stringify({ accessKeyId: accessKey, secretAccessKey: `${accessKey}-secret` }) } },
    ], false);
    const resource = json.values?.root_module?.child_modules?.[0].resources?.find((item) => item.type === 'aws_iam_access_key') as { index?: string };
    if (side === 'generated') resource.index = 'primary';
    return comparableResources(json, side, 'c');
  };
  expect(resourceDifferences(state('1111', 'AKIA1', 'cdktf'), state('2222', 'AKIA2', 'generated'))).toEqual([]);
  expect(outputDifferences({ a: 'x', b: undefined }, { a: 'x', b: null, access_key_ids: {} }, new Map(), new Map())).toEqual([]);
  expect(outputDifferences({ a: 'x' }, { a: 'y' }, new Map(), new Map())).toEqual(['output "a": cdktf "x" != generated "y"']);
});
