/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StackOutputReader } from '../../lib/constructs/stack-output-reader';
import { templateApp } from '../helpers/stand-ins';

const CONSUMER_ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1';
const app = templateApp();
const producer = new Stack(app, 'Producer', {
  stackName: 'crm-log-archive',
  env: { account: '222222222222', region: 'us-east-1' },
});
const reader = new StackOutputReader(producer, 'Outputs', {
  roleName: 'crm-log-archive-output-reader',
  consumerRoleArn: CONSUMER_ROLE,
  organizationId: 'o-a1b2c3d4e5',
});
reader.addOutput('KeyArn', 'arn:aws:kms:us-east-1:222222222222:key/k', 'the key');
const consumer = new Stack(app, 'Consumer', { env: { account: '111122223333', region: 'us-east-1' } });
const template = Template.fromStack(producer).toJSON();
const resources = Object.values(template.Resources) as any[];

describe('StackOutputReader', () => {
  test('the reader role is trusted by the consumer execution role only, by exact ARN and inside the organization', () => {
    const [role] = resources.filter((r) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('crm-log-archive-output-reader');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: CONSUMER_ROLE },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      },
    ]);
  });

  test('it may only describe its own stack (its random stack ID is the one wildcard, and only that is acknowledged)', () => {
    const [policy] = resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    const stackArn = 'arn:aws:cloudformation:us-east-1:222222222222:stack/crm-log-archive/*';
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: stackArn },
    ]);
    const ids = reader.node
      .findChild('Policy')
      .node.defaultChild!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(ids).toEqual([`AwsSolutions::AwsSolutions-IAM5[Resource::${stackArn}]`]);
    expect(resources.filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
  });

  test('the output keeps its logical ID, which the consumer names', () => {
    expect(template.Outputs.KeyArn).toEqual({ Description: 'the key', Value: 'arn:aws:kms:us-east-1:222222222222:key/k' });
  });

  test("the consumer reads it with Fn::GetStackOutput through the reader role, made from fixed names (no reference to the producer's resources)", () => {
    const expected = {
      'Fn::GetStackOutput': {
        StackName: 'crm-log-archive',
        OutputName: 'KeyArn',
        Region: 'us-east-1',
        RoleArn: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/crm-log-archive-output-reader']],
        },
      },
    };
    expect(consumer.resolve(reader.outputValue('KeyArn'))).toEqual(expected);
    expect(
      consumer.resolve(
        StackOutputReader.valueOf({
          stackName: 'crm-log-archive',
          account: '222222222222',
          region: 'us-east-1',
          readerRoleName: 'crm-log-archive-output-reader',
          outputName: 'KeyArn',
        }),
      ),
    ).toEqual(expected);
  });
});
