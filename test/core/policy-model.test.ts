/**
 * The one IAM policy model (modules/core/iam-policy.ts): every element of a statement, a lossless
 * fromJSON for every shape AWS returns, and the canonical form the renderers write.
 */
import fc from 'fast-check';
import { PolicyDocument, PolicyStatement } from '../../modules/core/iam-policy';

const value = fc.oneof(
  fc.constantFrom('*', 's3:GetObject', 's3:Put*', 'arn:aws:s3:::bucket/ica/*', 'arn:aws:iam::111122223333:root', '${aws:username}'),
  fc.string({ maxLength: 12 }),
);
/** One value or a list, as IAM writes it: a bare string or a JSON list (order and repeats kept). */
const values = fc.oneof(value, fc.array(value, { maxLength: 4 }));
const principal = fc.oneof(
  fc.constant('*'),
  fc.record({ AWS: values, Federated: values, Service: values, CanonicalUser: values }, { requiredKeys: [] }),
);
const conditionValue = fc.oneof(values, fc.boolean());
const condition = fc.dictionary(
  fc.constantFrom('StringEquals', 'StringLike', 'ArnNotLike', 'Bool', 'ForAnyValue:StringLike', 'StringEqualsIfExists', 'Null'),
  fc.dictionary(fc.constantFrom('aws:PrincipalArn', 'aws:SecureTransport', 'sts:RoleSessionName', 'oidc.eks.x/id/Y:sub', 's3:prefix'), conditionValue, { minKeys: 1 }),
  { minKeys: 1 },
);

/** A statement of any shape IAM accepts: Action or NotAction, optional Resource or NotResource, Principal or NotPrincipal. */
const statement = fc.record({
  sid: fc.option(fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9]{1,10}$/)), { nil: undefined }),
  effect: fc.constantFrom('Allow', 'Deny'),
  action: fc.tuple(fc.constantFrom('Action', 'NotAction'), values),
  resource: fc.option(fc.tuple(fc.constantFrom('Resource', 'NotResource'), values), { nil: undefined }),
  principal: fc.option(fc.tuple(fc.constantFrom('Principal', 'NotPrincipal'), principal), { nil: undefined }),
  condition: fc.option(condition, { nil: undefined }),
}).map(({ sid, effect, action, resource, principal: who, condition: when }) => ({
  ...(sid !== undefined ? { Sid: sid } : {}),
  Effect: effect,
  ...(who ? { [who[0]]: who[1] } : {}),
  [action[0]]: action[1],
  ...(resource ? { [resource[0]]: resource[1] } : {}),
  ...(when ? { Condition: when } : {}),
}));

const document = fc.record({
  version: fc.option(fc.constantFrom('2012-10-17', '2008-10-17'), { nil: undefined }),
  id: fc.option(fc.constantFrom('Policy1', 'key-default-1'), { nil: undefined }),
  statements: fc.oneof(statement, fc.array(statement, { maxLength: 4 })),
}).map(({ version, id, statements }) => ({
  ...(version !== undefined ? { Version: version } : {}),
  ...(id !== undefined ? { Id: id } : {}),
  Statement: statements,
}));

const asList = (written: unknown): string[] => (written === undefined ? [] : Array.isArray(written) ? written.map(String) : [String(written)]);

describe('fromJSON is lossless', () => {
  test('toJSON(fromJSON(x)) equals x for every shape, from the object and from its JSON text', () => {
    fc.assert(fc.property(document, (written) => {
      expect(PolicyDocument.fromJSON(written).toJSON()).toEqual(written);
      expect(PolicyDocument.fromJSON(JSON.stringify(written)).toJSON()).toEqual(written);
    }), { numRuns: 300 });
  });

  test('the model holds every element as a list, in the order written', () => {
    fc.assert(fc.property(statement, (written: Record<string, unknown>) => {
      const read = PolicyStatement.fromJSON(written);
      expect(read.actions).toEqual(asList(written.Action));
      expect(read.notActions).toEqual(asList(written.NotAction));
      expect(read.resources).toEqual(asList(written.Resource));
      expect(read.notResources).toEqual(asList(written.NotResource));
      expect(read.effect).toBe(written.Effect);
      expect(read.sid).toBe(written.Sid === '' ? undefined : written.Sid);
    }), { numRuns: 200 });
  });

  test('fromJSON does not keep a reference to its input', () => {
    const written = { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Condition: { Bool: { 'aws:SecureTransport': ['true'] } } }] };
    const read = PolicyDocument.fromJSON(written);
    written.Statement[0].Action.push('s3:PutObject');
    written.Statement[0].Condition.Bool['aws:SecureTransport'].push('false');
    expect(read.toJSON()).toEqual({ Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Condition: { Bool: { 'aws:SecureTransport': ['true'] } } }] });
  });
});

