import { configName } from '../../core/config-file';
import { CONFIG_OPTIONS } from '../args';
import { Command, startCommand } from '../command';
import { Output } from '../output';

export const validateCommand: Command = {
  summary: 'check the config and report every problem at once',
  usage: `Usage: ica-s3 validate [-c FILE]

Checks the config against the schema and ICA's rules, before any AWS call.
Prints every problem with its JSON path and fix; exit status 1 when there is one.

Options:
  -c, --config FILE   config file (default ica.config.json; - reads standard input)
  -h, --help          show this help`,
  async run(args: string[], out: Output): Promise<number> {
    const start = startCommand(this, args, out, { options: CONFIG_OPTIONS });
    if (typeof start === 'number') return start;
    const { values, config } = start;
    const prefixes = config.buckets.reduce((count, bucket) => count + bucket.prefixes.length, 0);
    out.log(`${configName(values.config)} is valid: ${config.buckets.length} bucket(s), ${prefixes} prefix(es), ` +
      `ICA region ${config.region.code} (${config.region.awsRegion}), ${config.credential.method} method`);
    return 0;
  },
};
