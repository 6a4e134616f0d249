/**
 * The error messages ICA shows when a storage configuration is created or validated, copied
 * from the troubleshooting tables of the seed pages ("Connect AWS S3 Bucket": Common Issues,
 * Conflicting bucket notifications, GetTemporaryUploadCredentialsAsync failure; "IAM Role
 * Method": Troubleshooting). Each doctor check names the one it prevents.
 */
export const ICA_ERRORS = {
  /** Common Issues, "Access Forbidden": lack of permission (IAM policy, bucket policy, ACLs). */
  accessForbidden: 'Access forbidden: {message}',
  /** IAM Role Method troubleshooting: the permission policy does not point at the bucket. */
  getBucketLocationForbidden: 'Access forbidden: not authorized to perform s3:GetBucketLocation',
  /** Common Issues, "Invalid Parameter". */
  containerDoesNotExist: "Storage Container '{storageContainer}' does not exist",
  /** Common Issues, "Invalid Storage Container Location". */
  wrongRegion: 'Storage container must be located in the {region} region',
  /** Conflicting bucket notifications (three spellings of one conflict). */
  overlappingNotifications: 'Invalid parameters for volume configuration: found conflicting storage container notifications with overlapping prefixes',
  awsOverlap: 'Failed to update bucket policy: Configurations overlap. Configurations on the same bucket cannot share a common event type',
  customerNotification: "Volume Configuration cannot be provisioned: storage container is already set up for customer's own notification",
  /** GetTemporaryUploadCredentialsAsync failure: ICA's notifications left behind by a deleted storage configuration. */
  leftoverNotifications: 'GetTemporaryUploadCredentialsAsync failure (after re-creating a recently deleted storage configuration)',
  /** IAM Role Method troubleshooting: the trust policy (namespace, provider) rejects ICA's token. */
  assumeRoleWithWebIdentity: 'GetTemporaryCredentialsAsync failed with STS error: Not authorized to perform sts:AssumeRoleWithWebIdentity',
  /** IAM Role Method troubleshooting: the role's maximum session is not 12 hours. */
  invalidSessionDuration: 'Invalid Role Session Duration',
  /** Common Issues, "Invalid Access Key ID". */
  invalidAccessKey: 'Failed to update bucket policy: The AWS Access Key Id you provided does not exist in our records.',
  /** Root-prefix warning of "Connect AWS S3 Bucket". */
  rootPrefix: 'Conflict while updating file/folder. Please try again later.',
  /** Bucket policy section: the federated users ICA hands out are denied. */
  federatedForbidden: '403 Forbidden when users upload or download with the temporary credentials ICA hands out',
  /** Cross-account copy/move: Illumina's role cannot reach the bucket or its key (ownership, bucket or key policy). */
  copyForbidden: '403 Forbidden on copy and move jobs (Illumina cross-account role)',
  /** CORS section: no ICA error at setup; browser uploads fail. */
  corsUpload: 'Uploads from the ICA web page fail with a CORS error in the browser (no error at setup)',
} as const;

/** A template's `{placeholder}`, with the words that lead into it: ": {message}", " '{storageContainer}'", " {region}". */
const PLACEHOLDER = /(?::\s*|\s+)?'?\{(\w+)\}'?/g;

/**
 * An ICA error message as the user will see it: each placeholder of the template filled from
 * what the check knows, and one it does not know left out with the words that lead into it
 * ("Access forbidden: {message}" without a message is "Access forbidden"), so no `{word}` is
 * ever printed.
 */
export function icaErrorText(template: string, values: Readonly<Record<string, string | undefined>> = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') return '';
    return whole.replace(`{${name}}`, value);
  });
}

/** "Access forbidden: not authorized to perform s3:PutObject on arn:aws:s3:::b/p/*", or "Access forbidden" when the check cannot say which request. */
export function accessForbidden(message?: string): string {
  return icaErrorText(ICA_ERRORS.accessForbidden, { message });
}
