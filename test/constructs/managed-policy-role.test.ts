import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ManagedPolicyRole } from '../../lib/constructs/managed-policy-role';
import { projectApp } from '../helpers/app';

describe('ManagedPolicyRole', () => {
  test("CDK grants land in the role's one customer-managed policy, never in an inline policy", () => {
    const stack = new Stack(projectApp(), 'Roles');
    const role = new ManagedPolicyRole(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      policyDescription: 'test grants',
    });
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:GetCallerIdentity'], resources: ['*'] }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy.Properties.Description).toBe('test grants');
    expect(policy.Properties.Roles).toEqual([{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }]);
    expect(policy.Properties.PolicyDocument.Statement.map((s: { Action: unknown }) => s.Action)).toEqual(
      expect.arrayContaining(['sts:GetCallerIdentity', expect.arrayContaining(['s3:GetObject*'])]),
    );
  });

  test('creates no (invalid, empty) policy when nothing is granted', () => {
    const stack = new Stack(projectApp(), 'Roles');
    new ManagedPolicyRole(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      policyDescription: 'none',
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });
});
