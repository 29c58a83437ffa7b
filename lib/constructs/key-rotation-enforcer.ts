import * as path from 'node:path';
import { Duration, Stack, Token, type CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ROTATION_ENV,
  ROTATION_EVIDENCE_PREFIX,
  ROTATION_METRIC_SERVICE,
  ROTATION_METRICS,
} from '../../lambda/shared/key-lifecycle-contract';
import { FunctionAlarms, type ExpectedRun } from './function-alarms';
import { SecureFunction, type SecureFunctionPlacement } from './secure-function';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';

export interface KeyRotationEnforcerProps {
  /** Deployment name: the function checks the keys behind `alias/<deployment>/*` tagged with it. */
  readonly deployment: string;
  /** Name of the function (`deploymentNames(deployment).keyRotationFunction` or `.drKeyRotationFunction`); also the default alarm name prefix. */
  readonly functionName: string;
  /** EventBridge schedule expression (UTC) of the check (`keys.rotationCheckSchedule`), e.g. `cron(0 6 * * ? *)`. */
  readonly schedule: string;
  /** Automatic rotation period every symmetric key must have (`keys.rotationPeriodDays`), 90 to 2560 days. */
  readonly rotationPeriodDays: number;
  /**
   * ARNs of the keys the function may check and rotate: every key behind `alias/<deployment>/` in the
   * function's region, the asymmetric certificate-signing key included. Only these are granted; a key
   * found by its alias but missing here cannot be checked and fails the run (so a forgotten key alarms).
   */
  readonly keyArns: readonly string[];
  /** Write-once evidence store, in the function's region; records go under `key-rotation/`. */
  readonly evidenceBucket: s3.IBucket;
  /** Key of the evidence bucket. @default evidenceBucket.encryptionKey */
  readonly evidenceKey?: kms.IKey;
  /**
   * Where the function runs (see `SecureFunctionPlacement`). In the VPC it needs the KMS interface
   * endpoint and the S3 gateway endpoint, hence `s3PrefixListId`.
   */
  readonly placement: SecureFunctionPlacement;
  /** ID of the region's S3 managed prefix list (`s3PrefixListId(region)`). Required in the VPC; unused outside. */
  readonly s3PrefixListId?: string;
  /** Encrypts the log group and the dead-letter queue (the audit key of the function's region). */
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
  /** Receives the alarms: a topic in the function's region (CloudWatch alarms cannot notify another region). */
  readonly alarmTopic: sns.ITopic;
  /** Prefix of the alarm names. @default functionName */
  readonly alarmNamePrefix?: string;
  /** TypeScript entry of the function. @default lambda/key-rotation/index.ts */
  readonly entry?: string;
}

/** KMS accepts rotation periods of 90 to 2560 days (EnableKeyRotation `RotationPeriodInDays`). */
const KMS_ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * The key rotation enforcer of one region (HIPAA 164.312(a)(2)(iv) encryption and decryption,
 * 164.308(a)(1)(ii)(B) risk management): on `schedule`, a function finds the deployment's keys by their
 * alias prefix, proves each by its tags, account and region, keeps automatic rotation on with
 * `rotationPeriodDays`, flags keys whose material is overdue, and records it all in the evidence bucket
 * (`key-rotation/`). Invoked directly with a `RotateNowRequest`, it rotates one key on demand.
 *
 * Least privilege:
 * - `kms:ListAliases` on `*` (KMS has no resource-level permission for it);
 * - read (DescribeKey, ListResourceTags, GetKeyRotationStatus, ListKeyRotations) and rotate
 *   (EnableKeyRotation, only with the configured `kms:RotationPeriodInDays`; RotateKeyOnDemand) on the
 *   given `keyArns` only. Nothing that disables, deletes or re-keys: no DisableKey, DisableKeyRotation,
 *   ScheduleKeyDeletion, PutKeyPolicy, CreateAlias or UpdateAlias;
 * - `s3:PutObject` under `key-rotation/` of the evidence bucket, and data keys of its key through S3 only.
 *
 * Operation: reserved concurrency 1 (a check and a rotate-now never race), a dead-letter queue for
 * failed asynchronous runs, and alarms to `alarmTopic` (`FunctionAlarms`): Lambda errors, the dead-letter
 * queue, `KeyRotationFailures`, `KeysOutOfPolicy` and `KeyRotationDriftFixed` above zero, and "did not
 * run" when the schedule lets CloudWatch watch it (`expectedRunFor`).
 */
export class KeyRotationEnforcer extends Construct {
  readonly handler: SecureFunction;
  readonly rule: events.Rule;
  readonly alarms: FunctionAlarms;

