/**
 * The access map the documentation shows is the flagship example's current one: README.md's table
 * and diagram and docs/access-map.md's whole output are what `explain` prints today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessGaps } from '../../modules/core/access-gaps';
import { accessMap } from '../../modules/core/access-map';
import { loadConfigFile } from '../../modules/core/validate';
import { formatMarkdown, formatMermaid } from '../../modules/explain/format';

const root = join(__dirname, '..', '..');
const flagship = loadConfigFile(join(root, 'examples', 'role-versioned-kms-bucket-policy-tagging.json'));
if (!flagship.ok) throw new Error('the flagship example does not validate');
const map = accessMap(flagship.config);
const markdown = formatMarkdown(map, accessGaps(flagship.config));
const mermaid = formatMermaid(map);
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const page = readFileSync(join(root, 'docs', 'access-map.md'), 'utf8');

test('docs/access-map.md holds the flagship example\'s whole markdown map and its diagram', () => {
  expect(page).toContain(markdown);
  expect(page).toContain(`\`\`\`mermaid\n${mermaid}\n\`\`\``);
});

test('README.md shows the flagship\'s diagram and its prefix table', () => {
  expect(readme).toContain(`\`\`\`mermaid\n${mermaid}\n\`\`\``);
  const table = markdown.split('### ')[1].split('\n').filter((line) => line.startsWith('|'));
  expect(table.length).toBeGreaterThan(4);
  expect(readme).toContain(table.join('\n'));
});
