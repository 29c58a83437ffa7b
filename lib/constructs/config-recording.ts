import { Stack, type Duration } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './access-log-bucket';
import { createDeliveryBucket } from './delivery-bucket';
import type { ReplicationDestination, ReplicationRole } from './replication-role';

/** Key prefix of the configuration history and snapshots in the Config bucket. */
export const CONFIG_KEY_PREFIX = 'config';

/** How often AWS Config writes a snapshot of every recorded resource. */
export const CONFIG_SNAPSHOT_FREQUENCY = 'TwentyFour_Hours';

/** The AWS Config service-linked role (https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html). */
export function configServiceLinkedRoleArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
}

export interface ConfigRecordingProps {
  /**
   * Encrypts the configuration history (SSE-KMS, named in the delivery channel). Its key policy must
   * let the AWS Config service principal use it (`DataClassKey.allowConfigDelivery`).
   */
  readonly encryptionKey: kms.IKey;
  /** How long configuration history, snapshots and the bucket's access logs are kept. */
  readonly retention: Duration;
  /** Replicate the history into this bucket of another region. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the history bucket is emptied and deleted with its stack.
   * @default false
   */
  readonly disposable?: boolean;
}

/**
 * AWS Config recording for this account and region (HIPAA 164.308(a)(1)(ii)(D) information system
 * activity review, 164.312(b) audit controls): one configuration recorder for all supported resource
 * types, global IAM types included (the primary region is the only one this deployment records), in
 * continuous mode, with the service-linked role `AWSServiceRoleForConfig`; and the delivery channel
 * that writes the configuration history and a snapshot every 24 hours into a bucket of its own.
 *
 * Why not the evidence bucket: AWS Config does not deliver into a bucket with Object Lock default
 * retention (https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html).
 * So this bucket has no Object Lock; its integrity comes from versioning, a bucket policy that denies
 * deleting objects to every principal (only the lifecycle expiry removes them), and replication of
 * every version into the DR region's write-once evidence replica.
 *
 * With the service-linked role, Config writes as its service principal (`config.amazonaws.com`), so
 * the bucket policy grants that principal the documented delivery permissions for this account only
 * (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html), and the key policy
 * must let it encrypt (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html).
 *
 * Only one recorder and one delivery channel can exist per account and region: do not create this
 * where the organisation already records (the `detection.config` toggle). The service-linked role is
 * created by AWS Config when it is first set up in the account; in an account that never used Config,
 * create it first with `aws iam create-service-linked-role --aws-service-name config.amazonaws.com`.
 */
export class ConfigRecording extends Construct {
  /** Configuration history and snapshots, under `config/`. */
  readonly bucket: s3.Bucket;
  readonly accessLogs: AccessLogBucket;
  readonly recorder: config.CfnConfigurationRecorder;
  readonly deliveryChannel: config.CfnDeliveryChannel;
  /** The replication role, when `replicateTo` is set. */
  readonly replicationRole?: ReplicationRole;

  constructor(scope: Construct, id: string, props: ConfigRecordingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const delivery = createDeliveryBucket(this, {
      description: 'AWS Config history bucket',
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      expiryRuleId: 'expire-config-history',
      denyDeleteSid: 'DenyDeletingConfigHistory',
      replicateTo: props.replicateTo,
      disposable: props.disposable,
      noObjectLockReason:
        'AWS Config cannot deliver into a bucket with Object Lock default retention (AWS Config developer guide, ' +
        'managing the delivery channel), so this bucket of configuration history has none.',
    });
    this.bucket = delivery.bucket;
    this.accessLogs = delivery.accessLogs;
    this.replicationRole = delivery.replicationRole;

    const thisAccount = { 'aws:SourceAccount': stack.account };
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    for (const [sid, action] of [
      ['AWSConfigBucketPermissionsCheck', 's3:GetBucketAcl'],
      ['AWSConfigBucketExistenceCheck', 's3:ListBucket'],
    ]) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [configService],
          actions: [action],
          resources: [this.bucket.bucketArn],
          conditions: { StringEquals: thisAccount },
        }),
      );
    }
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketDelivery',
        principals: [configService],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${CONFIG_KEY_PREFIX}/AWSLogs/${stack.account}/Config/*`)],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...thisAccount } },
      }),
    );

    this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: configServiceLinkedRoleArn(this),
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      recordingMode: { recordingFrequency: 'CONTINUOUS' },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: this.bucket.bucketName,
      s3KeyPrefix: CONFIG_KEY_PREFIX,
      s3KmsKeyArn: props.encryptionKey.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: CONFIG_SNAPSHOT_FREQUENCY },
    });
    // Config refuses a delivery channel before a recorder exists, and checks its access to the bucket.
    this.deliveryChannel.addResourceDependency(this.recorder);
    this.deliveryChannel.node.addDependency(this.bucket.policy!);
  }
}
