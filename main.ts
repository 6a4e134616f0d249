/**
 * The cdktf app (`cdktf.json` runs the compiled `dist/main.js`): synthesizes the stack for the
 * config in ICA_S3_CONFIG, default `ica.config.json`. cdktf passes the output directory in
 * CDKTF_OUTDIR.
 */
import { resolveEndpointUrl } from './modules/core/emulator';
import { formatProblems, loadConfigFile } from './modules/core/validate';
import { synthesize } from './modules/cdktf/app';

const configPath = process.env.ICA_S3_CONFIG ?? 'ica.config.json';
const result = loadConfigFile(configPath);
if (!result.ok) {
  process.stderr.write(`${configPath} is not valid:\n${formatProblems(result.problems)}\n`);
  process.exit(1);
}
for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
synthesize(result.config, { outdir: process.env.CDKTF_OUTDIR, endpointUrl: resolveEndpointUrl(undefined) });