  constructor(scope: Construct, id: string, props: KeyRotationEnforcerProps) {
    super(scope, id);
    validate(this.node.path, props);
    const stack = Stack.of(this);
    const evidenceKey = props.evidenceKey ?? props.evidenceBucket.encryptionKey;
    if (!evidenceKey) throw new Error(`${this.node.path}: the evidence bucket has no KMS key; pass evidenceKey`);
    const evidenceObjects = props.evidenceBucket.arnForObjects(`${ROTATION_EVIDENCE_PREFIX}*`);
    const keyArns = [...props.keyArns];

    this.handler = new SecureFunction(this, 'Handler', {
      entry: props.entry ?? path.join(__dirname, '..', '..', 'lambda', 'key-rotation', 'index.ts'),
      functionName: props.functionName,
      description: 'Enforces KMS key rotation of the deployment keys and records the evidence (HIPAA 164.312(a)(2)(iv))',
      // ROTATION_ENV.region is AWS_REGION, which Lambda sets itself (and refuses to have set).
      environment: {
        [ROTATION_ENV.deployment]: props.deployment,
        [ROTATION_ENV.rotationPeriodDays]: String(props.rotationPeriodDays),
        [ROTATION_ENV.evidenceBucket]: props.evidenceBucket.bucketName,
        // Named on every write: asking for SSE-KMS without a key ID would use the aws/s3 key instead.
        [ROTATION_ENV.evidenceKmsKeyArn]: evidenceKey.keyArn,
      },
      placement: props.placement,
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
      // One run at a time: a scheduled check and a rotate-now never act on a key together.
      reservedConcurrency: 1,
      // A handful of keys, a few calls each, with room for the SDK's throttling back-off.
      timeout: Duration.minutes(2),
      wildcardResourceReason:
        'kms:ListAliases, which supports no resource-level permission (KMS authorizes it on the account); the function ' +
        'lists the aliases to find the ones under alias/<deployment>/ and acts only on the keys granted by ARN below.',
      statements: [
        new iam.PolicyStatement({
          sid: 'ListAliasesOfThisAccountAndRegion',
          actions: ['kms:ListAliases'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReadDeploymentKeys',
          actions: ['kms:DescribeKey', 'kms:ListResourceTags', 'kms:GetKeyRotationStatus', 'kms:ListKeyRotations'],
          resources: keyArns,
        }),
        new iam.PolicyStatement({
          sid: 'EnableRotationWithTheConfiguredPeriod',
          actions: ['kms:EnableKeyRotation'],
          resources: keyArns,
          conditions: { NumericEquals: { 'kms:RotationPeriodInDays': props.rotationPeriodDays } },
        }),
        new iam.PolicyStatement({
          sid: 'RotateDeploymentKeysOnDemand',
          actions: ['kms:RotateKeyOnDemand'],
          resources: keyArns,
        }),
        new iam.PolicyStatement({
          sid: 'WriteRotationEvidence',
          actions: ['s3:PutObject'],
          resources: [evidenceObjects],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptRotationEvidence',
          actions: ['kms:GenerateDataKey'],
          resources: [evidenceKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
    acknowledgeWildcardResource(this.handler.policy.node.defaultChild as CfnResource, evidenceObjects, {
      control: '164.312(b)',
      reason:
        'Each run writes a new record whose key holds its time and region (key-rotation/<yyyy>/<mm>/<timestamp>-<region>.json), ' +
        'so s3:PutObject is granted on that prefix of the evidence bucket: no other prefix, no read, no delete. Object Lock ' +
        'keeps every written version.',
    });

    // In the VPC the only egress SecureFunction allows is HTTPS to the VPC (the KMS interface endpoint);
    // the evidence goes to S3 through the gateway endpoint, whose addresses are the S3 prefix list.
    if (this.handler.securityGroup) {
      this.handler.securityGroup.addEgressRule(
        ec2.Peer.prefixList(props.s3PrefixListId as string),
        ec2.Port.tcp(443),
        'S3 gateway endpoint (evidence)',
      );
    }

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Checks the rotation of the ${props.deployment} keys in this region`,
      schedule: events.Schedule.expression(props.schedule),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.handler.function, {
        deadLetterQueue: this.handler.deadLetterQueue,
        retryAttempts: 2,
        // Later than that, the next scheduled run is as good.
        maxEventAge: Duration.hours(6),
      }),
    );

    this.alarms = new FunctionAlarms(this, 'Alarms', {
      handler: this.handler,
      functionName: props.functionName,
      alarmNamePrefix: props.alarmNamePrefix ?? props.functionName,
      topic: props.alarmTopic,
      serviceName: ROTATION_METRIC_SERVICE,
      onFailure:
        'The evidence record (evidence bucket, key-rotation/) lists each key with its status and findings; follow ' +
        'docs/runbooks/key-rotation.md.',
      failureMetrics: [
        {
          metricName: ROTATION_METRICS.failures,
          meaning: 'The rotation of one or more deployment keys could not be checked, or the evidence could not be written.',
        },
        {
          metricName: ROTATION_METRICS.keysOutOfPolicy,
          meaning:
            'A deployment key is out of policy: key material overdue for rotation, key not Enabled, a key KMS cannot ' +
            'rotate, or a key behind a deployment alias that is not provably the deployment key (refused).',
        },
        {
          metricName: ROTATION_METRICS.driftFixed,
          meaning:
            'Automatic rotation of a deployment key was found off or with another period, and was set back. Find who ' +
            'changed it: CloudTrail DisableKeyRotation / EnableKeyRotation events for the key.',
        },
      ],
      expectedRun: expectedRunFor(props.schedule),
    });
  }
}

/** Every problem with the props at once, before anything is built. */
function validate(nodePath: string, props: KeyRotationEnforcerProps): void {
  const errors: string[] = [];
  const p = props.rotationPeriodDays;
  if (!Number.isInteger(p) || p < KMS_ROTATION_PERIOD_DAYS.min || p > KMS_ROTATION_PERIOD_DAYS.max) {
    errors.push(
      `rotationPeriodDays must be a whole number from ${KMS_ROTATION_PERIOD_DAYS.min} to ${KMS_ROTATION_PERIOD_DAYS.max}`,
    );
  }
  if (!/^(cron|rate)\(.+\)$/.test(props.schedule)) errors.push('schedule must be an EventBridge cron() or rate() expression');
  if (props.keyArns.length === 0) errors.push('keyArns must name at least one key');
  if (new Set(props.keyArns).size !== props.keyArns.length) errors.push('keyArns lists a key twice');
  for (const arn of props.keyArns) {
    // A token is an ARN from a key construct; a literal must be one key ARN, never a pattern or an alias.
    if (!Token.isUnresolved(arn) && !KEY_ARN.test(arn)) errors.push(`keyArns: "${arn}" is not a KMS key ARN`);
  }
  if (props.placement.network && !props.s3PrefixListId) {
    errors.push('s3PrefixListId is required in the VPC (the evidence goes through the S3 gateway endpoint)');
  }
  if (errors.length > 0) throw new Error(`${nodePath}: ${errors.join('; ')}`);
}

/**
 * How often `schedule` runs, when that can be read from it: `rate(n minutes|hours|days)`, and cron
 * expressions that run every day (fixed minute and hour) or every hour (fixed minute), every month,
 * every year. Anything else (weekdays, days of the month, lists) is `undefined`.
 */
export function scheduleInterval(schedule: string): Duration | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) return undefined;
    if (rate[2].startsWith('minute')) return Duration.minutes(n);
    return rate[2].startsWith('hour') ? Duration.hours(n) : Duration.days(n);
  }
  const cron = /^cron\((.+)\)$/.exec(schedule);
  const fields = cron?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  const every = (f: string) => f === '*' || f === '?';
  if (!/^\d{1,2}$/.test(minute) || month !== '*' || year !== '*' || !every(dayOfMonth) || !every(dayOfWeek)) return undefined;
  if (/^\d{1,2}$/.test(hour)) return Duration.days(1);
  return hour === '*' ? Duration.hours(1) : undefined;
}

/**
 * The "did not run" alarm for `schedule`: `KeysChecked` missing for two intervals (one missed run
 * alarms; the current, unfinished period is never the only empty one). Intervals up to a day are
 * watched in periods of one interval; longer whole-day intervals in one-day periods, one more than the
 * interval has days. CloudWatch looks back 7 days at most, so a schedule of 7 days or more, or one whose
 * interval cannot be read (`scheduleInterval`), gets no such alarm: the other alarms and the evidence
 * still cover it.
 */
export function expectedRunFor(schedule: string): ExpectedRun | undefined {
  const interval = scheduleInterval(schedule);
  if (!interval) return undefined;
  const seconds = interval.toSeconds();
  const metricName = ROTATION_METRICS.keysChecked;
  if (seconds <= 86_400) {
    // Under an hour, CloudWatch looks back one day at most: 2 x 59 minutes is well inside it.
    return { metricName, period: interval, periods: 2 };
  }
  const days = seconds / 86_400;
  return Number.isInteger(days) && days + 1 <= 7 ? { metricName, period: Duration.days(1), periods: days + 1 } : undefined;
}
