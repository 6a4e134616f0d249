import { configName } from '../../core/config-file';
import { ResolvedConfig, ValidationResult, loadConfigFile } from '../../core/validate';
import { CONFIG_OPTIONS } from '../args';
import { defineCommand, startCommand } from '../command';

/** What validate found, for machines: the fields of the other reports' JSON where they apply. */
function validationJson(configFile: string, result: ValidationResult): Record<string, unknown> {
  return {
    config: configFile,
    ok: result.ok,
    ...(result.ok ? configSummary(result.config) : {}),
    problems: result.ok ? [] : result.problems,
    warnings: result.warnings,
  };
}

function configSummary(config: ResolvedConfig): Record<string, unknown> {
  return {
    name: config.name,
    icaRegion: config.region.code,
    awsRegion: config.region.awsRegion,
    method: config.credential.method,
    buckets: config.buckets.length,
    prefixes: config.buckets.reduce((count, bucket) => count + bucket.prefixes.length, 0),
  };
}

export const validateCommand = defineCommand({
  name: 'validate',
  summary: 'check the config and report every problem at once',
  description: `Checks the config against the schema and ICA's rules, before any AWS call.
Prints every problem with its JSON path and fix, and the warnings; exit status 1
when there is a problem.`,
  options: {
    ...CONFIG_OPTIONS,
    json: { type: 'boolean', default: false, help: 'print the result as JSON on standard output: ok, the problems ({ path, rule, message, fix }) and the warnings' },
  },
  async run(values, out) {
    if (values.json) {
      const result = loadConfigFile(values.config);
      out.log(JSON.stringify(validationJson(configName(values.config), result), null, 2));
      return result.ok ? 0 : 1;
    }
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const summary = configSummary(start.config);
    out.log(`${configName(values.config)} is valid: ${summary.buckets} bucket(s), ${summary.prefixes} prefix(es), ` +
      `ICA region ${summary.icaRegion} (${summary.awsRegion}), ${summary.method} method`);
    return 0;
  },
});
