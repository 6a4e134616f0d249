/**
 * The shipped JSON Schema is generated from the zod definition (`npm run schema`), and every
 * config the repository ships validates.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { configJsonSchema } from '../../modules/core/config-schema';
import { formatProblems, loadConfigFile } from '../../modules/core/validate';

const ROOT = join(__dirname, '..', '..');
const SCHEMA_FILE = join(ROOT, 'ica-config.schema.json');

/** What `npm run schema` writes (tools/write-schema.ts). */
function expectedSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** Undefined when the file is current, else the message a developer needs. */
function staleSchemaMessage(fileText: string): string | undefined {
  return fileText === expectedSchemaText()
    ? undefined
    : 'ica-config.schema.json is stale: it differs from configJsonSchema() in modules/core/config-schema.ts; run `npm run schema`';
}

describe('ica-config.schema.json', () => {
  test('equals configJsonSchema() (run `npm run schema` when this fails)', () => {
    const fileText = readFileSync(SCHEMA_FILE, 'utf8');
    const message = staleSchemaMessage(fileText);
    if (message) {
      // Show the structural difference too, not only the message.
      expect(JSON.parse(fileText)).toEqual(configJsonSchema());
      throw new Error(message);
    }
  });

  test('a stale file is detected, and the message says to run `npm run schema`', () => {
    const current = expectedSchemaText();
    const stale = current.replace('"Path of the JSON Schema, for editors."', '"An old description."');
    expect(stale).not.toBe(current);
    expect(staleSchemaMessage(stale)).toMatch(/run `npm run schema`/);
    expect(staleSchemaMessage(current.trimEnd())).toMatch(/run `npm run schema`/);
    expect(staleSchemaMessage(current)).toBeUndefined();
  });

  test('is a draft 2020-12 schema that rejects unknown keys and names the required fields', () => {
    const schema = configJsonSchema() as {
      $schema: string; $id: string; type: string; additionalProperties: boolean; required: string[]; properties: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/ica-config\.schema\.json$/);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect([...schema.required].sort()).toEqual(['buckets', 'credential', 'icaRegion', 'name']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'icaRegion', 'credential', 'policyName', 'buckets', 'bucketPolicy', 'objectTagging', 'tags', 'backend']));
  });
});

const SHIPPED_CONFIGS = [
  ...readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json')).sort().map((file) => join('examples', file)),
  'ica.config.json',
];

describe('shipped configs', () => {
  test('examples/ holds the documented variants', () => {
    expect(SHIPPED_CONFIGS.length).toBeGreaterThanOrEqual(4);
  });

  test.each(SHIPPED_CONFIGS)('%s validates', (file) => {
    const result = loadConfigFile(join(ROOT, file));
    if (!result.ok) throw new Error(`${file} is invalid:\n${formatProblems(result.problems)}`);
    expect(result.config.buckets.length).toBeGreaterThan(0);
  });

  test.each(SHIPPED_CONFIGS)('%s points $schema at the shipped schema file', (file) => {
    const raw = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { $schema?: string };
    expect(raw.$schema).toBeDefined();
    expect(resolve(dirname(join(ROOT, file)), raw.$schema!)).toBe(SCHEMA_FILE);
    expect(existsSync(SCHEMA_FILE)).toBe(true);
  });

  test('the examples cover both methods, both encryption types, versioned and unversioned buckets, and several prefixes', () => {
    const configs = SHIPPED_CONFIGS.map((file) => {
      const result = loadConfigFile(join(ROOT, file));
      if (!result.ok) throw new Error(`${file} is invalid`);
      return result.config;
    });
    const methods = new Set(configs.map((config) => config.credential.method));
    const encryptions = new Set(configs.flatMap((config) => config.buckets.map((bucket) => bucket.encryption.type)));
    const versionings = new Set(configs.flatMap((config) => config.buckets.map((bucket) => bucket.versioning)));
    expect([...methods].sort()).toEqual(['role', 'user']);
    expect([...encryptions].sort()).toEqual(['SSE-KMS', 'SSE-S3']);
    expect(versionings.has('Disabled')).toBe(true);
    expect(versionings.has('Enabled') || versionings.has('Suspended')).toBe(true);
    expect(configs.some((config) => config.buckets.length > 1 && config.buckets.some((bucket) => bucket.prefixes.length > 1))).toBe(true);
  });
});
