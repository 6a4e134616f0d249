/**
 * A bucket's versioning as the doctor and preflight both judge it: what the config asks, what
 * the bucket has, and what an apply of this config leaves. The config's value picks the
 * permission policy variant, so the bucket must end up with it. S3 refuses one change: a bucket
 * that was ever versioned can only be suspended, never unversioned again, and "Disabled" then
 * gives the unversioned policy, which lacks the version actions S3 needs (ICA: "Access
 * forbidden"). An adopted bucket whose versioning is not managed keeps its own.
 */
import type { Versioning } from '../aws/facts';
import { ResolvedBucket } from '../core/resolved-config';
import { Comparison } from './verdict';

function words(state: Versioning): string {
  return state === 'Disabled' ? 'unversioned' : state === 'Enabled' ? 'versioned (Enabled)' : 'versioning-suspended';
}

/** What an apply of this config leaves: the configured state where S3 allows it and this tool manages it, else the bucket's. */
export function versioningAfterApply(bucket: ResolvedBucket, actual: Versioning): Versioning {
  if (!bucket.manage.includes('versioning')) return actual;
  // The stack writes versioning only for "Enabled" and "Suspended": S3 has no call that unversions.
  return bucket.versioning === 'Disabled' ? actual : bucket.versioning;
}

/** `path` is the bucket's config key, such as buckets[0]. */
export function versioningComparison(bucket: ResolvedBucket, actual: Versioning, path: string): { found: string; comparison: Comparison } {
  const configured = bucket.versioning;
  const key = `${path}.versioning`;
  const managed = bucket.manage.includes('versioning');
  const afterApply = versioningAfterApply(bucket, actual);
  const outside = `S3 console > bucket > Properties > Bucket Versioning: ${configured === 'Disabled' ? 'Suspend' : configured === 'Enabled' ? 'Enable' : 'Suspend'}`;
  if (configured === actual) return { found: `${words(actual)}, as configured`, comparison: { account: true, config: true, applies: managed, impact: 'risk' } };
  if (configured === 'Disabled') {
    return {
      found: `the config says "Disabled", but the bucket is ${actual === 'Enabled' ? 'versioned (Enabled)' : 'versioning-suspended (it was versioned)'}: `
        + 'S3 cannot unversion a bucket, it stays Suspended at best, and "Disabled" gives the permission policy without the version actions ICA needs',
      comparison: {
        account: false, config: false, applies: managed, impact: 'fails',
        configChange: `set ${key} to "Suspended" (or "Enabled"), which gives the permission policy the "Versioned OR Suspended" actions`,
      },
    };
  }
  const found = `the bucket is ${words(actual)}, the config says "${configured}"`;
  if (afterApply === configured) {
    return {
      found: `${found}: an apply makes it ${words(configured)}`,
      comparison: { account: false, config: true, applies: true, impact: 'risk', apply: `it sets the bucket's versioning to "${configured}"`, outside },
    };
  }
  return {
    found: `${found}, and this tool does not manage the versioning of the adopted bucket`,
    comparison: {
      account: false, config: false, applies: false, impact: 'risk',
      configChange: `set ${key} to "${actual}" (the bucket's; the permission policy variant follows it), or add "versioning" to ${path}.manage`,
    },
  };
}
