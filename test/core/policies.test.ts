/**
 * The documents the core builds against the seeds' documents. The seeds' JSON is copied verbatim
 * below; placeholders are substituted, then both sides are expanded into (effect, principal,
 * action, resource, condition) tuples and compared as sets: the same grants on the same resources,
 * whatever the statement layout, order or Sid.
 */
import {
  ACCOUNT_PLACEHOLDER, SID, bucketPolicy, bucketPolicyStatements, iamPrincipalArn, icaCorsRule, kmsAliasName, kmsKeyPolicy,
  oidcProviderArn, permissionPolicy, prefixObjectsArn, storageConfigurations, trustPolicy, wantsBucketPolicy,
} from '../../modules/core/ica-policies';
import { placeholderRefs } from '../../modules/core/placeholders';
import { PolicyDocument, PolicyStatement } from '../../modules/core/iam-policy';
import { ICA_ORIGIN } from '../../modules/core/actions';
import { ResolvedConfig, resolveConfig } from '../../modules/core/validate';


// ---------------------------------------------------------------------------------------------
// The seeds' documents, verbatim.
// ---------------------------------------------------------------------------------------------

/** "Connect AWS S3 Bucket" (IAM user method), "2 - Create Data Access Permission", unversioned. */
const SEED_PERMISSION_UNVERSIONED = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        's3:PutBucketNotification',
        's3:ListBucket',
        's3:GetBucketNotification',
        's3:GetBucketLocation',
      ],
      Resource: [
        'arn:aws:s3:::YOUR_BUCKET_NAME',
      ],
    },
    {
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:RestoreObject',
        's3:DeleteObject',
      ],
      Resource: 'arn:aws:s3:::YOUR_BUCKET_NAME/YOUR_FOLDER_NAME/*',
    },
    {
      Effect: 'Allow',
      Action: [
        'sts:GetFederationToken',
      ],
      Resource: [
        '*',
      ],
    },
  ],
};

/** The same page, "On Versioned OR Suspended buckets". */
const SEED_PERMISSION_VERSIONED = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        's3:PutBucketNotification',
        's3:ListBucket',
        's3:GetBucketNotification',
        's3:GetBucketLocation',
        's3:ListBucketVersions',
        's3:GetBucketVersioning',
      ],
      Resource: [
        'arn:aws:s3:::YOUR_BUCKET_NAME',
      ],
    },
    {
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:RestoreObject',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:GetObjectVersion',
      ],
      Resource: 'arn:aws:s3:::YOUR_BUCKET_NAME/YOUR_FOLDER_NAME/*',
    },
    {
      Effect: 'Allow',
      Action: [
        'sts:GetFederationToken',
      ],
      Resource: [
        '*',
      ],
    },
  ],
};

/** "SSE-KMS Encryption", tab "Unversioned" (includes the tagging actions). */
const SEED_KMS_PERMISSION_UNVERSIONED = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        's3:PutBucketNotification',
        's3:ListBucket',
        's3:GetBucketNotification',
        's3:GetBucketLocation',
      ],
      Resource: [
        'arn:aws:kms:xxx',
        'arn:aws:s3:::YOUR_BUCKET_NAME',
      ],
    },
    {
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:RestoreObject',
        's3:DeleteObject',
        's3:GetObjectTagging',
        's3:PutObjectTagging',
      ],
      Resource: 'arn:aws:s3:::YOUR_BUCKET_NAME/YOUR_FOLDER_NAME/*',
    },
    {
      Effect: 'Allow',
      Action: [
        'sts:GetFederationToken',
      ],
      Resource: [
        '*',
      ],
    },
  ],
};

/** "SSE-KMS Encryption", tab "Versioned or Suspended" (includes the tagging actions). */
const SEED_KMS_PERMISSION_VERSIONED = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        's3:PutBucketNotification',
        's3:ListBucket',
        's3:GetBucketNotification',
        's3:GetBucketLocation',
        's3:ListBucketVersions',
        's3:GetBucketVersioning',
      ],
      Resource: [
        'arn:aws:kms:xxx',
        'arn:aws:s3:::YOUR_BUCKET_NAME',
      ],
    },
    {
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:RestoreObject',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:GetObjectVersion',
        's3:GetObjectTagging',
        's3:PutObjectTagging',
        's3:GetObjectVersionTagging',
        's3:PutObjectVersionTagging',
      ],
      Resource: 'arn:aws:s3:::YOUR_BUCKET_NAME/YOUR_FOLDER_NAME/*',
    },
    {
      Effect: 'Allow',
      Action: [
        'sts:GetFederationToken',
      ],
      Resource: [
        '*',
      ],
    },
  ],
};

