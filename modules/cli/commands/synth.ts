import { resolveEndpointUrl } from '../../core/emulator';
import { icaStepsAfterApply } from '../../core/next-steps';
import { CONFIG_OPTIONS, ENDPOINT_HELP, ENDPOINT_OPTIONS, parseCommandArgs } from '../args';
import { loadConfigOrReport } from '../config';
import { Output } from '../output';
import type { Command } from '../command';

export const synthCommand: Command = {
  summary: 'write the CDKTF stack (Terraform JSON) for the config',
  usage: `Usage: ica-s3 synth [-c FILE] [-o DIR] [--endpoint-url URL]

Synthesizes the CDKTF stack to DIR/stacks/<name>/cdk.tf.json. Deploy it with
"cdktf deploy", or with terraform init && terraform apply inside that directory.

Options:
  -c, --config FILE      config file (default ica.config.json)
  -o, --output DIR       output directory (default cdktf.out)
${ENDPOINT_HELP}
  -h, --help             show this help`,
  async run(args: string[], out: Output): Promise<number> {
    const { values } = parseCommandArgs(args, {
      ...CONFIG_OPTIONS,
      output: { type: 'string', short: 'o', default: 'cdktf.out' },
      ...ENDPOINT_OPTIONS,
    });
    if (values.help) { out.log(this.usage); return 0; }
    const config = loadConfigOrReport(values.config, out);
    if (!config) return 1;
    const endpointUrl = resolveEndpointUrl(values['endpoint-url']);
    // cdktf and the provider bindings load only here, so validate and policies stay fast.
    const { synthesize } = await import('../../cdktf/app');
    const stackFile = synthesize(config, { outdir: values.output, endpointUrl });
    out.log(`wrote ${stackFile}${endpointUrl ? ` (AWS endpoint ${endpointUrl})` : ''}`);
    out.log('Next: cdktf deploy (or terraform init && terraform apply in that directory), then');
    out.log(icaStepsAfterApply(config));
    return 0;
  },
};
