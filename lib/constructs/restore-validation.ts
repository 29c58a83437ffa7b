import * as path from 'node:path';
import { ArnFormat, Duration, Stack, type CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../vocabulary';
import {
  METRIC_SERVICE,
  RDS_CA_BUNDLE_ENV,
  RESTORE_METRICS,
  VALIDATOR_DB_USER,
  VALIDATOR_ENV,
} from '../../lambda/shared/restore-validation-contract';
import { deploymentNames, RESTORED_RESOURCE_PREFIX } from '../vocabulary';
import { FunctionAlarms } from './function-alarms';
import { SecureFunction, type SecureFunctionNetwork } from './secure-function';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';
import type { HipaaControl } from '../compliance/acknowledge';

/**
 * Name prefixes of the copies the validator may read: restore-test copies (named by AWS Backup) and
 * drill copies (`<deployment>-drill-<yyyymmddhhmm>[-<account>]`, named by `scripts/drill`).
 */
export function restoredCopyPrefixes(deployment: string): string[] {
  return [RESTORED_RESOURCE_PREFIX, deploymentNames(deployment).drillCopyPrefix];
}

/** Evidence bucket prefixes the validator writes to: scheduled restore tests and operator drills. */
export const RESTORE_EVIDENCE_PREFIXES = { tests: 'restore-tests/', drills: 'restore-drills/' } as const;

/**
 * Restore job statuses sent to the validator. COMPLETED copies are validated; FAILED and ABORTED jobs
 * are recorded as failed tests (evidence and the failure metric) without a copy to check.
 */
export const VALIDATED_RESTORE_STATUSES = ['COMPLETED', 'FAILED', 'ABORTED'] as const;

/** The resource types the plan restores, as the validator's metrics name them (`ResourceType`). */
export const RESTORE_RESOURCE_TYPES = ['RDS', 'S3'] as const;
export type RestoreResourceType = (typeof RESTORE_RESOURCE_TYPES)[number];

/**
 * The longest look-back a CloudWatch alarm may have with daily periods: Period x EvaluationPeriods
 * may not exceed 7 days (604,800 s) for periods of an hour or more
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export const MAX_ALARM_LOOKBACK_DAYS = 7;

/** How long a restore test may go without a passed validation, and where CloudWatch's days begin. */
export interface RestoreTestCadence {
  /** Consecutive calendar days without a passed validation that raise the alarm. */
  readonly daysWithoutPass: number;
  /**
   * Time zone (a fixed UTC offset) whose midnight is the scheduled start time, so that each alarm day
   * holds one whole test run (start window, restore and validation) instead of splitting it at 00:00 UTC.
   */
  readonly timezone: string;
}

/**
 * The alarm cadence for an AWS Backup cron schedule `cron(min hour day-of-month month day-of-week year)`:
 * daily schedules alarm after 2 days without a passed test, weekly ones (any day-of-week list) after 7.
 * A schedule that runs less often than weekly is refused: no CloudWatch alarm can look back further.
 */
export function restoreTestCadence(schedule: string): RestoreTestCadence {
  const fields = /^cron\((.+)\)$/.exec(schedule.trim())?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new Error(`restore testing schedule ${schedule} is not a cron(...) with 6 fields`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  const any = (f: string) => f === '*' || f === '?';
  if (!any(dayOfMonth) || month !== '*' || year !== '*') {
    throw new Error(
      `restore testing schedule ${schedule} runs less often than weekly: the alarm for a missing successful test cannot ` +
        `look back more than ${MAX_ALARM_LOOKBACK_DAYS} days (CloudWatch limit). Schedule the tests at least weekly.`,
    );
  }
  const daysWithoutPass = any(dayOfWeek) ? 2 : MAX_ALARM_LOOKBACK_DAYS;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour)) return { daysWithoutPass, timezone: '+00:00' };
  // Days start at the scheduled time (rounded down to 5 minutes, the finest offset CloudWatch takes):
  // local midnight = H:M UTC means an offset of -H:M, kept within -12:00..+12:00.
  let offset = -(Number(hour) * 60 + Math.floor(Number(minute) / 5) * 5);
  if (offset < -12 * 60) offset += 24 * 60;
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { daysWithoutPass, timezone: `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}` };
}

