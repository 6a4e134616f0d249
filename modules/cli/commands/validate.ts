import { configName } from '../../core/config-file';
import { CONFIG_OPTIONS, parseCommandArgs } from '../args';
import { loadConfigOrReport } from '../config';
import { Output } from '../output';
import type { Command } from '../command';

export const validateCommand: Command = {
  summary: 'check the config and report every problem at once',
  usage: `Usage: ica-s3 validate [-c FILE]

Checks the config against the schema and ICA's rules, before any AWS call.
Prints every problem with its JSON path and fix; exit status 1 when there is one.

Options:
  -c, --config FILE   config file (default ica.config.json; - reads standard input)
  -h, --help          show this help`,
  async run(args: string[], out: Output): Promise<number> {
    const { values } = parseCommandArgs(args, CONFIG_OPTIONS);
    if (values.help) { out.log(this.usage); return 0; }
    const config = loadConfigOrReport(values.config, out);
    if (!config) return 1;
    const prefixes = config.buckets.reduce((count, bucket) => count + bucket.prefixes.length, 0);
    out.log(`${configName(values.config)} is valid: ${config.buckets.length} bucket(s), ${prefixes} prefix(es), ` +
      `ICA region ${config.region.code} (${config.region.awsRegion}), ${config.credential.method} method`);
    return 0;
  },
};
