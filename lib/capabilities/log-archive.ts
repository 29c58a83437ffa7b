import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { organizationSettings } from '../config/organization';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { trailBucketLifecycle } from '../constructs/audit-trail';
import { DataClassKey } from '../constructs/data-class-key';
import { LockedBucket } from '../constructs/locked-bucket';
import { pinLogicalId } from '../constructs/logical-ids';
import { cdkExecutionRoleArns } from '../constructs/organization-guardrails';
import type { ArchiveDestination } from '../constructs/replication-role';
import { StackOutputReader, type StackOutputLocation } from '../constructs/stack-output-reader';
import { deploymentNames, LOGICAL_IDS, STACK_PARTS } from '../vocabulary';
import type { ReplicaLock } from './dr-region-store';

/** The workload buckets the log archive keeps a write-once copy of. */
export type ArchivedSource = 'trail' | 'evidence';
const ARCHIVE_KIND = { trail: 'trail-arc', evidence: 'evidence-arc' } as const satisfies Record<ArchivedSource, string>;

/**
 * What the workload's replication role may do in an archive bucket, and nothing more: write replicas
 * and their tags, hand their ownership to the archive account, and check that versioning is on. The
 * destination policy of AWS's cross-account walkthrough also grants `s3:ReplicateDelete` and
 * `s3:PutBucketVersioning` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html):
 * deletes are never replicated here, and the workload has no business changing the archive's versioning.
 */
export const ARCHIVE_REPLICA_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'] as const;
export const ARCHIVE_BUCKET_ACTIONS = ['s3:GetBucketVersioning'] as const;
/** What the workload's replication role may do with the archive key: encrypt replicas, through S3 only. */
export const ARCHIVE_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;

/** The config-derived part of `LogArchiveProps`. */
export interface LogArchiveSettings {
  /** Deployment name: bucket names, the key alias, the role names. */
  readonly deployment: string;
  /** Every grant to the workload account is scoped to this organization (aws:PrincipalOrgID). */
  readonly organizationId: string;
  /** The workload account, whose replication roles write into the archive. */
  readonly workloadAccount: string;
  /** The log archive account (this construct's stack's account) and region (the primary region). */
  readonly archiveAccount: string;
  readonly region: string;
  /** The config's log retention: the COMPLIANCE lock of every archived object version. */
  readonly logRetention: Duration;
  /** Rotation period and deletion waiting period of the archive key. */
  readonly rotationPeriod: Duration;
  readonly pendingWindow: Duration;
  /**
   * The one principal that may read the archive key's ARN: the workload Audit stack's CloudFormation
   * execution role (`cdkExecutionRoleArns`), which resolves its `Fn::GetStackOutput`.
   */
  readonly keyArnReaderRoleArn: string;
  /** Sandbox profile only (lib/config/profile.ts). */
  readonly disposable: boolean;
}

/** The log archive's settings, or undefined for a single-account deployment (no `organization`). */
export function logArchiveSettings(config: DeploymentConfig): LogArchiveSettings | undefined {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  return {
    deployment: config.name,
    organizationId: organization.organizationId,
    workloadAccount: organization.workloadAccount,
    archiveAccount: organization.logArchiveAccount,
    region: organization.primaryRegion,
    logRetention: Duration.days(config.logs.retentionDays),
    rotationPeriod: Duration.days(config.keys.rotationPeriodDays),
    pendingWindow: Duration.days(config.keys.pendingWindowDays),
    keyArnReaderRoleArn: cdkExecutionRoleArns({
      accounts: [organization.workloadAccount],
      regions: [organization.primaryRegion],
    })[0],
    disposable: sandboxRelaxations(config).disposable,
  };
}

/** Where the workload's Audit stack reads the archive key's ARN (an output of the LogArchive stack). */
function archiveKeyArnOutput(deployment: string, archiveAccount: string, region: string): StackOutputLocation {
  const names = deploymentNames(deployment);
  return {
    stackName: names.stack(STACK_PARTS.logArchive),
    account: archiveAccount,
    region,
    readerRoleName: names.stackOutputReaderRole(STACK_PARTS.logArchive),
    outputName: LOGICAL_IDS.logArchive.keyArnOutput,
  };
}

/**
 * The log archive bucket that `source` (the workload's trail or evidence bucket) also replicates into,
 * or undefined for a single-account deployment. The archive key's ARN, random, is read from the
 * LogArchive stack's output by CloudFormation when the workload stack deploys (`Fn::GetStackOutput`).
 */
