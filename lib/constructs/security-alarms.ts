import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import type { HipaaControl } from '../compliance/acknowledge';

/** Namespace of the metrics the security metric filters publish. */
export const SECURITY_METRIC_NAMESPACE = 'HipaaCrm/Security';

/** One CloudTrail metric filter and the alarm on it. */
export interface SecurityAlarmDefinition {
  /** Construct id and metric name (PascalCase), also the suffix of the alarm name. */
  readonly name: string;
  /** CloudWatch Logs filter pattern, applied to the CloudTrail log group exactly as written. */
  readonly pattern: string;
  /** What the alarm means; the alarm description, so it is in every notification. */
  readonly description: string;
  /** The HIPAA control the alarm serves. */
  readonly control: HipaaControl;
  /** Where the pattern comes from. */
  readonly source: string;
}

/**
 * The CIS AWS Foundations Benchmark monitoring filters, written exactly as the AWS Security Hub
 * CSPM controls CloudWatch.1-CloudWatch.14 prescribe them
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html). Security Hub
 * checks these controls against the exact CIS patterns ("additional fields or terms cannot be
 * added"), so they are not reformatted or extended here: a stricter or broader variant would fail
 * the control even though it alarms.
 */
export const CIS_SECURITY_ALARMS: readonly SecurityAlarmDefinition[] = [
  {
    name: 'RootAccountUse',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    description: 'The root user of the account was used. Nobody should use it in daily operation.',
    control: '164.308(a)(1)(ii)(D)',
    source: 'CIS AWS Foundations 1.4.0 4.3 (Security Hub CloudWatch.1)',
  },
  {
    name: 'UnauthorizedApiCalls',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    description: 'An AWS API call was denied (UnauthorizedOperation or AccessDenied).',
    control: '164.308(a)(1)(ii)(D)',
    source: 'CIS AWS Foundations 1.2.0 3.1 (Security Hub CloudWatch.2)',
  },
  {
    name: 'ConsoleSignInWithoutMfa',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    description: 'An IAM user signed in to the AWS Management Console without MFA.',
    control: '164.312(d)',
    source: 'CIS AWS Foundations 1.2.0 3.2 (Security Hub CloudWatch.3)',
  },
  {
    name: 'IamPolicyChanges',
    pattern:
      '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ' +
      '($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ' +
      '($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ' +
      '($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ' +
      '($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ' +
      '($.eventName=DetachGroupPolicy)}',
    description: 'An IAM policy was created, changed, attached or detached.',
    control: '164.308(a)(4)(ii)(C)',
    source: 'CIS AWS Foundations 1.4.0 4.4 (Security Hub CloudWatch.4)',
  },
  {
    name: 'CloudTrailChanges',
    pattern:
      '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ' +
      '($.eventName=StartLogging) || ($.eventName=StopLogging)}',
    description: 'A CloudTrail trail was created, changed, deleted, started or stopped.',
    control: '164.312(b)',
    source: 'CIS AWS Foundations 1.4.0 4.5 (Security Hub CloudWatch.5)',
  },
  {
    name: 'ConsoleSignInFailures',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    description: 'A sign-in to the AWS Management Console failed authentication.',
    control: '164.308(a)(5)(ii)(C)',
    source: 'CIS AWS Foundations 1.4.0 4.6 (Security Hub CloudWatch.6)',
  },
  {
    name: 'KmsKeyDisabledOrScheduledForDeletion',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    description: 'A customer-managed KMS key was disabled or scheduled for deletion: data under it becomes unreadable.',
    control: '164.312(a)(2)(iv)',
    source: 'CIS AWS Foundations 1.4.0 4.7 (Security Hub CloudWatch.7)',
  },
  {
    name: 'S3BucketPolicyChanges',
    pattern:
      '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ' +
      '($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ' +
      '($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ' +
      '($.eventName=DeleteBucketReplication))}',
    description: 'An S3 bucket policy, ACL, CORS, lifecycle or replication configuration was changed.',
    control: '164.312(a)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.8 (Security Hub CloudWatch.8)',
  },
  {
    name: 'ConfigChanges',
    pattern:
      '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ' +
      '($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
    description: 'The AWS Config recorder or delivery channel was stopped, changed or deleted.',
    control: '164.312(b)',
    source: 'CIS AWS Foundations 1.4.0 4.9 (Security Hub CloudWatch.9)',
  },
  {
    name: 'SecurityGroupChanges',
    pattern:
      '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ' +
      '($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ' +
      '($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
    description: 'A security group was created, changed or deleted.',
    control: '164.312(e)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.10 (Security Hub CloudWatch.10)',
  },
  {
    name: 'NetworkAclChanges',
    pattern:
      '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ' +
      '($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ' +
      '($.eventName=ReplaceNetworkAclAssociation)}',
    description: 'A network ACL was created, changed or deleted.',
    control: '164.312(e)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.11 (Security Hub CloudWatch.11)',
  },
  {
    name: 'NetworkGatewayChanges',
    pattern:
      '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ' +
      '($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ' +
      '($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
    description: 'A customer or internet gateway was created, attached, detached or deleted.',
    control: '164.312(e)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.12 (Security Hub CloudWatch.12)',
  },
  {
    name: 'RouteTableChanges',
    pattern:
      '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ' +
      '($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ' +
      '($.eventName=DisassociateRouteTable)}',
    description: 'A route or route table was created, replaced, disassociated or deleted.',
    control: '164.312(e)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.13 (Security Hub CloudWatch.13)',
  },
  {
    name: 'VpcChanges',
    pattern:
      '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ' +
      '($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ' +
      '($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ' +
      '($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ' +
      '($.eventName=EnableVpcClassicLink)}',
    description: 'A VPC or VPC peering connection was created, changed or deleted.',
    control: '164.312(e)(1)',
    source: 'CIS AWS Foundations 1.4.0 4.14 (Security Hub CloudWatch.14)',
  },
];

