/**
 * Amazon VPC (EC2 networking): flow logs, private endpoints, security groups, isolated subnets and the
 * emptied default security group.
 */
import { literalText, prop, tagValue } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const VPC_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::EC2::FlowLog',
    specs: ['164.312(b)'],
    describe: (r) =>
      `flow log of ${literalText(prop(r, 'ResourceType'))} ${literalText(prop(r, 'ResourceId'))}, traffic ${literalText(prop(r, 'TrafficType'))}`,
  },
  {
    type: 'AWS::EC2::VPCEndpoint',
    specs: ['164.312(e)(1)'],
    describe: (r) => `private endpoint for ${literalText(prop(r, 'ServiceName'))}: traffic to it stays on the AWS network`,
  },
  {
    type: 'AWS::EC2::SecurityGroup',
    specs: ['164.312(a)(1)'],
    describe: (r) => `security group: ${literalText(prop(r, 'GroupDescription'))}`,
  },
  {
    type: 'Custom::VpcRestrictDefaultSG',
    specs: ['164.312(a)(1)'],
    describe: () => "removes every rule from the VPC's default security group",
  },
  {
    type: 'AWS::EC2::Subnet',
    specs: ['164.312(a)(1)'],
    describe: (r) =>
      tagValue(r, 'aws-cdk:subnet-type') === 'Isolated' ? 'isolated subnet: no route to or from the internet' : undefined,
  },
];
