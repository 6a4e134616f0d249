import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceConfigReference } from '../../modules/core/config-reference';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the config reference in README.md matches the schema (run `npm run schema` when this fails)', () => {
  expect(readme).toBe(replaceConfigReference(readme));
});

test('every command the CLI offers is documented in README.md', async () => {
  const { main } = await import('../../modules/cli/index');
  const lines: string[] = [];
  await main(['--help'], { log: (text) => lines.push(text), error: (text) => lines.push(text) });
  const commands = lines.join('\n').split('\n').map((line) => /^  (\S+)\s{2,}/.exec(line)?.[1]).filter(Boolean);
  expect(commands.length).toBeGreaterThanOrEqual(3);
  for (const command of commands) expect(readme).toContain(`ica-s3 ${command}`);
});

test('.ci/run runs the test command README.md gives', () => {
  const testCommand = /^npm test\b/m.exec(readme.slice(readme.indexOf('```sh')));
  expect(testCommand).not.toBeNull();
  expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});
