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

test('docs/commands.md gives each command with every option it takes, as its usage line does', async () => {
  const { allCommands } = await import('../../modules/cli/index');
  for (const command of await allCommands()) {
    expect({ command: command.name, documented: commands.includes(`\`npx ${command.synopsis}\``) }).toEqual({ command: command.name, documented: true });
  }
});

test('npm start runs what README.md and docs/development.md say it does: validate, synthesize, generate', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const steps = scripts.start.split('&&').map((step) => /^node bin\/ica-s3\.js (\S+)$/.exec(step.trim())?.[1]);
  expect(steps).toEqual(['validate', 'synth', 'generate']);
  const development = readFileSync(join(root, 'docs', 'development.md'), 'utf8');
  const said = [
    /^npm ci && npm start +# (.*)$/m.exec(readme)?.[1],
    /^- `npm start` ([^\n]*(?:\n  [^\n]*)*)/m.exec(development)?.[1].replace(/\s+/g, ' '),
  ].map((words) => words?.replace(/`/g, ''));
  for (const words of said) {
    expect(words).toMatch(/^validates? ica\.config\.json, synthesizes? the CDKTF stack and generates? the Terraform module\b/);
  }
});

test('.ci/run runs the test command README.md gives', () => {
  const testCommand = /^npm test\b/m.exec(readme.slice(readme.indexOf('```sh')));
  expect(testCommand).not.toBeNull();
  expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

test('README.md stays a front page: at most 250 lines (the rest belongs in docs/)', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(250);
});
