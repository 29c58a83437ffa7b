import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { deploymentNames } from '../vocabulary';

/** Key prefix of the Backup Audit Manager reports in the evidence bucket (AWS Backup adds `/Backup/<account>/<region>/...`). */
export const BACKUP_REPORT_PREFIX = 'backup-reports';

/** Job reports delivered every day next to the control compliance report. */
export const BACKUP_JOB_REPORT_TEMPLATES = ['BACKUP_JOB_REPORT', 'COPY_JOB_REPORT', 'RESTORE_JOB_REPORT'] as const;

/** Backup Audit Manager's service-linked role, which writes the reports (AWSServiceRoleForBackupReports). */
export function backupReportsRoleArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`;
}

/** One control of the framework, as CloudFormation takes it. */
export interface BackupControl {
  readonly controlName: string;
  readonly controlInputParameters?: { readonly parameterName: string; readonly parameterValue: string }[];
  /** `ComplianceResourceTypes`, `ComplianceResourceIds` or `Tags`, as AWS Backup documents per control. */
  readonly controlScope?: Record<string, unknown>;
}

export interface BackupAuditFrameworkProps {
  /** Deployment name; prefixes the framework and report plan names (dashes become underscores). */
  readonly deployment: string;
  /** AWS Backup resource types the resource-scoped controls evaluate. @default ['RDS', 'S3'] */
  readonly resourceTypes?: readonly string[];
  /** The backup plan must back up at least daily and keep those recovery points this long (`dailyRetentionDays`). */
  readonly dailyRetentionDays: number;
  /** Shortest retention any recovery point may have (`vaultLock.minRetentionDays`). */
  readonly minimumRecoveryPointRetentionDays: number;
  /** Vault Lock retention bounds the protected resources' vaults must enforce (`vaultLock.min/maxRetentionDays`). */
  readonly vaultLockMinRetentionDays: number;
  readonly vaultLockMaxRetentionDays: number;
  /** Region the backups must also be copied to (`regions.dr`). */
  readonly copyRegion: string;
  /**
   * Accounts the backups must also be copied to (the backup account, config `organization`): adds the
   * cross-account copy control. @default - none: no cross-account control
   */
  readonly copyAccounts?: readonly string[];
  /** Longest a restore may take, in minutes (`targets.rtoMinutes`). */
  readonly maxRestoreMinutes: number;
  /**
   * Newest recovery point of each resource may be at most this old, in hours (1-744). A daily backup
   * plus its start window; a missed backup is also reported at once by the backup job notifications.
   * @default 36
   */
  readonly maxRecoveryPointAgeHours?: number;
  /** Name of the primary backup vault: the vault whose recovery points must not be deletable by hand. */
  readonly vaultName: string;
  /** ID of the backup plan to check for frequency and retention. @default - every backup plan of the region */
  readonly backupPlanId?: string;
  /** Write-once evidence store; reports go under `backup-reports/`. Its bucket policy gets the delivery statement. */
  readonly evidenceBucket: s3.IBucket;
  /** Report file formats (JSON is only available for single-region reports). @default ['CSV', 'JSON'] */
  readonly reportFormats?: readonly string[];
}

/**
 * AWS Backup Audit Manager (HIPAA 164.308(a)(7)(ii)(A), (B), (D), 164.308(a)(8) evaluation, 164.316(b)
 * documentation): a framework that evaluates every day whether the backups keep their promises, and
 * daily reports of its compliance and of all backup, copy and restore jobs, delivered to the write-once
 * evidence bucket.
 *
 * Controls (resource-type scope where AWS Backup supports it; the others evaluate the whole region or
 * the named resource):
 * - the RDS and S3 resources are in a backup plan, in a Vault Lock vault with the configured retention
 *   bounds, copied to the DR region (and, with accounts apart, to the backup account), with a recovery point no older than `maxRecoveryPointAgeHours`, and
 *   restored (restore tests) within the RTO;
 * - the backup plan backs up at least daily and keeps daily recovery points `dailyRetentionDays`;
 * - recovery points are encrypted and kept at least `minimumRecoveryPointRetentionDays`;
 * - the primary vault allows nobody to delete recovery points by hand.
 *
 * Prerequisite: AWS Config must record the resource types the controls read (AWS Config resource
 * compliance, AWS Backup backup plans, backup selections, backup vaults and recovery points). The
 * deployment's recorder (`detection.config`) records all supported types; where the organisation
 * records instead, it must include these. Without them the controls have nothing to evaluate.
 *
 * Report delivery: the reports are written by Backup Audit Manager's service-linked role, which AWS
 * creates with the first report plan, after this bucket policy is deployed. A policy that named the role
 * as principal would be refused as invalid until then, so the statement admits any principal whose
 * ARN is that role (`aws:PrincipalArn`, `aws:PrincipalAccount`: S3 does not count this as public access),
 * and only to `backup-reports/*` with the bucket-owner-full-control ACL AWS Backup sends. The bucket's
 * KMS key must also let the role generate data keys (see the report of this change).
 */
export class BackupAuditFramework extends Construct {
  readonly framework: backup.CfnFramework;
  readonly controls: readonly BackupControl[];
  /** The control compliance report plan. */
  readonly complianceReport: backup.CfnReportPlan;
  /** Job report plans by template. */
  readonly jobReports: Readonly<Record<(typeof BACKUP_JOB_REPORT_TEMPLATES)[number], backup.CfnReportPlan>>;

