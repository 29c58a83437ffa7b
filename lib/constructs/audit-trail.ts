import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { LockedBucket, type LockedBucketProps } from './locked-bucket';
import type { ArchiveDestination, ReplicationDestination } from './replication-role';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

/**
 * Where CloudTrail log files go as they age. The first 90 days stay in S3 Standard, when investigations
 * and the weekly and monthly reviews read them most; Glacier Instant Retrieval keeps millisecond reads
 * (Athena, `aws cloudtrail validate-logs`) through the first year, for incident follow-ups and the
 * yearly risk analysis, at about a sixth of the price; after a year they are kept only for audits and
 * legal requests, where Deep Archive's 12-hour restore is acceptable and storage costs about 1/20 of
 * Standard. The same events stay searchable in the CloudWatch log group for the whole retention.
 * Minimum storage durations (90 and 180 days) are met by these ages.
 */
export const TRAIL_ARCHIVE_TRANSITIONS: readonly s3.Transition[] = [
  { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
  { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) },
];

/**
 * How long a log file version stays after it became noncurrent. CloudTrail never overwrites a key and
 * nobody else writes there, so versions only become noncurrent when the lifecycle expires them after
 * the retention, when their lock has ended. The 30 days leave time to place a legal hold first.
 */
export const TRAIL_NONCURRENT_GRACE = Duration.days(30);

/**
 * Lock and lifecycle of the CloudTrail log bucket and of its DR replica (HIPAA 164.312(c)(1) integrity,
 * 164.316(b)(2)(i) six-year retention): Object Lock COMPLIANCE for the whole retention, so nobody, root
 * included, can delete or shorten it; archival transitions; expiry once the retention has passed.
 */
export function trailBucketLifecycle(
  retention: Duration,
  transitions: readonly s3.Transition[] = TRAIL_ARCHIVE_TRANSITIONS,
): Pick<
  LockedBucketProps,
  'objectLockMode' | 'objectLockRetention' | 'transitions' | 'expiration' | 'noncurrentVersionExpiration' | 'accessLogRetention'
> {
  return {
    objectLockMode: 'COMPLIANCE',
    objectLockRetention: retention,
    transitions: [...transitions],
    expiration: retention,
    noncurrentVersionExpiration: TRAIL_NONCURRENT_GRACE,
    accessLogRetention: retention,
  };
}

export interface AuditTrailProps {
  /**
   * Name of the trail (`auditTrailName`). Fixed, so that the key policy and the bucket policy can name
   * the trail's ARN before it exists.
   */
  readonly trailName: string;
  /**
   * Encrypts the log files, the trail bucket and the log group. Its key policy must let CloudTrail use it
   * for this trail (`DataClassKey.allowCloudTrail`) and CloudWatch Logs encrypt log groups
   * (`DataClassKey.allowCloudWatchLogs`).
   */
  readonly encryptionKey: kms.IKey;
  /**
   * Buckets whose object-level reads and writes (S3 data events) are recorded: every bucket holding PHI.
   * At most 250.
   */
  readonly phiBuckets: readonly s3.IBucket[];
  /**
   * How long log files and log events are kept, in days: one of the CloudWatch Logs retention values of
   * at least 6 years (2192). Also the Object Lock (COMPLIANCE) retention of every log file.
   */
  readonly retentionDays: number;
  /** Name of the CloudWatch log group the trail delivers to, e.g. `/<deployment>/cloudtrail`. */
  readonly logGroupName: string;
  /** Replicate every log file into this bucket of another region. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /** Also replicate every log file into this write-once archive of another account. @default - not archived */
  readonly archiveTo?: ArchiveDestination;
  /** Storage classes log files move through as they age. @default TRAIL_ARCHIVE_TRANSITIONS */
  readonly archiveTransitions?: readonly s3.Transition[];
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the log bucket has no Object Lock default retention and is emptied and deleted with its stack.
   * @default false
   */
  readonly disposable?: boolean;
}

