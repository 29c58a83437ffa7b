import * as config from 'aws-cdk-lib/aws-config';
import { Construct, type IDependable } from 'constructs';
import type { HipaaControl } from '../compliance/acknowledge';
import { deploymentNames } from '../vocabulary';
import { DATABASE_BACKUP_RETENTION } from './phi-database';

/** One AWS Config managed rule of the HIPAA rule set. */
export interface HipaaConfigRule {
  /** The rule's name as AWS documents it (https://docs.aws.amazon.com/config/latest/developerguide/<name>.html). */
  readonly name: string;
  /** The managed rule's source identifier. */
  readonly identifier: string;
  /** The HIPAA Security Rule control the rule gives evidence for. */
  readonly control: HipaaControl;
  /** What a COMPLIANT result shows, and the findings to expect by design. */
  readonly checks: string;
  /** Input parameters, where the default would check less than this deployment guarantees. */
  readonly inputParameters?: Record<string, unknown>;
}

const I = config.ManagedRuleIdentifiers;

/**
 * The AWS Config managed rules deployed in the account: the runtime counterpart of the synth-time
 * rule packs, so that a change made outside CloudFormation (console, CLI, another stack) shows up as
 * a NON_COMPLIANT resource in Config and Security Hub. Kept as data so it can be read and reviewed as
 * a table; the unit tests assert every row reaches the template.
 *
 * Every log group the deployment creates is KMS-encrypted, so `cloudwatch-log-group-encrypted` should
 * report none. A deployment that ran an earlier version keeps the retained, unencrypted Cognito
 * user-activity log group until it is deleted (see docs/runbooks/audit-review.md).
 *
 * Deliberately not included: `cw-loggroup-retention-period-check` (its `MinRetentionTime` accepts
 * 1827 or 3653 days, not the 6-year floor; the schema and the rule packs enforce retention instead),
 * and the S3 logging, replication and KMS-default-encryption rules (the access-log buckets are
 * documented exceptions to all three, so they would report permanent noise).
 */
