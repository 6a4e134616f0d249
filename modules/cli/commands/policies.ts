import { bucketPolicy, icaCorsRule, kmsKeyPolicy, permissionPolicy, storageConfigurations, trustPolicy } from '../../core/ica-policies';
import { placeholderRefs } from '../../core/placeholders';
import { ResolvedConfig } from '../../core/validate';
import { CONFIG_OPTIONS, FORCE_OPTIONS } from '../args';
import { defineCommand, startCommand } from '../command';
import { OUTPUT_MANIFEST, writeOutputFiles } from '../files';

/** The documents a console user pastes, by file name, with the seeds' placeholders. */
export function policyFiles(config: ResolvedConfig): Record<string, unknown> {
  const refs = placeholderRefs(config);
  const files: Record<string, unknown> = {
    'permission-policy.json': permissionPolicy(config, refs).toJSON(),
  };
  if (config.oidc && config.credential.method === 'role' && refs.oidcProviderArn) {
    files['trust-policy.json'] = trustPolicy(config.oidc, refs.oidcProviderArn, config.credential.sessionNamePrefix).toJSON();
  }
  files['cors.json'] = [icaCorsRule(config.corsAllowedOrigins)];
  for (const bucket of config.buckets) {
    const policy = bucketPolicy(config, bucket, refs);
    if (policy) files[`bucket-policy.${bucket.name}.json`] = policy.toJSON();
    if (bucket.encryption.type === 'SSE-KMS') files[`kms-key-policy.${bucket.name}.json`] = kmsKeyPolicy(config, refs).toJSON();
  }
  files['ica-storage-configuration.json'] = storageConfigurations(config, refs);
  return files;
}

export const policiesCommand = defineCommand({
  name: 'policies',
  summary: 'write the policy documents and ICA form values as JSON files for the console',
  description: `Writes, as formatted JSON: permission-policy.json, trust-policy.json (role method),
bucket-policy.<bucket>.json (when a bucket policy option is on), cors.json,
kms-key-policy.<bucket>.json (SSE-KMS) and ica-storage-configuration.json.
Values that exist only after the resources do use the seeds' placeholders
(YOUR_ACCOUNT_ID, YOUR_KEY_ID, YOUR_ACCESS_KEY_ID). ${OUTPUT_MANIFEST} records what it
wrote: a rerun overwrites only those files, and only while they are unchanged; otherwise it lists
them, writes nothing and exits 1.`,
  options: { ...CONFIG_OPTIONS, output: { type: 'string', short: 'o', default: 'policies-out', value: 'DIR', help: 'output directory' }, ...FORCE_OPTIONS },
  async run(values, out) {
    const start = startCommand(values, out);
    if (typeof start === 'number') return start;
    const { config } = start;
    const files = Object.entries(policyFiles(config)).map(([path, document]) => ({ path, content: `${JSON.stringify(document, null, 2)}\n` }));
    for (const path of writeOutputFiles('-o', values.output, files, values.force)) out.log(`wrote ${path}`);
    return 0;
  },
});
