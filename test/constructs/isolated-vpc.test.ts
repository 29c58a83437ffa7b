import { projectApp } from '../helpers/app';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { IsolatedVpc, SUBNET_GROUPS, subnetMasks } from '../../lib/constructs/isolated-vpc';

const AZS_3 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** [first, last] address of a CIDR block. */
function range(cidr: string): [number, number] {
  const [ip, prefix] = cidr.split('/');
  const start = ipv4ToInt(ip);
  return [start, start + 2 ** (32 - Number(prefix)) - 1];
}

function build(cidr: string, azs: string[] = AZS_3, app = projectApp()) {
  const stack = new Stack(app, 'Test', { env: { region: 'us-east-1' } });
  const isolated = new IsolatedVpc(stack, 'Net', { cidr, availabilityZones: azs });
  return { stack, isolated, template: Template.fromStack(stack) };
}

describe('subnetMasks', () => {
  test('workload gets a quarter of the VPC per AZ, data and public 1/32 capped at /24', () => {
    expect(subnetMasks('10.0.0.0/16')).toEqual({ workload: 18, data: 24, public: 24 });
    expect(subnetMasks('10.0.0.0/20')).toEqual({ workload: 22, data: 25, public: 25 });
    expect(subnetMasks('10.0.0.0/22')).toEqual({ workload: 24, data: 27, public: 27 });
  });

  test.each(['10.0.0.0/15', '10.0.0.0/23', 'not-a-cidr'])('refuses %s', (cidr) => {
    expect(() => subnetMasks(cidr)).toThrow(/between \/16 and \/22/);
  });
});

describe.each([16, 17, 18, 19, 20, 21, 22])('IsolatedVpc in a /%i with 3 AZs', (prefix) => {
  const cidr = `10.20.0.0/${prefix}`;
  const { template } = build(cidr);
  const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map(
    (s) => s.Properties as { CidrBlock: string; AvailabilityZone: string },
  );

  test('every tier fits, inside the VPC, without overlaps', () => {
    expect(subnets).toHaveLength(9);
    const [vpcStart, vpcEnd] = range(cidr);
    const ranges = subnets.map((s) => range(s.CidrBlock)).sort((a, b) => a[0] - b[0]);
    ranges.forEach(([start, end], i) => {
      expect(start).toBeGreaterThanOrEqual(vpcStart);
      expect(end).toBeLessThanOrEqual(vpcEnd);
      if (i > 0) expect(start).toBeGreaterThan(ranges[i - 1][1]);
    });
  });

  test('public subnets are at least a /27, the minimum for an Application Load Balancer', () => {
    for (const s of subnets) expect(Number(s.CidrBlock.split('/')[1])).toBeLessThanOrEqual(27);
  });
});

