import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  CANARY_DB_USER,
  CANARY_ENV,
  CANARY_METRICS,
  METRIC_SERVICE,
  RDS_CA_BUNDLE_ENV,
} from '../../lambda/shared/restore-validation-contract';
import { FunctionAlarms } from './function-alarms';
import { SecureFunction, type SecureFunctionNetwork } from './secure-function';

export interface IntegrityCanaryProps {
  /** Name of the function (`deploymentNames(deployment).integrityCanaryFunction`); also the default alarm name prefix. */
  readonly functionName: string;
  /** How often a row is written (`backup.canaryIntervalMinutes`), 5 to 60 minutes. */
  readonly interval: Duration;
  /** The live database: its endpoint and resource ID (`instanceResourceId`, for the IAM grant). */
  readonly database: rds.IDatabaseInstance;
  /** Security group of the live database; the canary is admitted to it on `databasePort`. */
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  /** Port of the live database, a literal (rule packs cannot check a token). */
  readonly databasePort: number;
  /** Name of the application database, where `hipaa_ops.restore_canary` lives. */
  readonly databaseName: string;
  /** Where the function runs: the workload subnets, next to the interface endpoints. */
  readonly network: SecureFunctionNetwork;
  /** Encrypts the log group and the dead-letter queue (the audit key). */
  readonly encryptionKey: kms.IKey;
  readonly logRetentionDays: number;
  /** Receives the alarms (the security topic). */
  readonly alarmTopic: sns.ITopic;
  /** Consecutive intervals without a written row that raise the alarm. @default 3 */
  readonly missedIntervalsToAlarm?: number;
  /** Prefix of the alarm names. @default functionName */
  readonly alarmNamePrefix?: string;
  /** TypeScript entry of the function. @default lambda/integrity-canary/index.ts */
  readonly entry?: string;
}

/**
 * The integrity canary (HIPAA 164.308(a)(7)(ii)(D) testing of backups, 164.312(c)(1) integrity): every
 * `interval`, a function writes one row into `hipaa_ops.restore_canary` of the live database, as the
 * INSERT-only `hipaa_canary` user with IAM authentication over TLS. Every restored copy then carries
 * the newest row its backup captured: the restore validator checks its digest and measures the RPO by
 * its age.
 *
 * - The schedule is an EventBridge rule; a missed run is not retried later (the next run writes a fresh
 *   row), so Lambda does not retry a failed run either.
 * - `rds-db:connect` is granted for `hipaa_canary` on this one instance (its DbiResourceId), nothing else.
 * - Network: the function's security group may reach the database port of the database's security
 *   group, and that group admits it. The database lives in another stack (Data) that must not depend
 *   on this one, so the ingress rule is a separate `AWS::EC2::SecurityGroupIngress` created here,
 *   naming the database's group by ID (`databaseIngress`); deleting this stack removes it.
 * - Alarms to the topic (`FunctionAlarms`): a failed run (Lambda errors: the canary rethrows every
 *   failure), events in the dead-letter queue, and no row written for `missedIntervalsToAlarm`
 *   intervals (missing data breaches: a canary that stopped running alarms too).
 */
export class IntegrityCanary extends Construct {
  readonly handler: SecureFunction;
  readonly schedule: events.Rule;
  /** Admits the canary to the live database's security group (in this stack). */
  readonly databaseIngress: ec2.CfnSecurityGroupIngress;
  /** Lambda errors (a failed write), the dead-letter queue, and no row written for `missedIntervalsToAlarm` intervals. */
  readonly alarms: FunctionAlarms;

  constructor(scope: Construct, id: string, props: IntegrityCanaryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const minutes = props.interval.toSeconds() / 60;
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 60) {
      throw new Error(`${this.node.path}: the canary interval must be a whole number of minutes from 5 to 60`);
    }
    const missed = props.missedIntervalsToAlarm ?? 3;
    // CloudWatch: periods under an hour may look back one day at most.
    if (!Number.isInteger(missed) || missed < 1 || missed * minutes > 24 * 60) {
      throw new Error(`${this.node.path}: missedIntervalsToAlarm x interval must stay within one day`);
    }
    const resourceId = props.database.instanceResourceId;
    if (!resourceId) throw new Error(`${this.node.path}: the database does not expose its instanceResourceId`);
    const functionName = props.functionName;
    const canaryDbUser = `arn:${stack.partition}:rds-db:${stack.region}:${stack.account}:dbuser:${resourceId}/${CANARY_DB_USER}`;

    this.handler = new SecureFunction(this, 'Handler', {
      entry: props.entry ?? path.join(__dirname, '..', '..', 'lambda', 'integrity-canary', 'index.ts'),
      functionName,
      description: 'Writes the integrity canary row that restore tests check (HIPAA 164.308(a)(7)(ii)(D))',
      environment: {
        [CANARY_ENV.host]: props.database.dbInstanceEndpointAddress,
        [CANARY_ENV.port]: String(props.databasePort),
        [CANARY_ENV.databaseName]: props.databaseName,
        // Node reads it at start-up only: pg then trusts the RDS CA bundle the runtime ships.
        ...RDS_CA_BUNDLE_ENV,
      },
      placement: { network: props.network },
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: 1,
      timeout: Duration.seconds(30),
      // The next scheduled run is the retry.
      retryAttempts: 0,
      statements: [
        new iam.PolicyStatement({
          sid: 'ConnectAsCanaryToTheLiveDatabase',
          actions: ['rds-db:connect'],
          resources: [canaryDbUser],
        }),
      ],
    });

    const securityGroup = this.handler.securityGroup;
    if (!securityGroup) throw new Error(`${this.node.path}: the canary must run in the VPC`);
    const port = ec2.Port.tcp(props.databasePort);
    securityGroup.addEgressRule(
      ec2.Peer.securityGroupId(props.databaseSecurityGroup.securityGroupId),
      port,
      'Integrity canary to the PHI database',
    );
    this.databaseIngress = new ec2.CfnSecurityGroupIngress(this, 'DatabaseIngress', {
      groupId: props.databaseSecurityGroup.securityGroupId,
      sourceSecurityGroupId: securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.databasePort,
      toPort: props.databasePort,
      description: 'Integrity canary (Operations stack)',
    });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Writes the integrity canary row every ${minutes} minutes`,
      schedule: events.Schedule.rate(props.interval),
    });
    this.schedule.addTarget(
      new targets.LambdaFunction(this.handler.function, {
        deadLetterQueue: this.handler.deadLetterQueue,
        retryAttempts: 2,
        // A run later than the next one is worthless: the next run writes a fresher row.
        maxEventAge: props.interval,
      }),
    );

    this.alarms = new FunctionAlarms(this, 'Alarms', {
      handler: this.handler,
      functionName,
      alarmNamePrefix: props.alarmNamePrefix ?? functionName,
      topic: props.alarmTopic,
      serviceName: METRIC_SERVICE.canary,
      onFailure:
        'While no row is written, restore tests cannot prove the RPO or the integrity of restored databases. The log ' +
        'names the failing stage (config, connect, insert) and the error code: check the database, its security group ' +
        'and the hipaa_canary user.',
      // A canary that stopped running publishes nothing: that is exactly what must alarm (missing data breaches).
      expectedRun: { metricName: CANARY_METRICS.written, period: props.interval, periods: missed },
    });
  }
}
