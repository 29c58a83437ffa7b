import { Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import type { AccessLogBucket } from './access-log-bucket';
import { createDeliveryBucket } from './delivery-bucket';
import type { ReplicationDestination, ReplicationRole } from './replication-role';

/** The CloudWatch Logs delivery service, which writes vended logs (Cognito's export among them) into S3. */
export const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';

export interface UserActivityLogProps {
  /** The user pool whose activity is exported. Its feature plan must be Plus, with threat protection active. */
  readonly userPool: cognito.IUserPool;
  /**
   * Encrypts the log files (SSE-KMS with an S3 Bucket Key). Its key policy must let the log delivery
   * service generate data keys for this account (`DataClassKey.allowLogDeliveryToBuckets`).
   */
  readonly encryptionKey: kms.IKey;
  /** How long log files (and the bucket's access logs) are kept, in days: at least 6 years (2192). */
  readonly retentionDays: number;
  /** Replicate every object version into this bucket of another region. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the log bucket is emptied and deleted with its stack.
   * @default false
   */
  readonly disposable?: boolean;
}

/**
 * Exports the user pool's threat-protection user activity (`userAuthEvents`, INFO: every sign-in,
 * sign-out, password and MFA event with its risk decision) into an S3 bucket of its own (HIPAA
 * 164.312(b) audit controls, 164.308(a)(1)(ii)(D) information system activity review). The events hold
 * identifiers (user name = work e-mail, `sub`, client ID), source IP address, device, place, event type
 * and outcome; no PHI: patient data never passes through Cognito. Reviews query them with Athena
 * (`AthenaAuditReview`).
 *
 * Cognito's message-delivery errors (`userNotification`) are not exported: Cognito sends them only to a
 * CloudWatch log group, and only to one without a KMS key.
 *
 * Why a bucket of its own rather than the write-once trail or evidence bucket: Cognito delivers through
 * the CloudWatch Logs delivery service, whose documentation does not say that it can write into a
 * bucket with an Object Lock default retention (S3 refuses such uploads without a Content-MD5 or
 * checksum header), and Cognito's delivery is best effort, so a refused delivery would silently lose the
 * sign-in trail. So this bucket has no Object Lock. Its integrity comes from versioning (an overwrite
 * keeps the earlier version for the whole retention), a bucket policy that denies deleting objects to
 * every principal (only the lifecycle expiry removes them), and replication of every version into the
 * DR region's write-once evidence replica. It is encrypted with the audit key, TLS-only, private, with
 * server access logs in an `AccessLogBucket`, and retained.
 *
 * The bucket policy lets only the log delivery service, for deliveries of this account and region
 * (`aws:SourceAccount`, `aws:SourceArn`), check the bucket and write under `AWSLogs/<account>/`, as
 * "Enable logging from AWS services" documents for S3 destinations
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html).
 */
export class UserActivityLog extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: AccessLogBucket;
  /** The replication role, when `replicateTo` is set. */
  readonly replicationRole?: ReplicationRole;
  readonly delivery: cognito.CfnLogDeliveryConfiguration;
  /** The key prefix the log files are delivered under: `AWSLogs/<account>/`. */
  readonly logPrefix: string;

  constructor(scope: Construct, id: string, props: UserActivityLogProps) {
    super(scope, id);
    if (props.retentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`UserActivityLog: retention of ${props.retentionDays} days is below 6 years (${SIX_YEARS_IN_DAYS})`);
    }
    const stack = Stack.of(this);
    const retention = Duration.days(props.retentionDays);
    this.logPrefix = `AWSLogs/${stack.account}/`;

    const delivery = createDeliveryBucket(this, {
      description: 'Cognito sign-in log bucket',
      encryptionKey: props.encryptionKey,
      retention,
      expiryRuleId: 'expire-sign-in-logs',
      denyDeleteSid: 'DenyDeletingSignInLogs',
      replicateTo: props.replicateTo,
      disposable: props.disposable,
      noObjectLockReason:
        'Cognito delivers its user-activity log through the CloudWatch Logs delivery service, which does not document ' +
        'delivering into a bucket with Object Lock default retention, and its delivery is best effort, so a refused write ' +
        'would silently lose the sign-in trail.',
    });
    this.bucket = delivery.bucket;
    this.accessLogs = delivery.accessLogs;
    this.replicationRole = delivery.replicationRole;

    const logDelivery = new iam.ServicePrincipal(LOG_DELIVERY_SERVICE);
    const deliveriesOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
    };
    // The statement IDs are the ones the documentation uses, so the service finds its statements and does
    // not try to append its own to this CloudFormation-managed policy.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryAclCheck',
        principals: [logDelivery],
        // s3:ListBucket too: without it the service's checks leave AccessDenied events in CloudTrail.
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: deliveriesOfThisAccount,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [logDelivery],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${this.logPrefix}*`)],
        conditions: {
          ...deliveriesOfThisAccount,
          StringEquals: { ...deliveriesOfThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );

    this.delivery = new cognito.CfnLogDeliveryConfiguration(this, 'Delivery', {
      userPoolId: props.userPool.userPoolId,
      logConfigurations: [
        { eventSource: 'userAuthEvents', logLevel: 'INFO', s3Configuration: { bucketArn: this.bucket.bucketArn } },
      ],
    });
    // Setting up the delivery checks the bucket policy, and would otherwise try to write one itself.
    this.delivery.node.addDependency(this.bucket.policy!);
  }
}
