import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { AthenaAuditReview } from '../constructs/athena-audit-review';
import { allowLogDeliveryToBuckets } from '../constructs/key-policy-grants';
import { pinLogicalId } from '../constructs/logical-ids';
import type { ReplicationDestination } from '../constructs/replication-role';
import { UserActivityLog } from '../constructs/user-activity-log';
import { deploymentNames, LOGICAL_IDS } from '../vocabulary';
import { evidenceReplica } from './evidence-store';

/** The config-derived part of `SignInAuditProps`. */
export interface SignInAuditSettings {
  /** How long sign-in log files (and the bucket's access logs) are kept, in days: at least 6 years (2192). */
  readonly retentionDays: number;
  /** Replicate every log file version into this write-once bucket of the DR region. @default - not replicated */
  readonly replicateTo?: ReplicationDestination;
  /** Name of the Athena workgroup the reviews run in. */
  readonly workGroupName: string;
  /** Name of the Glue database of the user-activity table: lowercase letters, digits and underscores. */
  readonly databaseName: string;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): its buckets are emptied and
   * deleted with the stack, without Object Lock default retention.
   */
  readonly disposable: boolean;
}

/** Sign-in audit settings of a deployment: names from the vocabulary, copies into the DR evidence replica. */
export function signInAuditSettings(config: DeploymentConfig): SignInAuditSettings {
  const names = deploymentNames(config.name);
  return {
    retentionDays: config.logs.retentionDays,
    replicateTo: evidenceReplica(config),
    workGroupName: names.auditReviewWorkGroup,
    databaseName: names.auditReviewDatabase,
    disposable: sandboxRelaxations(config).disposable,
  };
}

export interface SignInAuditProps extends SignInAuditSettings {
  /**
   * The staff user pool (Identity stack): Plus feature plan, threat protection active. Its user activity
   * (sign-ins, MFA, risk decisions) is exported into this capability's bucket.
   */
  readonly userPool: cognito.IUserPool;
  /**
   * The audit key: encrypts the log files and the Athena query results. This construct lets the log
   * delivery service generate data keys with it for this account (`allowLogDeliveryToBuckets`); it must
   * be a key whose policy CDK can change (a key of this app, not an imported one).
   */
  readonly encryptionKey: kms.IKey;
}

/**
 * Log-in monitoring (HIPAA 164.308(a)(5)(ii)(C), 164.312(b)): Cognito's exported user activity in a
 * bucket of its own, kept like the rest of the audit trail and copied into the DR region's write-once
 * evidence replica (`UserActivityLog`), and the Athena workgroup and Glue table the sign-in reviews
 * query (`AthenaAuditReview`). Query results land next to the logs they were read from: same key, same
 * retention, same replica.
 *
 * The log is this construct's `Default` child, which CDK leaves out of logical IDs: built with the id
 * `SignInLog`, its policies and replication role keep the IDs they had before this construct existed.
 * The buckets, the delivery, the workgroup, the database and the table are pinned: a replacement would
 * orphan years of sign-in records or fail on the fixed names, and there is one delivery per user pool.
 */
export class SignInAudit extends Construct {
  /** The exported user activity: bucket, access logs and the Cognito log delivery. */
  readonly log: UserActivityLog;
  /** The Athena workgroup and Glue table over the log. */
  readonly review: AthenaAuditReview;
  /** The sign-in log bucket. */
  readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: SignInAuditProps) {
    super(scope, id);
    this.log = new UserActivityLog(this, 'Default', {
      userPool: props.userPool,
      encryptionKey: props.encryptionKey,
      retentionDays: props.retentionDays,
      replicateTo: props.replicateTo,
      disposable: props.disposable,
    });
    this.bucket = this.log.bucket;
    // Cognito's export reaches the bucket through the CloudWatch Logs delivery service, which encrypts each file.
    allowLogDeliveryToBuckets(props.encryptionKey);
    this.review = new AthenaAuditReview(this, 'AthenaReview', {
      workGroupName: props.workGroupName,
      databaseName: props.databaseName,
      encryptionKey: props.encryptionKey,
      resultsBucket: this.log.bucket,
      userActivity: { bucket: this.log.bucket, prefix: this.log.logPrefix },
    });
    pinLogicalId(this.log.bucket, LOGICAL_IDS.audit.signInLogBucket);
    pinLogicalId(this.log.accessLogs.bucket, LOGICAL_IDS.audit.signInLogAccessLogBucket);
    pinLogicalId(this.log.delivery, LOGICAL_IDS.audit.signInLogDelivery);
    pinLogicalId(this.review.workGroup, LOGICAL_IDS.audit.auditReviewWorkGroup);
    pinLogicalId(this.review.database, LOGICAL_IDS.audit.auditReviewDatabase);
    pinLogicalId(this.review.userActivityTable, LOGICAL_IDS.audit.signInLogTable);
  }
}
