/**
 * The module-plan part of `npm run bench`: the generated module planned by its own `terraform test`
 * file (the mocked aws provider, the example assertions) for a config, so that the plan's cost at
 * 1,000 prefixes can be held against 100. The folder objects grow with the prefixes; nothing
 * else in the module may grow faster than they do.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ResolvedConfig } from '../modules/core/validate';
import { MODULE_DIR, exampleTestsFile, generateFiles } from '../modules/generator/generate';
import { createRenderer } from '../modules/generator/templates';
import { terraformOk, warmPluginCache } from '../test/support/terraform';

export interface ModulePlanRow {
  readonly config: string;
  readonly prefixes: number;
  /** Median wall time of `terraform test` planning the config, provider start included. */
  readonly seconds: number;
}

const EXAMPLES_TEST = join('tests', 'examples.tftest.hcl');

/** The module alone, with a test file that plans `config` (and none of the validation runs). */
function writeModule(dir: string, name: string, config: ResolvedConfig): void {
  const options = { configFile: `${name}.json`, outputDir: dir };
  for (const [path, content] of generateFiles(config, options)) {
    const inModule = relative(MODULE_DIR, path);
    if (inModule.startsWith('..') || inModule.startsWith('tests')) continue;
    mkdirSync(dirname(join(dir, inModule)), { recursive: true });
    writeFileSync(join(dir, inModule), content);
  }
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, EXAMPLES_TEST), exampleTestsFile(createRenderer(), options, [{ name, config }]));
}

/** Plans each config `runs` times through the module's test file; the median of each. */
export async function modulePlans(configs: Readonly<Record<string, ResolvedConfig>>, runs = 3): Promise<ModulePlanRow[]> {
  await warmPluginCache();
  const rows: ModulePlanRow[] = [];
  for (const [name, config] of Object.entries(configs)) {
    const dir = mkdtempSync(join(tmpdir(), 'ica-bench-module-'));
    try {
      writeModule(dir, 'bench', config);
      await terraformOk(dir, ['init', '-input=false']);
      const samples: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        await terraformOk(dir, ['test', '-no-color', `-filter=${EXAMPLES_TEST}`]);
        samples.push((performance.now() - started) / 1000);
      }
      samples.sort((a, b) => a - b);
      rows.push({ config: name, prefixes: config.buckets.reduce((sum, bucket) => sum + bucket.prefixes.length, 0), seconds: samples[Math.floor(runs / 2)] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/** How much longer the largest plan takes than the smallest. */
export function planGrowth(rows: readonly ModulePlanRow[]): number {
  const sorted = [...rows].sort((a, b) => a.prefixes - b.prefixes);
  return sorted[sorted.length - 1].seconds / sorted[0].seconds;
}

export function modulePlanTable(rows: readonly ModulePlanRow[]): string[] {
  return [
    '| config | prefixes | `terraform plan` of the generated module (mocked provider) |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.config} | ${row.prefixes} | ${row.seconds.toFixed(1)} s |`),
  ];
}