export const HIPAA_CONFIG_RULES: readonly HipaaConfigRule[] = [
  // Audit controls: the trail exists, is tamper-evident, encrypted and feeds the alarms.
  {
    name: 'cloudtrail-enabled',
    identifier: I.CLOUD_TRAIL_ENABLED,
    control: '164.312(b)',
    checks: 'a CloudTrail trail records this account',
  },
  {
    name: 'multi-region-cloudtrail-enabled',
    identifier: I.CLOUDTRAIL_MULTI_REGION_ENABLED,
    control: '164.312(b)',
    checks: 'at least one trail records every region',
  },
  {
    name: 'cloud-trail-log-file-validation-enabled',
    identifier: I.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED,
    control: '164.312(c)(2)',
    checks: 'trail log files carry digests, so tampering is detectable',
  },
  {
    name: 'cloud-trail-encryption-enabled',
    identifier: I.CLOUD_TRAIL_ENCRYPTION_ENABLED,
    control: '164.312(a)(2)(iv)',
    checks: 'trail logs are encrypted with a KMS key',
  },
  {
    name: 'cloud-trail-cloud-watch-logs-enabled',
    identifier: I.CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED,
    control: '164.308(a)(1)(ii)(D)',
    checks: 'the trail is delivered to CloudWatch Logs, where the security alarms read it',
  },
  // PHI at rest and in transit: S3.
  {
    name: 's3-bucket-ssl-requests-only',
    identifier: I.S3_BUCKET_SSL_REQUESTS_ONLY,
    control: '164.312(e)(1)',
    checks: 'bucket policies deny requests without TLS',
  },
  {
    name: 's3-bucket-server-side-encryption-enabled',
    identifier: I.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
    control: '164.312(a)(2)(iv)',
    checks: 'every bucket has default encryption',
  },
  {
    name: 's3-bucket-public-read-prohibited',
    identifier: I.S3_BUCKET_PUBLIC_READ_PROHIBITED,
    control: '164.312(a)(1)',
    checks: 'no bucket allows public reads',
  },
  {
    name: 's3-bucket-public-write-prohibited',
    identifier: I.S3_BUCKET_PUBLIC_WRITE_PROHIBITED,
    control: '164.312(a)(1)',
    checks: 'no bucket allows public writes',
  },
  {
    name: 's3-bucket-level-public-access-prohibited',
    identifier: I.S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED,
    control: '164.312(a)(1)',
    checks: 'every bucket blocks public access',
  },
  {
    name: 's3-bucket-versioning-enabled',
    identifier: I.S3_BUCKET_VERSIONING_ENABLED,
    control: '164.312(c)(1)',
    checks: 'overwritten or deleted objects stay recoverable',
  },
  // PHI at rest: the database.
  {
    name: 'rds-storage-encrypted',
    identifier: I.RDS_STORAGE_ENCRYPTED,
    control: '164.312(a)(2)(iv)',
    checks: 'database storage is encrypted',
  },
  {
    name: 'rds-multi-az-support',
    identifier: I.RDS_MULTI_AZ_SUPPORT,
    control: '164.308(a)(7)(ii)(C)',
    checks: 'the database fails over to a standby in another AZ',
  },
  {
    name: 'rds-instance-public-access-check',
    identifier: I.RDS_INSTANCE_PUBLIC_ACCESS_CHECK,
    control: '164.312(a)(1)',
    checks: 'no database is publicly accessible',
  },
  {
    name: 'rds-snapshots-public-prohibited',
    identifier: I.RDS_SNAPSHOTS_PUBLIC_PROHIBITED,
    control: '164.312(a)(1)',
    checks: 'no database snapshot is shared publicly',
  },
  {
    name: 'db-instance-backup-enabled',
    identifier: I.RDS_DB_INSTANCE_BACKUP_ENABLED,
    control: '164.308(a)(7)(ii)(A)',
    checks: `automated backups are kept at least ${DATABASE_BACKUP_RETENTION.toDays()} days`,
    inputParameters: { backupRetentionMinimum: DATABASE_BACKUP_RETENTION.toDays() },
  },
  {
    name: 'rds-instance-deletion-protection-enabled',
    identifier: I.RDS_INSTANCE_DELETION_PROTECTION_ENABLED,
    control: '164.308(a)(7)(ii)(A)',
    checks: 'the database cannot be deleted without first turning protection off',
  },
  {
    name: 'rds-logging-enabled',
    identifier: I.RDS_LOGGING_ENABLED,
    control: '164.312(b)',
    checks: 'the database exports its logs (pgaudit) to CloudWatch Logs',
  },
  {
    name: 'rds-instance-iam-authentication-enabled',
    identifier: I.RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED,
    control: '164.312(d)',
    checks: 'database users can authenticate with IAM instead of static passwords',
  },
  {
    name: 'secretsmanager-rotation-enabled-check',
    identifier: I.SECRETSMANAGER_ROTATION_ENABLED_CHECK,
    control: '164.308(a)(5)(ii)(D)',
    checks: 'secrets (the database master password) rotate automatically',
  },
  {
    name: 'secretsmanager-using-cmk',
    identifier: I.SECRETSMANAGER_USING_CMK,
    control: '164.312(a)(2)(iv)',
    checks: 'secrets are encrypted with a customer-managed key',
  },
  // Keys.
  {
    name: 'cmk-backing-key-rotation-enabled',
    identifier: I.CMK_BACKING_KEY_ROTATION_ENABLED,
    control: '164.312(a)(2)(iv)',
    checks: 'customer-managed keys rotate',
  },
  {
    name: 'kms-cmk-not-scheduled-for-deletion',
    identifier: I.KMS_CMK_NOT_SCHEDULED_FOR_DELETION,
    control: '164.308(a)(7)(ii)(A)',
    checks: 'no key is pending deletion (expected only during crypto-erasure at contract end)',
  },
  // Identity and access to the account.
  {
    name: 'iam-root-access-key-check',
    identifier: I.IAM_ROOT_ACCESS_KEY_CHECK,
    control: '164.312(a)(1)',
    checks: 'the root user has no access keys',
  },
  {
    name: 'root-account-mfa-enabled',
    identifier: I.ROOT_ACCOUNT_MFA_ENABLED,
    control: '164.312(d)',
    checks: 'the root user signs in with MFA',
  },
  {
    name: 'mfa-enabled-for-iam-console-access',
    identifier: I.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS,
    control: '164.312(d)',
    checks: 'every IAM user with a console password has MFA',
  },
  {
    name: 'iam-policy-no-statements-with-admin-access',
    identifier: I.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS,
    control: '164.308(a)(4)(ii)(B)',
    checks: 'no customer-managed policy grants "*" on "*"',
  },
  // The network.
  {
    name: 'vpc-flow-logs-enabled',
    identifier: I.VPC_FLOW_LOGS_ENABLED,
    control: '164.312(b)',
    checks: 'every VPC records its traffic',
  },
  {
    name: 'vpc-default-security-group-closed',
    identifier: I.VPC_DEFAULT_SECURITY_GROUP_CLOSED,
    control: '164.312(a)(1)',
    checks: 'default security groups allow no traffic',
  },
  {
    name: 'restricted-ssh',
    identifier: I.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
    control: '164.312(a)(1)',
    checks: 'no security group admits SSH from anywhere',
  },
  // The front door.
  {
    name: 'alb-http-to-https-redirection-check',
    identifier: I.ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK,
    control: '164.312(e)(1)',
    checks: 'load balancers only redirect plain HTTP to HTTPS',
  },
  {
    name: 'alb-waf-enabled',
    identifier: I.ALB_WAF_ENABLED,
    control: '164.308(a)(5)(ii)(B)',
    checks: 'load balancers are protected by a web ACL',
  },
  {
    name: 'elb-logging-enabled',
    identifier: I.ELB_LOGGING_ENABLED,
    control: '164.312(b)',
    checks: 'load balancers write access logs',
  },
  {
    name: 'wafv2-logging-enabled',
    identifier: I.WAFV2_LOGGING_ENABLED,
    control: '164.312(b)',
    checks: 'web ACLs log the requests they inspect',
  },
  // The workload.
  {
    name: 'ecs-containers-readonly-access',
    identifier: I.ECS_CONTAINERS_READONLY_ACCESS,
    control: '164.312(c)(1)',
    checks: 'containers run with a read-only root filesystem',
  },
  {
    name: 'ecs-containers-nonprivileged',
    identifier: I.ECS_CONTAINERS_NONPRIVILEGED,
    control: '164.312(a)(1)',
    checks: 'no container runs privileged',
  },
  {
    name: 'ecs-task-definition-nonroot-user',
    identifier: I.ECS_TASK_DEFINITION_NONROOT_USER,
    control: '164.312(a)(1)',
    checks: 'containers run as a non-root user',
  },
  // Logs and alerts.
  {
    name: 'cloudwatch-log-group-encrypted',
    identifier: I.CLOUDWATCH_LOG_GROUP_ENCRYPTED,
    control: '164.312(a)(2)(iv)',
    checks: 'log groups are encrypted with a KMS key',
  },
  {
    name: 'sns-encrypted-kms',
    identifier: I.SNS_ENCRYPTED_KMS,
    control: '164.312(a)(2)(iv)',
    checks: 'topics are encrypted with a KMS key',
  },
  // The detective services themselves: satisfied by this stack or by the organisation's own.
  {
    name: 'guardduty-enabled-centralized',
    identifier: I.GUARDDUTY_ENABLED_CENTRALIZED,
    control: '164.308(a)(1)(ii)(D)',
    checks: 'GuardDuty is enabled in this account and region',
  },
  {
    name: 'securityhub-enabled',
    identifier: I.SECURITYHUB_ENABLED,
    control: '164.308(a)(1)(ii)(D)',
    checks: 'Security Hub is enabled in this account and region',
  },
];

