/**
 * `npm run bench`: wall-clock figures for docs/performance.md, against the budgets: `generate` for the
 * default config under 0.3 s; validate, synth and generate for 20 buckets x 10 prefixes and for
 * 50 buckets x 20 prefixes (1,000 prefixes) under 2 s each. Each task is measured twice:
 * - as the whole `node bin/ica-s3.js ...` process (what a user waits for: Node start-up, module
 *   loading, validation, rendering, writing the files), median of several runs;
 * - in process, after one warm-up run (module loading reported separately).
 * Then the generated module is planned for 100 and for 1,000 prefixes (module-plan.ts; within 3x
 * of each other), and both large configs are planned through both renderers and applied on moto
 * (scale-on-moto.ts). Exits 1 when a whole-process figure is over its budget, the module's plan
 * grows more than that, the renderers differ, or a policy is over IAM's limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IcaConfigInput } from '../modules/core/config-schema';
import { AWS_QUOTAS } from '../modules/core/quotas';
import { loadConfigFile, resolveConfig, ResolvedConfig } from '../modules/core/validate';
import type { ScaleRow } from './scale-on-moto';

const root = join(__dirname, '..', '..');
const cli = join(root, 'bin', 'ica-s3.js');
const scratch = mkdtempSync(join(tmpdir(), 'ica-bench-'));

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const rows: { task: string; process: number; inProcess: number; budget?: number }[] = [];

/** Median wall time of the whole CLI process. */
function processTime(args: string[], runs: number): number {
  return median(Array.from({ length: runs }, () => {
    const start = performance.now();
    execFileSync(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    return performance.now() - start;
  }));
}

/** Median wall time in this process, after one warm-up run. */
function inProcessTime(runs: number, task: () => void): number {
  task();
  return median(Array.from({ length: runs }, () => {
    const start = performance.now();
    task();
    return performance.now() - start;
  }));
}

/** A lab config: `buckets` buckets of `prefixes` project folders each, mixed versioning and encryption. */
function labConfig(name: string, buckets: number, prefixes: number): IcaConfigInput {
  return {
    name, icaRegion: 'US', credential: { method: 'role', sessionNamePrefix: 'Bench1234', roleName: `${name}-role` },
    policyName: `${name}-policy`,
    buckets: Array.from({ length: buckets }, (_, bucket) => ({
      name: `${name}-bucket-${bucket}`,
      prefixes: Array.from({ length: prefixes }, (__, prefix) => `prefix-${prefix}/`),
      versioning: bucket % 2 ? 'Enabled' as const : 'Disabled' as const,
      encryption: bucket % 3 ? { type: 'SSE-S3' as const } : { type: 'SSE-KMS' as const },
    })),
    bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
  };
}
const planInput = labConfig('bench-plan', 5, 20);
const largeInput = labConfig('bench', 20, 10);
const hugeInput = labConfig('bench-huge', 50, 20);
const largeFile = join(scratch, 'large.json');
const hugeFile = join(scratch, 'huge.json');
writeFileSync(largeFile, JSON.stringify(largeInput));
writeFileSync(hugeFile, JSON.stringify(hugeInput));
const loaded = loadConfigFile(join(root, 'ica.config.json'));
if (!loaded.ok) throw new Error('ica.config.json is invalid');
const defaultConfig = loaded.config;
const large: ResolvedConfig = resolveConfig(largeInput);
const huge: ResolvedConfig = resolveConfig(hugeInput);

// Whole processes first, before this process has loaded anything that could warm a cache.
const processFigures = {
  generateDefault: processTime(['generate', '-c', 'ica.config.json', '-o', join(scratch, 'p-generate-default')], 7),
  synthDefault: processTime(['synth', '-c', 'ica.config.json', '-o', join(scratch, 'p-synth-default')], 5),
  synthLarge: processTime(['synth', '-c', largeFile, '-o', join(scratch, 'p-synth-large')], 5),
  generateLarge: processTime(['generate', '-c', largeFile, '-o', join(scratch, 'p-generate-large')], 5),
  validateHuge: processTime(['validate', '-c', hugeFile], 5),
  synthHuge: processTime(['synth', '-c', hugeFile, '-o', join(scratch, 'p-synth-huge')], 5),
  generateHuge: processTime(['generate', '-c', hugeFile, '-o', join(scratch, 'p-generate-huge')], 5),
};

let loadStart = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthesize } = require('../modules/cdktf/app') as typeof import('../modules/cdktf/app');
const cdktfLoad = performance.now() - loadStart;
loadStart = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateFiles, writeGeneratedFiles } = require('../modules/generator/generate') as typeof import('../modules/generator/generate');
const generatorLoad = performance.now() - loadStart;

