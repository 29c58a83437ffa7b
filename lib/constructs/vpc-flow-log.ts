import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SIX_YEARS_IN_DAYS } from '../config/schema';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

export interface VpcFlowLogProps {
  /** The VPC whose traffic is recorded. */
  readonly vpc: ec2.IVpc;
  /** Encrypts the log group. Its key policy must let CloudWatch Logs use it (`DataClassKey.allowCloudWatchLogs`). */
  readonly encryptionKey: kms.IKey;
  /** Retention of the log group in days: one of the CloudWatch values of at least 6 years (2192). */
  readonly retentionDays: number;
  /**
   * Longest time a flow is aggregated before it is published.
   * @default ec2.FlowLogMaxAggregationInterval.TEN_MINUTES
   */
  readonly maxAggregationInterval?: ec2.FlowLogMaxAggregationInterval;
}

/**
 * Records every accepted and rejected flow of the VPC (HIPAA 164.312(b) audit controls) into a
 * CloudWatch log group that is encrypted with the audit key, kept at least 6 years and retained
 * when the stack is deleted.
 *
 * The delivery role may only write to this log group, and only the flow-logs service of this
 * account may assume it (confused-deputy protection, as the VPC user guide recommends).
 *
 * The log group's logical ID is pinned to `<id>Group` (e.g. `FlowLogGroup`) so that a refactor
 * cannot replace it, and the flow log's `Name` tag to `<stack path>/<id>/Resource`. Use one per stack.
 */
export class VpcFlowLog extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly flowLog: ec2.FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    if (props.retentionDays < SIX_YEARS_IN_DAYS) {
      throw new Error(`VpcFlowLog: retention of ${props.retentionDays} days is below 6 years (${SIX_YEARS_IN_DAYS})`);
    }
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      // The schema only admits values of the RetentionDays enum, which are the day counts.
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    const cfnLogGroup = this.logGroup.node.defaultChild as CfnResource;
    cfnLogGroup.overrideLogicalId(`${id}Group`);

    const role = new iam.Role(this, 'Role', {
      description: 'Lets VPC Flow Logs of this account deliver to the flow-log group',
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*` },
        },
      }),
    });
    // A customer-managed policy rather than the role's inline default policy (HIPAA.Security and
    // NIST IAMNoInlinePolicy), granting what delivery needs on this log group and its streams only.
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'VPC flow-log delivery into the flow-log group only',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });

    this.flowLog = new ec2.FlowLog(this, 'Resource', {
      flowLogName: `${stack.node.path}/${id}/Resource`,
      resourceType: ec2.FlowLogResourceType.fromVpc(props.vpc),
      trafficType: ec2.FlowLogTrafficType.ALL,
      // Immutable view: FlowLog would otherwise add the same grant as an inline policy.
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup, role.withoutPolicyUpdates()),
      maxAggregationInterval: props.maxAggregationInterval,
    });
    // Deliveries start right after creation; the permissions must be attached by then.
    this.flowLog.node.addDependency(policy);
  }
}
