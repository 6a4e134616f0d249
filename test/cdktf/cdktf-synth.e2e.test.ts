/**
 * `cdktf synth` from the repository root runs cdktf.json's app (the compiled dist/main.js) on the
 * default config, as a user's `cdktf deploy` would. Needs `npm run build` (npm test does it).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/terraform';

const root = join(__dirname, '..', '..');

test('cdktf synth writes the default stack', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'ica-cdktf-cli-'));
  const result = await run(join(root, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], {
    cwd: root,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' },
  });
  expect(result.code).toBe(0);
  const stackFile = join(outdir, 'stacks', 'acme-ica', 'cdk.tf.json');
  expect(existsSync(stackFile)).toBe(true);
  const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
  expect(Object.keys(stack.resource)).toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_iam_role', 'aws_kms_key']));
});