describe('IsolatedVpc', () => {
  const { stack, isolated, template } = build('10.40.0.0/16', ['us-east-1a', 'us-east-1b']);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

  test('pins the VPC and subnet logical IDs from the construct id', () => {
    expect(resources.Net.Type).toBe('AWS::EC2::VPC');
    const subnetIds = Object.keys(template.findResources('AWS::EC2::Subnet')).sort();
    expect(subnetIds).toEqual([
      'NetDataSubnet1',
      'NetDataSubnet2',
      'NetPublicSubnet1',
      'NetPublicSubnet2',
      'NetWorkloadSubnet1',
      'NetWorkloadSubnet2',
    ]);
  });

  test('public subnets only for the load balancer; workload and data are isolated', () => {
    expect(isolated.vpc.publicSubnets).toHaveLength(2);
    expect(isolated.vpc.privateSubnets).toHaveLength(0);
    expect(isolated.vpc.isolatedSubnets).toHaveLength(4);
    for (const group of [SUBNET_GROUPS.workload, SUBNET_GROUPS.data]) {
      const selected = isolated.vpc.selectSubnets({ subnetGroupName: group });
      expect(selected.subnets).toHaveLength(2);
      expect(selected.subnets.every((s) => isolated.vpc.isolatedSubnets.includes(s))).toBe(true);
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    for (const s of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('closes the default security group regardless of the feature flag', () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': false },
    });
    build('10.40.0.0/16', ['us-east-1a', 'us-east-1b'], app).template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: { 'Fn::GetAtt': ['Net', 'DefaultSecurityGroup'] },
    });
  });

  test('acknowledges CT.LAMBDA.PR.3 only on the default-security-group handler, with a HIPAA reason', () => {
    const handler = stack.node
      .findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')
      .node.findChild('Handler') as CfnResource;
    const acks = handler.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acks).toHaveLength(1);
    expect(Object.keys(acks[0].data)).toEqual(['cdk-validator-cfnguard::lambda_inside_vpc_check']);
    expect(Object.values(acks[0].data)[0]).toMatch(/^\[HIPAA 164\.312\(e\)\(1\)\] /);
  });

  test("the default-security-group handler's role is ordered by its GetAtt alone, no redundant DependsOn (W3005)", () => {
    const provider = stack.node.findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const [handler, role] = ['Handler', 'Role'].map((child) => provider.node.findChild(child) as CfnResource);
    const resource = template.toJSON().Resources[stack.resolve(handler.logicalId)];
    expect(resource.Properties.Role).toEqual({ 'Fn::GetAtt': [stack.resolve(role.logicalId), 'Arn'] });
    expect(resource.DependsOn).toBeUndefined();
  });

  function ackedPaths(ruleId: string): string[] {
    return stack.node
      .findAll()
      .filter((c) =>
        c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && ruleId in (m.data as object)),
      )
      .map((c) => c.node.path)
      .sort();
  }

  test('acknowledges the unrestricted IGW route only on each public subnet default route', () => {
    expect(ackedPaths('HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW')).toEqual([
      'Test/Net/Resource/PublicSubnet1/DefaultRoute',
      'Test/Net/Resource/PublicSubnet2/DefaultRoute',
    ]);
  });

  test('acknowledges the literal-AZ warning on each subnet only (the AZs come from the config on purpose)', () => {
    // (CDK itself also acknowledges it on the bare test stack, whose AZs it reads; not our concern here.)
    expect(ackedPaths('CloudFormation-Validate::W3010').filter((p) => p.startsWith('Test/Net/'))).toEqual(
      ['Data', 'Public', 'Workload'].flatMap((g) => [1, 2].map((n) => `Test/Net/Resource/${g}Subnet${n}/Subnet`)),
    );
  });
});

describe('IsolatedVpc Name tags', () => {
  test('are <stack>/<id>/Resource[/<subnet>] wherever the construct sits, like its logical IDs', () => {
    const stack = new Stack(projectApp(), 'Test', { env: { region: 'us-east-1' } });
    new IsolatedVpc(new Construct(stack, 'Nested'), 'Net', { cidr: '10.0.0.0/16', availabilityZones: AZS_3 });
    const template = Template.fromStack(stack);
    const nameOf = (id: string) =>
      (template.toJSON().Resources[id].Properties.Tags as { Key: string; Value: string }[]).find((t) => t.Key === 'Name')?.Value;
    expect(nameOf('Net')).toBe('Test/Net/Resource');
    expect(nameOf('NetWorkloadSubnet1')).toBe('Test/Net/Resource/WorkloadSubnet1');
    expect(nameOf('NetPublicSubnet3')).toBe('Test/Net/Resource/PublicSubnet3');
    const routeTables = Object.values(template.findResources('AWS::EC2::RouteTable')).map(
      (r) => (r.Properties.Tags as { Key: string; Value: string }[]).find((t) => t.Key === 'Name')?.Value,
    );
    expect(routeTables).toContain('Test/Net/Resource/DataSubnet2');
    expect(routeTables.every((name) => name?.startsWith('Test/Net/Resource/'))).toBe(true);
  });
});
