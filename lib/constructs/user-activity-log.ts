import { ArnFormat, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { exemptFromLogKms } from '../compliance/log-policy';
import { acknowledge } from '../compliance/acknowledge';
import { SIX_YEARS_IN_DAYS } from '../config/schema';

export interface UserActivityLogProps {
  /** The user pool whose activity is exported. Its feature plan must be Plus (threat protection). */
  readonly userPool: cognito.IUserPool;
  /** Name of the log group; under `/aws/vendedlogs/` so the delivery policy never outgrows its size limit. */
  readonly logGroupName: string;
  /** Retention of the log group in days: one of the CloudWatch values of at least 6 years (2192). */
  readonly retentionDays: number;
}

/**
 * Exports the user pool's activity (HIPAA 164.312(b) audit controls, 164.308(a)(1)(ii)(D)
 * information system activity review) into a CloudWatch log group kept at least 6 years and retained
 * when the stack is deleted:
 *
 * - `userAuthEvents` (INFO): every sign-in, sign-out, password and MFA event with its threat
 *   protection risk decision.
 * - `userNotification` (ERROR): failures to deliver Cognito's e-mail messages.
 *
 * The events hold identifiers (user name = work e-mail, `sub`, client ID), source IP address, user
 * agent, event type and outcome. No PHI: patient data never passes through Cognito.
 *
 * The log group is NOT encrypted with a customer-managed key: Cognito's log delivery only accepts a
 * log group without a KMS key (see the LogGroupArn documentation of the Cognito API's
 * CloudWatchLogsConfigurationType). CloudWatch Logs encrypts it at rest with AWS-managed keys; the
 * exception is acknowledged on this log group only.
 */
export class UserActivityLog extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly delivery: cognito.CfnLogDeliveryConfiguration;

  constructor(scope: Construct, id: string, props: UserActivityLogProps) {
    super(scope, id);
    if (props.retentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`UserActivityLog: retention of ${props.retentionDays} days is below 6 years (${SIX_YEARS_IN_DAYS})`);
    }
    if (!props.logGroupName.startsWith('/aws/vendedlogs/')) {
      throw new Error(`UserActivityLog: the log group name must start with /aws/vendedlogs/ (got ${props.logGroupName})`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      // The schema only admits values of the RetentionDays enum, which are the day counts.
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason =
      'Amazon Cognito delivers user-pool logs only to a log group that is not encrypted with AWS KMS ' +
      '(Cognito API reference, CloudWatchLogsConfigurationType.LogGroupArn). CloudWatch Logs still encrypts the ' +
      'events at rest with AWS-managed keys. The log holds staff identifiers, IP addresses and sign-in outcomes, no PHI.';
    exemptFromLogKms(this.logGroup, reason);
    acknowledge(
      this.logGroup.node.defaultChild as CfnResource,
      { ruleId: 'HIPAA.Security::HIPAA.Security-CloudWatchLogGroupEncrypted', control: '164.312(a)(2)(iv)', reason },
      { ruleId: 'NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted', control: '164.312(a)(2)(iv)', reason },
      { ruleId: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', control: '164.312(a)(2)(iv)', reason },
    );

    // The log group's Arn attribute ends in ':*', which Cognito's ARN pattern refuses.
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.delivery = new cognito.CfnLogDeliveryConfiguration(this, 'Resource', {
      userPoolId: props.userPool.userPoolId,
      logConfigurations: [
        { eventSource: 'userAuthEvents', logLevel: 'INFO', cloudWatchLogsConfiguration: { logGroupArn } },
        { eventSource: 'userNotification', logLevel: 'ERROR', cloudWatchLogsConfiguration: { logGroupArn } },
      ],
    });
  }
}
