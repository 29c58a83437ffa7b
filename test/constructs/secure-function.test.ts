import * as path from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  OUTSIDE_VPC_REASON,
  OUTSIDE_VPC_RULES,
  SecureFunction,
  type SecureFunctionProps,
} from '../../lib/constructs/secure-function';
import { flattenLikeCdkNag } from '../../lib/constructs/wildcard-acknowledgement';
import { projectApp } from '../helpers/app';
import { isCrossStackRef, TEMPLATE_ONLY } from '../helpers/cfn-values';

const ENTRY = path.join(__dirname, '..', '..', 'lambda', 'session-revocation', 'index.ts');
const ENV = { region: 'us-east-1', account: '111122223333' };
const OUTSIDE_REASON = 'it calls the user pools API of a pool that has a domain';

/**
 * Where the test function runs: `vpc` in a VPC of its own stack, `otherStackVpc` in a VPC of another
 * stack (cross-stack subnet references), `outside` outside any VPC.
 */
type Where = 'vpc' | 'otherStackVpc' | 'outside';

function setup(where: Where = 'vpc', overrides: Partial<SecureFunctionProps> = {}) {
  const app = projectApp({ context: TEMPLATE_ONLY });
  const stack = new Stack(app, 'Ops', { env: ENV });
  const vpcStack = where === 'otherStackVpc' ? new Stack(app, 'Net', { env: ENV }) : stack;
  const vpc =
    where === 'outside'
      ? undefined
      : new ec2.Vpc(vpcStack, 'Vpc', {
          ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
          availabilityZones: ['us-east-1a', 'us-east-1b'],
          natGateways: 0,
          subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const fn = new SecureFunction(stack, 'Fn', {
    entry: ENTRY,
    functionName: 'test-fn',
    description: 'test',
    placement: vpc
      ? { network: { vpc, vpcCidr: '10.1.0.0/16', subnets: { subnetGroupName: 'Workload' } } }
      : { outsideVpc: { reason: OUTSIDE_REASON } },
    encryptionKey: key,
    logRetentionDays: 2192,
    statements: [
      new iam.PolicyStatement({ sid: 'Extra', actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:111122223333:t'] }),
    ],
    ...overrides,
  });
  return { app, stack, fn, vpc };
}

/** Every acknowledgement in `stack` (CDK's own aside), as `<construct path> <rule id>` → reason. */
const acks = (stack: Stack): Record<string, string> =>
  Object.fromEntries(
    stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) =>
            Object.entries(m.data as Record<string, string>).map(([id, reason]) => [`${c.node.path} ${id}`, reason]),
          ),
      )
      .filter(([key]) => !key.includes(' CloudFormation-Validate::')),
  );

const IAM5 = 'Ops/Fn/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::*]';

/** The synthesized properties of the SecureFunction's own function (a VPC adds a custom-resource function). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON
const functionProps = (stack: Stack, fn: SecureFunction): Record<string, any> =>
  Template.fromStack(stack).toJSON().Resources[stack.resolve((fn.function.node.defaultChild as CfnElement).logicalId) as string]
    .Properties;

const policyStatements = (stack: Stack): { Sid: string; Action: string | string[]; Resource: unknown }[] =>
  Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement,
  );

describe('SecureFunction', () => {
  test('defaults: 256 MB, 30 s, reserved concurrency 1, 2 async retries', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256, Timeout: 30, ReservedConcurrentExecutions: 1 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  test('waits for its managed policy; its role is ordered by the GetAtt alone, no redundant DependsOn (W3005)', () => {
    const { stack, fn } = setup();
    const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as CfnElement).logicalId);
    const resource = Template.fromStack(stack).toJSON().Resources[id(fn.function)];
    expect(resource.Properties.Role).toEqual({ 'Fn::GetAtt': [id(fn.role), 'Arn'] });
    expect(resource.DependsOn).toContain(id(fn.policy));
    expect(resource.DependsOn).not.toContain(id(fn.role));
  });

  test('refuses a log retention under 6 years', () => {
    expect(() => setup('vpc', { logRetentionDays: 365 })).toThrow('below 6 years');
  });

  test('the role name is generated unless one is given (for key policies that must name it in advance)', () => {
    const roles = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles(setup().stack)[0].Properties.RoleName).toBeUndefined();
    expect(roles(setup('outside', { roleName: 'crm-demo-crypto-erasure' }).stack)[0].Properties.RoleName).toBe(
      'crm-demo-crypto-erasure',
    );
  });

  test('wildcard actions of the caller are named in the one IAM5 acknowledgement', () => {
    const plain = acks(setup('outside').stack)[IAM5];
    expect(plain).toMatch(/xray:PutTraceSegments/);
    expect(plain).not.toMatch(/Also on/);
    const own = acks(
      setup('outside', { wildcardResourceReason: 'kms:ListAliases, which has no resource-level permission.' }).stack,
    )[IAM5];
    expect(own).toMatch(
      /Also on "\*": kms:ListAliases, which has no resource-level permission\. Every other statement names its resource\.$/,
    );
  });

  describe('in the VPC', () => {
    test('runs in the given subnets with its own security group: HTTPS to the VPC CIDR only, nothing in', () => {
      const { stack, fn, vpc } = setup('vpc');
      const template = Template.fromStack(stack);
      const fnProps = functionProps(stack, fn);
      const sgIds = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
      expect(sgIds).toHaveLength(1);
      expect(fn.securityGroup).toBeDefined();
      expect(stack.resolve(fn.securityGroup!.securityGroupId)).toEqual({ 'Fn::GetAtt': [sgIds[0], 'GroupId'] });
      const subnets = vpc!.selectSubnets({ subnetGroupName: 'Workload' }).subnetIds.map((id) => stack.resolve(id));
      expect(subnets).toHaveLength(2);
      expect(fnProps.VpcConfig).toEqual({ SubnetIds: subnets, SecurityGroupIds: [{ 'Fn::GetAtt': [sgIds[0], 'GroupId'] }] });
      const sg = template.findResources('AWS::EC2::SecurityGroup')[sgIds[0]].Properties;
      expect(sg.SecurityGroupEgress).toEqual([
        { CidrIp: '10.1.0.0/16', Description: expect.any(String), FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
      ]);
      expect(sg.SecurityGroupIngress).toBeUndefined();
    });

    test('puts the given statements after its own, with the network-interface actions, in the one managed policy', () => {
      const { stack } = setup('vpc');
      const statements = policyStatements(stack);
      expect(statements.map((s) => s.Sid)).toEqual([
        'WriteOwnLogs',
        'ActiveTracing',
        'VpcNetworkInterfaces',
        'DeadLetterQueue',
        'DeadLetterQueueKey',
        'Extra',
      ]);
      expect(statements.find((s) => s.Sid === 'VpcNetworkInterfaces')).toMatchObject({
        Action: [
          'ec2:AssignPrivateIpAddresses',
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      });
    });

    test('with the VPC and key in its own stack, the only acknowledgement is the tracing/ENI wildcard', () => {
      const { stack } = setup('vpc');
      const found = acks(stack);
      expect(Object.keys(found)).toEqual([IAM5]);
      expect(found[IAM5]).toMatch(/^\[HIPAA 164\.312\(a\)\(1\)\] .*xray:PutTraceSegments.*EC2 network-interface actions/);
    });

    test('with the VPC in another stack, also the guard rule that cannot follow the subnet references, and nothing else', () => {
      const { stack, fn, vpc } = setup('otherStackVpc');
      const found = acks(stack);
      const guard = 'Ops/Fn/Function/Resource cdk-validator-cfnguard::lambda_inside_vpc_check';
      expect(Object.keys(found).sort()).toEqual([IAM5, guard].sort());
      expect(found[guard]).toMatch(/^\[HIPAA 164\.312\(e\)\(1\)\] False positive: test-fn IS in the VPC/);
      const subnets = vpc!
        .selectSubnets({ subnetGroupName: 'Workload' })
        .subnets.map((n) => vpc!.stack.resolve((n.node.defaultChild as CfnElement).logicalId) as string);
      const { SubnetIds } = functionProps(stack, fn).VpcConfig;
      expect(SubnetIds).toHaveLength(2);
      for (const id of subnets) expect(SubnetIds.some((ref: unknown) => isCrossStackRef(ref, id, 'Ref'))).toBe(true);
    });
  });

  describe('outside the VPC', () => {
    test('has no VpcConfig and no security group', () => {
      const { stack, fn } = setup('outside');
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Lambda::Function', 1);
      expect(functionProps(stack, fn)).toMatchObject({ FunctionName: 'test-fn', TracingConfig: { Mode: 'Active' } });
      expect(functionProps(stack, fn).VpcConfig).toBeUndefined();
      expect(fn.securityGroup).toBeUndefined();
      template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    });

    test('its policy has no network-interface statement and no EC2 action at all', () => {
      const { stack } = setup('outside');
      const statements = policyStatements(stack);
      expect(statements.map((s) => s.Sid)).toEqual([
        'WriteOwnLogs',
        'ActiveTracing',
        'DeadLetterQueue',
        'DeadLetterQueueKey',
        'Extra',
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/"ec2:/);
      // The only wildcard left is X-Ray's.
      expect(statements.filter((s) => s.Resource === '*')).toEqual([
        expect.objectContaining({ Sid: 'ActiveTracing', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] }),
      ]);
    });

    test('acknowledges exactly the three LambdaInsideVPC findings on its function, with the fixed and the given reason', () => {
      const { stack } = setup('outside');
      const found = acks(stack);
      const onFunction = OUTSIDE_VPC_RULES.map((id) => `Ops/Fn/Function/Resource ${id}`);
      expect(OUTSIDE_VPC_RULES).toEqual([
        'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
        'cdk-validator-cfnguard::lambda_inside_vpc_check',
      ]);
      expect(Object.keys(found).sort()).toEqual([IAM5, ...onFunction].sort());
      for (const key of onFunction) {
        expect(found[key]).toBe(`[HIPAA 164.312(e)(1)] ${OUTSIDE_VPC_REASON} test-fn: ${OUTSIDE_REASON}`);
        expect(found[key]).toMatch(/no NAT by design/);
      }
    });

    test('the wildcard acknowledgement names X-Ray only', () => {
      const { stack } = setup('outside');
      const reason = acks(stack)[IAM5];
      expect(reason).toMatch(/^\[HIPAA 164\.312\(a\)\(1\)\] .*xray:PutTraceSegments and xray:PutTelemetryRecords/);
      expect(reason).toMatch(/no network-interface permissions/);
      expect(reason).not.toMatch(/EC2|AWSLambdaVPCAccessExecutionRole/);
    });

    test('refuses a blank reason', () => {
      expect(() => setup('outside', { placement: { outsideVpc: { reason: '  ' } } })).toThrow(
        'a function outside the VPC needs a reason',
      );
    });
  });
});

describe('flattenLikeCdkNag', () => {
  test('flattens references the way cdk-nag names its findings', () => {
    expect(flattenLikeCdkNag('arn:${AWS::Partition}:s3:::b/*')).toBe('arn:<AWS::Partition>:s3:::b/*');
    expect(flattenLikeCdkNag({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/p/*']] })).toBe('<Bucket.Arn>/p/*');
    expect(flattenLikeCdkNag({ Ref: 'Topic' })).toBe('<Topic>');
    expect(flattenLikeCdkNag({ 'Fn::ImportValue': 'Out' })).toBe('Out');
    expect(flattenLikeCdkNag({ 'Fn::Sub': 'x-${AWS::Region}' })).toBe('x-<AWS::Region>');
    expect(flattenLikeCdkNag({ 'Fn::GetStackOutput': { StackName: 's', OutputName: 'o' } })).toBe(
      '{"Fn::GetStackOutput":{"StackName":"s","OutputName":"o"}}',
    );
    expect(flattenLikeCdkNag(undefined)).toBe('');
  });
});
