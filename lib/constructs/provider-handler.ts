/**
 * CDK's `CustomResourceProvider` singletons (one per stack and resource type): their handler Lambda, the
 * redundant DependsOn CDK gives it on its role, and the one finding every such handler has.
 */
import { CfnResource, type Stack } from 'aws-cdk-lib';
import { acknowledge } from '../compliance/acknowledge';

/** The handler Lambda of `stack`'s provider `providerId` (e.g. `Custom::S3AutoDeleteObjectsCustomResourceProvider`); fails loudly if CDK moves it. */
export function providerHandler(stack: Stack, providerId: string): CfnResource {
  const handler = stack.node.tryFindChild(providerId)?.node.tryFindChild('Handler');
  if (!handler || !CfnResource.isCfnResource(handler) || handler.cfnResourceType !== 'AWS::Lambda::Function') {
    throw new Error(
      `the ${providerId} handler Lambda was not found where CDK creates it; update providerHandler for this aws-cdk-lib version`,
    );
  }
  return handler;
}

/**
 * CDK makes a provider's handler depend on its role, which the handler's `Role` (a GetAtt of the role's
 * ARN) already orders: the redundant DependsOn is cfn-lint W3005. The role's permissions are inline in it,
 * so nothing else must come first.
 */
export function dropRedundantRoleDependency(handler: CfnResource): void {
  const role = handler.node.scope?.node.tryFindChild('Role');
  if (!role || !CfnResource.isCfnResource(role) || role.cfnResourceType !== 'AWS::IAM::Role') {
    throw new Error(
      `${handler.node.path}: the provider's role was not found where CDK creates it; update dropRedundantRoleDependency for this aws-cdk-lib version`,
    );
  }
  handler.removeResourceDependency(role);
}

const OUTSIDE_VPC_RULE = 'cdk-validator-cfnguard::lambda_inside_vpc_check';

/**
 * Acknowledges, on the handler only and once, Control Tower's "Lambda inside a VPC" rule: a
 * CustomResourceProvider has no VPC option. `what` says what the handler does and why that is safe.
 */
export function acknowledgeProviderOutsideVpc(handler: CfnResource, what: string): void {
  if (handler.node.metadata.some((m) => JSON.stringify(m.data ?? '').includes(OUTSIDE_VPC_RULE))) return;
  acknowledge(handler, {
    ruleId: OUTSIDE_VPC_RULE,
    control: '164.312(e)(1)',
    reason: `${what} CustomResourceProvider Lambdas cannot be placed in a VPC.`,
  });
}