/** "1 - Configure Bucket CORS Permission" (both method pages). */
const SEED_CORS = [
  {
    AllowedHeaders: [
      '*',
    ],
    AllowedMethods: [
      'HEAD',
      'GET',
      'PUT',
      'POST',
      'DELETE',
    ],
    AllowedOrigins: [
      'https://ica.illumina.com',
    ],
    ExposeHeaders: [
      'ETag',
      'x-amz-meta-custom-header',
    ],
  },
];

/** IAM user page, "5 - S3 Bucket Policy". */
const SEED_RESTRICT_BUCKET_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: {
        AWS: '*',
      },
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:RestoreObject',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:GetObjectVersion',
      ],
      Resource: 'arn:aws:s3:::YOUR_BUCKET_NAME/*',
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': [
            'arn:aws:iam::YOUR_ACCOUNT_ID:user/YOUR_IAM_USER',
            'arn:aws:sts::YOUR_ACCOUNT_ID:federated-user/*',
          ],
        },
      },
    },
  ],
};

/** IAM user page, "7 - Enabling Cross Account Access for Copy and Move Operations" (unversioned). */
const SEED_CROSS_ACCOUNT_BUCKET_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Allow cross account access',
      Effect: 'Allow',
      Principal: {
        AWS: 'ASSUME_ROLE_ARN',
      },
      Action: [
        's3:PutObject',
        's3:DeleteObject',
        's3:ListMultipartUploadParts',
        's3:AbortMultipartUpload',
        's3:GetObject',
      ],
      Resource: [
        'arn:aws:s3:::YOUR_BUCKET_NAME',
        'arn:aws:s3:::YOUR_BUCKET_NAME/*',
      ],
    },
  ],
};

/** "SSE-KMS Encryption", "KMS Policy": the statement for the cross-account role. */
const SEED_KMS_CROSS_ACCOUNT_STATEMENT = {
  Sid: 'AllowCrossAccountAccess',
  Effect: 'Allow',
  Principal: {
    AWS: 'ASSUME_ROLE_ARN',
  },
  Action: [
    'kms:Encrypt',
    'kms:Decrypt',
    'kms:ReEncrypt*',
    'kms:GenerateDataKey*',
    'kms:DescribeKey',
  ],
  Resource: '*',
};

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