export interface HipaaConfigRulesProps {
  /** Deployment name; prefixes every rule name (`<deployment>-<rule name>`). */
  readonly deployment: string;
  /** The rules to create. @default HIPAA_CONFIG_RULES */
  readonly rules?: readonly HipaaConfigRule[];
  /**
   * What the rules must wait for: the configuration recorder (and its delivery channel) when the same
   * stack creates them. @default - none: the account already has a recorder
   */
  readonly recorder?: readonly IDependable[];
}

/**
 * The HIPAA rule set as AWS Config managed rules (HIPAA 164.308(a)(1)(ii)(D) information system
 * activity review, 164.308(a)(8) evaluation). A managed rule only evaluates resources that a
 * configuration recorder of the account and region records: with `recorder` unset, the account's
 * existing recorder (typically the organisation's) must record every resource type these rules
 * cover, or CloudFormation refuses to create them (`NoAvailableConfigurationRecorderException`).
 */
export class HipaaConfigRules extends Construct {
  /** The rules, by their AWS rule name. */
  readonly rules: Readonly<Record<string, config.ManagedRule>>;

  constructor(scope: Construct, id: string, props: HipaaConfigRulesProps) {
    super(scope, id);
    const rules: Record<string, config.ManagedRule> = {};
    for (const r of props.rules ?? HIPAA_CONFIG_RULES) {
      const rule = new config.ManagedRule(this, r.name, {
        identifier: r.identifier,
        configRuleName: deploymentNames(props.deployment).configRule(r.name),
        description: `[HIPAA ${r.control}] Checks that ${r.checks}.`,
        inputParameters: r.inputParameters,
      });
      for (const d of props.recorder ?? []) rule.node.addDependency(d);
      rules[r.name] = rule;
    }
    this.rules = rules;
  }
}
