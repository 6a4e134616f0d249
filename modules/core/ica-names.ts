/**
 * The names this tool gives objects in ICA, as pure functions. ICA's storage configuration name
 * must fit 3 to 63 characters; a bucket name plus a deep prefix easily exceeds that, so a long
 * name is shortened readably and made unique with a short hash of the bucket and prefix. The
 * generated Terraform module computes the same name in HCL
 * (templates/partials/storage-configuration-names.hbs), so the algorithm sticks to what HCL's
 * functions can express: regex replace, trim, substr and sha256.
 */
import { createHash } from 'node:crypto';
import { Quota } from './quotas';

export const ICA_NAME_LIMITS = {
  storageConfigurationNameMin: {
    value: 3,
    source: 'ICA UI (System Settings > Storage > Create: the name field)',
    breaks: 'ICA refuses to create the storage configuration; a bucket name has at least 3 characters, so the names here never fall short',
  },
  storageConfigurationNameMax: {
    value: 63,
    source: 'ICA UI (System Settings > Storage > Create: the name field)',
    breaks: 'ICA refuses to create the storage configuration, so the prefix cannot be connected',
  },
} as const satisfies Record<string, Quota>;

/** Hex characters of sha256(`<bucket>/<prefix>`) that end a shortened name. */
export const NAME_HASH_LENGTH = 8;

/** The readable part of a shortened name: the longest that leaves room for "-" and the hash. */
export const SHORTENED_READABLE_LENGTH = ICA_NAME_LIMITS.storageConfigurationNameMax.value - 1 - NAME_HASH_LENGTH;

/**
 * `<bucket>-<prefix>` in the characters ICA's names take (letters, digits, - and _): trailing
 * slashes dropped, every other run of characters replaced by one "-", no "-" at either end.
 */
export function readableConfigurationName(bucketName: string, keyPrefix: string): string {
  return `${bucketName}-${keyPrefix}`.replace(/\/+$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The storage configuration name of one bucket prefix: the readable name while it fits 63
 * characters; otherwise its first 54 characters (one trailing "-" dropped), "-", and the first 8
 * hex characters of sha256(`<bucket>/<prefix>`). Stable across runs, and unique per bucket and
 * prefix unless two readable names collide (`validate` reports that).
 */
export function storageConfigurationName(bucketName: string, keyPrefix: string): string {
  const readable = readableConfigurationName(bucketName, keyPrefix);
  if (readable.length <= ICA_NAME_LIMITS.storageConfigurationNameMax.value) return readable;
  const hash = createHash('sha256').update(`${bucketName}/${keyPrefix}`, 'utf8').digest('hex').slice(0, NAME_HASH_LENGTH);
  return `${readable.slice(0, SHORTENED_READABLE_LENGTH).replace(/-$/, '')}-${hash}`;
}