/** IAM role names: up to 64 of letters, digits and `+=,.@_-` (none of which can break the pattern). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Every assumption of the break-glass role (HIPAA 164.312(a)(2)(ii) emergency access), successful
 * or not. A console "switch role" is logged as an AssumeRole call too. The role name is matched at
 * the end of the ARN so that the alarm does not depend on the account ID or partition.
 */
export function breakGlassAlarm(roleName: string): SecurityAlarmDefinition {
  if (Token.isUnresolved(roleName) || !ROLE_NAME.test(roleName)) {
    throw new Error(`breakGlassAlarm: "${roleName}" is not a literal IAM role name`);
  }
  return {
    name: 'BreakGlassRoleUse',
    pattern: `{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*:role/${roleName}") }`,
    description: `Someone assumed (or tried to assume) the break-glass role ${roleName}. Confirm the emergency and review the session.`,
    control: '164.312(a)(2)(ii)',
    source: 'this deployment: break-glass role (docs/architecture.md)',
  };
}

/** The complete alarm set: the CIS filters and the break-glass alarm. */
/**
 * A KMS key deletion cancelled or a key re-enabled. During a crypto-erasure waiting window this undoes the
 * destruction of PHI, so a person must know at once. Separate from the CIS KMS filter, whose pattern
 * Security Hub compares as written.
 */
export const KEY_DELETION_CANCELLED_ALARM: SecurityAlarmDefinition = {
  name: 'KmsKeyDeletionCancelledOrReEnabled',
  pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=CancelKeyDeletion) || ($.eventName=EnableKey))}',
  description:
    'A KMS key deletion was cancelled or a key re-enabled: during a crypto-erasure window this undoes the destruction of PHI.',
  control: '164.310(d)(2)(i)',
  source: 'this project (docs/runbooks/crypto-erasure-and-teardown.md)',
};

export function securityAlarmDefinitions(breakGlassRoleName: string): SecurityAlarmDefinition[] {
  return [...CIS_SECURITY_ALARMS, KEY_DELETION_CANCELLED_ALARM, breakGlassAlarm(breakGlassRoleName)];
}

export interface SecurityAlarmsProps {
  /** The CloudWatch Logs log group CloudTrail (all regions, management events) delivers to. */
  readonly trailLogGroup: logs.ILogGroup;
  /** Where alarms are sent: the security topic. */
  readonly topic: sns.ITopic;
  /** Name of the break-glass IAM role, whose every use raises an alarm. */
  readonly breakGlassRoleName: string;
  /** Prefix of the alarm names, e.g. `crm-demo-security`. @default - names generated by CloudFormation */
  readonly alarmNamePrefix?: string;
}

/**
 * Security metric filters on the CloudTrail log group and an alarm on each (HIPAA
 * 164.308(a)(1)(ii)(D) information system activity review, 164.308(a)(6)(ii) security incident
 * response and reporting): `securityAlarmDefinitions` lists them, one table to review.
 *
 * Each filter counts matching events (value 1) in `SECURITY_METRIC_NAMESPACE`; its alarm fires on
 * one event within 5 minutes (Sum >= 1 over one 5-minute period), treats missing data as not
 * breaching (no events is the normal state), and notifies the topic when it enters ALARM. There
 * is no OK notification: an alarm falling back to OK five minutes later says nothing new and would
 * double the mail for every event. Each alarm is an incident to follow up in the CloudTrail log.
 */
export class SecurityAlarms extends Construct {
  /** Alarm per definition name. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  /** Metric filter per definition name. */
  readonly metricFilters: Record<string, logs.MetricFilter> = {};
  readonly definitions: readonly SecurityAlarmDefinition[];

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    this.definitions = securityAlarmDefinitions(props.breakGlassRoleName);
    const notify = new actions.SnsAction(props.topic);

    for (const d of this.definitions) {
      const filter = new logs.MetricFilter(this, `${d.name}Filter`, {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(d.pattern),
        metricNamespace: SECURITY_METRIC_NAMESPACE,
        metricName: d.name,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `${d.name}Alarm`, {
        alarmName: props.alarmNamePrefix ? `${props.alarmNamePrefix}-${d.name}` : undefined,
        alarmDescription: `[HIPAA ${d.control}] ${d.description} Source: ${d.source}.`,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: true,
      });
      alarm.addAlarmAction(notify);
      this.metricFilters[d.name] = filter;
      this.alarms[d.name] = alarm;
    }

    allowAlarmsOfThisAccount(props.topic, this);
  }
}

/**
 * Lets CloudWatch alarms of the account and region of `alarms` (the topic's own by default) publish to
 * the topic: a topic policy replaces SNS's default one, which trusted the owner account. Another
 * account's alarms cannot: both conditions name this account. Adding it twice leaves one statement
 * (CDK drops identical statements).
 */
export function allowAlarmsOfThisAccount(topic: sns.ITopic, alarms: IConstruct = topic): void {
  const stack = Stack.of(alarms);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }),
  );
}