describe('NotAction, NotResource, NotPrincipal and the Principal forms', () => {
  test('are read into the model', () => {
    const [deny, allow] = PolicyDocument.fromJSON({ Statement: [
      { Effect: 'Deny', NotPrincipal: { AWS: ['arn:a', 'arn:b'], Service: 's3.amazonaws.com' }, NotAction: 's3:GetObject', NotResource: ['arn:aws:s3:::b/ica/*'] },
      { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' },
    ] }).statements;
    expect(deny.notPrincipals).toEqual({ AWS: ['arn:a', 'arn:b'], Service: ['s3.amazonaws.com'] });
    expect(deny.principals).toEqual({});
    expect(deny.notActions).toEqual(['s3:GetObject']);
    expect(deny.actions).toEqual([]);
    expect(deny.notResources).toEqual(['arn:aws:s3:::b/ica/*']);
    expect(allow.principals).toBe('*');
  });

  test.each([
    ['everyone', '*'],
    ['an account', { AWS: '111122223333' }],
    ['roles', { AWS: ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'] }],
    ['an OIDC provider', { Federated: 'arn:aws:iam::1:oidc-provider/x' }],
    ['a service', { Service: ['kms.amazonaws.com'] }],
  ])('Principal: %s round-trips', (_name, written) => {
    const json = { Effect: 'Allow', Principal: written, Action: 'sts:AssumeRole' };
    expect(PolicyStatement.fromJSON(json).toJSON()).toEqual(json);
  });

  test('a statement this tool builds writes them canonically', () => {
    const statement = new PolicyStatement({
      effect: 'Deny', notPrincipals: { AWS: ['arn:b', 'arn:a'] }, notActions: ['s3:GetObject'], notResources: ['r2', 'r1', 'r1'],
    });
    expect(statement.toJSON()).toEqual({ Effect: 'Deny', NotPrincipal: { AWS: ['arn:a', 'arn:b'] }, NotAction: 's3:GetObject', NotResource: ['r1', 'r2'] });
    expect(Object.keys(statement.toJSON())).toEqual(['Effect', 'NotPrincipal', 'NotAction', 'NotResource']);
    expect(new PolicyStatement({ principals: '*', actions: ['s3:*'] }).toJSON()).toEqual({ Effect: 'Allow', Principal: '*', Action: 's3:*' });
  });

  test('an Effect IAM rejects is read as Invalid and written back as it was', () => {
    const json = { Effect: 'Maybe', Action: '*', Resource: '*' };
    const read = PolicyStatement.fromJSON(json);
    expect(read.effect).toBe('Invalid');
    expect(read.toJSON()).toEqual(json);
    expect(() => read.canonical()).toThrow('has an Effect IAM rejects');
  });
});

describe('canonical()', () => {
  test('sorts, de-duplicates and collapses what fromJSON kept as written', () => {
    const read = PolicyDocument.fromJSON({
      Version: '2012-10-17', Id: 'P',
      Statement: { Sid: 'S', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:PutObject'], Resource: ['arn:b'], Condition: { Bool: { 'aws:SecureTransport': true } } },
    });
    expect(read.canonical().toJSON()).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'S', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:b', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
    });
  });

  test('is what a built statement of the same content prints', () => {
    fc.assert(fc.property(statement, (written) => {
      const read = PolicyStatement.fromJSON(written);
      fc.pre(read.actions.length + read.notActions.length > 0);
      const canonical = read.canonical();
      expect(PolicyStatement.fromJSON(canonical.toJSON()).canonical().toJSON()).toEqual(canonical.toJSON());
    }), { numRuns: 200 });
  });
});
