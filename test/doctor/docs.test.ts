/** docs/troubleshooting.md names every check the doctor and preflight can print and every ICA error the doctor quotes. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ICA_ERRORS } from '../../modules/core/ica-errors';

const root = join(__dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'troubleshooting.md'), 'utf8');

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every check id is documented', () => {
  const ids = new Set<string>();
  for (const file of ['doctor', 'preflight', 'account-report', 'aws'].flatMap((folder) => sources(join(root, 'modules', folder)))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:const id = |id: |(?:pass|judge|info|unreadableResult|notChecked)\()'([a-z]+\.[a-z-]+)'/g)) ids.add(match[1]);
  }
  expect(ids.size).toBeGreaterThan(20);
  for (const id of ids) expect(doc).toContain(`\`${id}\``);
});

test('every ICA error message the doctor quotes is in the table', () => {
  for (const message of Object.values(ICA_ERRORS)) {
    const phrase = message.replace(/ \(.*\)$/, '').slice(0, 40);
    expect(doc.toLowerCase()).toContain(phrase.toLowerCase());
  }
});
