import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * `role` for a resource whose every permission is in a managed policy its caller wrote: an immutable
 * reference by ARN, so CDK's automatic grants to the resource add nothing (as with
 * `role.withoutPolicyUpdates()`) and CDK adds no `DependsOn` on the role either. The resource's
 * `Fn::GetAtt` of the role's ARN already makes CloudFormation create the role first; the extra
 * `DependsOn` that `withoutPolicyUpdates()` brings is what cfn-lint reports as W3005. What the resource
 * must wait for beyond the role (its managed policy) the caller states with `node.addDependency`.
 */
export function immutableRoleReference(scope: Construct, id: string, role: iam.IRole): iam.IRole {
  return iam.Role.fromRoleArn(scope, id, role.roleArn, { mutable: false });
}