/** The seeds' placeholders replaced everywhere in a document. */
function substitute<T>(document: T, values: Readonly<Record<string, string>>): T {
  let text = JSON.stringify(document);
  for (const [placeholder, value] of Object.entries(values)) text = text.split(placeholder).join(value);
  return JSON.parse(text) as T;
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/** A condition block in one canonical spelling: sorted operators, keys and values. */
function canonicalCondition(condition: unknown): string {
  if (!condition) return '';
  const operators = condition as Record<string, Record<string, unknown>>;
  return JSON.stringify(Object.keys(operators).sort().map((operator) =>
    [operator, Object.keys(operators[operator]).sort().map((key) => [key, list(operators[operator][key]).sort()])]));
}

/** The service an ARN belongs to (`s3`, `kms`, ...), or undefined for `*`. */
function arnService(resource: string): string | undefined {
  return resource === '*' ? undefined : /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(resource)?.[1];
}

/**
 * Expands a policy document into its grants: one tuple per effect, principal, action, resource
 * and condition. Tuples that pair an action with a resource of another service (the SSE-KMS tab
 * lists kms:* and s3:* actions on [key, bucket] in one statement) are dropped: IAM never applies
 * an action to another service's resource, so they grant nothing.
 */
function expand(document: unknown): Set<string> {
  const json = (typeof document === 'string' ? JSON.parse(document) : JSON.parse(JSON.stringify(document))) as { Statement: unknown };
  const statements = (Array.isArray(json.Statement) ? json.Statement : [json.Statement]) as Array<Record<string, any>>;
  const grants = new Set<string>();
  for (const statement of statements) {
    const principal = statement.Principal;
    const principals = principal === undefined
      ? ['-']
      : principal === '*'
        ? ['AWS:*']
        : Object.entries(principal as Record<string, unknown>).flatMap(([type, values]) => list(values).map((value) => `${type}:${value}`));
    const resources = statement.Resource === undefined ? ['-'] : list(statement.Resource);
    const condition = canonicalCondition(statement.Condition);
    for (const who of principals) {
      for (const action of list(statement.Action)) {
        for (const resource of resources) {
          const service = arnService(resource);
          if (service !== undefined && resource !== '-' && service !== action.split(':')[0]) continue;
          grants.add([statement.Effect ?? 'Allow', who, action, resource, condition].join(' | '));
        }
      }
    }
  }
  return grants;
}

function sorted(grants: Set<string>): string[] {
  return [...grants].sort();
}

function config(raw: Record<string, unknown>): ResolvedConfig {
  return resolveConfig({ name: 'acme-ica', icaRegion: 'US', credential: { method: 'user' }, ...raw });
}

const BUCKET = 'acme-ica-data';
const FOLDER = 'ica-data';
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CROSS_ACCOUNT_ROLE = 'arn:aws:iam::079623148045:role/ica_use1_crossacct';
const SEED_VALUES = { YOUR_BUCKET_NAME: BUCKET, YOUR_FOLDER_NAME: FOLDER, 'arn:aws:kms:xxx': KEY_ARN, ASSUME_ROLE_ARN: CROSS_ACCOUNT_ROLE };

function oneBucket(bucket: Record<string, unknown>, extra: Record<string, unknown> = {}): ResolvedConfig {
  return config({ buckets: [{ name: BUCKET, prefixes: [`${FOLDER}/`], ...bucket }], ...extra });
}

function permissionOf(resolved: ResolvedConfig): PolicyDocument {
  return permissionPolicy(resolved, placeholderRefs(resolved));
}

// ---------------------------------------------------------------------------------------------
// Permission policy variants.
// ---------------------------------------------------------------------------------------------

describe('the expand helper', () => {
  test('counts one grant per action and resource, dropping cross-service pairs', () => {
    expect(expand(SEED_PERMISSION_UNVERSIONED).size).toBe(4 + 4 + 1);
    // 7 actions on [key, bucket]: only kms:* on the key (3) and s3:* on the bucket (4) count.
    expect(expand(substitute(SEED_KMS_PERMISSION_UNVERSIONED, SEED_VALUES)).size).toBe(3 + 4 + 6 + 1);
    expect(expand(SEED_CROSS_ACCOUNT_BUCKET_POLICY).size).toBe(5 * 2);
  });

  test('tells different documents apart', () => {
    expect(sorted(expand(SEED_PERMISSION_UNVERSIONED))).not.toEqual(sorted(expand(SEED_PERMISSION_VERSIONED)));
    const otherFolder = substitute(SEED_PERMISSION_UNVERSIONED, { YOUR_FOLDER_NAME: 'other' });
    expect(sorted(expand(otherFolder))).not.toEqual(sorted(expand(SEED_PERMISSION_UNVERSIONED)));
  });
});

describe('permission policy equals the seeds (same grants on the same resources)', () => {
  test('unversioned bucket, SSE-S3: the user page\'s unversioned tab', () => {
    const ours = permissionOf(oneBucket({ versioning: 'Disabled' }));
    expect(sorted(expand(ours.toJSON()))).toEqual(sorted(expand(substitute(SEED_PERMISSION_UNVERSIONED, SEED_VALUES))));
  });

  test.each(['Enabled', 'Suspended'])('%s bucket, SSE-S3: the "Versioned OR Suspended" tab', (versioning) => {
    const ours = permissionOf(oneBucket({ versioning }));
    expect(sorted(expand(ours.toJSON()))).toEqual(sorted(expand(substitute(SEED_PERMISSION_VERSIONED, SEED_VALUES))));
  });

  test('unversioned bucket, SSE-KMS with objectTagging: the SSE-KMS page\'s "Unversioned" tab', () => {
    const ours = permissionOf(oneBucket({ versioning: 'Disabled', encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } }, { objectTagging: true }));
    expect(sorted(expand(ours.toJSON()))).toEqual(sorted(expand(substitute(SEED_KMS_PERMISSION_UNVERSIONED, SEED_VALUES))));
  });

  test.each(['Enabled', 'Suspended'])('%s bucket, SSE-KMS with objectTagging: the SSE-KMS page\'s "Versioned or Suspended" tab', (versioning) => {
    const ours = permissionOf(oneBucket({ versioning, encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } }, { objectTagging: true }));
    expect(sorted(expand(ours.toJSON()))).toEqual(sorted(expand(substitute(SEED_KMS_PERMISSION_VERSIONED, SEED_VALUES))));
  });

  test('SSE-KMS without objectTagging is the SSE-KMS tab minus the tagging actions', () => {
    const ours = permissionOf(oneBucket({ versioning: 'Enabled', encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } }));
    const seed = sorted(expand(substitute(SEED_KMS_PERMISSION_VERSIONED, SEED_VALUES))).filter((grant) => !grant.includes('Tagging'));
    expect(sorted(expand(ours.toJSON()))).toEqual(seed);
  });

  test('SSE-S3 with objectTagging adds exactly the tagging actions on the prefix', () => {
    const ours = sorted(expand(permissionOf(oneBucket({ versioning: 'Disabled' }, { objectTagging: true })).toJSON()));
    const seed = sorted(expand(substitute(SEED_PERMISSION_UNVERSIONED, SEED_VALUES)));
    const objects = `arn:aws:s3:::${BUCKET}/${FOLDER}/*`;
    expect(ours.filter((grant) => !seed.includes(grant))).toEqual([
      `Allow | - | s3:GetObjectTagging | ${objects} | `,
      `Allow | - | s3:PutObjectTagging | ${objects} | `,
    ]);
    expect(seed.every((grant) => ours.includes(grant))).toBe(true);
  });

  test('a created key (no kmsKeyArn) gets the KMS actions through the key reference', () => {
    const resolved = oneBucket({ encryption: { type: 'SSE-KMS' } });
    const document = permissionPolicy(resolved, { ...placeholderRefs(resolved), kmsKeyArn: () => '${aws_kms_key.k.arn}' });
    expect(document.statement(SID.kmsAccess)?.toJSON()).toEqual({
      Sid: SID.kmsAccess, Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: '${aws_kms_key.k.arn}',
    });
  });

  test('the placeholder key ARN of a created key is in the ICA region', () => {
    const resolved = config({ icaRegion: 'Germany', buckets: [{ name: BUCKET, prefixes: ['ica/'], encryption: { type: 'SSE-KMS' } }] });
    expect(permissionOf(resolved).statement(SID.kmsAccess)?.resources).toEqual([`arn:aws:kms:eu-central-1:${ACCOUNT_PLACEHOLDER}:key/YOUR_KEY_ID`]);
  });
});

