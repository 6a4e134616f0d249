import { accessGaps } from '../../core/access-gaps';
import { DeployedValues, accessMap } from '../../core/access-map';
import { EXPLAIN_FORMATS, ExplainFormat, explainJson, formatMarkdown, formatMermaid, formatTable } from '../../explain/format';
import { TerraformOutputs, parseTerraformOutputs } from '../../ica/payload';
import { CONFIG_OPTIONS, UsageError } from '../args';
import { defineCommand, readJsonOption, startCommand } from '../command';

/** The deployed values an access map can use: the account (from the principal's ARN) and the keys. */
function deployedValues(outputs: TerraformOutputs): DeployedValues {
  const accountId = outputs.principalArn?.split(':')[4];
  const kmsKeyArns = Object.fromEntries((outputs.storageConfigurations ?? [])
    .flatMap((value) => (value.serverSideEncryptionKey ? [[value.bucketName, value.serverSideEncryptionKey]] : [])));
  return { ...(accountId ? { accountId } : {}), kmsKeyArns };
}

export const explainCommand = defineCommand({
  name: 'explain',
  summary: 'show who can list, read, write, delete and tag what (and use the keys), and what the config does not protect against',
  description: `Offline (no AWS call): for every bucket and prefix, and the rest of each bucket,
which principals may list, read, write, delete and tag objects, and (SSE-KMS)
decrypt and encrypt with the bucket's key: allow, deny (naming the Sid of the
Deny) or not allowed (nothing allows it), decided over the permission, bucket
and key policies this tool writes. The principals: ICA's role session or user
(and its federated users), Illumina's cross-account role (crossAccountCopy),
the deployer and each exemptPrincipalArns entry (restrictToIca), another
principal of the account with s3:* and kms:* on *, and anonymous. Then the list
of what the config does not protect against.`,
  options: {
    ...CONFIG_OPTIONS,
    format: { type: 'string', value: 'FORMAT', default: 'table', help: `${EXPLAIN_FORMATS.join(', ')}: markdown gives tables for a pull request, mermaid a diagram of who reaches which prefix` },
    json: { type: 'boolean', default: false, help: 'print the map as JSON: every cell with its requests and deciding statements, the policies, the gaps' },
    outputs: { type: 'string', value: 'FILE', help: 'the JSON of "terraform output -json" of the stack: fills in the account id and key ARNs, else placeholders' },
  },
  async run(values, out) {
    if (!(EXPLAIN_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format ${values.format} is not one of ${EXPLAIN_FORMATS.join(', ')}`);
    if (values.json && values.format !== 'table') throw new UsageError('--json and --format are exclusive: give one');
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const { config } = start;
    const outputs = readJsonOption(out, 'explain', '--outputs', values.outputs, parseTerraformOutputs);
    if (!outputs) return 1;
    const map = accessMap(config, outputs.value ? deployedValues(outputs.value) : {});
    const gaps = accessGaps(config);
    if (values.json) { out.log(JSON.stringify(explainJson(map, gaps), null, 2)); return 0; }
    const format = values.format as ExplainFormat;
    out.log(format === 'markdown' ? formatMarkdown(map, gaps) : format === 'mermaid' ? formatMermaid(map) : formatTable(map, gaps));
    return 0;
  },
});
