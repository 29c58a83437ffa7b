import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { ABORT_INCOMPLETE_UPLOADS_AFTER, createSecureBucket } from './secure-bucket';

/**
 * The AWS service that delivers logs into an access-log bucket. Both only deliver into buckets whose
 * default encryption is SSE-S3:
 * - `s3`: S3 server access logging (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html);
 * - `elb`: Elastic Load Balancing access logs (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 */
export type AccessLogSource = 's3' | 'elb';

export interface AccessLogBucketProps {
  /** What the logged resource is, for the acknowledgement reasons, e.g. `PHI documents bucket`. */
  readonly loggedBucketDescription: string;
  /** Which service writes the logs. @default 's3' (S3 server access logging) */
  readonly source?: AccessLogSource;
  /** How long access logs are kept. @default 6 years (HIPAA 164.316(b)(2)) */
  readonly retention?: Duration;
  /** How long a log object that was overwritten or removed stays recoverable. @default Duration.days(90) */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Sandbox profile only (lib/config/profile.ts): emptied and deleted with its stack, without the
   * statement that denies deleting logs. @default false
   */
  readonly disposable?: boolean;
}

/**
 * The destination of one bucket's S3 server access logs (the record of who read or wrote which
 * object) or of one load balancer's access logs (HIPAA 164.312(b) audit controls).
 *
 * Encrypted with SSE-S3 (AES-256), because both log deliveries can only write into a bucket whose
 * default encryption is SSE-S3 (see `AccessLogSource`), and without Object Lock, which S3 server
 * access logging does not support either and Elastic Load Balancing does not document.
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
      disposable: props.disposable,
    });
    // Would also stop CDK's auto-delete from emptying a disposable bucket.
    if (!props.disposable) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyDeletingAccessLogs',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [this.bucket.arnForObjects('*')],
        }),
      );
    }

    this.acknowledgeFindings(props.loggedBucketDescription, props.source ?? 's3');
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

  private acknowledgeFindings(loggedDescription: string, source: AccessLogSource): void {
    const { what, destination, writer, noKms, notReplicated, noObjectLock } = ACKNOWLEDGEMENT_TEXTS[source](loggedDescription);
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
        reason: `This bucket is itself the ${destination} for ${what}; logging it into a further bucket would only move this finding there. Only the ${writer} writes to it, and deletes are denied to every principal.`,
      },
      {
        ruleId: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        control: '164.312(c)(1)',
        reason: noObjectLock,
      },
    );
    if (source === 'elb') {
      // cdk-nag recognises a bucket as a log destination only when another bucket logs into it.
      const notLogged = `This bucket is itself the ${destination} for ${what}; logging it into a further bucket would only move this finding there. Only the ${writer} writes to it, and deletes are denied to every principal.`;
      acknowledge(
        this.bucket.node.defaultChild as s3.CfnBucket,
        ...(['HIPAA.Security', 'NIST.800.53.R5'] as const).map((pack) => ({
          ruleId: `${pack}::${pack}-S3BucketLoggingEnabled`,
          control: '164.312(b)' as const,
          reason: notLogged,
        })),
        { ruleId: 'AwsSolutions::AwsSolutions-S1', control: '164.312(b)', reason: notLogged },
      );
    }
  }
}

/** The acknowledgement reasons of an access-log bucket, per log source. */
const ACKNOWLEDGEMENT_TEXTS: Record<
  AccessLogSource,
  (logged: string) => {
    what: string;
    destination: string;
    writer: string;
    noKms: string;
    notReplicated: string;
    noObjectLock: string;
  }
> = {
  s3: (logged) => {
    const what = `the server access logs of the ${logged}`;
    return {
      what,
      destination: 'server access-log destination',
      writer: 'S3 logging service',
      noKms: `This bucket receives ${what}. S3 server access logging only delivers into buckets whose default encryption is SSE-S3 (AES-256), so SSE-KMS is not possible here; the logs hold request metadata, not document content, and are still encrypted at rest.`,
      notReplicated: `This bucket holds ${what} (request metadata, not document content). It is versioned, deletes are denied to every principal, it is retained on stack deletion and S3 stores it redundantly across availability zones; the PHI itself is replicated to the DR region.`,
      noObjectLock: `This bucket receives ${what}, and S3 server access logging cannot deliver into a bucket with Object Lock. Integrity comes from versioning and a bucket policy that denies deleting log objects to every principal (only the lifecycle expiry removes them).`,
    };
  },
  elb: (logged) => {
    const what = `the access logs of the ${logged}`;
    return {
      what,
      destination: 'access-log destination',
      writer: 'Elastic Load Balancing log delivery',
      noKms: `This bucket receives ${what}. Elastic Load Balancing only delivers access logs into buckets whose default encryption is SSE-S3 (AES-256); SSE-KMS is not supported. The logs hold request metadata (client address, request line, status, TLS version), never request or response bodies, and are still encrypted at rest.`,
      notReplicated: `This bucket holds ${what} (request metadata, no bodies). It is versioned, deletes are denied to every principal, it is retained on stack deletion and S3 stores it redundantly across availability zones. The load balancer is stateless and rebuilt from code in a disaster.`,
      noObjectLock: `This bucket receives ${what}. Elastic Load Balancing documents no support for delivering into a bucket with Object Lock, and a refused delivery would silently lose the access trail. Integrity comes from versioning and a bucket policy that denies deleting log objects to every principal (only the lifecycle expiry removes them).`,
    };
  },
};
