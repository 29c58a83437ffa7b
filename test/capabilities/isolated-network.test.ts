import { CfnResource, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { IsolatedNetwork, isolatedNetworkSettings } from '../../lib/capabilities/isolated-network';
import type { DeploymentConfig } from '../../lib/config/schema';
import { shippedConfig } from '../helpers/config';
import { ConfiguredStack, logicalIdOfL2, standInKeys, templateApp } from '../helpers/stand-ins';

type CrossStackRef = { 'Fn::ImportValue': string } | { 'Fn::GetStackOutput': { StackName: string; OutputName: string } };
type KeysOutput = { Value: unknown; Export?: { Name: string } };
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;

function ofType(resources: Resources, type: string): Resources {
  return Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type));
}

/** Every acknowledgement recorded under `root`, as `<construct path> <rule id>`, minus CDK's own. */
function acknowledgements(root: IConstruct): string[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => `${c.node.path} ${id}`)),
    )
    .filter((a) => !a.includes(' CloudFormation-Validate::'))
    .sort();
}

// The interface endpoints the isolated subnets depend on, by service-name suffix.
const REQUIRED_INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'kms', 'sts', 'monitoring', 'sns'];

describe.each([
  ['config/demo.json', 2],
  ['config/production.example.json', 3],
])('IsolatedNetwork from %s', (file, azCount) => {
  let config: DeploymentConfig;
  let keys: ReturnType<typeof standInKeys>;
  let stack: ConfiguredStack;
  let network: IsolatedNetwork;
  let template: Template;
  let resources: Resources;
  let subnetIds: { public: string[]; workload: string[]; data: string[] };

  beforeAll(() => {
    config = shippedConfig(file);
    const app = templateApp();
    keys = standInKeys(app, config);
    stack = new ConfiguredStack(app, 'Network', config);
    network = new IsolatedNetwork(stack, 'Isolated', { ...isolatedNetworkSettings(config), auditKey: keys.auditKey });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
    const ids = (prefix: string) => Array.from({ length: azCount }, (_, i) => `Vpc${prefix}Subnet${i + 1}`);
    subnetIds = { public: ids('Public'), workload: ids('Workload'), data: ids('Data') };
  });

  /** Logical ID of the route table associated with a subnet. */
  function routeTableOf(subnetId: string): string {
    const assoc = Object.values(ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation')).find(
      (a) => (a.Properties!.SubnetId as { Ref: string }).Ref === subnetId,
    );
    if (!assoc) throw new Error(`no route table association for ${subnetId}`);
    return (assoc.Properties!.RouteTableId as { Ref: string }).Ref;
  }

  describe('VPC and subnets', () => {
    test('pins the logical IDs of the VPC, every subnet and the flow-log group', () => {
      // A change here replaces stateful resources: the VPC, its subnets or 6+ years of flow logs.
      expect(resources.Vpc?.Type).toBe('AWS::EC2::VPC');
      for (const id of [...subnetIds.public, ...subnetIds.workload, ...subnetIds.data]) {
        expect(resources[id]?.Type).toBe('AWS::EC2::Subnet');
      }
      expect(resources.FlowLogGroup?.Type).toBe('AWS::Logs::LogGroup');
      expect(Object.keys(ofType(resources, 'AWS::EC2::Subnet')).sort()).toEqual(
        [...subnetIds.public, ...subnetIds.workload, ...subnetIds.data].sort(),
      );
      expect(logicalIdOfL2(network.vpc)).toBe('Vpc');
      expect(logicalIdOfL2(network.flowLogGroup)).toBe('FlowLogGroup');
    });

    test('uses the configured CIDR and exactly the configured availability zones', () => {
      template.hasResourceProperties('AWS::EC2::VPC', {
        CidrBlock: config.network.vpcCidr,
        EnableDnsHostnames: true, // private DNS of the interface endpoints needs both
        EnableDnsSupport: true,
      });
      const azs = Object.values(ofType(resources, 'AWS::EC2::Subnet')).map((s) => s.Properties!.AvailabilityZone);
      expect(new Set(azs)).toEqual(new Set(config.network.availabilityZones));
      for (const tier of Object.values(subnetIds)) {
        expect(new Set(tier.map((id) => resources[id].Properties!.AvailabilityZone)).size).toBe(azCount);
      }
    });

    test('no subnet auto-assigns public IPs', () => {
      const subnets = Object.values(ofType(resources, 'AWS::EC2::Subnet'));
      expect(subnets).toHaveLength(3 * azCount);
      for (const s of subnets) expect(s.Properties!.MapPublicIpOnLaunch).toBe(false);
    });

    test('has no NAT gateway and no elastic IP', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
    });

    test('only the public subnets route to the internet gateway; workload and data subnets have no routes', () => {
      const publicTables = new Set(subnetIds.public.map(routeTableOf));
      const isolatedTables = new Set([...subnetIds.workload, ...subnetIds.data].map(routeTableOf));
      expect(isolatedTables.size).toBe(2 * azCount); // one table per isolated subnet, none shared with public
      const routes = Object.values(ofType(resources, 'AWS::EC2::Route'));
      expect(routes).toHaveLength(azCount);
      for (const r of routes) {
        const table = (r.Properties!.RouteTableId as { Ref: string }).Ref;
        expect(publicTables.has(table)).toBe(true);
        expect(isolatedTables.has(table)).toBe(false);
      }
    });

    test('closes the default security group', () => {
      template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] },
      });
    });
  });

  describe('VPC endpoints', () => {
    let endpointSgId: string;

    beforeAll(() => {
      const sgs = Object.keys(ofType(resources, 'AWS::EC2::SecurityGroup'));
      expect(sgs).toHaveLength(1);
      endpointSgId = sgs[0];
    });

    test('S3 gateway endpoint is on the route tables of every workload and data subnet, and only those', () => {
      const gateways = Object.values(ofType(resources, 'AWS::EC2::VPCEndpoint')).filter(
        (e) => e.Properties!.VpcEndpointType === 'Gateway',
      );
      expect(gateways).toHaveLength(1);
      expect(JSON.stringify(gateways[0].Properties!.ServiceName)).toMatch(/\.s3"/);
      const tables = (gateways[0].Properties!.RouteTableIds as { Ref: string }[]).map((t) => t.Ref).sort();
      expect(tables).toEqual([...subnetIds.workload, ...subnetIds.data].map(routeTableOf).sort());
    });

    test.each(REQUIRED_INTERFACE_ENDPOINTS)(
      'interface endpoint %s: private DNS, one ENI per AZ in the workload subnets, endpoint SG',
      (suffix) => {
        template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
          VpcEndpointType: 'Interface',
          ServiceName: `com.amazonaws.${config.regions.primary}.${suffix}`,
          PrivateDnsEnabled: true,
          SubnetIds: subnetIds.workload.map((id) => ({ Ref: id })),
          SecurityGroupIds: [{ 'Fn::GetAtt': [endpointSgId, 'GroupId'] }],
          VpcId: { Ref: 'Vpc' },
        });
      },
    );

    test('no cognito-idp endpoint: a user pool with a domain cannot be used through it', () => {
      const names = Object.values(ofType(resources, 'AWS::EC2::VPCEndpoint')).map((e) =>
        JSON.stringify(e.Properties!.ServiceName),
      );
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => n.includes('cognito'))).toEqual([]);
    });

    test('every interface endpoint has private DNS on and uses the endpoint security group', () => {
      const interfaces = Object.values(ofType(resources, 'AWS::EC2::VPCEndpoint')).filter(
        (e) => e.Properties!.VpcEndpointType === 'Interface',
      );
      expect(interfaces.length).toBeGreaterThanOrEqual(REQUIRED_INTERFACE_ENDPOINTS.length);
      for (const e of interfaces) {
        expect(e.Properties!.PrivateDnsEnabled).toBe(true);
        expect(e.Properties!.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointSgId, 'GroupId'] }]);
      }
    });

    test('endpoint security group admits only TCP 443 from the VPC CIDR and allows no egress', () => {
      expect(resources[endpointSgId].Properties).toEqual(
        expect.objectContaining({
          SecurityGroupIngress: [
            { CidrIp: config.network.vpcCidr, Description: expect.any(String), FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
          ],
          // CDK's placeholder for "no egress": an ICMP rule to 255.255.255.255/32 that matches nothing.
          SecurityGroupEgress: [
            { CidrIp: '255.255.255.255/32', Description: expect.any(String), IpProtocol: 'icmp', FromPort: 252, ToPort: 86 },
          ],
        }),
      );
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    });
  });

  describe('flow logs', () => {
    test('records ALL traffic of the VPC into the pinned log group', () => {
      template.resourceCountIs('AWS::EC2::FlowLog', 1);
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        ResourceId: { Ref: 'Vpc' },
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: 'FlowLogGroup' },
      });
    });

    test('log group is encrypted with the audit key, kept the configured >= 6 years and retained', () => {
      const group = resources.FlowLogGroup;
      expect(group.Properties!.RetentionInDays).toBe(config.logs.retentionDays);
      expect(group.Properties!.RetentionInDays).toBeGreaterThanOrEqual(2192);
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(group.UpdateReplacePolicy).toBe('Retain');

      // KmsKeyId is a cross-stack reference (weak without a configured account, an export with one):
      // it must resolve to the Keys stack's audit key ARN.
      const outputs = Template.fromStack(keys.stack).toJSON().Outputs as Record<string, KeysOutput>;
      const kmsKeyId = group.Properties!.KmsKeyId as CrossStackRef;
      let output: KeysOutput | undefined;
      if ('Fn::ImportValue' in kmsKeyId) {
        output = Object.values(outputs).find((o) => o.Export?.Name === kmsKeyId['Fn::ImportValue']);
      } else {
        expect(kmsKeyId['Fn::GetStackOutput'].StackName).toBe(keys.stack.stackName);
        output = outputs[kmsKeyId['Fn::GetStackOutput'].OutputName];
      }
      // 'AuditKey' is the audit key's pinned logical ID in the Keys stack.
      expect(output?.Value).toEqual({ 'Fn::GetAtt': ['AuditKey', 'Arn'] });
    });

    test('delivery role: only flow logs of this account may assume it, and it may only write to the log group', () => {
      const flowLog = Object.values(ofType(resources, 'AWS::EC2::FlowLog'))[0];
      const roleId = (flowLog.Properties!.DeliverLogsPermissionArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const role = resources[roleId];
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(role.Properties!.Policies).toBeUndefined();
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties!.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': stack.resolve(stack.account) },
              ArnLike: {
                'aws:SourceArn': stack.resolve(`arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*`),
              },
            },
          },
        ],
      });

      // No inline policy anywhere in the stack; one managed policy for this role, scoped to the group.
      template.resourceCountIs('AWS::IAM::Policy', 0);
      const policies = Object.values(ofType(resources, 'AWS::IAM::ManagedPolicy'));
      expect(policies).toHaveLength(1);
      expect(policies[0].Properties!.Roles).toEqual([{ Ref: roleId }]);
      const document = policies[0].Properties!.PolicyDocument as { Statement: { Action: string[] }[] };
      expect(document.Statement).toHaveLength(1);
      expect(document.Statement[0]).toEqual({
        Effect: 'Allow',
        Action: expect.any(Array),
        Resource: { 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] },
      });
      expect([...document.Statement[0].Action].sort()).toEqual([
        'logs:CreateLogStream',
        'logs:DescribeLogStreams',
        'logs:PutLogEvents',
      ]);
      // The flow log is only created once its role can deliver.
      expect(flowLog.DependsOn).toEqual(expect.arrayContaining(Object.keys(ofType(resources, 'AWS::IAM::ManagedPolicy'))));
    });
  });

  test('acknowledges exactly the unfixable findings, each on its own resource', () => {
    const publicRoutes = Array.from(
      { length: azCount },
      (_, i) => `Network/Isolated/Vpc/Resource/PublicSubnet${i + 1}/DefaultRoute`,
    );
    expect(acknowledgements(stack)).toEqual(
      [
        ...publicRoutes.flatMap((p) => [
          `${p} HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW`,
          `${p} NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW`,
        ]),
        'Network/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler cdk-validator-cfnguard::lambda_inside_vpc_check',
        // The app's log policy adds the handler's log group and its acknowledgement (network-stack.test.ts).
      ].sort(),
    );
    // Each sits on the exact CloudFormation resource the finding names, with a HIPAA-cited reason.
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
    for (const c of byPath.values()) {
      for (const m of c.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
          if (id.startsWith('CloudFormation-Validate::')) continue;
          expect(CfnResource.isCfnResource(c)).toBe(true);
          expect(reason).toMatch(/^\[HIPAA 164\.312\(/);
        }
      }
    }
  });
});
