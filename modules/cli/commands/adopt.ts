import { statSync } from 'node:fs';
import { STANDARD_INPUT, configName, stripByteOrderMark } from '../../core/config-file';
import { TIMEOUTS_HELP } from '../../aws/timeouts';
import { CONFIG_OPTIONS, ENDPOINT_OPTIONS, UsageError } from '../args';
import { defineCommand, startCommand } from '../command';
import { editBucketEntry } from '../config-edit';
import { writeConfigFile } from '../files';

/** --write puts the entry back into the config file: standard input or a pipe has no file to write. */
function refuseUnwritableConfig(path: string): void {
  if (path === STANDARD_INPUT) throw new UsageError('--write writes the config back into its file, and -c - reads standard input: pass the config file with -c FILE');
  let regular: boolean;
  try {
    regular = statSync(path).isFile();
  } catch {
    return; // missing or unreadable: reading it reports that
  }
  if (!regular) throw new UsageError(`--write writes the config back into its file, and ${JSON.stringify(path)} is not a regular file: pass the config file with -c FILE`);
}

export const adoptCommand = defineCommand({
  name: 'adopt',
  summary: 'read an existing bucket and fill in its config for adoption (read-only on AWS)',
  description: `For a bucket that already exists and is listed in the config: reads its
policy, CORS rules, versioning, encryption and region (read-only, standard
AWS credential chain) and prints its config entry for adoption:
"existing": true, "existingPolicy" when the policy holds statements of others
(they are kept at every apply), "keepCorsRules" with the CORS rules that are
not ICA's when "cors" is in "manage", and the bucket's own versioning and
encryption where this tool does not manage them. With --write the entry is
written into the config file: only that entry's changed keys, the rest of the
file stays as it is; the file is replaced whole or not at all. Exit status 1
when the bucket cannot be adopted.`,
  options: {
    bucket: { type: 'string', short: 'b', value: 'BUCKET', required: true, help: 'the bucket (as listed in the config\'s "buckets")' },
    config: { ...CONFIG_OPTIONS.config, help: 'config file, or - for standard input (not with --write)' },
    write: { type: 'boolean', default: false, help: 'write the adopted entry into the config file' },
    ...ENDPOINT_OPTIONS,
  },
  notes: TIMEOUTS_HELP,
  async run(values, out) {
    if (values.write) refuseUnwritableConfig(values.config);
    const start = startCommand(values, out, { aws: true });
    if (typeof start === 'number') return start;
    const { config, configText: text, aws } = start;
    // Valid JSON already: loadConfigSourceOrReport parsed this same text.
    const raw = JSON.parse(stripByteOrderMark(text)) as Record<string, unknown>;
    const rawBuckets = raw.buckets as Record<string, unknown>[];
    const index = rawBuckets.findIndex((bucket) => bucket.name === values.bucket);
    if (index < 0) {
      out.error(`${configName(values.config)}: no bucket named ${JSON.stringify(values.bucket)}; add it to "buckets" with its prefixes (and "manage" if this tool should take over settings), then run adopt again`);
      return 1;
    }
    const { adoptBucket, adoptedConfig } = await import('../../adoption/adopt');
    const result = await adoptBucket(config, rawBuckets[index], aws.endpointUrl, aws.timeouts);
    for (const note of result.notes) out.log(`  ${note}`);
    if (!result.bucket) {
      out.error(`bucket ${values.bucket} cannot be adopted:\n${result.problems.map((problem) => `  ${problem}`).join('\n')}`);
      return 1;
    }
    const adopted = adoptedConfig(raw, index, result.bucket);
    if ('problems' in adopted) {
      out.error(`the adopted entry does not validate:\n${adopted.problems.map((problem) => `  ${problem}`).join('\n')}`);
      return 1;
    }
    out.log(`\nbuckets[${index}]:\n${JSON.stringify(result.bucket, null, 2)}`);
    if (values.write) {
      writeConfigFile(values.config, editBucketEntry(text, index, rawBuckets[index], result.bucket));
      out.log(`\nwrote ${values.config}; next: npx ica-s3 synth (or generate), then terraform apply`);
    } else {
      out.log('\nnothing written; run again with --write to put this entry into the config');
    }
    return 0;
  },
});
