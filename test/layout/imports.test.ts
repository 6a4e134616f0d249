/**
 * The layout of modules/, as the development docs map it: the AWS access layer (aws/) and the
 * account-report runner under the reports (doctor/, preflight/, adoption/), which never reach into
 * one another; explain's renderings (explain/) import only the core; the core imports neither cdktf
 * nor the AWS SDK; and no import cycle anywhere.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const modules = resolve(__dirname, '..', '..', 'modules');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\(\s*)'([^']+)'/g;

/** Each module file (relative to modules/, without .ts) with what it imports: files of modules/ and packages. */
const graph = new Map(sources(modules).map((file) => {
  const text = readFileSync(file, 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    if (!specifier.startsWith('.')) { packages.push(specifier); continue; }
    const target = resolve(dirname(file), specifier);
    const candidates = [`${target}.ts`, join(target, 'index.ts')];
    const found = candidates.find((candidate) => { try { return statSync(candidate).isFile(); } catch { return false; } });
    if (found) local.push(relative(modules, found).replace(/\.ts$/, ''));
  }
  return [relative(modules, file).replace(/\.ts$/, ''), { local, packages }] as const;
}));

const folderOf = (file: string) => file.split('/')[0];
const REPORTS = ['doctor', 'preflight', 'adoption'];

test('no report folder imports another report folder', () => {
  const crossings = [...graph].flatMap(([file, { local }]) => local
    .filter((target) => REPORTS.includes(folderOf(file)) && REPORTS.includes(folderOf(target)) && folderOf(file) !== folderOf(target))
    .map((target) => `${file} -> ${target}`));
  expect(crossings).toEqual([]);
});

test('the AWS layer and the account-report runner import no report, CLI or renderer', () => {
  const upward = [...graph].flatMap(([file, { local }]) => local
    .filter((target) => ['aws', 'account-report'].includes(folderOf(file)) && !['aws', 'account-report', 'core'].includes(folderOf(target)))
    .map((target) => `${file} -> ${target}`));
  expect(upward).toEqual([]);
  const awsLayer = [...graph].filter(([file]) => folderOf(file) === 'aws');
  expect(awsLayer.length).toBeGreaterThan(5);
  expect(awsLayer.flatMap(([file, { local }]) => local.filter((target) => folderOf(target) === 'account-report').map((target) => `${file} -> ${target}`))).toEqual([]);
});

test('explain\'s renderings import only the core, and nothing but the core computes the access map', () => {
  const explain = [...graph].filter(([file]) => folderOf(file) === 'explain');
  expect(explain.length).toBeGreaterThan(0);
  expect(explain.flatMap(([file, { local }]) => local.filter((target) => folderOf(target) !== 'core' && folderOf(target) !== 'explain').map((target) => `${file} -> ${target}`))).toEqual([]);
  expect(explain.flatMap(([file, { packages }]) => packages.map((name) => `${file} -> ${name}`))).toEqual([]);
});

test('the core imports neither cdktf nor the AWS SDK', () => {
  const heavy = [...graph].filter(([file]) => folderOf(file) === 'core')
    .flatMap(([file, { packages }]) => packages.filter((name) => /^(cdktf|constructs|@cdktf\/|@aws-sdk\/)/.test(name)).map((name) => `${file} -> ${name}`));
  expect(heavy).toEqual([]);
});

test('modules/ has no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') { cycles.push([...path.slice(path.indexOf(file)), file].join(' -> ')); return; }
    state.set(file, 'open');
    for (const target of graph.get(file)?.local ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});
