import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { immutableRoleReference } from '../../lib/constructs/immutable-role-reference';

function build(roleFor: (stack: Stack, role: iam.Role) => iam.IRole) {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
  const machineRole = roleFor(stack, role);
  const machine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    role: machineRole,
  });
  new sqs.Queue(stack, 'Queue').grantSendMessages(machineRole);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as CfnElement).logicalId);
  const resources = Template.fromStack(stack).toJSON().Resources;
  return { machine: resources[id(machine)], roleId: id(role), resources };
}

test('the resource references the role by GetAtt and lists no DependsOn on it (cfn-lint W3005)', () => {
  const { machine, roleId } = build((stack, role) => immutableRoleReference(stack, 'Reference', role));
  expect(machine.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  expect(machine.DependsOn).toBeUndefined();
  // withoutPolicyUpdates(), which it replaces, adds the redundant DependsOn.
  expect(build((_, role) => role.withoutPolicyUpdates()).machine.DependsOn).toEqual([roleId]);
});

test("CDK's automatic grants to it add nothing: no inline policy, no managed policy", () => {
  const { resources } = build((stack, role) => immutableRoleReference(stack, 'Reference', role));
  const types = Object.values(resources as Record<string, { Type: string }>).map((r) => r.Type);
  expect(types.filter((t) => t.startsWith('AWS::IAM::')).sort()).toEqual(['AWS::IAM::Role']);
  expect(types).toContain('AWS::SQS::Queue');
});