describe('permission policy layout', () => {
  const multi = config({
    buckets: [
      { name: 'acme-a', prefixes: ['a/', 'b/'] },
      { name: 'acme-b', prefixes: ['x/'], versioning: 'Enabled' },
      { name: 'acme-c', prefixes: ['y/'], versioning: 'Suspended', encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } },
      { name: 'acme-d', prefixes: ['z/'], versioning: 'Disabled' },
    ],
  });

  test('buckets are grouped by versioning variant: one bucket and one object statement per variant', () => {
    const document = permissionOf(multi);
    expect(document.statements.map((statement) => statement.sid)).toEqual([
      SID.bucketAccess, SID.objectAccess, SID.versionedBucketAccess, SID.versionedObjectAccess, SID.kmsAccess, SID.federationToken,
    ]);
    expect(document.statement(SID.bucketAccess)?.resources).toEqual(['arn:aws:s3:::acme-a', 'arn:aws:s3:::acme-d']);
    expect(document.statement(SID.objectAccess)?.resources).toEqual(['arn:aws:s3:::acme-a/a/*', 'arn:aws:s3:::acme-a/b/*', 'arn:aws:s3:::acme-d/z/*']);
    expect(document.statement(SID.versionedBucketAccess)?.resources).toEqual(['arn:aws:s3:::acme-b', 'arn:aws:s3:::acme-c']);
    expect(document.statement(SID.versionedObjectAccess)?.resources).toEqual(['arn:aws:s3:::acme-b/x/*', 'arn:aws:s3:::acme-c/y/*']);
    expect(document.statement(SID.kmsAccess)?.resources).toEqual([KEY_ARN]);
    expect(document.statement(SID.federationToken)?.toJSON()).toEqual({ Sid: SID.federationToken, Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' });
  });

  test('version actions apply to versioned buckets only', () => {
    const grants = sorted(expand(permissionOf(multi).toJSON()));
    const versionGrants = grants.filter((grant) => /Version/.test(grant.split(' | ')[2]));
    expect(versionGrants.length).toBeGreaterThan(0);
    for (const grant of versionGrants) expect(grant).toMatch(/arn:aws:s3:::acme-[bc]/);
  });

  test('object resources are scoped per prefix, never the whole bucket', () => {
    const resources = permissionOf(multi).statements.flatMap((statement) => statement.resources);
    for (const resource of resources.filter((arn) => arn.startsWith('arn:aws:s3:::') && arn.includes('/'))) {
      expect(resource).toMatch(/^arn:aws:s3:::acme-[a-d]\/[a-z]\/\*$/);
    }
    expect(resources).not.toContain('arn:aws:s3:::acme-a/*');
    expect(prefixObjectsArn('acme-a', 'runs/2026/')).toBe('arn:aws:s3:::acme-a/runs/2026/*');
  });

  test('only one variant present: no empty statements', () => {
    const document = permissionOf(oneBucket({ versioning: 'Enabled' }));
    expect(document.statements.map((statement) => statement.sid)).toEqual([SID.versionedBucketAccess, SID.versionedObjectAccess, SID.federationToken]);
  });
});

// ---------------------------------------------------------------------------------------------
// CORS, bucket policy, KMS key policy, trust policy.
// ---------------------------------------------------------------------------------------------

describe('CORS rule', () => {
  test('is exactly the seeds\' rule by default', () => {
    expect([icaCorsRule(oneBucket({}).corsAllowedOrigins)]).toEqual(SEED_CORS);
    expect([icaCorsRule([ICA_ORIGIN])]).toEqual(SEED_CORS);
  });

  test('other origins replace only AllowedOrigins', () => {
    expect(icaCorsRule(['https://a.example.com', 'https://b.example.com'])).toEqual({ ...SEED_CORS[0], AllowedOrigins: ['https://a.example.com', 'https://b.example.com'] });
  });
});

describe('bucket policy', () => {
  test('none unless restrictToIca or crossAccountCopy is on', () => {
    const resolved = oneBucket({});
    expect(wantsBucketPolicy(resolved)).toBe(false);
    expect(bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))).toBeUndefined();
  });

  test('cross-account statement, unversioned: the user page\'s statement', () => {
    const resolved = oneBucket({ versioning: 'Disabled' }, { bucketPolicy: { crossAccountCopy: true } });
    const document = bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!;
    expect(document.statements.map((statement) => statement.sid)).toEqual([SID.crossAccountCopy]);
    expect(sorted(expand(document.toJSON()))).toEqual(sorted(expand(substitute(SEED_CROSS_ACCOUNT_BUCKET_POLICY, SEED_VALUES))));
  });

  test('cross-account statement, versioned: adds the version actions', () => {
    const resolved = oneBucket({ versioning: 'Suspended' }, { bucketPolicy: { crossAccountCopy: true } });
    const statement = bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!.statement(SID.crossAccountCopy)!;
    expect(statement.actions).toEqual([
      's3:AbortMultipartUpload', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts', 's3:PutObject',
    ]);
    expect(statement.principals).toEqual({ AWS: [CROSS_ACCOUNT_ROLE] });
  });

  test('cross-account statement with objectTagging: adds the tagging actions ("Enable Copying Object Tags")', () => {
    const unversioned = oneBucket({}, { bucketPolicy: { crossAccountCopy: true }, objectTagging: true });
    expect(bucketPolicy(unversioned, unversioned.buckets[0], placeholderRefs(unversioned))!.statement(SID.crossAccountCopy)!.actions)
      .toEqual(expect.arrayContaining(['s3:GetObjectTagging', 's3:PutObjectTagging']));
    const versioned = oneBucket({ versioning: 'Enabled' }, { bucketPolicy: { crossAccountCopy: true }, objectTagging: true });
    expect(bucketPolicy(versioned, versioned.buckets[0], placeholderRefs(versioned))!.statement(SID.crossAccountCopy)!.actions)
      .toEqual(expect.arrayContaining(['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging']));
  });

  test('the cross-account role is the ICA region\'s', () => {
    const resolved = config({ icaRegion: 'GB', buckets: [{ name: BUCKET, prefixes: ['ica/'] }], bucketPolicy: { crossAccountCopy: true } });
    expect(bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!.statement(SID.crossAccountCopy)!.principals)
      .toEqual({ AWS: ['arn:aws:iam::079623148045:role/ica_euw2_crossacct'] });
  });

  test('restrictToIca, user method: the user page\'s Deny statement', () => {
    const resolved = oneBucket({}, { bucketPolicy: { restrictToIca: true } });
    const document = bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!;
    expect(document.statements.map((statement) => statement.sid)).toEqual([SID.restrictToIca]);
    const seed = substitute(SEED_RESTRICT_BUCKET_POLICY, { ...SEED_VALUES, YOUR_IAM_USER: 'illumina_ica_admin' });
    expect(sorted(expand(document.toJSON()))).toEqual(sorted(expand(seed)));
  });

  test('restrictToIca, role method: the exception names the role', () => {
    const resolved = config({ credential: { method: 'role', sessionNamePrefix: 'Ab12' }, buckets: [{ name: BUCKET, prefixes: ['ica/'] }], bucketPolicy: { restrictToIca: true } });
    const statement = bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!.statement(SID.restrictToIca)!;
    expect(statement.conditions.ArnNotLike['aws:PrincipalArn']).toEqual([
      `arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/Illumina_ICA_Role`,
      `arn:aws:sts::${ACCOUNT_PLACEHOLDER}:federated-user/*`,
    ]);
  });

  test('restrictToIca exempts the ICA principal, federated users, exemptPrincipalArns and, with crossAccountCopy, the cross-account role', () => {
    const exempt = ['arn:aws:iam::111122223333:role/Admin', 'arn:aws:sts::111122223333:assumed-role/Ops/*'];
    const resolved = oneBucket({}, { bucketPolicy: { restrictToIca: true, exemptPrincipalArns: exempt, crossAccountCopy: true } });
    const refs = { ...placeholderRefs(resolved), accountId: '444455556666', icaPrincipalArn: '${aws_iam_user.ica.arn}' };
    const document = bucketPolicy(resolved, resolved.buckets[0], refs)!;
    expect(document.statements.map((statement) => statement.sid)).toEqual([SID.restrictToIca, SID.crossAccountCopy]);
    const deny = document.statement(SID.restrictToIca)!;
    expect(deny.effect).toBe('Deny');
    expect(deny.principals).toEqual({ AWS: ['*'] });
    expect(deny.resources).toEqual([`arn:aws:s3:::${BUCKET}/*`]);
    expect([...deny.conditions.ArnNotLike['aws:PrincipalArn']].sort()).toEqual([
      '${aws_iam_user.ica.arn}',
      'arn:aws:sts::444455556666:federated-user/*',
      ...exempt,
      CROSS_ACCOUNT_ROLE,
    ].sort());
    expect(Object.keys(deny.conditions)).toEqual(['ArnNotLike']);
  });

  test('restrictToIca without crossAccountCopy does not exempt the cross-account role', () => {
    const resolved = oneBucket({}, { bucketPolicy: { restrictToIca: true } });
    const deny = bucketPolicy(resolved, resolved.buckets[0], placeholderRefs(resolved))!.statement(SID.restrictToIca)!;
    expect(deny.conditions.ArnNotLike['aws:PrincipalArn']).not.toContain(CROSS_ACCOUNT_ROLE);
  });

  test('restrictToIca with objectTagging also denies the tagging actions to others', () => {
    const resolved = oneBucket({}, { bucketPolicy: { restrictToIca: true }, objectTagging: true });
    const deny = bucketPolicyStatements(resolved, resolved.buckets[0], placeholderRefs(resolved))[0];
    expect(deny.actions).toEqual(expect.arrayContaining(['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging']));
  });
});

