/**
 * `npm run bench`: wall-clock figures for the README. Synthesis and generation run in process,
 * each after one warm-up run (module loading is reported separately).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfigFile, resolveConfig, ResolvedConfig } from '../modules/core/validate';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(label: string, runs: number, task: () => void): number {
  task();
  const samples = Array.from({ length: runs }, () => {
    const start = performance.now();
    task();
    return performance.now() - start;
  });
  const result = median(samples);
  process.stdout.write(`${label.padEnd(48)} ${(result / 1000).toFixed(3)} s (median of ${runs})\n`);
  return result;
}

const root = join(__dirname, '..', '..');
const loaded = loadConfigFile(join(root, 'ica.config.json'));
if (!loaded.ok) throw new Error('ica.config.json is invalid');
const defaultConfig = loaded.config;
const large: ResolvedConfig = resolveConfig({
  name: 'bench', icaRegion: 'US', credential: { method: 'role', sessionNamePrefix: 'Bench1234' },
  buckets: Array.from({ length: 20 }, (_, bucket) => ({
    name: `bench-bucket-${bucket}`,
    prefixes: Array.from({ length: 10 }, (__, prefix) => `prefix-${prefix}/`),
    versioning: bucket % 2 ? 'Enabled' : 'Disabled',
    encryption: bucket % 3 ? { type: 'SSE-S3' } : { type: 'SSE-KMS' },
  })),
  bucketPolicy: { restrictToIca: true, crossAccountCopy: true },
});

const scratch = mkdtempSync(join(tmpdir(), 'ica-bench-'));
let loadStart = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthesize } = require('../modules/cdktf/app') as typeof import('../modules/cdktf/app');
process.stdout.write(`${'load cdktf + provider submodules'.padEnd(48)} ${((performance.now() - loadStart) / 1000).toFixed(3)} s\n`);
loadStart = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateFiles, writeGeneratedFiles } = require('../modules/generator/generate') as typeof import('../modules/generator/generate');
process.stdout.write(`${'load generator'.padEnd(48)} ${((performance.now() - loadStart) / 1000).toFixed(3)} s\n`);

const generate = (config: ResolvedConfig, dir: string) => () => writeGeneratedFiles(generateFiles(config, { configFile: 'ica.config.json', outputDir: dir }), join(scratch, dir));
time('synth, default config', 10, () => synthesize(defaultConfig, { outdir: join(scratch, 'synth-default') }));
time('generate, default config', 10, generate(defaultConfig, 'generate-default'));
time('synth, 20 buckets x 10 prefixes', 5, () => synthesize(large, { outdir: join(scratch, 'synth-large') }));
time('generate, 20 buckets x 10 prefixes', 5, generate(large, 'generate-large'));
rmSync(scratch, { recursive: true, force: true });
