import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { resolveEndpointUrl } from '../../core/emulator';
import { icaStepsAfterApply } from '../../core/next-steps';
import { CONFIG_OPTIONS, ENDPOINT_OPTIONS, FORCE_OPTIONS } from '../args';
import { defineCommand, startCommand } from '../command';
import { OutputFile, withScratchDirectory, writeOutputFiles } from '../files';

/** Every file under `dir`, by its path relative to `dir`. */
function filesUnder(dir: string): OutputFile[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(dir, path)).isFile())
    .map((path) => ({ path, content: readFileSync(join(dir, path), 'utf8') }));
}

export const synthCommand = defineCommand({
  name: 'synth',
  summary: 'write the CDKTF stack (Terraform JSON) for the config',
  description: `Synthesizes the CDKTF stack to DIR/stacks/<name>/cdk.tf.json. Deploy it with
"cdktf deploy", or with terraform init && terraform apply inside that directory.
A file it would overwrite (DIR/manifest.json, the stack) must be cdktf's output,
else it lists them, writes nothing and exits 1.`,
  options: { ...CONFIG_OPTIONS, output: { type: 'string', short: 'o', default: 'cdktf.out', value: 'DIR', help: 'output directory' }, ...ENDPOINT_OPTIONS, ...FORCE_OPTIONS },
  async run(values, out) {
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const { config } = start;
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
});
