// Writes ica-config.schema.json from the zod definition (npm run schema); a unit test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../modules/core/config-schema';

const path = join(__dirname, '..', '..', 'ica-config.schema.json');
writeFileSync(path, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path}\n`);
