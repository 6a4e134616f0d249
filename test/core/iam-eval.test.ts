import { PolicyStatement } from '../../modules/core/iam-policy';
import { Request, conditionHolds, evaluate, parsePolicy, wildcardMatch } from '../../modules/core/iam-eval';

const ica = 'arn:aws:iam::111122223333:role/Illumina_ICA_Role';
const other = 'arn:aws:iam::111122223333:role/SomeoneElse';
const federated = 'arn:aws:sts::111122223333:federated-user/ica-upload';

function s3Request(principalArn: string, action = 's3:GetObject'): Request {
  return {
    action,
    resource: 'arn:aws:s3:::bucket/ica/file.bam',
    principal: { type: 'AWS', arn: principalArn, accountId: '111122223333' },
    context: { 'aws:PrincipalArn': [principalArn], 'aws:SecureTransport': ['true'] },
  };
}

function denyUnless(operator: string, values: string[]): PolicyStatement[] {
  return parsePolicy({
    Statement: [{
      Effect: 'Deny', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::bucket/*',
      Condition: { [operator]: { 'aws:PrincipalArn': values } },
    }],
  });
}

describe('wildcardMatch', () => {
  test.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get?bject', 's3:GetObject', true],
    ['s3:Put*', 's3:GetObject', false],
    ['arn:aws:s3:::bucket/ica/*', 'arn:aws:s3:::bucket/ica/a/b', true],
    ['arn:aws:s3:::bucket/ica/*', 'arn:aws:s3:::bucket/other/a', false],
    ['arn:aws:s3:::bucket.name', 'arn:aws:s3:::bucketxname', false],
  ])('%s ~ %s is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  test('actions ignore case, resources do not', () => {
    expect(wildcardMatch('S3:getobject', 's3:GetObject', true)).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket')).toBe(false);
  });
});

describe('the common forms of a Deny that exempts ICA', () => {
  test.each(['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'])('%s on aws:PrincipalArn', (operator) => {
    const statements = denyUnless(operator, [ica, 'arn:aws:sts::111122223333:federated-user/*']);
    expect(evaluate(statements, s3Request(ica)).decision).toBe('implicit');
    expect(evaluate(statements, s3Request(other)).decision).toBe('denied');
    // StringNotEquals has no wildcards, so "federated-user/*" exempts nobody (ArnNotEquals, like ArnNotLike, matches wildcards).
    expect(evaluate(statements, s3Request(federated)).decision).toBe(operator === 'StringNotEquals' ? 'denied' : 'implicit');
  });

  test('a Deny for everyone (no condition) denies ICA', () => {
    const statements = parsePolicy({ Statement: { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' } });
    expect(evaluate(statements, s3Request(ica)).decision).toBe('denied');
  });

  test('a Deny that only rejects plain HTTP does not touch ICA', () => {
    const statements = parsePolicy({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
    expect(evaluate(statements, s3Request(ica)).decision).toBe('implicit');
  });

  test('a condition on a key the doctor cannot know is "unknown", not a guess', () => {
    const statements = parsePolicy({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } }] });
    expect(evaluate(statements, s3Request(ica, 's3:PutObject')).decision).toBe('unknown');
    expect(evaluate(statements, s3Request(ica, 's3:GetObject')).decision).toBe('implicit');
  });

  test('an operator the evaluator does not know is "unknown"', () => {
    const statements = parsePolicy({ Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
    expect(evaluate(statements, s3Request(ica)).decision).toBe('unknown');
  });

  test('NotPrincipal, NotAction and NotResource', () => {
    const statements = parsePolicy({ Statement: [
      { Effect: 'Deny', NotPrincipal: { AWS: [ica] }, Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Principal: '*', NotAction: 's3:DeleteObject', NotResource: 'arn:aws:s3:::bucket/private/*' },
    ] });
    expect(evaluate(statements, s3Request(ica)).decision).toBe('allowed');
    expect(evaluate(statements, s3Request(ica, 's3:DeleteObject')).decision).toBe('implicit');
    expect(evaluate(statements, s3Request(other)).decision).toBe('denied');
  });

  test('an account principal names every principal of the account', () => {
    for (const principal of ['111122223333', 'arn:aws:iam::111122223333:root']) {
      const statements = parsePolicy({ Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: '*' }] });
      expect(evaluate(statements, s3Request(ica)).decision).toBe('allowed');
    }
    const otherAccount = parsePolicy({ Statement: [{ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 's3:GetObject', Resource: '*' }] });
    expect(evaluate(otherAccount, s3Request(ica)).decision).toBe('implicit');
  });

  test('a policy variable makes a statement undecidable', () => {
    const statements = parsePolicy({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:username}/*' }] });
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/ica/x', context: {} }).decision).toBe('unknown');
  });

  test('an Effect other than Allow or Deny grants nothing', () => {
    const statements = parsePolicy({ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] });
    expect(evaluate(statements, { action: 's3:GetObject', resource: '*', context: {} }).decision).toBe('implicit');
  });
});

describe('conditionHolds', () => {
  const request: Request = { action: 'x', context: { present: ['a'], missing: null } };
  test('IfExists and Null', () => {
    expect(conditionHolds('StringEqualsIfExists', 'missing', ['b'], request)).toBe('yes');
    expect(conditionHolds('StringEqualsIfExists', 'present', ['b'], request)).toBe('no');
    expect(conditionHolds('Null', 'missing', ['true'], request)).toBe('yes');
    expect(conditionHolds('Null', 'present', ['true'], request)).toBe('no');
    expect(conditionHolds('Null', 'present', ['false'], request)).toBe('yes');
  });
  test('a missing key: negated operators hold, positive ones do not', () => {
    expect(conditionHolds('StringNotEquals', 'missing', ['b'], request)).toBe('yes');
    expect(conditionHolds('StringEquals', 'missing', ['b'], request)).toBe('no');
    expect(conditionHolds('ForAllValues:StringEquals', 'missing', ['b'], request)).toBe('yes');
  });
  test('context keys are matched without regard to case', () => {
    expect(conditionHolds('StringEquals', 'PRESENT', ['a'], request)).toBe('yes');
  });
});

describe('parsePolicy', () => {
  test('reads URL-encoded documents as IAM returns them', () => {
    const document = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }));
    const [statement] = parsePolicy(document);
    expect(statement.actions).toEqual(['s3:GetObject']);
    expect(statement.resources).toEqual(['*']);
  });
});
