import { join } from 'node:path';
import { configName } from '../../core/config-file';
import { ICA_API, PayloadError, icaPayloads, parseTerraformOutputs } from '../../ica/payload';
import { CONFIG_OPTIONS, FORCE_OPTIONS } from '../args';
import { defineCommand, readJsonOption, startCommand } from '../command';
import { GENERATED_MARKER, OUTPUT_MANIFEST, OutputFile, writeOutputFiles } from '../files';

/** The README of the output: the order of the calls, under the header of every generated file. */
function readme(configFile: string, notes: readonly string[]): string {
  return [
    `<!-- ${GENERATED_MARKER} (ica-s3 ica-payload) from ${configFile}. Do not edit by hand: run the command again. -->`,
    '',
    '# ICA API requests',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

export const icaPayloadCommand = defineCommand({
  name: 'ica-payload',
  summary: "write the JSON bodies for ICA's API: storage credential and storage configurations",
  description: `Writes the request bodies that finish the connection through ICA's API:
  storage-credential.json           ${ICA_API.createStorageCredential} (user method, type AWS_USER;
                                    role credentials are created in the ICA UI)
  storage-configuration.<name>.json ${ICA_API.createStorageConfiguration}, one per bucket prefix
  README.md                         the order of the calls and what the placeholders mean
The ICA region id and the storage credential id are placeholders (YOUR_ICA_REGION_ID,
YOUR_STORAGE_CREDENTIAL_ID): ${ICA_API.regions} and ${ICA_API.listStorageCredentials} give them.
${OUTPUT_MANIFEST} records the JSON files it wrote: a rerun overwrites only its own files, and
only while they are unchanged; otherwise it lists them, writes nothing and exits 1.`,
  options: {
    ...CONFIG_OPTIONS,
    output: { type: 'string', short: 'o', default: 'ica-payload', value: 'DIR', help: 'output directory' },
    outputs: {
      type: 'string', value: 'FILE',
      help: 'the JSON of "terraform output -json" (or a state file): real access key id, role ARN and KMS key ARNs instead of placeholders',
    },
    'include-secret': {
      type: 'boolean', default: false,
      help: 'put the secret access key from --outputs into storage-credential.json (mode 0600); without it the file holds the placeholder YOUR_SECRET_ACCESS_KEY',
    },
    ...FORCE_OPTIONS,
  },
  async run(values, out) {
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const { config } = start;
    const outputs = readJsonOption(out, 'ica-payload', '--outputs', values.outputs, parseTerraformOutputs);
    if (!outputs) return 1;
    let payloads;
    try {
      payloads = icaPayloads(config, { outputs: outputs.value, includeSecret: values['include-secret'] });
    } catch (error) {
      if (error instanceof PayloadError) { out.error(`ica-s3 ica-payload: ${error.message}`); return 1; }
      throw error;
    }
    const files: OutputFile[] = payloads.files.map((file) => ({
      path: file.name,
      content: `${JSON.stringify(file.body, null, 2)}\n`,
      ...(file.secret ? { mode: 0o600 } : {}),
    }));
    files.push({ path: 'README.md', content: readme(configName(values.config), payloads.notes) });
    const secretFiles = new Set(payloads.files.filter((file) => file.secret).map((file) => join(values.output, file.name)));
    for (const path of writeOutputFiles('-o', values.output, files, values.force)) {
      out.log(`wrote ${path}${secretFiles.has(path) ? ' (holds the secret access key)' : ''}`);
    }
    out.log(payloads.notes.join('\n'));
    return 0;
  },
});