describe('KMS key policy', () => {
  const resolved = oneBucket({ encryption: { type: 'SSE-KMS' } }, { bucketPolicy: { crossAccountCopy: true } });
  const refs = { ...placeholderRefs(resolved), accountId: '111122223333', icaPrincipalArn: 'arn:aws:iam::111122223333:user/illumina_ica_admin' };

  test('the cross-account statement equals the SSE-KMS page\'s statement', () => {
    const ours = kmsKeyPolicy(resolved, refs).statement(SID.keyCrossAccount)!;
    const seed = PolicyStatement.fromJSON(substitute(SEED_KMS_CROSS_ACCOUNT_STATEMENT, SEED_VALUES));
    expect(ours.toJSON()).toEqual(seed.canonical().toJSON());
    expect(sorted(expand({ Statement: [ours.toJSON()] }))).toEqual(sorted(expand({ Statement: [substitute(SEED_KMS_CROSS_ACCOUNT_STATEMENT, SEED_VALUES)] })));
  });

  test('keeps the account root as administrator with kms:* (no lockout)', () => {
    expect(kmsKeyPolicy(resolved, refs).statement(SID.keyAdministration)!.toJSON()).toEqual({
      Sid: SID.keyAdministration, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*',
    });
  });

  test('lets the ICA principal use the key', () => {
    expect(kmsKeyPolicy(resolved, refs).statement(SID.keyUse)!.toJSON()).toEqual({
      Sid: SID.keyUse, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/illumina_ica_admin' },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: '*',
    });
  });

  test('has no cross-account statement without crossAccountCopy', () => {
    const plain = oneBucket({ encryption: { type: 'SSE-KMS' } });
    expect(kmsKeyPolicy(plain, refs).statements.map((statement) => statement.sid)).toEqual([SID.keyAdministration, SID.keyUse]);
  });

  test('the alias is named after the config and the bucket, without dots', () => {
    const dotted = config({ buckets: [{ name: 'acme.ica.data', prefixes: ['ica/'], encryption: { type: 'SSE-KMS' } }] });
    expect(kmsAliasName(dotted, dotted.buckets[0])).toBe('alias/acme-ica/acme_ica_data');
  });
});

