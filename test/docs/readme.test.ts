import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceConfigReference } from '../../modules/core/config-reference';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const configuration = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
const commands = readFileSync(join(root, 'docs', 'commands.md'), 'utf8');

test('the config reference in docs/configuration.md matches the schema (run `npm run schema` when this fails)', () => {
  expect(configuration).toBe(replaceConfigReference(configuration));
});

test('every command the CLI offers is documented in docs/commands.md', async () => {
  const { main } = await import('../../modules/cli/index');
  const lines: string[] = [];
  await main(['--help'], { log: (text) => lines.push(text), error: (text) => lines.push(text) });
  const names = lines.join('\n').split('\n').map((line) => /^  (\S+)\s{2,}/.exec(line)?.[1]).filter(Boolean);
  expect(names.length).toBeGreaterThanOrEqual(3);
  for (const name of names) expect(commands).toContain(`ica-s3 ${name}`);
});

test('.ci/run runs the test command README.md gives', () => {
  const testCommand = /^npm test\b/m.exec(readme.slice(readme.indexOf('```sh')));
  expect(testCommand).not.toBeNull();
  expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

test('README.md stays a front page: at most 250 lines (the rest belongs in docs/)', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(250);
});
