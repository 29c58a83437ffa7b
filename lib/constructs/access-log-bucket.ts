import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { ABORT_INCOMPLETE_UPLOADS_AFTER, createSecureBucket } from './secure-bucket';

export interface AccessLogBucketProps {
  /** What the logged bucket holds, for the acknowledgement reasons, e.g. `PHI documents bucket`. */
  readonly loggedBucketDescription: string;
  /** How long access logs are kept. @default 6 years (HIPAA 164.316(b)(2)) */
  readonly retention?: Duration;
  /** How long a log object that was overwritten or removed stays recoverable. @default Duration.days(90) */
  readonly noncurrentVersionRetention?: Duration;
}

/**
 * The destination of one bucket's S3 server access logs: the record of who read or wrote which
 * object (HIPAA 164.312(b) audit controls).
 *
 * Encrypted with SSE-S3 (AES-256), because S3 server access logging can only deliver into a bucket
 * whose default encryption is SSE-S3, and without Object Lock, which the log delivery does not support
 * either (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
 * Integrity comes instead from versioning and a bucket policy that denies deleting log objects to
 * every principal: only the lifecycle expiry removes them (bucket policies do not apply to it).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const retention = props.retention ?? Duration.days(SIX_YEARS_IN_DAYS);
    this.bucket = createSecureBucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: retention,
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
        },
        // Expiry leaves delete markers behind once the last version is gone; they carry no data.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDeletingAccessLogs',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    this.acknowledgeFindings(props.loggedBucketDescription);
  }

  /**
   * Lets S3 server access logging deliver the logs of `source` into this bucket: through the bucket
   * policy (ACLs are disabled), for that bucket of this account only. Done here rather than through the
   * L2 `serverAccessLogsBucket` prop, whose grant depends on a feature flag and would fall back to an ACL.
   */
  allowLogDeliveryFrom(source: s3.IBucket): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowServerAccessLogDelivery',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          ArnLike: { 'aws:SourceArn': source.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }

  private acknowledgeFindings(loggedBucketDescription: string): void {
    const what = `the server access logs of the ${loggedBucketDescription}`;
    const noKms = `This bucket receives ${what}. S3 server access logging only delivers into buckets whose default encryption is SSE-S3 (AES-256), so SSE-KMS is not possible here; the logs hold request metadata, not document content, and are still encrypted at rest.`;
    const notReplicated = `This bucket holds ${what} (request metadata, not document content). It is versioned, deletes are denied to every principal, it is retained on stack deletion and S3 stores it redundantly across availability zones; the PHI itself is replicated to the DR region.`;
    acknowledge(
      this.bucket.node.defaultChild as s3.CfnBucket,
      ...(['HIPAA.Security', 'NIST.800.53.R5'] as const).flatMap((pack) => [
        { ruleId: `${pack}::${pack}-S3DefaultEncryptionKMS`, control: '164.312(a)(2)(iv)' as const, reason: noKms },
        {
          ruleId: `${pack}::${pack}-S3BucketReplicationEnabled`,
          control: '164.308(a)(7)(ii)(B)' as const,
          reason: notReplicated,
        },
      ]),
      { ruleId: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', control: '164.312(a)(2)(iv)', reason: noKms },
      {
        ruleId: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
        control: '164.312(b)',
        reason: `This bucket is itself the server access-log destination for ${what}; logging it into a further bucket would only move this finding there. Only the S3 logging service writes to it, and deletes are denied to every principal.`,
      },
      {
        ruleId: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        control: '164.312(c)(1)',
        reason: `This bucket receives ${what}, and S3 server access logging cannot deliver into a bucket with Object Lock. Integrity comes from versioning and a bucket policy that denies deleting log objects to every principal (only the lifecycle expiry removes them).`,
      },
    );
  }
}
