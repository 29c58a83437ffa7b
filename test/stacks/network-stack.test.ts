import { AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LambdaLogGroups } from '../../lib/compliance/log-policy';
import { deploymentStackProps } from '../../lib/stacks/deployment-stack-props';
import { NetworkStack, SUBNET_GROUPS } from '../../lib/stacks/network-stack';
import { STACK_IDS, SUBNET_GROUPS as VOCABULARY_SUBNET_GROUPS } from '../../lib/vocabulary';
import { isCrossStackRef, KEY_IDS } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';
import { logicalIdOfL2, standInKeys, templateApp } from '../helpers/stand-ins';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The VPC, endpoints and flow logs themselves: test/capabilities/isolated-network.test.ts. */
describe.each([
  ['config/demo.json', 2],
  ['config/production.example.json', 3],
])('Network stack from %s', (file, azCount) => {
  const config = shippedConfig(file);
  const app = templateApp();
  const keys = standInKeys(app, config);
  const stack = new NetworkStack(app, STACK_IDS.network, {
    ...deploymentStackProps(config, { part: 'network', purpose: 'isolated VPC', stateful: true }),
    config,
    auditKey: keys.auditKey,
  });
  // The app's log policy, as lib/app.ts applies it: CDK's own handler gets an audit-key log group.
  Aspects.of(stack).add(new LambdaLogGroups({ keyFor: () => keys.auditKey, retentionDays: config.logs.retentionDays }), {
    priority: AspectPriority.MUTATING,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;

  test('uses the configured availability zones, without a lookup at synth, and is termination-protected', () => {
    expect(stack.availabilityZones).toEqual(config.network.availabilityZones);
    expect(stack.terminationProtection).toBe(true);
  });

  test('keeps the pinned logical IDs of the VPC, every subnet and the flow-log group at the top of its template', () => {
    const subnets = Object.values(SUBNET_GROUPS).flatMap((group) =>
      Array.from({ length: azCount }, (_, i) => `Vpc${group}Subnet${i + 1}`),
    );
    expect(resources.Vpc?.Type).toBe('AWS::EC2::VPC');
    for (const id of subnets) expect(resources[id]?.Type).toBe('AWS::EC2::Subnet');
    expect(resources.FlowLogGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(logicalIdOfL2(stack.vpc)).toBe('Vpc');
    expect(logicalIdOfL2(stack.flowLogGroup)).toBe('FlowLogGroup');
  });

  test('the flow-log group is encrypted with the audit key of the Keys stack', () => {
    expect(isCrossStackRef(resources.FlowLogGroup.Properties.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
  });

  test('acknowledges exactly the unfixable findings, each on its own resource', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => `${c.node.path} ${id}`)),
      )
      .filter((a) => !a.includes(' CloudFormation-Validate::'))
      .sort();
    const publicRoutes = Array.from(
      { length: azCount },
      (_, i) => `Network/Default/Vpc/Resource/PublicSubnet${i + 1}/DefaultRoute`,
    );
    expect(acknowledged).toEqual(
      [
        ...publicRoutes.flatMap((p) => [
          `${p} HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW`,
          `${p} NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW`,
        ]),
        'Network/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler cdk-validator-cfnguard::lambda_inside_vpc_check',
        // The log policy gives CDK's handler an audit-key log group (cross-stack key: guard false positive).
      ].sort(),
    );
  });

  test('re-exports the subnet groups of the vocabulary for the stacks that import them from here', () => {
    expect(SUBNET_GROUPS).toBe(VOCABULARY_SUBNET_GROUPS);
  });
});
