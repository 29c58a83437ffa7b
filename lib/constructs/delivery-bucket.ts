import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { AccessLogBucket } from './access-log-bucket';
import { crossRegionReplication, type ReplicationDestination, type ReplicationRole } from './replication-role';
import { ABORT_INCOMPLETE_UPLOADS_AFTER, createSecureBucket } from './secure-bucket';

export interface DeliveryBucketProps {
  /** What the bucket holds, for the access-log bucket's description (e.g. "AWS Config history bucket"). */
  readonly description: string;
  /** SSE-KMS with an S3 Bucket Key; the delivering service must be allowed to use it in the key policy. */
  readonly encryptionKey: kms.IKey;
  /** How long objects (current and overwritten versions) and the access logs are kept. */
  readonly retention: Duration;
  /** Lifecycle rule ID of the expiry (kept stable: changing it rewrites the bucket's lifecycle). */
  readonly expiryRuleId: string;
  /** Statement ID of the bucket-policy statement that denies deleting objects. */
  readonly denyDeleteSid: string;
  /** Replicate every object version into this bucket of another region. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /**
   * Why the delivering service needs a bucket without Object Lock default retention, for the
   * acknowledgement of the Control Tower Object Lock rule on this bucket (HIPAA 164.312(c)(1)).
   */
  readonly noObjectLockReason: string;
  /**
   * Sandbox profile only (lib/config/profile.ts): emptied and deleted with its stack (and its
   * access-log bucket), without the statement that denies deleting objects. @default false
   */
  readonly disposable?: boolean;
}

export interface DeliveryBucket {
  readonly bucket: s3.Bucket;
  readonly accessLogs: AccessLogBucket;
  /** The replication role, when `replicateTo` is set. */
  readonly replicationRole?: ReplicationRole;
}

/**
 * A bucket an AWS service delivers audit records into when that service cannot write into an Object
 * Lock bucket (AWS Config history, Cognito's sign-in log). Integrity without Object Lock (HIPAA
 * 164.312(c)(1)): versioned, so an overwrite keeps the earlier version for the whole retention; a bucket
 * policy that denies deleting objects to every principal, so only the lifecycle expiry removes them;
 * replication of every version into the DR region's write-once evidence replica. Also KMS-encrypted,
 * TLS-only, private, with server access logs, and retained (`createSecureBucket`).
 *
 * Created directly in `scope` (`Bucket`, `AccessLogs`, the replication role), like `createSecureBucket`,
 * so the logical IDs of the caller's resources do not move. The caller adds the delivering service's
 * own bucket-policy statements.
 */
export function createDeliveryBucket(scope: Construct, props: DeliveryBucketProps): DeliveryBucket {
  const accessLogs = new AccessLogBucket(scope, 'AccessLogs', {
    loggedBucketDescription: props.description,
    retention: props.retention,
    disposable: props.disposable,
  });
  const replication = props.replicateTo ? crossRegionReplication(scope, props.replicateTo) : undefined;

  const bucket = createSecureBucket(scope, 'Bucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    lifecycleRules: [
      {
        id: props.expiryRuleId,
        expiration: props.retention,
        // Not shorter: an overwritten record stays recoverable for the whole retention.
        noncurrentVersionExpiration: props.retention,
        abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
      },
      // Expiry leaves delete markers behind once the last version is gone; they carry no data.
      { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
    ],
    replicationRole: replication?.role.role,
    replicationRules: replication?.rules,
    disposable: props.disposable,
  });
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: accessLogs.bucket.bucketName,
  };
  accessLogs.allowLogDeliveryFrom(bucket);
  replication?.role.allowReplicationFrom(bucket, props.encryptionKey);

  // Would also stop CDK's auto-delete from emptying a disposable bucket.
  if (!props.disposable) {
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: props.denyDeleteSid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
  }

  acknowledge(bucket.node.defaultChild as s3.CfnBucket, {
    ruleId: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    control: '164.312(c)(1)',
    reason:
      `${props.noObjectLockReason} This bucket is versioned, denies deleting objects to every principal (only the ` +
      'lifecycle expiry after the log retention removes them), keeps overwritten versions for the whole retention, is ' +
      'encrypted with a customer-managed key, and replicates every version into the Object Lock evidence replica in the DR region.',
  });
  return { bucket, accessLogs, replicationRole: replication?.role };
}
