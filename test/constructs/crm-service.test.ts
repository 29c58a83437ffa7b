/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CrmService, type CrmServiceProps } from '../../lib/constructs/crm-service';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';

function build(overrides: Partial<CrmServiceProps> = {}) {
  const stack = new Stack(projectApp({ context: TEMPLATE_ONLY }), 'Svc', {
    env: { account: '111122223333', region: 'us-east-1' },
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const service = new CrmService(stack, 'Crm', {
    vpc,
    subnets: { subnetGroupName: 'Workload' },
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx-unprivileged:1.28-alpine'),
    containerPort: 8080,
    healthCheckPath: '/health',
    cpu: 256,
    memoryMiB: 512,
    minTasks: 2,
    maxTasks: 3,
    logGroupName: '/ecs/test/crm',
    logEncryptionKey: new kms.Key(stack, 'Audit'),
    logRetention: logs.RetentionDays.SIX_YEARS,
    vpcCidr: '10.0.0.0/16',
    s3PrefixListId: 'pl-63a5400a',
    ...overrides,
  });
  return { stack, service };
}

describe('CrmService', () => {
  test("the execution role may pull GuardDuty's Runtime Monitoring agent from the given repository, and only pull", () => {
    const agent = 'arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate';
    const { stack, service } = build({ guardDutyAgentRepositoryArn: agent });
    const policy =
      Template.fromStack(stack).toJSON().Resources[
        stack.resolve((service.executionRole.policy.node.defaultChild as any).logicalId)
      ];
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    expect(statements.filter((s) => s.Resource === agent)).toEqual([
      {
        Sid: 'PullGuardDutyRuntimeMonitoringAgent',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: agent,
      },
    ]);
    // The registry token that every pull needs is on "*" (no resource-level permission exists for it).
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }));
    const without = build();
    expect(JSON.stringify(Template.fromStack(without.stack).toJSON())).not.toContain('aws-guardduty-agent-fargate');
  });

  test.each(['0', 'root', '0:0', 'root:root'])('refuses to run the container as root (%s)', (user) => {
    expect(() => build({ user })).toThrow(/must not run as root/);
  });

  test('refuses a privileged port and a health-check path that would break the shell command', () => {
    expect(() => build({ containerPort: 80 })).toThrow(/1024/);
    expect(() => build({ healthCheckPath: "/health'; rm -rf /" })).toThrow(/quote/);
  });

  test('runs as the given user and scales on the given CPU target', () => {
    const template = Template.fromStack(build({ user: '10001:10001', targetCpuUtilizationPercent: 45 }).stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ User: '10001:10001' }] });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 45 },
    });
  });

  test('without grants the task role has no permissions at all', () => {
    const { stack, service } = build();
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const taskRoleId = stack.getLogicalId(service.taskRole.node.defaultChild as any);
    expect(Object.values(policies).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === taskRoleId))).toEqual([]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the execution role policy is in place before the service starts tasks', () => {
    const { stack, service } = build();
    const serviceId = stack.getLogicalId(service.service.node.defaultChild as ecs.CfnService);
    const policyId = stack.getLogicalId(service.executionRole.policy.node.defaultChild as any);
    expect(Template.fromStack(stack).toJSON().Resources[serviceId].DependsOn).toContain(policyId);
  });
});
