import { icaStepsAfterApply } from '../../core/next-steps';
import { CONFIG_OPTIONS, FORCE_OPTIONS } from '../args';
import { defineCommand, startCommand } from '../command';
import { writeOutputFiles } from '../files';

export const DEFAULT_GENERATE_DIR = 'terraform-out';

export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'write a plain Terraform root configuration and module (no Node needed to deploy)',
  description: `Writes a Terraform root configuration (main.tf, variables.tf, providers.tf, versions.tf with the
config's backend, outputs.tf, terraform.tfvars.json with the config's values) and the reusable
module modules/ica-s3-connect/ (main.tf, variables.tf, outputs.tf, versions.tf, README.md,
examples/). Run terraform init && terraform apply in DIR, or point an HCP Terraform workspace at it.
Files in DIR that it does not write stay; a file it would overwrite must carry the header of
ica-s3-connect, else it lists them, writes nothing and exits 1.`,
  options: { ...CONFIG_OPTIONS, output: { type: 'string', short: 'o', default: DEFAULT_GENERATE_DIR, value: 'DIR', help: 'output directory' }, ...FORCE_OPTIONS },
  async run(values, out) {
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const { config } = start;
    const { generateFiles } = await import('../../generator/generate');
    const files = generateFiles(config, { configFile: values.config, outputDir: values.output });
    const written = writeOutputFiles('-o', values.output, [...files].map(([path, content]) => ({ path, content })), values.force);
    out.log(`wrote ${written.length} files to ${values.output}/`);
    out.log(`Next: cd ${values.output} && terraform init && terraform apply, then`);
    out.log(icaStepsAfterApply(config));
    return 0;
  },
});
