import type { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { AccessLogBucket } from './access-log-bucket';
import {
  crossRegionReplication,
  type ArchiveDestination,
  type ReplicationDestination,
  type ReplicationRole,
} from './replication-role';
import { ABORT_INCOMPLETE_UPLOADS_AFTER, createSecureBucket } from './secure-bucket';

/** S3 Object Lock default retention mode. */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface LockedBucketProps {
  /** What the bucket holds, for descriptions, e.g. `PHI documents bucket`. */
  readonly description: string;
  /** Customer-managed key that encrypts every object (SSE-KMS with an S3 Bucket Key). */
  readonly encryptionKey: kms.IKey;
  /** Default Object Lock mode of every new object version. */
  readonly objectLockMode: ObjectLockMode;
  /** Default Object Lock retention of every new object version. */
  readonly objectLockRetention: Duration;
  /** When an overwritten or deleted version expires (S3 waits for its lock to end first). */
  readonly noncurrentVersionExpiration: Duration;
  /**
   * Moves current object versions into cheaper storage classes as they age, e.g. `GLACIER_IR` after 90
   * days. Object Lock retention holds in every storage class. S3 does not transition objects under
   * 128 KB by default, where the transition would cost more than it saves.
   * @default - no transitions: objects stay in S3 Standard
   */
  readonly transitions?: s3.Transition[];
  /**
   * When the current version of an object expires. S3 then adds a delete marker: the version becomes
   * noncurrent and is removed after `noncurrentVersionExpiration`; the delete markers left behind are
   * removed too. Must be at least the Object Lock retention, so that nothing is hidden while locked.
   * @default - current versions never expire
   */
  readonly expiration?: Duration;
  /** How long the server access logs are kept. @default 6 years (see `AccessLogBucket`) */
  readonly accessLogRetention?: Duration;
  /** Physical bucket name; set it when another region's stack must find the bucket. @default - generated */
  readonly bucketName?: string;
  /** Replicate every object version into this bucket of another region. @default - no replication */
  readonly replicateTo?: ReplicationDestination;
  /**
   * Also replicate every object version into this write-once archive of another account (the log
   * archive, config `organization`), as a second destination besides `replicateTo`. @default - not archived
   */
  readonly archiveTo?: ArchiveDestination;
  /**
   * Set on a replication destination: what it is the replica of, e.g. `PHI documents bucket`. A replica
   * is not replicated onward; that finding is acknowledged with this name. @default - not a replica
   */
  readonly replicaOf?: string;
  /**
   * Sandbox profile only (lib/config/profile.ts): Object Lock stays enabled but without a default
   * retention (a locked version could never be deleted), and the bucket and its access-log bucket are
   * emptied and deleted with their stack. @default false
   */
  readonly disposable?: boolean;
}

/**
 * A write-protected bucket for records that must survive (HIPAA 164.312(a)(2)(iv), (b), (c)(1),
 * (e)(1)): PHI documents and audit evidence, and their DR replicas. SSE-KMS with the given
 * customer-managed key and an S3 Bucket Key, versioned, Object Lock with a default retention so that no
 * document version can be destroyed early, TLS 1.2+ only, no public access or ACLs, server access logs
 * in its own `AccessLogBucket`, and a lifecycle that removes versions that are no longer current (and,
 * only when asked, archives current versions and expires them once their retention has passed).
 * Retained on stack deletion. One definition serves every source and replica bucket, so no copy can
 * drift weaker than the original.
 *
 * With `replicateTo`, S3 replicates every new object version (SSE-KMS objects included) into the
 * destination and re-encrypts it with the destination region's key. Delete markers are not replicated:
 * a delete in the primary region (accidental or malicious) leaves the DR copy readable
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html). The
 * destination must also have Object Lock enabled; the replica keeps each source version's retention.
 */
export class LockedBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: AccessLogBucket;
  /** The replication role, when `replicateTo` is set. */
  readonly replicationRole?: ReplicationRole;

  constructor(scope: Construct, id: string, props: LockedBucketProps) {
    super(scope, id);
    if (props.replicaOf && (props.replicateTo || props.archiveTo)) {
      throw new Error(`${this.node.path}: a replica (replicaOf) does not replicate onward (replicateTo, archiveTo)`);
    }
    if (props.archiveTo && !props.replicateTo) {
      throw new Error(`${this.node.path}: the archive (archiveTo) is a second destination: replicateTo is required`);
    }
    if (props.expiration && props.expiration.toDays() < props.objectLockRetention.toDays()) {
      throw new Error(`${this.node.path}: objects would expire (expiration) before their Object Lock retention ends`);
    }
    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      loggedBucketDescription: props.description,
      disposable: props.disposable,
      retention: props.accessLogRetention,
    });
    const replication = props.replicateTo ? crossRegionReplication(this, props.replicateTo, props.archiveTo) : undefined;
    this.replicationRole = replication?.role;

    this.bucket = createSecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: props.disposable ? undefined : defaultRetention(props),
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
        },
        ...currentVersionRules(props),
      ],
      replicationRole: replication?.role.role,
      replicationRules: replication?.rules,
      disposable: props.disposable,
    });
    // Server access logging set on the resource, delivered through the log bucket's policy (see
    // `AccessLogBucket.allowLogDeliveryFrom`): the L2 prop could fall back to an ACL grant.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: this.accessLogs.bucket.bucketName,
    };
    this.accessLogs.allowLogDeliveryFrom(this.bucket);
    replication?.role.allowReplicationFrom(this.bucket, props.encryptionKey);

    if (props.replicaOf) {
      acknowledge(
        this.bucket.node.defaultChild as s3.CfnBucket,
        ...(['HIPAA.Security', 'NIST.800.53.R5'] as const).map((pack) => ({
          ruleId: `${pack}::${pack}-S3BucketReplicationEnabled`,
          control: '164.308(a)(7)(ii)(B)' as const,
          reason: `This bucket is the cross-region replica of the ${props.replicaOf} (its replication destination). Replicating the replica onward would only add a third copy; it is versioned, Object Lock protected, encrypted with its own region's key and retained.`,
        })),
      );
    }
  }
}

function defaultRetention(props: LockedBucketProps): s3.ObjectLockRetention {
  return props.objectLockMode === 'COMPLIANCE'
    ? s3.ObjectLockRetention.compliance(props.objectLockRetention)
    : s3.ObjectLockRetention.governance(props.objectLockRetention);
}

/** The lifecycle rules for current object versions: none unless `transitions` or `expiration` is set. */
function currentVersionRules(props: LockedBucketProps): s3.LifecycleRule[] {
  if (!props.transitions?.length && !props.expiration) return [];
  return [
    { id: 'archive-and-expire-current-versions', transitions: props.transitions, expiration: props.expiration },
    // Once the expired versions are gone, only their delete markers remain; they carry no data.
    ...(props.expiration ? [{ id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true }] : []),
  ];
}
