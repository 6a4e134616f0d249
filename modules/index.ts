/**
 * The library's public API (`import { IcaS3Connect } from 'ica-s3-connect'`): the construct for a
 * cdktf app of one's own, the stand-alone stack, the config loader and the config types.
 */
export { IcaS3Connect, IcaS3ConnectPropsError } from './cdktf/ica-s3-connect';
export type { IcaS3ConnectBucket, IcaS3ConnectConfig, IcaS3ConnectProps } from './cdktf/ica-s3-connect';
export { IcaConnectStack } from './cdktf/ica-connect-stack';
export type { IcaConnectStackProps } from './cdktf/ica-connect-stack';
// The types of the construct's attributes, so a user can name them.
export type { IcaBucket } from './cdktf/ica-bucket';
export type { IcaPrincipal, IcaRoleCredential, IcaUserCredential } from './cdktf/ica-credentials';
export type { IcaKmsKey } from './cdktf/ica-kms-key';
export type { IcaSecretStore } from './cdktf/ica-secret-store';
export type { StorageConfigurationValues } from './core/ica-policies';
export { ConfigError, formatProblems, loadConfigFile, resolveConfig } from './core/validate';
export type { ConfigProblem, ResolvedBucket, ResolvedConfig, ResolvedOidc, ValidationResult } from './core/validate';
export type { BucketConfig, IcaConfig, IcaConfigInput } from './core/config-schema';