export interface RestoreValidationProps {
  /** Deployment name: the drill copies it may read (`<deployment>-drill-*`), evidence, default alarm names. */
  readonly deployment: string;
  /** Name of the function (`deploymentNames(deployment).restoreValidatorFunction`: the drill invokes it by name). */
  readonly functionName: string;
  /** ARN of the restore testing plan; only restore jobs of its tests are validated. */
  readonly restoreTestingPlanArn: string;
  /** Accounts apart: the plan that restores the air-gapped copies, whose jobs are validated too. @default - none */
  readonly airGappedRestoreTestingPlanArn?: string;
  /** Cron schedule of the restore tests; sets the look-back of the missing-test alarm (see `restoreTestCadence`). */
  readonly restoreSchedule: string;
  /** Hours the restored copies are kept; an event older than this is not delivered any more. */
  readonly validationWindowHours: number;
  /** Security group of the restored database copies; the validator is admitted to it on `databasePort`. */
  readonly restoredDatabaseSecurityGroup: ec2.ISecurityGroup;
  /** Port of the restored database copies (a literal). */
  readonly databasePort: number;
  /** Name of the application database inside the restored copies. */
  readonly databaseName: string;
  /**
   * The live database. The validator may connect to any restored copy as `restore_validator` (their
   * resource IDs are not known in advance) and is explicitly denied this instance (by its
   * `instanceResourceId`); its security group has no route to it either.
   */
  readonly liveDatabase: rds.IDatabaseInstance;
  /** `schema.table` names that must be readable in every restored database. */
  readonly expectedTables: readonly string[];
  /** Objects of a restored bucket read back and checked. */
  readonly sampleObjectCount: number;
  /** Recovery targets in minutes; the alarms compare each test against them. */
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  /** The PHI key: restored documents are encrypted with it. */
  readonly documentsKey: kms.IKey;
  /** Write-once evidence store; records go under `restore-tests/` and `restore-drills/`. */
  readonly evidenceBucket: s3.IBucket;
  /** Key of the evidence bucket. @default evidenceBucket.encryptionKey */
  readonly evidenceKey?: kms.IKey;
  /** Receives the alarms (the security topic). */
  readonly alarmTopic: sns.ITopic;
  /** Where the function runs: the workload subnets, next to the interface endpoints. */
  readonly network: SecureFunctionNetwork;
  /** ID of the region's S3 managed prefix list: restored buckets and evidence are reached through the S3 gateway endpoint. */
  readonly s3PrefixListId: string;
  /** Encrypts the log group and the dead-letter queue (the audit key). */
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
  /** Prefix of the alarm names. @default `deploymentNames(deployment).alarmPrefix.restore`, `<deployment>-restore` */
  readonly alarmNamePrefix?: string;
  /** TypeScript entry of the function. @default lambda/restore-validator/index.ts */
  readonly entry?: string;
  /** A database and a bucket sample per run; a restored database may still be warming up. @default Duration.minutes(10) */
  readonly timeout?: Duration;
  /** The database and the bucket of one test are validated side by side. @default 2 */
  readonly reservedConcurrency?: number;
}

/**
 * Validates every restore test and records it (HIPAA 164.308(a)(7)(ii)(D) testing of the contingency
 * plan, 164.312(c)(1) integrity): a function in the VPC that AWS Backup's "Restore Job State Change"
 * events of this plan's tests reach through EventBridge (retried for as long as the copies exist, then
 * kept in the dead-letter queue). For a completed restore it checks the copy (the canary row and the
 * expected tables of a database, a sample of object checksums of a bucket), measures the RTO and RPO
 * achieved, writes the record to the evidence bucket and reports the verdict to AWS Backup; for a
 * failed or aborted job it records a failed test. The drill command invokes it directly.
 *
 * What it may do, and nothing else:
 * - read restore jobs and report their validation (AWS Backup offers no resource-level permission for
 *   either action);
 * - describe and connect (IAM authentication, as `restore_validator`) to restored database copies only:
 *   `awsbackup-restore-test-*` and `<deployment>-drill-*` instances, any resource ID for the connect
 *   (unknown in advance) but never the live database's, which is denied; the network admits it to the
 *   restored copies' security group on the database port and nowhere else;
 * - list and read objects of restored buckets of this account (the same two prefixes), decrypting them
 *   with the PHI key through S3 only;
 * - write evidence under `restore-tests/` and `restore-drills/` of the evidence bucket.
 * Metrics are embedded-metric-format log lines (no PutMetricData call, no permission).
 *
 * Alarms to the topic, per resource type (`ResourceType` RDS and S3; failures also for UNKNOWN, when the
 * job could not be described): a failed validation, a restore slower than the RTO, data older than the
 * RPO, no passed validation for a whole test cycle (missing data is breaching: a test that never ran
 * alarms too); and, through `FunctionAlarms`, failed invocations (Lambda errors) and events that ended in
 * the dead-letter queue.
 */
