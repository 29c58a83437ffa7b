import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { BreakGlassRole } from '../../lib/constructs/break-glass-role';
import { projectApp } from '../helpers/app';

function setup(maxMfaAge?: Duration) {
  const stack = new Stack(projectApp(), 'Id');
  const userPool = new cognito.UserPool(stack, 'Pool');
  return { stack, glass: new BreakGlassRole(stack, 'BreakGlass', { roleName: 'x-break-glass', userPool, maxMfaAge }) };
}

describe('BreakGlassRole', () => {
  test('refuses an MFA age above one hour', () => {
    expect(() => setup(Duration.hours(2))).toThrow(/at most 1 hour/);
  });

  test('a shorter MFA age tightens the trust condition', () => {
    const { stack } = setup(Duration.minutes(15));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'x-break-glass',
      AssumeRolePolicyDocument: { Statement: [{ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '900' } } }] },
    });
  });

  test('acknowledges only the ReadOnlyAccess managed-policy finding, on the role', () => {
    const { glass } = setup();
    const rules = (glass.role.node.defaultChild as CfnResource).node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>))
      .map((r) => r.replace(/^annotation::/i, ''));
    expect(rules).toEqual(['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]']);
  });
});
