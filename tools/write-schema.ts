// `npm run schema`: writes ica-config.schema.json and the config reference in docs/configuration.md from the zod
// definition. A unit test fails when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../modules/core/config-schema';
import { replaceConfigReference } from '../modules/core/config-reference';

const root = join(__dirname, '..', '..');
const schemaPath = join(root, 'ica-config.schema.json');
writeFileSync(schemaPath, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${schemaPath}\n`);
const referencePath = join(root, 'docs', 'configuration.md');
writeFileSync(referencePath, replaceConfigReference(readFileSync(referencePath, 'utf8')));
process.stdout.write(`updated the config reference in ${referencePath}\n`);