export class RestoreValidation extends Construct {
  readonly handler: SecureFunction;
  readonly rule: events.Rule;
  /** Restore-test alarms by name suffix, e.g. `ValidationFailed-RDS`, `NoPassedRestoreTest-S3`. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Lambda errors and the dead-letter queue of the validator. */
  readonly functionAlarms: FunctionAlarms;

  constructor(scope: Construct, id: string, props: RestoreValidationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const evidenceKey = props.evidenceKey ?? props.evidenceBucket.encryptionKey;
    if (!evidenceKey) throw new Error(`${this.node.path}: the evidence bucket has no KMS key; pass evidenceKey`);
    const functionName = props.functionName;
    const cadence = restoreTestCadence(props.restoreSchedule);

    const prefixes = restoredCopyPrefixes(props.deployment);
    const restoredInstances = prefixes.map((p) =>
      stack.formatArn({ service: 'rds', resource: 'db', resourceName: `${p}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    const liveResourceId = props.liveDatabase.instanceResourceId;
    if (!liveResourceId) throw new Error(`${this.node.path}: the live database does not expose its instanceResourceId`);
    const restoredDbUsers = `arn:${stack.partition}:rds-db:${stack.region}:${stack.account}:dbuser:*/${VALIDATOR_DB_USER}`;
    const liveDbUsers = `arn:${stack.partition}:rds-db:${stack.region}:${stack.account}:dbuser:${liveResourceId}/*`;
    const restoredBuckets = prefixes.map((p) => `arn:${stack.partition}:s3:::${p}*`);
    const restoredObjects = restoredBuckets.map((b) => `${b}/*`);
    const evidenceObjects = Object.values(RESTORE_EVIDENCE_PREFIXES).map((p) => props.evidenceBucket.arnForObjects(`${p}*`));
    const viaS3 = { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` };
    const thisAccount = { 's3:ResourceAccount': stack.account };

    this.handler = new SecureFunction(this, 'Handler', {
      entry: props.entry ?? path.join(__dirname, '..', '..', 'lambda', 'restore-validator', 'index.ts'),
      functionName,
      description: 'Validates restore tests and drills and records the evidence (HIPAA 164.308(a)(7)(ii)(D))',
      environment: {
        [VALIDATOR_ENV.deployment]: props.deployment,
        [VALIDATOR_ENV.evidenceBucket]: props.evidenceBucket.bucketName,
        // Named on every write: asking for SSE-KMS without a key ID would use the aws/s3 key instead.
        [VALIDATOR_ENV.evidenceKmsKeyArn]: evidenceKey.keyArn,
        [VALIDATOR_ENV.databaseName]: props.databaseName,
        [VALIDATOR_ENV.expectedTables]: props.expectedTables.join(','),
        [VALIDATOR_ENV.sampleObjectCount]: String(props.sampleObjectCount),
        [VALIDATOR_ENV.rpoMinutes]: String(props.rpoMinutes),
        [VALIDATOR_ENV.rtoMinutes]: String(props.rtoMinutes),
        [VALIDATOR_ENV.restoreTestingPlanArn]: props.restoreTestingPlanArn,
        ...(props.airGappedRestoreTestingPlanArn
          ? { [VALIDATOR_ENV.airGappedRestoreTestingPlanArn]: props.airGappedRestoreTestingPlanArn }
          : {}),
        // Node reads it at start-up only: pg then trusts the RDS CA bundle the runtime ships.
        ...RDS_CA_BUNDLE_ENV,
      },
      placement: { network: props.network },
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: props.reservedConcurrency ?? 2,
      timeout: props.timeout ?? Duration.minutes(10),
      memorySize: 512,
      wildcardResourceReason:
        'backup:DescribeRestoreJob and backup:PutRestoreValidationResult, which have no resource-level permissions ' +
        '(Service Authorization Reference, AWS Backup); the function only acts on the restore job named by its event.',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadAndReportRestoreJobs',
          actions: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DescribeRestoredDatabases',
          actions: ['rds:DescribeDBInstances'],
          resources: restoredInstances,
        }),
        new iam.PolicyStatement({
          sid: 'ConnectToRestoredDatabases',
          actions: ['rds-db:connect'],
          resources: [restoredDbUsers],
        }),
        new iam.PolicyStatement({
          sid: 'NeverTheLiveDatabase',
          effect: iam.Effect.DENY,
          actions: ['rds-db:connect'],
          resources: [liveDbUsers],
        }),
        new iam.PolicyStatement({
          sid: 'ListRestoredBuckets',
          actions: ['s3:ListBucket'],
          resources: restoredBuckets,
          conditions: { StringEquals: thisAccount },
        }),
        new iam.PolicyStatement({
          sid: 'ReadRestoredObjects',
          // GetObjectAttributes (with the version ID of the object read) gives the part sizes of multipart checksums.
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
          resources: restoredObjects,
          conditions: { StringEquals: thisAccount },
        }),
        new iam.PolicyStatement({
          sid: 'DecryptRestoredObjects',
          actions: ['kms:Decrypt'],
          resources: [props.documentsKey.keyArn],
          conditions: { StringEquals: viaS3 },
        }),
        new iam.PolicyStatement({
          sid: 'WriteRestoreEvidence',
          actions: ['s3:PutObject'],
          resources: evidenceObjects,
        }),
        new iam.PolicyStatement({
          sid: 'EncryptRestoreEvidence',
          actions: ['kms:GenerateDataKey'],
          resources: [evidenceKey.keyArn],
          conditions: { StringEquals: viaS3 },
        }),
      ],
    });
    this.acknowledgeWildcards({ restoredInstances, restoredDbUsers, restoredBuckets, restoredObjects, evidenceObjects });

    // Network: HTTPS to the interface endpoints (SecureFunction), to S3 through the gateway endpoint,
    // and the database port of the restored copies. Both SG-to-SG rules are separate resources here.
    const securityGroup = this.handler.securityGroup;
    if (!securityGroup) throw new Error(`${this.node.path}: the validator must run in the VPC`);
    securityGroup.addEgressRule(ec2.Peer.prefixList(props.s3PrefixListId), ec2.Port.tcp(443), 'S3 gateway endpoint');
    securityGroup.connections.allowTo(
      props.restoredDatabaseSecurityGroup,
      ec2.Port.tcp(props.databasePort),
      'Restore validator to the restored PHI database copies',
    );

    this.rule = new events.Rule(this, 'RestoreJobFinished', {
      description: 'Restore jobs of the scheduled restore tests that finished: validate and record them',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        // On status only. AWS Backup documents `restoreTestingPlanArn` in these events only for some uses
        // of a restore job, and shows no COMPLETED event with it
        // (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html): a filter on it could
        // match nothing, silently. The validator asks AWS Backup (DescribeRestoreJob) which plan started
        // the job and ignores every restore but this plan's tests.
        detail: { status: [...VALIDATED_RESTORE_STATUSES] },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.handler.function, {
        deadLetterQueue: this.handler.deadLetterQueue,
        retryAttempts: 185,
        // After the validation window AWS Backup has deleted the copy: nothing left to check.
        maxEventAge: Duration.hours(Math.min(24, props.validationWindowHours)),
      }),
    );

    this.alarms = this.createAlarms(props, cadence);
    this.functionAlarms = new FunctionAlarms(this, 'FunctionAlarms', {
      handler: this.handler,
      functionName,
      alarmNamePrefix: functionName,
      topic: props.alarmTopic,
      serviceName: METRIC_SERVICE.validator,
      onFailure:
        'A restore test or drill may be left without a verdict or evidence (also when the verdict could not be sent to ' +
        'AWS Backup). Read the log for the restore job ID and the stage, fix the cause, then validate the job again ' +
        '(npm run drill, or invoke the function with the job) while its copy still exists.',
    });
  }

  private acknowledgeWildcards(resources: {
    restoredInstances: string[];
    restoredDbUsers: string;
    restoredBuckets: string[];
    restoredObjects: string[];
    evidenceObjects: string[];
  }): void {
    const policy = this.handler.policy.node.defaultChild as CfnResource;
    const ack = (resource: string, control: HipaaControl, reason: string) =>
      acknowledgeWildcardResource(policy, resource, { control, reason });
    const copies =
      'Restored copies are named at restore time (AWS Backup: awsbackup-restore-test- and a random suffix; the drill: ' +
      '<deployment>-drill-<timestamp>), so they cannot be named in advance; the prefix limits the grant to restored copies.';
    for (const instances of resources.restoredInstances) {
      ack(instances, '164.308(a)(7)(ii)(D)', `rds:DescribeDBInstances on restored database copies only. ${copies}`);
    }
    ack(
      resources.restoredDbUsers,
      '164.312(a)(1)',
      'rds-db:connect as the read-only restore_validator user. The resource ID of a restored copy is only known once it ' +
        'exists, so the instance part is a wildcard; the live database is explicitly denied in the same policy, and the ' +
        "function's security group reaches only the restored copies' security group.",
    );
    for (const buckets of resources.restoredBuckets) {
      ack(
        buckets,
        '164.308(a)(7)(ii)(D)',
        `s3:ListBucket on restored buckets of this account only (s3:ResourceAccount). ${copies}`,
      );
    }
    for (const objects of resources.restoredObjects) {
      ack(
        objects,
        '164.308(a)(7)(ii)(D)',
        `Read-only access to objects of restored buckets of this account (s3:ResourceAccount). ${copies}`,
      );
    }
    for (const objects of resources.evidenceObjects) {
      ack(
        objects,
        '164.316(b)(1)',
        'Each restore test or drill is a new evidence object whose key holds its date and restore job ID, so ' +
          's3:PutObject is granted on that prefix of the evidence bucket: no other prefix, no read, no delete. ' +
          'Object Lock keeps every written version.',
      );
    }
  }

  private createAlarms(props: RestoreValidationProps, cadence: RestoreTestCadence): Record<string, cloudwatch.Alarm> {
    const prefix = props.alarmNamePrefix ?? deploymentNames(props.deployment).alarmPrefix.restore;
    const action = new actions.SnsAction(props.alarmTopic);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const metric = (metricName: string, resourceType: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRIC_SERVICE.validator, ResourceType: resourceType },
        statistic,
        period,
      });
    const add = (name: string, alarmProps: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, name, { ...alarmProps, alarmName: `${prefix}-${name}`, actionsEnabled: true });
      alarm.addAlarmAction(action);
      alarms[name] = alarm;
      return alarm;
    };
    // One datapoint per restore job: an hour's period keeps the alarm up long enough to be seen.
    const perJob = { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };

    for (const type of [...RESTORE_RESOURCE_TYPES, 'UNKNOWN'] as const) {
      add(`ValidationFailed-${type}`, {
        ...perJob,
        alarmDescription:
          `[HIPAA 164.308(a)(7)(ii)(D)] A restore test (or drill) of ${type === 'UNKNOWN' ? 'an unidentified resource' : type} ` +
          'failed validation: the backup could not be restored, or the restored copy is incomplete or unreadable. ' +
          `Read the record under ${RESTORE_EVIDENCE_PREFIXES.tests} in the evidence bucket and the restore job in AWS Backup.`,
        metric: metric(RESTORE_METRICS.failed, type, cloudwatch.Stats.SUM, Duration.hours(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    for (const type of RESTORE_RESOURCE_TYPES) {
      add(`RtoExceeded-${type}`, {
        ...perJob,
        alarmDescription: `[HIPAA 164.308(a)(7)(ii)(B)] A ${type} restore took longer than the recovery time objective of ${props.rtoMinutes} minutes.`,
        metric: metric(RESTORE_METRICS.restoreMinutes, type, cloudwatch.Stats.MAXIMUM, Duration.hours(1)),
        threshold: props.rtoMinutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      add(`RpoExceeded-${type}`, {
        ...perJob,
        alarmDescription: `[HIPAA 164.308(a)(7)(ii)(A)] A restored ${type} copy held data older than the recovery point objective of ${props.rpoMinutes} minutes.`,
        metric: metric(RESTORE_METRICS.dataAgeMinutes, type, cloudwatch.Stats.MAXIMUM, Duration.hours(1)),
        threshold: props.rpoMinutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      const missing = add(`NoPassedRestoreTest-${type}`, {
        alarmDescription:
          `[HIPAA 164.308(a)(7)(ii)(D)] No ${type} restore test passed validation on ${cadence.daysWithoutPass} days in a ` +
          'row: the scheduled test did not run, failed, or was never validated. Check the restore testing plan, its ' +
          'restore jobs and the restore validator.',
        metric: metric(RESTORE_METRICS.passed, type, cloudwatch.Stats.SUM, Duration.days(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: cadence.daysWithoutPass,
        datapointsToAlarm: cadence.daysWithoutPass,
        // No datapoint is the failure this alarm exists for.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      // Calendar days that start at the scheduled time: a run whose start drifts within its start window
      // stays in its own day, so consecutive weekly runs never look more than 7 days apart.
      (missing.node.defaultChild as cloudwatch.CfnAlarm).evaluationWindow = {
        wallClockWindow: { timezone: cadence.timezone },
      };
    }
    return alarms;
  }
}
