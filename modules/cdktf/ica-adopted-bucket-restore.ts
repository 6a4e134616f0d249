import { Construct } from 'constructs';
import { DataResource, TerraformLocal } from 'cdktf';
import { DataAwsS3BucketPolicy } from '@cdktf/provider-aws/lib/data-aws-s3-bucket-policy';
import {
  OWN_BUCKET_POLICY_SIDS, RESTORE_CHECK_COMMAND, RESTORE_COMMAND, RESTORE_INPUT_ENVIRONMENT, RestoreInputKey,
} from '../core/adoption';
import { keptPolicyExpression, keptStatementsExpression } from '../core/renderer-literals';

export interface IcaAdoptedBucketRestoreProps {
  /** Name of the adopted bucket. */
  readonly bucketName: string;
  /** AWS region of the bucket (the ICA region's). */
  readonly region: string;
  /** Account Terraform deploys to: the AWS CLI must use the same one. */
  readonly accountId: string;
  /**
   * Read the bucket's current policy at every plan and keep its statements that are not ICA's.
   * @default false - the bucket had no policy when it was adopted
   */
  readonly readsLivePolicy?: boolean;
  /**
   * The bucket's CORS rules that are not ICA's, as `put-bucket-cors` takes them.
   * @default '' - none to put back
   */
  readonly keptCorsConfiguration?: string;
  /**
   * Send the AWS CLI's calls to this emulator endpoint (the stack's own), as AWS_ENDPOINT_URL.
   * @default - real AWS
   */
  readonly endpointUrl?: string;
}

/**
 * What an adopted bucket had before: the statements of its policy that are not ICA's (read live
 * with a data source) and its other CORS rules, recorded in a `terraform_data` whose destroy-time
 * provisioner puts them back with the AWS CLI once the merged documents are deleted (see
 * modules/core/adoption.ts for why Terraform alone cannot).
 */
export class IcaAdoptedBucketRestore extends Construct {
  /** Make the merged policy and CORS configuration depend on this, so destroy deletes them first. */
  readonly resource: DataResource;
  /** The statements of the current policy that are not ICA's; set only with readsLivePolicy. */
  readonly keptStatements?: string;

  constructor(scope: Construct, id: string, props: IcaAdoptedBucketRestoreProps) {
    super(scope, id);
    // Written as Terraform expressions: cdktf's for-expression helper wraps the list in toset(),
    // which would reorder the statements and fails on statements of different shapes.
    let keptPolicy = '';
    if (props.readsLivePolicy) {
      const current = new DataAwsS3BucketPolicy(this, 'current-policy', { bucket: props.bucketName });
      // A policy may hold one statement as an object instead of a list: flatten takes both.
      const kept = new TerraformLocal(this, 'kept-statements', `\${${keptStatementsExpression(`data.aws_s3_bucket_policy.${current.friendlyUniqueId}.policy`, JSON.stringify(OWN_BUCKET_POLICY_SIDS))}}`);
      const keptReference = `local.${kept.friendlyUniqueId}`;
      this.keptStatements = kept.expression;
      keptPolicy = `\${${keptPolicyExpression(keptReference)}}`;
    }
    const input: Record<RestoreInputKey, unknown> = {
      bucket: props.bucketName,
      region: props.region,
      account_id: props.accountId,
      kept_policy: keptPolicy,
      kept_cors: props.keptCorsConfiguration ?? '',
    };
    const environment: Record<string, string> = {
      ...Object.fromEntries(Object.entries(RESTORE_INPUT_ENVIRONMENT).map(([key, name]) => [name, `\${self.input.${key}}`])),
      ...(props.endpointUrl ? { AWS_ENDPOINT_URL: props.endpointUrl } : {}),
    };
    this.resource = new DataResource(this, 'restore', {
      input,
      provisioners: [
        { type: 'local-exec', command: RESTORE_CHECK_COMMAND, environment },
        { type: 'local-exec', when: 'destroy', command: RESTORE_COMMAND, environment },
      ],
    });
  }
}
