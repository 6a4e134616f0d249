/**
 * The one versioning change S3 refuses. A bucket that was ever versioned can only be suspended,
 * never unversioned again; a config that says "Disabled" for it still picks the unversioned
 * permission policy, which lacks the version actions S3 then needs, and ICA fails with
 * "Access forbidden". Pure, so any command that compares the config with a live bucket (the
 * doctor and preflight) reports it the same way.
 */
import type { Versioning } from '../aws/facts';

/** Why the bucket cannot have the configured versioning, or undefined when it can. `path` is the config key, such as buckets[0].versioning. */
export function versioningChangeProblem(configured: Versioning, actual: Versioning, path: string): { found: string; fix: string } | undefined {
  if (configured !== 'Disabled' || actual === 'Disabled') return undefined;
  return {
    found: `the config says "Disabled", but the bucket is ${actual === 'Enabled' ? 'versioned (Enabled)' : 'versioning-suspended (it was versioned)'}: `
      + 'S3 cannot unversion a bucket, it stays Suspended at best, and "Disabled" gives the permission policy without the version actions ICA needs',
    fix: `set ${path} to "Suspended" (or "Enabled") and apply: the permission policy then gets the "Versioned OR Suspended" actions`,
  };
}
