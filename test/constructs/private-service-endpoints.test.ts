import { projectApp } from '../helpers/app';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { INTERFACE_ENDPOINTS, PrivateServiceEndpoints } from '../../lib/constructs/private-service-endpoints';

function setup() {
  const stack = new Stack(projectApp(), 'Net', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    natGateways: 0,
    subnetConfiguration: [
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'Db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { stack, vpc };
}

describe('INTERFACE_ENDPOINTS', () => {
  test('covers what the workload, the Lambdas and RDS secret rotation need without NAT', () => {
    const names = Object.values(INTERFACE_ENDPOINTS).map((e) => e.service.shortName);
    expect(names).toEqual(
      expect.arrayContaining([
        'ecr.api',
        'ecr.dkr',
        'logs',
        'secretsmanager',
        'kms',
        'sts',
        'monitoring',
        'sns',
        'backup',
        'rds',
      ]),
    );
  });

  test('lets the in-VPC restore validator reach AWS Backup and the RDS API (no NAT to fall back on)', () => {
    expect(INTERFACE_ENDPOINTS.Backup.service.shortName).toBe('backup');
    expect(INTERFACE_ENDPOINTS.Rds.service.shortName).toBe('rds');
    expect(INTERFACE_ENDPOINTS.Backup.why).toContain('PutRestoreValidationResult');
    expect(INTERFACE_ENDPOINTS.Rds.why).toContain('DescribeDBInstances');
  });

  test('has no cognito-idp endpoint: it cannot serve a user pool with a domain', () => {
    const names = Object.values(INTERFACE_ENDPOINTS).map((e) => e.service.shortName);
    expect(names).not.toContain('cognito-idp');
    expect(Object.keys(INTERFACE_ENDPOINTS)).not.toContain('CognitoIdp');
  });

  test('every entry says why it is there', () => {
    for (const spec of Object.values(INTERFACE_ENDPOINTS)) expect(spec.why.length).toBeGreaterThan(20);
  });
});

describe('PrivateServiceEndpoints', () => {
  test('creates exactly the given interface endpoints, one ENI per AZ in the given subnets', () => {
    const { stack, vpc } = setup();
    const endpoints = new PrivateServiceEndpoints(stack, 'Endpoints', {
      vpc,
      vpcCidr: '10.1.0.0/16',
      interfaceSubnets: { subnetGroupName: 'App' },
      gatewaySubnets: [{ subnetGroupName: 'Db' }],
      interfaceEndpoints: {
        StepFunctions: { service: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS, why: 'test' },
      },
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(endpoints.interfaceEndpoints)).toEqual(['StepFunctions']);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    const appSubnets = vpc.selectSubnets({ subnetGroupName: 'App' }).subnets;
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.states',
      PrivateDnsEnabled: true,
      SubnetIds: appSubnets.map((s) => stack.resolve(s.subnetId)),
    });
  });

  test('S3 gateway endpoint only on the route tables of the gateway subnets', () => {
    const { stack, vpc } = setup();
    new PrivateServiceEndpoints(stack, 'Endpoints', {
      vpc,
      vpcCidr: '10.1.0.0/16',
      interfaceSubnets: { subnetGroupName: 'App' },
      gatewaySubnets: [{ subnetGroupName: 'Db' }],
      interfaceEndpoints: {},
    });
    const dbTables = vpc.selectSubnets({ subnetGroupName: 'Db' }).subnets.map((s) => stack.resolve(s.routeTable.routeTableId));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: dbTables,
    });
  });

  test('the endpoint security group admits HTTPS from the literal VPC CIDR only and has no egress', () => {
    const { stack, vpc } = setup();
    new PrivateServiceEndpoints(stack, 'Endpoints', {
      vpc,
      vpcCidr: '10.1.0.0/16',
      interfaceSubnets: { subnetGroupName: 'App' },
      gatewaySubnets: [{ subnetGroupName: 'Db' }],
    });
    const template = Template.fromStack(stack);
    const sgs = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(sgs).toHaveLength(1);
    expect(sgs[0].Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '10.1.0.0/16', Description: expect.any(String), FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
    ]);
    expect(sgs[0].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' }),
    ]);
    // `open: false`: no extra ingress rules added by the endpoints themselves.
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1 + Object.keys(INTERFACE_ENDPOINTS).length);
  });

  test('the default endpoints include private-DNS interface endpoints for AWS Backup and RDS', () => {
    const { stack, vpc } = setup();
    new PrivateServiceEndpoints(stack, 'Endpoints', {
      vpc,
      vpcCidr: '10.1.0.0/16',
      interfaceSubnets: { subnetGroupName: 'App' },
      gatewaySubnets: [{ subnetGroupName: 'Db' }],
    });
    const template = Template.fromStack(stack);
    for (const service of ['backup', 'rds']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
      });
    }
  });
});
