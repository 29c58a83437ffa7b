import { Aws, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './wildcard-acknowledgement';

/** Where an output of a stack in another account is read from: everything is a fixed name. */
export interface StackOutputLocation {
  /** Name of the producer stack. */
  readonly stackName: string;
  /** Account and region of the producer stack. */
  readonly account: string;
  readonly region: string;
  /** Name of the reader role in the producer account (`deploymentNames(d).stackOutputReaderRole(part)`). */
  readonly readerRoleName: string;
  /** The output's (pinned) logical ID. */
  readonly outputName: string;
}

export interface StackOutputReaderProps {
  /** Fixed name of the reader role, which the consumer's template names in `Fn::GetStackOutput`. */
  readonly roleName: string;
  /**
   * Exact ARN of the only principal that may read: the consumer stack's CloudFormation execution role
   * (`cdkExecutionRoleArns`), which CloudFormation uses to resolve `Fn::GetStackOutput`.
   */
  readonly consumerRoleArn: string;
  /** The organization both accounts belong to (aws:PrincipalOrgID in the trust policy). */
  readonly organizationId: string;
}

/**
 * Lets one stack of another account read outputs of this stack with CloudFormation's
 * `Fn::GetStackOutput`, which "supports cross-account and cross-region references" and is resolved when
 * the consumer stack is created or updated, never later
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).
 * Its `RoleArn` must name a role with `cloudformation:DescribeStacks` on the producer stack that the
 * consumer's execution role can assume (same page). This is that role, with a fixed name, trusted only
 * by the consumer's exact execution role inside the organization, and allowed nothing but describing
 * this stack.
 *
 * CDK's own cross-account references make the same kind of role, but its trust policy has no
 * aws:PrincipalOrgID, and the project's references are strong (cdk.json): hence this construct.
 */
export class StackOutputReader extends Construct {
  /** The `Fn::GetStackOutput` token of `location`'s output, for the consumer's template. */
  static valueOf(location: StackOutputLocation): string {
    // The partition is the consumer's: Fn::GetStackOutput does not cross partitions (same page).
    const roleArn = `arn:${Aws.PARTITION}:iam::${location.account}:role/${location.readerRoleName}`;
    return Fn.getStackOutput(location.stackName, location.outputName, location.region, roleArn);
  }

  readonly role: iam.Role;
  private readonly roleName: string;

  constructor(scope: Construct, id: string, props: StackOutputReaderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.roleName = props.roleName;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: `Lets ${props.consumerRoleArn} read the outputs of ${stack.stackName} (Fn::GetStackOutput)`,
      // An exact role ARN of another account: the role exists from the consumer account's CDK bootstrap on,
      // so IAM accepts it (a principal that does not exist is refused).
      assumedBy: new iam.ArnPrincipal(props.consumerRoleArn).withConditions({
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
      }),
    });
    // The stack ID CloudFormation appends to the name is random: `stack/<name>/*` is this stack only.
    const stackArn = stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Describe ${stack.stackName} only, to read its outputs`,
      roles: [this.role],
      statements: [new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stackArn] })],
    });
    acknowledgeWildcardResource(policy.node.defaultChild as iam.CfnManagedPolicy, stackArn, {
      control: '164.312(a)(1)',
      reason:
        'A stack ARN ends with the random ID CloudFormation gives the stack at creation; the wildcard stands for that ID only, so the policy names this one stack (by its fixed name) and allows nothing but DescribeStacks on it.',
    });
  }

  /** Outputs `value` under the fixed logical ID `outputName`, for the consumer to read (`outputValue`). */
  addOutput(outputName: string, value: string, description: string): CfnOutput {
    const output = new CfnOutput(this, outputName, { value, description });
    output.overrideLogicalId(outputName);
    return output;
  }

  /** The `Fn::GetStackOutput` token of this stack's output `outputName`, for the consumer's template. */
  outputValue(outputName: string): string {
    const stack = Stack.of(this);
    return StackOutputReader.valueOf({
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      readerRoleName: this.roleName,
      outputName,
    });
  }
}