  constructor(scope: Construct, id: string, props: BackupAuditFrameworkProps) {
    super(scope, id);
    const ageHours = props.maxRecoveryPointAgeHours ?? 36;
    if (!Number.isInteger(ageHours) || ageHours < 1 || ageHours > 744) {
      throw new Error(`${this.node.path}: maxRecoveryPointAgeHours must be a whole number of hours from 1 to 744`);
    }
    const baseName = deploymentNames(props.deployment).backupAuditBaseName;
    this.controls = backupControls({ ...props, maxRecoveryPointAgeHours: ageHours });

    this.framework = new backup.CfnFramework(this, 'Framework', {
      frameworkName: `${baseName}_backup_controls`,
      frameworkDescription: `${props.deployment}: HIPAA backup, copy, retention, lock and restore-time controls`,
      frameworkControls: this.controls.map((c) => ({
        controlName: c.controlName,
        controlInputParameters: c.controlInputParameters?.map((p) => ({ ...p })),
        controlScope: c.controlScope,
      })),
    });

    // CloudFormation takes the delivery channel and report setting as plain JSON, in its own casing.
    const channel = {
      S3BucketName: props.evidenceBucket.bucketName,
      S3KeyPrefix: BACKUP_REPORT_PREFIX,
      Formats: [...(props.reportFormats ?? ['CSV', 'JSON'])],
    };
    this.complianceReport = new backup.CfnReportPlan(this, 'ControlComplianceReport', {
      reportPlanName: `${baseName}_control_compliance`,
      reportPlanDescription: `${props.deployment}: daily compliance of the backup controls`,
      reportDeliveryChannel: channel,
      reportSetting: { ReportTemplate: 'CONTROL_COMPLIANCE_REPORT', FrameworkArns: [this.framework.attrFrameworkArn] },
    });
    const jobReports = {} as Record<(typeof BACKUP_JOB_REPORT_TEMPLATES)[number], backup.CfnReportPlan>;
    for (const template of BACKUP_JOB_REPORT_TEMPLATES) {
      const kind = template.replace(/_REPORT$/, '').toLowerCase();
      jobReports[template] = new backup.CfnReportPlan(this, `${pascal(kind)}Report`, {
        reportPlanName: `${baseName}_${kind}s`,
        reportPlanDescription: `${props.deployment}: daily report of AWS Backup ${kind.replace(/_/g, ' ')}s`,
        reportDeliveryChannel: channel,
        reportSetting: { ReportTemplate: template },
      });
    }
    this.jobReports = jobReports;

    this.allowReportDelivery(props.evidenceBucket);
  }

  /** Lets Backup Audit Manager's service-linked role write reports under `backup-reports/` of the bucket. */
  private allowReportDelivery(bucket: s3.IBucket): void {
    const stack = Stack.of(this);
    const { statementAdded } = bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBackupAuditManagerReports',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${BACKUP_REPORT_PREFIX}/*`)],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': backupReportsRoleArn(this) },
          StringEquals: { 'aws:PrincipalAccount': stack.account, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );
    if (!statementAdded) {
      throw new Error(`${this.node.path}: the evidence bucket policy cannot be changed here (an imported bucket?)`);
    }
  }
}

/** The framework's controls, with the input parameter names AWS Backup documents for each. */
export function backupControls(
  props: Omit<BackupAuditFrameworkProps, 'deployment' | 'evidenceBucket' | 'reportFormats'> & {
    readonly maxRecoveryPointAgeHours: number;
  },
): BackupControl[] {
  const byType = { ComplianceResourceTypes: [...(props.resourceTypes ?? ['RDS', 'S3'])] };
  const params = (values: Record<string, string | number>) =>
    Object.entries(values).map(([parameterName, value]) => ({ parameterName, parameterValue: String(value) }));
  return [
    { controlName: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', controlScope: byType },
    {
      controlName: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
      controlInputParameters: params({
        requiredFrequencyUnit: 'days',
        requiredFrequencyValue: 1,
        requiredRetentionDays: props.dailyRetentionDays,
      }),
      // This control is scoped by tag or single resource only.
      ...(props.backupPlanId
        ? {
            controlScope: {
              ComplianceResourceIds: [props.backupPlanId],
              ComplianceResourceTypes: ['AWS::Backup::BackupPlan'],
            },
          }
        : {}),
    },
    { controlName: 'BACKUP_RECOVERY_POINT_ENCRYPTED' },
    {
      controlName: 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
      controlScope: { ComplianceResourceIds: [props.vaultName], ComplianceResourceTypes: ['AWS::Backup::BackupVault'] },
    },
    {
      controlName: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
      controlInputParameters: params({
        minRetentionDays: props.vaultLockMinRetentionDays,
        maxRetentionDays: props.vaultLockMaxRetentionDays,
      }),
      controlScope: byType,
    },
    {
      controlName: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION',
      controlInputParameters: params({ crossRegionList: props.copyRegion }),
      controlScope: byType,
    },
    // Cross-account copy is scheduled, to these accounts: the control and parameter names of AWS's own
    // template (https://docs.aws.amazon.com/aws-backup/latest/devguide/bam-cfn-integration.html).
    ...(props.copyAccounts?.length
      ? [
          {
            controlName: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT',
            controlInputParameters: params({ crossAccountList: props.copyAccounts.join(',') }),
            controlScope: byType,
          },
        ]
      : []),
    {
      controlName: 'BACKUP_LAST_RECOVERY_POINT_CREATED',
      controlInputParameters: params({ recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: props.maxRecoveryPointAgeHours }),
      controlScope: byType,
    },
    {
      controlName: 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
      controlInputParameters: params({ maxRestoreTime: props.maxRestoreMinutes }),
      controlScope: byType,
    },
    {
      controlName: 'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
      controlInputParameters: params({ requiredRetentionDays: props.minimumRecoveryPointRetentionDays }),
    },
  ];
}

const pascal = (snake: string) =>
  snake
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
