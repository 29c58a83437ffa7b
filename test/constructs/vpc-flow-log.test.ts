import { projectApp } from '../helpers/app';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { VpcFlowLog } from '../../lib/constructs/vpc-flow-log';

const ENV = { account: '111122223333', region: 'us-east-1' };

function setup(keyInOtherStack: boolean) {
  const app = projectApp();
  const stack = new Stack(app, 'Net', { env: ENV });
  const keyStack = keyInOtherStack ? new Stack(app, 'Keys', { env: ENV }) : stack;
  const key = new kms.Key(keyStack, 'AuditKey');
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  return { app, stack, key, vpc };
}

function acknowledgedRules(construct: CfnResource): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data));
}

describe('VpcFlowLog', () => {
  test('refuses a retention below 6 years', () => {
    const { stack, key, vpc } = setup(false);
    expect(() => new VpcFlowLog(stack, 'FlowLog', { vpc, encryptionKey: key, retentionDays: 365 })).toThrow(/below 6 years/);
  });

  describe('with the key in the same stack', () => {
    const { stack, key, vpc } = setup(false);
    const flowLog = new VpcFlowLog(stack, 'Trail', {
      vpc,
      encryptionKey: key,
      retentionDays: 3653,
      maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
    });
    const template = Template.fromStack(stack);

    test('pins the log group logical ID from the construct id, encrypted, retained', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnResource), 'Arn'] },
          RetentionInDays: 3653,
        },
      });
      expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toEqual(['TrailGroup']);
    });

    test('records ALL traffic with the requested aggregation interval', () => {
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        TrafficType: 'ALL',
        MaxAggregationInterval: 60,
        LogGroupName: { Ref: 'TrailGroup' },
      });
    });

    test('no acknowledgement is needed: cfn-guard sees the local key', () => {
      expect(acknowledgedRules(flowLog.logGroup.node.defaultChild as CfnResource)).toEqual([]);
    });

    test('no inline policy: the delivery grant is a managed policy', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    });
  });

  test('with the key in another stack, acknowledges nothing on the log group (the guard rules read the resolved key)', () => {
    const { stack, key, vpc } = setup(true);
    const flowLog = new VpcFlowLog(stack, 'FlowLog', { vpc, encryptionKey: key, retentionDays: 2192 });
    expect(acknowledgedRules(flowLog.logGroup.node.defaultChild as CfnResource)).toEqual([]);
  });

  test('pins the log group to <id>Group and names the flow log <stack>/<id>/Resource wherever the construct sits', () => {
    const { stack, key, vpc } = setup(false);
    new VpcFlowLog(new Construct(stack, 'Nested'), 'FlowLog', { vpc, encryptionKey: key, retentionDays: 2192 });
    const template = Template.fromStack(stack);
    expect(template.findResources('AWS::Logs::LogGroup').FlowLogGroup).toBeDefined();
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'Net/FlowLog/Resource' }]),
    });
  });
});
