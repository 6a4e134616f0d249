/**
 * The scale part of `npm run bench`: large configs plan identically through both renderers and
 * apply on moto, with the permission policy split over managed policies that each fit IAM's limit.
 * It reuses the equivalence test's harness (both renderers' roots as modules of one root, one moto
 * server). Slow on purpose (a thousand folder objects, twice), so it is not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { permissionPolicies, sizingRefs } from '../modules/core/ica-policies';
import { AWS_QUOTAS } from '../modules/core/quotas';
import { ResolvedConfig } from '../modules/core/validate';
import { ShowJson, comparableResources, resourceDifferences } from '../test/generator/compare';
import { buildCdktfHarness, buildGeneratedHarness, initOk, showJson } from '../test/generator/harness';
import { startMoto } from '../test/support/moto';
import { terraformOk, warmPluginCache } from '../test/support/terraform';

export interface ScaleRow {
  readonly config: string;
  readonly prefixes: number;
  readonly policies: number;
  readonly largestPolicy: number;
  readonly planDifferences: number;
  readonly stateDifferences: number;
  readonly seconds: number;
}

/** Plans and applies one config through both renderers on one moto server; returns what it found. */
async function scaleRun(name: string, config: ResolvedConfig): Promise<ScaleRow> {
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'ica-bench-scale-'));
  const moto = await startMoto({ enforceBucketPolicies: false });
  try {
    const configs = { s: config };
    const [cdktfDir, generatedDir] = [join(scratch, 'cdktf'), join(scratch, 'generated')];
    buildCdktfHarness(cdktfDir, configs, moto.url);
    await buildGeneratedHarness(generatedDir, configs, moto.url);
    await Promise.all([initOk(cdktfDir), initOk(generatedDir)]);
    await Promise.all([cdktfDir, generatedDir].map((dir) => terraformOk(dir, ['plan', '-input=false', '-out=tfplan'])));
    const plans = await Promise.all([showJson(cdktfDir, 'tfplan'), showJson(generatedDir, 'tfplan')]) as ShowJson[];
    const planDifferences = resourceDifferences(comparableResources(plans[0], 'cdktf', 's'), comparableResources(plans[1], 'generated', 's'));
    await terraformOk(cdktfDir, ['apply', '-input=false', 'tfplan']);
    const cdktfState = await showJson(cdktfDir) as ShowJson;
    await moto.reset();
    await terraformOk(generatedDir, ['apply', '-input=false', 'tfplan']);
    const generatedState = await showJson(generatedDir) as ShowJson;
    const stateDifferences = resourceDifferences(comparableResources(cdktfState, 'cdktf', 's'), comparableResources(generatedState, 'generated', 's'));
    for (const difference of [...planDifferences, ...stateDifferences].slice(0, 20)) process.stderr.write(`${name}: ${difference}\n`);
    const documents = permissionPolicies(config, sizingRefs(config));
    return {
      config: name,
      prefixes: config.buckets.reduce((sum, bucket) => sum + bucket.prefixes.length, 0),
      policies: documents.length,
      largestPolicy: Math.max(...documents.map((document) => document.sizeForQuota())),
      planDifferences: planDifferences.length,
      stateDifferences: stateDifferences.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await moto.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The scale runs, one after the other (each starts the provider several times). */
export async function scaleOnMoto(configs: Readonly<Record<string, ResolvedConfig>>): Promise<ScaleRow[]> {
  await warmPluginCache();
  const rows: ScaleRow[] = [];
  for (const [name, config] of Object.entries(configs)) rows.push(await scaleRun(name, config));
  return rows;
}

export function scaleTable(rows: readonly ScaleRow[]): string[] {
  return [
    `| config | prefixes | managed policies | largest (limit ${AWS_QUOTAS.managedPolicyChars.value}) | plan differences | state differences | plan + apply, both renderers |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.config} | ${row.prefixes} | ${row.policies} | ${row.largestPolicy} | ${row.planDifferences} | ${row.stateDifferences} | ${row.seconds.toFixed(0)} s |`),
  ];
}