describe('trust policy', () => {
  const resolved = config({ credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' }, buckets: [{ name: BUCKET, prefixes: ['ica/'] }] });
  const providerArn = oidcProviderArn(resolved.oidc!, '111122223333');

  test('the provider ARN follows the seeds\' OIDC table, with the account id', () => {
    expect(providerArn).toBe('arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE');
  });

  test('admits ICA\'s service account, audience and session-name prefix only', () => {
    // From the role page: "oidc.eks.<region-alias>.amazonaws.com/id/<OIDC Provider ID>:sub":
    // "system:serviceaccount:<namespace>:irsa-<namespace>-gds*", audience sts.amazonaws.com, and a
    // session name "<session name prefix>-*".
    const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE';
    expect(trustPolicy(resolved.oidc!, providerArn, 'Ab12Cd34').toJSON()).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: SID.trust,
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' },
          StringLike: {
            [`${issuer}:sub`]: 'system:serviceaccount:use1:irsa-use1-gds*',
            'sts:RoleSessionName': 'Ab12Cd34-*',
          },
        },
      }],
    });
  });

  test('uses the namespace and provider id overrides', () => {
    const overridden = config({
      icaRegion: 'IL',
      credential: { method: 'role', sessionNamePrefix: 'Zz', oidcProviderId: 'abcdef0123456789abcdef0123456789', namespace: 'ilc1' },
      buckets: [{ name: BUCKET, prefixes: ['ica/'] }],
    });
    const statement = trustPolicy(overridden.oidc!, 'arn:provider', 'Zz').statements[0];
    const issuer = 'oidc.eks.il-central-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789';
    expect(statement.conditions).toEqual({
      StringEquals: { [`${issuer}:aud`]: ['sts.amazonaws.com'] },
      StringLike: { [`${issuer}:sub`]: ['system:serviceaccount:ilc1:irsa-ilc1-gds*'], 'sts:RoleSessionName': ['Zz-*'] },
    });
  });

  test('the ICA principal ARN is the role (role method) or the user (user method)', () => {
    expect(iamPrincipalArn(resolved, '111122223333')).toBe('arn:aws:iam::111122223333:role/Illumina_ICA_Role');
    expect(iamPrincipalArn(oneBucket({}), '111122223333')).toBe('arn:aws:iam::111122223333:user/illumina_ica_admin');
  });
});

