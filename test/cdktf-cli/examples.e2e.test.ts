/** Every example config and ica.config.json synthesizes to Terraform that passes init and validate. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../modules/cdktf/app';
import { resolveConfig } from '../../modules/core/validate';
import { terraformOk } from '../support/terraform';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ica-examples-'));
const configs = ['ica.config.json', ...readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json')).map((file) => join('examples', file))];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test.each(configs)('%s passes terraform init and validate', async (file) => {
  const outdir = join(scratch, file.replace(/[/.]/g, '-'));
  const config = resolveConfig(JSON.parse(readFileSync(join(root, file), 'utf8')));
  const stackDir = dirname(synthesize(config, { outdir, localStatePath: join(outdir, 'terraform.tfstate') }));
  await terraformOk(stackDir, ['init', '-input=false']);
  expect((await terraformOk(stackDir, ['validate'])).stdout).toContain('Success! The configuration is valid.');
});