/**
 * The account's audit trail (HIPAA 164.312(b) audit controls, 164.312(c)(1) integrity,
 * 164.316(b)(2)(i) retention): one multi-region CloudTrail trail, with global service events, recording
 * every management event (read and write, AWS KMS and RDS Data API events included) and the object-level
 * reads and writes on every PHI bucket.
 *
 * - Log files go to a dedicated `LockedBucket`: SSE-KMS with the audit key, Object Lock COMPLIANCE for
 *   the retention, versioned, TLS-only, private, with server access logs, archived as it ages
 *   (`TRAIL_ARCHIVE_TRANSITIONS`), expired after the retention, and optionally replicated to the DR
 *   region. Log file validation is on: CloudTrail signs an hourly digest (SSE-S3, as CloudTrail writes
 *   digests), so `aws cloudtrail validate-logs` proves that no file was changed or removed. Files in
 *   Deep Archive must be restored before they can be validated.
 * - The bucket policy lets only CloudTrail, for this trail only (`aws:SourceArn`), check the bucket and
 *   write under `AWSLogs/<account>/` with the `bucket-owner-full-control` ACL that CloudTrail sends
 *   (accepted with ACLs disabled, `BucketOwnerEnforced`).
 * - Events also go to a CloudWatch log group (audit key, kept for the retention, retained) for metric
 *   filters, alarms and Logs Insights. The delivery role may only create and write CloudTrail's log
 *   streams in that group. Its trust policy has no source conditions: CloudTrail documents that the
 *   CloudWatch Logs role does not support `aws:SourceArn` or `aws:SourceAccount`; only principals
 *   allowed `iam:PassRole` on it can attach it to a trail.
 *
 * Built on the L1 trail: the L2 `Trail` would add bucket statements without `aws:SourceArn` and give its
 * log role an inline policy.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  /** The trail's ARN (`arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`). */
  readonly trailArn: string;
  /** The log group CloudTrail delivers events to, for metric filters and queries. */
  readonly logGroup: logs.ILogGroup;
  /** The write-once bucket holding the log files and their digests. */
  readonly bucket: s3.IBucket;
  /** The trail bucket with its access-log bucket and replication role. */
  readonly lockedBucket: LockedBucket;
  /** The role CloudTrail assumes to deliver events to the log group. */
  readonly logsRole: iam.IRole;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    if (props.retentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`AuditTrail: retention of ${props.retentionDays} days is below 6 years (${SIX_YEARS_IN_DAYS})`);
    }
    if (props.phiBuckets.length > 250) {
      throw new Error('AuditTrail: an event selector records data events of at most 250 buckets');
    }
    const stack = Stack.of(this);
    const retention = Duration.days(props.retentionDays);
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');

    this.lockedBucket = new LockedBucket(this, 'Storage', {
      description: 'CloudTrail log bucket',
      encryptionKey: props.encryptionKey,
      ...trailBucketLifecycle(retention, props.archiveTransitions),
      replicateTo: props.replicateTo,
      archiveTo: props.archiveTo,
      disposable: props.disposable,
    });
    const bucket = this.lockedBucket.bucket;
    this.bucket = bucket;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailAclCheckForTheTrail',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailLogDeliveryForTheTrail',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      // The config schema only admits values of the RetentionDays enum, which are the day counts.
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    this.logGroup = logGroup;

    // CloudTrail names its streams `<account>_CloudTrail_<trail region>`, with `_<n>` when it needs several.
    const streams = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${props.logGroupName}:log-stream:${stack.account}_CloudTrail_${stack.region}*`;
    const logsRole = new iam.Role(this, 'LogsRole', {
      description: `Lets CloudTrail deliver the ${props.trailName} events to ${props.logGroupName}`,
      assumedBy: cloudTrail,
    });
    const logsPolicy = new iam.ManagedPolicy(this, 'LogsPolicy', {
      description: `CloudTrail delivery into the log streams of ${props.logGroupName} only`,
      roles: [logsRole],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [streams] })],
    });
    acknowledgeWildcardResource(logsPolicy.node.defaultChild as iam.CfnManagedPolicy, streams, {
      control: '164.312(b)',
      reason:
        'CloudTrail creates its own log streams in the trail log group, named <account>_CloudTrail_<region> with a numeric suffix when it needs several, so their names are not known in advance. Limited to creating and writing those streams in this one log group.',
    });
    this.logsRole = logsRole;

    const trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: props.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      isOrganizationTrail: false,
      enableLogFileValidation: true,
      s3BucketName: bucket.bucketName,
      kmsKeyId: props.encryptionKey.keyArn,
      cloudWatchLogsLogGroupArn: logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      eventSelectors: [
        {
          // Every management event, read and write; no event source (AWS KMS, RDS Data API) excluded.
          includeManagementEvents: true,
          readWriteType: 'All',
          // Object-level reads and writes (GetObject, PutObject, DeleteObject, ...) on the PHI buckets.
          dataResources: props.phiBuckets.length
            ? [{ type: 'AWS::S3::Object', values: props.phiBuckets.map((b) => `${b.bucketArn}/`) }]
            : undefined,
        },
      ],
    });
    // CloudTrail checks the bucket policy and the role when the trail is created.
    trail.node.addDependency(bucket.policy!, logsPolicy);
    this.trail = trail;
    this.trailArn = trail.attrArn;
  }
}
