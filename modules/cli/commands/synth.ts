import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { resolveEndpointUrl } from '../../core/emulator';
import { icaStepsAfterApply } from '../../core/next-steps';
import { CONFIG_OPTIONS, ENDPOINT_HELP, ENDPOINT_OPTIONS, FORCE_OPTIONS } from '../args';
import { Command, startCommand } from '../command';
import { OutputFile, withScratchDirectory, writeOutputFiles } from '../files';
import { Output } from '../output';

/** Every file under `dir`, by its path relative to `dir`. */
function filesUnder(dir: string): OutputFile[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(dir, path)).isFile())
    .map((path) => ({ path, content: readFileSync(join(dir, path), 'utf8') }));
}

export const synthCommand: Command = {
  summary: 'write the CDKTF stack (Terraform JSON) for the config',
  usage: `Usage: ica-s3 synth [-c FILE] [-o DIR] [--endpoint-url URL] [--force]

Synthesizes the CDKTF stack to DIR/stacks/<name>/cdk.tf.json. Deploy it with
"cdktf deploy", or with terraform init && terraform apply inside that directory.
A file it would overwrite (DIR/manifest.json, the stack) must be cdktf's output,
else it lists them, writes nothing and exits 1.

Options:
  -c, --config FILE      config file (default ica.config.json; - reads standard input)
  -o, --output DIR       output directory (default cdktf.out)
${ENDPOINT_HELP}
      --force            overwrite files in DIR that ica-s3-connect did not write
  -h, --help             show this help`,
  async run(args: string[], out: Output): Promise<number> {
    const start = startCommand(this, args, out, {
      options: { ...CONFIG_OPTIONS, output: { type: 'string', short: 'o', default: 'cdktf.out' }, ...ENDPOINT_OPTIONS, ...FORCE_OPTIONS },
    });
    if (typeof start === 'number') return start;
    const { values, config } = start;
    const endpointUrl = resolveEndpointUrl(values['endpoint-url']);
    // cdktf and the provider bindings load only here, so validate and policies stay fast.
    const { synthesize } = await import('../../cdktf/app');
    // cdktf writes its files itself, neither atomically nor minding what is there: synthesize into
    // a scratch directory, then put its files in place like every other command's output.
    const stackFile = withScratchDirectory('ica-s3-synth-', (scratch) => {
      const stack = relative(scratch, synthesize(config, { outdir: scratch, endpointUrl }));
      writeOutputFiles('-o', values.output, filesUnder(scratch), values.force);
      return join(values.output, stack);
    });
    out.log(`wrote ${stackFile}${endpointUrl ? ` (AWS endpoint ${endpointUrl})` : ''}`);
    out.log('Next: cdktf deploy (or terraform init && terraform apply in that directory), then');
    out.log(icaStepsAfterApply(config));
    return 0;
  },
};
