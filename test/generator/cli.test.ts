/** `ica-s3 generate` as a user runs it: files written, exit statuses, help. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { loadConfigFile } from '../../modules/core/validate';
import { generateFiles } from '../../modules/generator/generate';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-generate-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function recorder() {
  const lines = { log: [] as string[], error: [] as string[] };
  return { lines, out: { log: (text: string) => lines.log.push(text), error: (text: string) => lines.error.push(text) } };
}

test('generate -c FILE -o DIR writes every file and says what to do next', async () => {
  const { lines, out } = recorder();
  const outputDir = join(scratch, 'out');
  const configFile = join(root, 'examples', 'two-buckets-several-prefixes.json');
  expect(await main(['generate', '-c', configFile, '-o', outputDir], out)).toBe(0);
  const result = loadConfigFile(configFile);
  if (!result.ok) throw new Error('example is invalid');
  const expected = generateFiles(result.config, { configFile, outputDir });
  for (const [path, content] of expected) expect(readFileSync(join(outputDir, path), 'utf8')).toBe(content);
  expect(lines.log.join('\n')).toMatch(new RegExp(`wrote ${expected.size} files to .*out/[\\s\\S]*terraform init && terraform apply[\\s\\S]*storage configuration`));
});

test('an invalid config exits 1 with every problem and writes nothing', async () => {
  const { lines, out } = recorder();
  const configFile = join(scratch, 'bad.json');
  writeFileSync(configFile, JSON.stringify({ name: '1x', icaRegion: 'Mars', credential: { method: 'role' }, buckets: [] }));
  expect(await main(['generate', '-c', configFile, '-o', join(scratch, 'bad-out')], out)).toBe(1);
  expect(lines.error.join('\n')).toMatch(/name[\s\S]*icaRegion[\s\S]*sessionNamePrefix[\s\S]*buckets/);
  expect(existsSync(join(scratch, 'bad-out'))).toBe(false);
});

test('--help exits 0 and names the options; an unknown option exits 2', async () => {
  const help = recorder();
  expect(await main(['generate', '--help'], help.out)).toBe(0);
  expect(help.lines.log.join('\n')).toMatch(/Usage: ica-s3 generate \[-c FILE\] \[-o DIR\][\s\S]*terraform-out/);
  const misuse = recorder();
  expect(await main(['generate', '--frobnicate'], misuse.out)).toBe(2);
});
