import { Duration, type CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { EventTopicTarget } from './event-topic-target';

/** The fields a notification carries. Identifiers only: none of them can hold PHI. */
export const BACKUP_JOB_MESSAGE_FIELDS = ['jobId', 'state', 'resourceType', 'account', 'region', 'time'] as const;
type MessageField = (typeof BACKUP_JOB_MESSAGE_FIELDS)[number] | 'resourceArn';

/**
 * The job events that notify, with the exact detail-type, the field holding the job's state (backup and
 * copy jobs report `state`, restore jobs `status`) and the end states that mean the job did not do its
 * work (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html; state values of the
 * AWS Backup API: BackupJobState, CopyJobState, RestoreJobStatus). PARTIAL: some child jobs of a
 * composite job failed.
 */
export const BACKUP_JOB_FAILURES = {
  backup: {
    detailType: 'Backup Job State Change',
    stateField: 'state',
    states: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'],
    jobIdField: 'backupJobId',
    noun: 'backup job',
  },
  copy: {
    detailType: 'Copy Job State Change',
    stateField: 'state',
    states: ['FAILED', 'PARTIAL'],
    jobIdField: 'copyJobId',
    noun: 'copy job',
  },
  restore: {
    detailType: 'Restore Job State Change',
    stateField: 'status',
    states: ['FAILED', 'ABORTED'],
    jobIdField: 'restoreJobId',
    noun: 'restore job',
  },
} as const;
export type BackupJobKind = keyof typeof BACKUP_JOB_FAILURES;

/** EventBridge retries delivery to the topic for the longest it allows, then dead-letters. */
export const BACKUP_NOTIFICATION_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) } as const;

/** Where each message field is in the event of `kind`. Restore job events carry no resource ARN when they fail. */
export function backupJobFieldPaths(kind: BackupJobKind): Partial<Record<MessageField, string>> {
  const spec = BACKUP_JOB_FAILURES[kind];
  return {
    jobId: `$.detail.${spec.jobIdField}`,
    state: `$.detail.${spec.stateField}`,
    resourceType: '$.detail.resourceType',
    ...(kind === 'restore' ? {} : { resourceArn: '$.detail.resourceArn' }),
    account: '$.account',
    region: '$.region',
    time: '$.time',
  };
}

/** The notification text: fixed words and the field placeholders, nothing else. */
export function backupJobMessageText(kind: BackupJobKind): string {
  const spec = BACKUP_JOB_FAILURES[kind];
  const resource = kind === 'restore' ? 'a <resourceType> recovery point' : '<resourceType> resource <resourceArn>';
  return (
    `AWS Backup ${spec.noun} <jobId> ended <state> for ${resource}. ` +
    'Account <account>, region <region>, at <time>. Review the job and its status message in the AWS Backup console.'
  );
}

/** Input transformer: a one-line message from the listed fields only, never the event. */
class BackupJobMessage extends events.RuleTargetInput {
  constructor(private readonly kind: BackupJobKind) {
    super();
  }

  bind(): events.RuleTargetInputProperties {
    return {
      inputPathsMap: { ...backupJobFieldPaths(this.kind) },
      // A JSON string: SNS delivers it as the message text.
      inputTemplate: JSON.stringify(backupJobMessageText(this.kind)),
    };
  }
}

export interface BackupJobNotificationsProps {
  /** Where notifications go: the security topic. It must accept EventBridge and CloudWatch alarms of this account. */
  readonly topic: sns.ITopic;
  /**
   * Encrypts the dead-letter queue (the audit key); its key policy must let EventBridge rules of this
   * account use it (`DataClassKey.allowEventBridgeDeadLetters`).
   */
  readonly deadLetterKey: kms.IKey;
  /** Prefix of the alarm name. @default - a generated name */
  readonly alarmNamePrefix?: string;
}

/**
 * Tells the security contact when AWS Backup did not do its work (HIPAA 164.308(a)(7)(ii)(A) data backup
 * plan, (B) disaster recovery plan, 164.308(a)(6)(ii) response and reporting): a backup job that failed,
 * was aborted, expired before it could start or only partly succeeded; a copy job to the DR vault that
 * failed; a restore job (a scheduled restore test or a drill) that failed or was aborted.
 *
 * The message is a fixed sentence with the job ID, its state, the resource type, the resource ARN
 * (backup and copy jobs; failed restore job events carry none), account, region and time. The status
 * message, role and vault details stay in the console.
 *
 * Undeliverable notifications are retried for 24 hours, then kept in a dead-letter queue (the audit
 * key, TLS only, 14 days) that only these rules may write to; its depth alarms to the same topic.
 */
export class BackupJobNotifications extends Construct {
  readonly rules: Readonly<Record<BackupJobKind, events.Rule>>;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BackupJobNotificationsProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.deadLetterKey,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Declares the queue a dead-letter queue (Control Tower CT.SQS.PR.1); "allowAll" is also SQS's default.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    acknowledge(this.deadLetterQueue.node.defaultChild as CfnResource, {
      ruleId: 'AwsSolutions::AwsSolutions-SQS3',
      control: '164.308(a)(7)(ii)(A)',
      reason:
        'False positive: this queue IS a dead-letter queue, of the DeadLetterConfig of the three backup job rule targets ' +
        '(asserted by the unit tests). The rule only recognises dead-letter queues named in an SQS redrive policy or a ' +
        'Lambda DeadLetterConfig, not EventBridge targets; a dead-letter queue of a dead-letter queue would only move the problem.',
    });

    const rules = {} as Record<BackupJobKind, events.Rule>;
    for (const kind of Object.keys(BACKUP_JOB_FAILURES) as BackupJobKind[]) {
      const spec = BACKUP_JOB_FAILURES[kind];
      const rule = new events.Rule(this, `${kind[0].toUpperCase()}${kind.slice(1)}JobFailures`, {
        description: `AWS Backup ${spec.noun}s that ended ${spec.states.join(', ')}: notify the security contact`,
        eventPattern: {
          source: ['aws.backup'],
          detailType: [spec.detailType],
          detail: { [spec.stateField]: [...spec.states] },
        },
      });
      // Each target also lets its own rule, and nothing else, send to the queue (aws:SourceArn).
      rule.addTarget(
        new EventTopicTarget(props.topic, {
          message: new BackupJobMessage(kind),
          deadLetterQueue: this.deadLetterQueue,
          ...BACKUP_NOTIFICATION_RETRY,
        }),
      );
      rules[kind] = rule;
    }
    this.rules = rules;

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: props.alarmNamePrefix ? `${props.alarmNamePrefix}-BackupJobNotificationFailures` : undefined,
      alarmDescription:
        '[HIPAA 164.308(a)(7)(ii)(A)] A failed AWS Backup job could not be reported to the security topic for 24 hours ' +
        'and is in the backup-job-notifications dead-letter queue. Review the failed jobs in the AWS Backup console now, ' +
        'then find why delivery failed (topic policy, KMS key policy) and redrive or delete the messages.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // An empty, idle queue publishes nothing: no data is the normal state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: true,
    });
    this.deadLetterAlarm.addAlarmAction(new actions.SnsAction(props.topic));
  }
}
