import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { DataClassKey } from '../constructs/data-class-key';
import { trailBucketLifecycle } from '../constructs/audit-trail';
import { LockedBucket } from '../constructs/locked-bucket';
import { evidenceReplicaBucketName, phiReplicaBucketName, trailReplicaBucketName } from '../naming';
import { evidenceLock } from './audit-stack';
import { pinLogicalId } from './logical-ids';

export interface DrStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Stateful, DR region (HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan): the DR PHI key and the
 * replica of the PHI documents bucket. The Data stack finds both by deterministic names
 * (`phiReplicaBucketName`, `alias/<deployment>/phi-dr`), never by cross-region references.
 */
export class DrStack extends Stack {
  /** Encrypts the PHI replicas in the DR region. */
  readonly phiDrKey: kms.Key;
  readonly phiReplica: LockedBucket;
  /** Off-site copy of the audit evidence bucket. */
  readonly evidenceReplica: LockedBucket;
  /** Off-site copy of the CloudTrail log bucket. */
  readonly trailReplica: LockedBucket;

  constructor(scope: Construct, id: string, props: DrStackProps) {
    super(scope, id, props);
    const { config } = props;

    const phiDr = new DataClassKey(this, 'PhiDr', {
      deployment: config.name,
      dataClass: 'phi-dr',
      description: 'PHI replicas in the DR region (replicated documents)',
      rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(config.keys.pendingWindowDays),
    });
    this.phiDrKey = phiDr.key;

    this.phiReplica = new LockedBucket(this, 'PhiReplica', {
      description: 'PHI documents replica bucket',
      replicaOf: 'PHI documents bucket',
      bucketName: phiReplicaBucketName(config),
      encryptionKey: phiDr.key,
      // Same lock as the source: S3 requires Object Lock on the destination of Object Lock replication.
      objectLockMode: config.phiBucket.objectLockMode,
      objectLockRetention: Duration.days(config.phiBucket.objectLockRetentionDays),
      noncurrentVersionExpiration: Duration.days(config.phiBucket.noncurrentVersionExpirationDays),
      accessLogRetention: Duration.days(config.logs.retentionDays),
    });

    // Off-site copy of the audit evidence (access reviews, drill records, certificates of
    // destruction). Its own key, never crypto-erased, like the primary audit key.
    const auditDr = new DataClassKey(this, 'AuditDr', {
      deployment: config.name,
      dataClass: 'audit-dr',
      description: 'audit evidence and CloudTrail log replicas in the DR region (no PHI)',
      rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
      pendingWindow: Duration.days(config.keys.pendingWindowDays),
    });
    this.evidenceReplica = new LockedBucket(this, 'EvidenceReplica', {
      description: 'audit evidence replica bucket',
      replicaOf: 'audit evidence bucket',
      bucketName: evidenceReplicaBucketName(config),
      encryptionKey: auditDr.key,
      ...evidenceLock(config),
    });
    // Off-site copy of the CloudTrail log files and digests, under the same key, lock and lifecycle as
    // the source: delete markers are not replicated, so the replica expires its copies itself.
    this.trailReplica = new LockedBucket(this, 'TrailReplica', {
      description: 'CloudTrail log replica bucket',
      replicaOf: 'CloudTrail log bucket',
      bucketName: trailReplicaBucketName(config),
      encryptionKey: auditDr.key,
      ...trailBucketLifecycle(Duration.days(config.logs.retentionDays)),
    });

    // DR backup vault: added here by the AWS Backup issue. It gets its own DataClassKey (dataClass
    // 'backup-dr', same rotation and pending window as above) and receives the copies of the primary
    // backup plan's recovery points (HIPAA 164.308(a)(7)(ii)(A) and (B)). Pin its logical IDs below.

    pinLogicalId(phiDr.key, 'PhiDrKey');
    pinLogicalId(phiDr.key.node.findChild('Alias'), 'PhiDrKeyAlias');
    pinLogicalId(this.phiReplica.bucket, 'PhiReplicaBucket');
    pinLogicalId(this.phiReplica.accessLogs.bucket, 'PhiReplicaAccessLogBucket');
    pinLogicalId(auditDr.key, 'AuditDrKey');
    pinLogicalId(auditDr.key.node.findChild('Alias'), 'AuditDrKeyAlias');
    pinLogicalId(this.evidenceReplica.bucket, 'EvidenceReplicaBucket');
    pinLogicalId(this.evidenceReplica.accessLogs.bucket, 'EvidenceReplicaAccessLogBucket');
    pinLogicalId(this.trailReplica.bucket, 'TrailReplicaBucket');
    pinLogicalId(this.trailReplica.accessLogs.bucket, 'TrailReplicaAccessLogBucket');
  }
}
