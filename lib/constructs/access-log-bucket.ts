import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { ABORT_INCOMPLETE_UPLOADS_AFTER, secureBucketProps } from './secure-bucket';

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
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      secureBucketProps({
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
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDeletingAccessLogs',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    const what = `the server access logs of the ${props.loggedBucketDescription}`;
    const resource = this.bucket.node.defaultChild as s3.CfnBucket;
    acknowledge(
      resource,
      ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [
        {
          ruleId: `${pack}::${pack}-S3DefaultEncryptionKMS`,
          control: '164.312(a)(2)(iv)' as const,
          reason: `This bucket receives ${what}. S3 server access logging only delivers into buckets encrypted with SSE-S3 (AES-256), so SSE-KMS is not possible here; the logs hold request metadata (no document content) and are still encrypted at rest.`,
        },
        {
          ruleId: `${pack}::${pack}-S3BucketLoggingEnabled`,
          control: '164.312(b)' as const,
          reason: `This bucket is itself the access-log destination for ${what}; logging it into another bucket would only move the same finding there. Writes to it come from the S3 logging service alone, and deletes are denied to every principal.`,
        },
        {
          ruleId: `${pack}::${pack}-S3BucketReplicationEnabled`,
          control: '164.308(a)(7)(ii)(B)' as const,
          reason: `This bucket holds ${what} (request metadata, no PHI content). It is versioned, deletes are denied to every principal and it is retained on stack deletion; S3 stores it redundantly across availability zones. The PHI itself is replicated to the DR region.`,
        },
      ]),
      {
        ruleId: 'AwsSolutions::AwsSolutions-S1',
        control: '164.312(b)',
        reason: `This bucket is itself the access-log destination for ${what}; logging it into another bucket would only move the same finding there.`,
      },
    );
  }
}