describe('storage configuration values', () => {
  test('one entry per bucket prefix, with what ICA\'s form asks for', () => {
    const resolved = config({
      buckets: [
        { name: 'acme-a', prefixes: ['a/', 'b'] },
        { name: 'acme-b', prefixes: ['x/'], encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN } },
      ],
    });
    expect(storageConfigurations(resolved, placeholderRefs(resolved))).toEqual([
      { name: 'acme-a-a', bucketName: 'acme-a', keyPrefix: 'a/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_USER', credential: 'YOUR_ACCESS_KEY_ID', serverSideEncryptionAlgorithm: 'AES256' },
      { name: 'acme-a-b', bucketName: 'acme-a', keyPrefix: 'b/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_USER', credential: 'YOUR_ACCESS_KEY_ID', serverSideEncryptionAlgorithm: 'AES256' },
      { name: 'acme-b-x', bucketName: 'acme-b', keyPrefix: 'x/', region: 'us-east-1', icaRegion: 'US', credentialType: 'AWS_USER', credential: 'YOUR_ACCESS_KEY_ID', serverSideEncryptionAlgorithm: 'aws:kms', serverSideEncryptionKey: KEY_ARN },
    ]);
  });

  test('the role method gives the role ARN as credential', () => {
    const resolved = config({ credential: { method: 'role', sessionNamePrefix: 'Ab' }, buckets: [{ name: BUCKET, prefixes: ['ica/'] }] });
    expect(storageConfigurations(resolved, placeholderRefs(resolved))[0]).toMatchObject({
      credentialType: 'AWS_ROLE', credential: `arn:aws:iam::${ACCOUNT_PLACEHOLDER}:role/Illumina_ICA_Role`,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// PolicyDocument / PolicyStatement.
// ---------------------------------------------------------------------------------------------

describe('PolicyDocument and PolicyStatement normalisation', () => {
  test('actions and resources are de-duplicated and sorted; one-element lists collapse', () => {
    const statement = new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:GetObject'], resources: ['arn:b', 'arn:a'] });
    expect(statement.toJSON()).toEqual({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:a', 'arn:b'] });
    expect(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:a', 'arn:a'] }).toJSON()).toEqual({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:a' });
  });

  test('principals and condition keys are sorted and collapsed', () => {
    const statement = new PolicyStatement({
      sid: 'S',
      effect: 'Deny',
      principals: { Service: ['s3.amazonaws.com'], AWS: ['arn:y', 'arn:x'] },
      actions: ['s3:GetObject'],
      conditions: { StringLike: { 'b:key': ['v'], 'a:key': ['2', '1'] }, ArnNotLike: { 'aws:PrincipalArn': ['arn:p'] } },
    });
    const json = statement.toJSON();
    expect(json).toEqual({
      Sid: 'S', Effect: 'Deny',
      Principal: { AWS: ['arn:x', 'arn:y'], Service: 's3.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:p' }, StringLike: { 'a:key': ['1', '2'], 'b:key': 'v' } },
    });
    expect(Object.keys(json)).toEqual(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);
    expect(Object.keys(json.Principal as object)).toEqual(['AWS', 'Service']);
    expect(Object.keys(json.Condition as object)).toEqual(['ArnNotLike', 'StringLike']);
  });

  test('a statement without actions is refused', () => {
    expect(() => new PolicyStatement({ sid: 'Empty', actions: [] })).toThrow('policy statement Empty has no actions');
  });

  test('two equal policies print the same whatever their input order', () => {
    const a = new PolicyDocument([new PolicyStatement({ actions: ['s3:B', 's3:A'], resources: ['r2', 'r1'] })]);
    const b = new PolicyDocument([new PolicyStatement({ actions: ['s3:A', 's3:B', 's3:A'], resources: ['r1', 'r2'] })]);
    expect(a.toString()).toBe(b.toString());
    expect(a.toString()).not.toMatch(/\s/);
    expect(a.toPrettyString()).toBe(`${JSON.stringify(JSON.parse(a.toString()), null, 2)}\n`);
  });

  test.each([
    ['unversioned', SEED_PERMISSION_UNVERSIONED],
    ['versioned', SEED_PERMISSION_VERSIONED],
    ['SSE-KMS unversioned', SEED_KMS_PERMISSION_UNVERSIONED],
    ['SSE-KMS versioned', SEED_KMS_PERMISSION_VERSIONED],
    ['restrict bucket policy', SEED_RESTRICT_BUCKET_POLICY],
    ['cross-account bucket policy', SEED_CROSS_ACCOUNT_BUCKET_POLICY],
  ])('fromJSON keeps every grant of the seed %s document and round-trips', (_name, seed) => {
    const document = PolicyDocument.fromJSON(seed);
    expect(sorted(expand(document.toJSON()))).toEqual(sorted(expand(seed)));
    expect(PolicyDocument.fromJSON(document.toString()).toJSON()).toEqual(document.toJSON());
    expect(PolicyDocument.fromJSON(JSON.parse(document.toString())).toString()).toBe(document.toString());
  });

  test('fromJSON reads the forms IAM accepts: a single statement object, Principal "*", empty Sid', () => {
    const written = {
      Version: '2012-10-17',
      Statement: { Sid: '', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    };
    const document = PolicyDocument.fromJSON(JSON.stringify(written));
    expect(document.toJSON()).toEqual(written);
    expect(document.canonical().toJSON()).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
  });

  test('a trust policy has no Resource', () => {
    expect(trustPolicy({ providerId: 'X', namespace: 'ns', issuer: 'i', url: 'https://i' }, 'arn:p', 'P').statements[0].toJSON()).not.toHaveProperty('Resource');
  });

  test('statement() finds a statement by Sid', () => {
    const document = new PolicyDocument([new PolicyStatement({ sid: 'One', actions: ['a:b'] }), new PolicyStatement({ sid: 'Two', actions: ['c:d'] })]);
    expect(document.statement('Two')?.actions).toEqual(['c:d']);
    expect(document.statement('Three')).toBeUndefined();
  });
});