const generate = (config: ResolvedConfig, dir: string) => () => {
  writeGeneratedFiles(generateFiles(config, { configFile: 'ica.config.json', outputDir: dir }), join(scratch, dir));
};
rows.push(
  { task: 'generate, default config', process: processFigures.generateDefault, inProcess: inProcessTime(10, generate(defaultConfig, 'generate-default')), budget: 300 },
  { task: 'synth, default config', process: processFigures.synthDefault, inProcess: inProcessTime(10, () => synthesize(defaultConfig, { outdir: join(scratch, 'synth-default') })) },
  { task: 'synth, 20 buckets x 10 prefixes', process: processFigures.synthLarge, inProcess: inProcessTime(5, () => synthesize(large, { outdir: join(scratch, 'synth-large') })), budget: 2000 },
  { task: 'generate, 20 buckets x 10 prefixes', process: processFigures.generateLarge, inProcess: inProcessTime(5, generate(large, 'generate-large')), budget: 2000 },
  { task: 'validate, 50 buckets x 20 prefixes', process: processFigures.validateHuge, inProcess: inProcessTime(5, () => loadConfigFile(hugeFile)), budget: 2000 },
  { task: 'synth, 50 buckets x 20 prefixes', process: processFigures.synthHuge, inProcess: inProcessTime(3, () => synthesize(huge, { outdir: join(scratch, 'synth-huge') })), budget: 2000 },
  { task: 'generate, 50 buckets x 20 prefixes', process: processFigures.generateHuge, inProcess: inProcessTime(3, generate(huge, 'generate-huge')), budget: 2000 },
);
rmSync(scratch, { recursive: true, force: true });

/** How much longer the module's plan may take at 1,000 prefixes than at 100. */
const PLAN_GROWTH_BUDGET = 3;

async function modulePlan(): Promise<void> {
  const { modulePlans, modulePlanTable, planGrowth } = await import('./module-plan');
  const planRows = await modulePlans({ '5 buckets x 20 prefixes': resolveConfig(planInput), '50 buckets x 20 prefixes': huge });
  const growth = planGrowth(planRows);
  process.stdout.write(`${[...modulePlanTable(planRows), '', `1,000 prefixes against 100: ${growth.toFixed(2)}x (budget ${PLAN_GROWTH_BUDGET}x)`, ''].join('\n')}\n`);
  if (growth > PLAN_GROWTH_BUDGET) {
    process.stderr.write(`the module's plan grows ${growth.toFixed(2)}x from 100 to 1,000 prefixes, over ${PLAN_GROWTH_BUDGET}x\n`);
    process.exitCode = 1;
  }
}

async function scale(): Promise<ScaleRow[]> {
  // Loaded only now: it loads the test harness, which would skew the module loading figures above.
  const { scaleOnMoto, scaleTable } = await import('./scale-on-moto');
  const scaleRows = await scaleOnMoto({ '20 buckets x 10 prefixes': large, '50 buckets x 20 prefixes': huge });
  process.stdout.write(`${scaleTable(scaleRows).join('\n')}\n`);
  return scaleRows;
}

const over = rows.filter((row) => row.budget !== undefined && row.process > row.budget);
process.stdout.write([
  `Node ${process.version}, ${cpus().length} CPUs`,
  '',
  '| task | whole `ica-s3` process | in process | budget |',
  '|---|---|---|---|',
  ...rows.map((row) => `| ${row.task} | ${seconds(row.process)} | ${seconds(row.inProcess)} | ${row.budget === undefined ? '-' : `< ${seconds(row.budget)}${row.process > row.budget ? ' **over**' : ''}`} |`),
  '',
  `Module loading in process: cdktf + provider submodules ${seconds(cdktfLoad)}, generator ${seconds(generatorLoad)}.`,
  '',
].join('\n'));
if (over.length > 0) {
  process.stderr.write(`over budget: ${over.map((row) => row.task).join(', ')}\n`);
  process.exitCode = 1;
}
modulePlan().then(scale).then((scaleRows) => {
  const failed = scaleRows.filter((row) => row.planDifferences + row.stateDifferences > 0 || row.largestPolicy > AWS_QUOTAS.managedPolicyChars.value);
  if (failed.length > 0) {
    process.stderr.write(`the renderers differ or a policy is over IAM's limit: ${failed.map((row) => row.config).join(', ')}\n`);
    process.exitCode = 1;
  }
}, (error: unknown) => {
  process.stderr.write(`scale run failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
