/**
 * From an error message ICA reports when it validates a storage configuration to the doctor
 * checks that find its cause in AWS: the table "ICA error messages and the checks that prevent
 * them" of docs/troubleshooting.md, as data. The first matching row wins, so the specific messages come before
 * the generic "Access forbidden".
 */
import { ICA_ERRORS } from '../core/ica-errors';

export interface ValidationErrorRow {
  /** The ICA_ERRORS entry the row explains. */
  readonly error: keyof typeof ICA_ERRORS;
  /** Matches ICA's message (case-insensitive; ICA fills in names and regions). */
  readonly pattern: RegExp;
  /** The doctor checks that report the cause. */
  readonly checks: readonly string[];
}

export const VALIDATION_ERROR_ROWS: readonly ValidationErrorRow[] = [
  { error: 'getBucketLocationForbidden', pattern: /s3:GetBucketLocation/i, checks: ['policy.bucket'] },
  { error: 'wrongRegion', pattern: /must be located in the .* region/i, checks: ['bucket.region'] },
  { error: 'containerDoesNotExist', pattern: /Storage Container .* does not exist/i, checks: ['bucket.exists'] },
  { error: 'overlappingNotifications', pattern: /conflicting storage container notifications/i, checks: ['prefix.notifications'] },
  { error: 'awsOverlap', pattern: /Configurations overlap/i, checks: ['prefix.notifications'] },
  { error: 'customerNotification', pattern: /customer's own notification/i, checks: ['prefix.notifications'] },
  { error: 'leftoverNotifications', pattern: /GetTemporaryUploadCredentialsAsync/i, checks: ['prefix.ica-notifications'] },
  { error: 'assumeRoleWithWebIdentity', pattern: /AssumeRoleWithWebIdentity/i, checks: ['role.trust-policy', 'role.oidc-provider', 'principal.exists'] },
  { error: 'invalidSessionDuration', pattern: /Invalid Role Session Duration/i, checks: ['role.session-duration'] },
  { error: 'invalidAccessKey', pattern: /Access Key Id you provided does not exist/i, checks: ['user.access-key', 'principal.exists'] },
  { error: 'rootPrefix', pattern: /Conflict while updating file\/folder/i, checks: ['prefix.notifications'] },
  {
    error: 'accessForbidden',
    pattern: /Access forbidden|AccessDenied|403/i,
    checks: ['policy.prefix', 'policy.variant', 'policy.kms', 'principal.policy-attached', 'bucket.policy', 'bucket.encryption', 'kms.key', 'kms.ica-access'],
  },
];

/** The doctor checks that explain ICA's message, or an empty list for a message not in the table. */
export function checksForValidationError(message: string): readonly string[] {
  return VALIDATION_ERROR_ROWS.find((row) => row.pattern.test(message))?.checks ?? [];
}