export function logArchiveDestination(config: DeploymentConfig, source: ArchivedSource): ArchiveDestination | undefined {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  const names = deploymentNames(config.name);
  const { logArchiveAccount: account, primaryRegion: region } = organization;
  return {
    bucketName: names.archiveBucket(ARCHIVE_KIND[source], account, region),
    account,
    region,
    keyArn: StackOutputReader.valueOf(archiveKeyArnOutput(config.name, account, region)),
    replicationRoleName: names.replicationRole(source),
  };
}

export interface LogArchiveProps extends LogArchiveSettings {
  /** The lock of the workload's evidence bucket, which its archive repeats (`evidenceLock`). */
  readonly evidenceLock: ReplicaLock;
}

/**
 * The log archive account's write-once copies of the audit trail and the evidence (HIPAA 164.312(b)
 * audit controls, 164.312(c)(1) integrity, 164.316(b)(2)(i) six-year retention): the workload's trail
 * and evidence buckets replicate every object version here, besides their DR replicas. An administrator
 * of the workload account can neither read, change nor delete these copies, nor destroy their key:
 *
 * - the key belongs to this account and is never crypto-erased (it holds no PHI, only audit records);
 *   the workload's replication roles may only encrypt with it, through S3, for their own archive bucket;
 * - each bucket is a `LockedBucket` under Object Lock COMPLIANCE for the log retention, with Object
 *   Ownership BucketOwnerEnforced, and replicas are handed to this account (owner override);
 * - the bucket and key policies admit one exact workload role each (`Principal: *` with
 *   aws:PrincipalOrgID, aws:PrincipalAccount and aws:PrincipalArn: no deploy order, and a re-created
 *   role still matches), and deny the workload account everything else.
 *
 * Replication rather than direct CloudTrail delivery: the evidence store is not a CloudTrail target, the
 * workload keeps its own trail bucket for its reviews and its DR replica, and one mechanism serves both.
 */
export class LogArchive extends Construct {
  /** Encrypts both archives; owned by this account. */
  readonly key: kms.Key;
  /** Write-once copy of the workload's CloudTrail log files. */
  readonly trailArchive: LockedBucket;
  /** Write-once copy of the workload's evidence bucket. */
  readonly evidenceArchive: LockedBucket;
  /** Publishes the key's ARN to the workload's Audit stack (`Fn::GetStackOutput`). */
  readonly outputs: StackOutputReader;

  private readonly props: LogArchiveProps;

