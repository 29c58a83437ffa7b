import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import { SIX_YEARS_IN_DAYS, type DeploymentConfig } from '../config/schema';
import { LockedBucket, type LockedBucketProps } from '../constructs/locked-bucket';
import { pinLogicalId } from '../constructs/logical-ids';
import type { ArchiveDestination, ReplicationDestination } from '../constructs/replication-role';
import { evidenceReplicaBucketName } from '../naming';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';
import { logArchiveDestination } from './log-archive';

type EvidenceLock = Pick<
  LockedBucketProps,
  'objectLockMode' | 'objectLockRetention' | 'noncurrentVersionExpiration' | 'accessLogRetention'
>;

/**
 * Object Lock of evidence (HIPAA 164.316(b)(2)(i): documentation kept 6 years): COMPLIANCE mode, so
 * nobody, root included, can delete or shorten it, for the whole retention.
 */
function lockFor(retention: Duration): EvidenceLock {
  return {
    objectLockMode: 'COMPLIANCE',
    objectLockRetention: retention,
    // Superseded versions go once their own lock has run out.
    noncurrentVersionExpiration: retention,
    accessLogRetention: retention,
  };
}

/** The evidence lock for as long as the deployment keeps its logs; the DR region's replica carries the same. */
export function evidenceLock(config: Pick<DeploymentConfig, 'logs'>): EvidenceLock {
  return lockFor(Duration.days(config.logs.retentionDays));
}

/**
 * The DR region's write-once evidence replica (DR stack), found by name: the evidence, the sign-in log
 * and the AWS Config history are all copied into it, re-encrypted with the audit-dr key.
 */
export function evidenceReplica(config: Pick<DeploymentConfig, 'name' | 'regions'>): ReplicationDestination {
  return {
    bucketName: evidenceReplicaBucketName(config),
    region: config.regions.dr,
    keyAliasName: deploymentNames(config.name).keyAlias('audit-dr'),
  };
}

/** The config-derived part of `EvidenceStoreProps`. */
export interface EvidenceStoreSettings {
  /**
   * How long each evidence object version is locked (Object Lock COMPLIANCE) and its superseded versions
   * and server access logs are kept: at least 6 years.
   */
  readonly retention: Duration;
  /** The DR-region replica every object version is copied to. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /**
   * Also replicate every object version into the log archive account's write-once bucket (config
   * `organization`). @default - not archived
   */
  readonly archiveTo?: ArchiveDestination;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the bucket is emptied and
   * deleted with the stack, without Object Lock default retention. @default false
   */
  readonly disposable?: boolean;
}

/** Evidence store settings of a deployment: locked for the log retention, replicated to the DR region. */
export function evidenceStoreSettings(config: DeploymentConfig): EvidenceStoreSettings {
  return {
    retention: Duration.days(config.logs.retentionDays),
    replicateTo: evidenceReplica(config),
    archiveTo: logArchiveDestination(config, 'evidence'),
    disposable: sandboxRelaxations(config).disposable,
  };
}

export interface EvidenceStoreProps extends EvidenceStoreSettings {
  /** Encrypts the evidence: the audit key, never the PHI key (evidence outlives a crypto-erasure). */
  readonly encryptionKey: kms.IKey;
}

/**
 * The write-once evidence store (HIPAA 164.316(b)(2)(i) six-year retention, 164.312(c)(1) integrity):
 * the bucket that access reviews, Backup Audit Manager reports, restore drills and certificates of
 * destruction are written to. A `LockedBucket` (SSE-KMS, versioned, TLS only, private, server access
 * logs, retained) under Object Lock COMPLIANCE, replicated into the DR region's write-once replica.
 *
 * The bucket is this construct's `Default` child, which CDK leaves out of logical IDs: built with the
 * id `Evidence`, its policies and replication role keep the IDs they had before this construct existed.
 * The buckets' own logical IDs are pinned (`LOGICAL_IDS.audit`): a replacement would orphan the evidence.
 */
export class EvidenceStore extends Construct {
  /** The write-once evidence bucket. */
  readonly bucket: s3.IBucket;
  /** The bucket with its access-log bucket and replication role. */
  readonly lockedBucket: LockedBucket;

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    if (props.retention.toDays() < SIX_YEARS_IN_DAYS) {
      throw new Error(`EvidenceStore: retention of ${props.retention.toDays()} days is below 6 years (${SIX_YEARS_IN_DAYS})`);
    }
    this.lockedBucket = new LockedBucket(this, 'Default', {
      description: 'audit evidence bucket',
      encryptionKey: props.encryptionKey,
      ...lockFor(props.retention),
      replicateTo: props.replicateTo,
      archiveTo: props.archiveTo,
      disposable: props.disposable,
    });
    this.bucket = this.lockedBucket.bucket;
    pinLogicalId(this.lockedBucket.bucket, LOGICAL_IDS.audit.evidenceBucket);
    pinLogicalId(this.lockedBucket.accessLogs.bucket, LOGICAL_IDS.audit.evidenceAccessLogBucket);
  }
}