  constructor(scope: Construct, id: string, props: LogArchiveProps) {
    super(scope, id);
    this.props = props;
    const names = deploymentNames(props.deployment);
    const key = new DataClassKey(this, 'Key', {
      deployment: props.deployment,
      // Audit records, no PHI: never in scope of a crypto-erasure (allowCryptoErasureBy refuses audit keys).
      dataClass: 'audit',
      aliasName: names.archiveKeyAlias,
      description: 'write-once archive of the CloudTrail logs and the evidence (no PHI; never crypto-erased)',
      rotationPeriod: props.rotationPeriod,
      pendingWindow: props.pendingWindow,
    });
    this.key = key.key;
    const bucketName = (source: ArchivedSource) => names.archiveBucket(ARCHIVE_KIND[source], props.archiveAccount, props.region);

    // The same lock and lifecycle as the source: S3 requires Object Lock on the destination of Object Lock
    // replication (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html), and
    // delete markers are not replicated, so the archive expires its copies itself after the retention.
    this.trailArchive = new LockedBucket(this, 'TrailArchive', {
      description: 'CloudTrail log archive bucket',
      replicaOf: 'CloudTrail log bucket of the workload account',
      bucketName: bucketName('trail'),
      encryptionKey: this.key,
      ...trailBucketLifecycle(props.logRetention),
      disposable: props.disposable,
    });
    this.evidenceArchive = new LockedBucket(this, 'EvidenceArchive', {
      description: 'audit evidence archive bucket',
      replicaOf: 'audit evidence bucket of the workload account',
      bucketName: bucketName('evidence'),
      encryptionKey: this.key,
      ...props.evidenceLock,
      disposable: props.disposable,
    });
    this.admitReplication('trail', this.trailArchive.bucket);
    this.admitReplication('evidence', this.evidenceArchive.bucket);
    // Fail closed: should a later statement allow more, the workload account still may only encrypt.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyTheWorkloadAccountAllButEncryption',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        notActions: [...ARCHIVE_KEY_ACTIONS],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': props.workloadAccount } },
      }),
    );

    this.outputs = new StackOutputReader(this, 'Outputs', {
      roleName: names.stackOutputReaderRole(STACK_PARTS.logArchive),
      consumerRoleArn: props.keyArnReaderRoleArn,
      organizationId: props.organizationId,
    });
    this.outputs.addOutput(
      LOGICAL_IDS.logArchive.keyArnOutput,
      this.key.keyArn,
      "ARN of the log archive key: the workload's trail and evidence replication rules name it as ReplicaKmsKeyID",
    );

    const ids = LOGICAL_IDS.logArchive;
    pinLogicalId(this.key, ids.key);
    pinLogicalId(this.key.node.findChild('Alias'), ids.keyAlias);
    pinLogicalId(this.trailArchive.bucket, ids.trailArchiveBucket);
    pinLogicalId(this.trailArchive.accessLogs.bucket, ids.trailArchiveAccessLogBucket);
    pinLogicalId(this.evidenceArchive.bucket, ids.evidenceArchiveBucket);
    pinLogicalId(this.evidenceArchive.accessLogs.bucket, ids.evidenceArchiveAccessLogBucket);
    pinLogicalId(this.outputs.role, ids.outputReaderRole);
  }

  /** The `Fn::GetStackOutput` token of the key's ARN, as the workload's template reads it. */
  keyArnForWorkload(): string {
    return this.outputs.outputValue(LOGICAL_IDS.logArchive.keyArnOutput);
  }

  /**
   * Lets the workload's replication role of `source` write replicas into `bucket` and encrypt them with
   * the key, and nothing else: the owner of a cross-account destination must grant the replication in
   * its bucket policy and its key policy
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
   */
  private admitReplication(source: ArchivedSource, bucket: s3.IBucket): void {
    const { props } = this;
    const partition = Stack.of(this).partition;
    const names = deploymentNames(props.deployment);
    const roleArn = `arn:${partition}:iam::${props.workloadAccount}:role/${names.replicationRole(source)}`;
    const Source = source === 'trail' ? 'Trail' : 'Evidence';
    // Principal * narrowed to one role: no root, no deploy order (the role is created after this stack).
    const onlyTheReplicationRole = {
      StringEquals: { 'aws:PrincipalOrgID': props.organizationId, 'aws:PrincipalAccount': props.workloadAccount },
      ArnEquals: { 'aws:PrincipalArn': roleArn },
    };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowReplicasFromTheWorkload${Source}ReplicationRole`,
        principals: [new iam.AnyPrincipal()],
        actions: [...ARCHIVE_REPLICA_ACTIONS],
        resources: [bucket.arnForObjects('*')],
        conditions: onlyTheReplicationRole,
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowVersioningCheckByTheWorkload${Source}ReplicationRole`,
        principals: [new iam.AnyPrincipal()],
        actions: [...ARCHIVE_BUCKET_ACTIONS],
        resources: [bucket.bucketArn],
        conditions: onlyTheReplicationRole,
      }),
    );
    // Fail closed: should a later statement allow more, the workload account still gets nothing else.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyTheWorkloadAccountAllButReplication',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        notActions: [...ARCHIVE_REPLICA_ACTIONS, ...ARCHIVE_BUCKET_ACTIONS],
        resources: [bucket.bucketArn, bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:PrincipalAccount': props.workloadAccount } },
      }),
    );
    // The bucket's ARN from its fixed name: its token would make the key and the bucket depend on each other.
    const literalBucketArn = `arn:${partition}:s3:::${names.archiveBucket(ARCHIVE_KIND[source], props.archiveAccount, props.region)}`;
    const encryptionContext = [literalBucketArn, `${literalBucketArn}/*`];
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowTheWorkload${Source}ReplicationRoleToEncryptIntoItsArchive`,
        principals: [new iam.AnyPrincipal()],
        actions: [...ARCHIVE_KEY_ACTIONS],
        resources: ['*'],
        conditions: {
          ...onlyTheReplicationRole,
          StringEquals: {
            ...onlyTheReplicationRole.StringEquals,
            'kms:ViaService': `s3.${props.region}.amazonaws.com`,
          },
          // With S3 Bucket Keys the context is the bucket ARN; without, the object ARN.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': encryptionContext },
        },
      }),
    );
  }
}
