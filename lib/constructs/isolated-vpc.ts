import { CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { SUBNET_GROUPS } from '../vocabulary';
import { acknowledgeProviderOutsideVpc, dropRedundantRoleDependency, providerHandler } from './provider-handler';

/** Subnet group names of the VPC (spelled in the vocabulary; re-exported for this construct's users). */
export { SUBNET_GROUPS };

/** Netmask of each subnet tier for a VPC prefix of /16 to /22. */
export interface SubnetMasks {
  readonly public: number;
  readonly workload: number;
  readonly data: number;
}

/**
 * Sizes the tiers relative to the VPC so that 3 AZs fit anything from a /22 to a /16:
 * - workload: a quarter of the VPC per AZ (Fargate tasks, Lambda and endpoint ENIs use the most IPs);
 * - data and public: 1/32 of the VPC per AZ, capped at a /24 (the database and load balancer need few
 *   IPs); at a /22 that is a /27, the smallest subnet an Application Load Balancer accepts.
 * With 3 AZs that is at most 3/4 + 2 x 3/32 of the VPC, leaving room for a later tier. The workload tier is allocated first (see
 * `IsolatedVpc`) so the large blocks stay aligned.
 */
export function subnetMasks(vpcCidr: string): SubnetMasks {
  const prefix = Number(vpcCidr.split('/')[1]);
  if (!Number.isInteger(prefix) || prefix < 16 || prefix > 22) {
    throw new Error(`VPC CIDR ${vpcCidr}: the prefix must be between /16 and /22`);
  }
  const small = Math.max(prefix + 5, 24);
  return { workload: prefix + 2, data: small, public: small };
}

export interface IsolatedVpcProps {
  /** IPv4 CIDR of the VPC, /16 to /22. */
  readonly cidr: string;
  /** Availability zones, given explicitly so that synth needs no AWS lookup (2 or 3). */
  readonly availabilityZones: string[];
}

/**
 * A VPC without any path from the workload or the database to the internet (HIPAA 164.312(e)(1)):
 * - `Public` subnets, only for the internet-facing load balancer, with no auto-assigned public IPs;
 * - `Workload` and `Data` subnets are PRIVATE_ISOLATED: no NAT gateway, no route out of the VPC
 *   (AWS services are reached through VPC endpoints, see `PrivateServiceEndpoints`);
 * - the default security group has no rules, so nothing that falls back to it can talk.
 *
 * Logical IDs of the stateful resources are pinned, derived from this construct's id: the VPC is
 * `<id>`, subnets `<id><group>Subnet<n>` (e.g. `VpcWorkloadSubnet1`). Moving the construct in the
 * tree therefore cannot replace them; renaming its id would. Use one per stack. Their `Name` tags
 * are derived the same way (`<stack path>/<id>/Resource[/<subnet>]`), so moving the construct does not
 * rename the VPC, its subnets or route tables either.
 */
export class IsolatedVpc extends Construct {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: IsolatedVpcProps) {
    super(scope, id);
    const masks = subnetMasks(props.cidr);
    const nameTag = `${Stack.of(this).node.path}/${id}/Resource`;
    this.vpc = new ec2.Vpc(this, 'Resource', {
      vpcName: nameTag,
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: props.availabilityZones,
      natGateways: 0,
      // CDK allocates CIDRs in this order: largest tier first keeps every block aligned in a /22.
      subnetConfiguration: [
        { name: SUBNET_GROUPS.workload, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: masks.workload },
        { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: masks.data },
        {
          name: SUBNET_GROUPS.public,
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: masks.public,
          mapPublicIpOnLaunch: false,
        },
      ],
      // Removes every rule of the default security group. CDK does this with a deploy-time
      // custom-resource Lambda; see `acknowledgeDefaultSecurityGroupHandler` for why we keep it.
      restrictDefaultSecurityGroup: true,
    });

    for (const subnet of [...this.vpc.publicSubnets, ...this.vpc.isolatedSubnets]) {
      Tags.of(subnet).add('Name', `${nameTag}/${subnet.node.id}`);
    }
    this.pinLogicalIds(id);
    this.acknowledgeInternetRoutes();
    this.acknowledgeDefaultSecurityGroupHandler();
    this.dropRedundantHandlerRoleDependency();
  }

  private pinLogicalIds(id: string): void {
    (this.vpc.node.defaultChild as CfnResource).overrideLogicalId(id);
    for (const group of Object.values(SUBNET_GROUPS)) {
      this.vpc.selectSubnets({ subnetGroupName: group }).subnets.forEach((subnet, i) => {
        const cfnSubnet = subnet.node.findChild('Subnet') as CfnResource;
        cfnSubnet.overrideLogicalId(`${id}${group}Subnet${i + 1}`);
        acknowledge(cfnSubnet, {
          ruleId: 'CloudFormation-Validate::W3010',
          control: '164.308(a)(7)(i)',
          reason:
            'The availability zones are named in the deployment config on purpose: synth needs no AWS lookup, and the ' +
            'Multi-AZ database and its subnets can never move to other zones by accident. The config validation ' +
            'checks that every zone is in the primary region and that there are at least two.',
        });
      });
    }
  }

  /** The public subnets' default route is the only route to the internet gateway in the VPC. */
  private acknowledgeInternetRoutes(): void {
    const reason =
      'The internet-facing Application Load Balancer must answer clients anywhere on the internet, which needs ' +
      '0.0.0.0/0 to the internet gateway in its subnets. Only the Public subnets have this route; they assign ' +
      'no public IPs and host only the load balancer, which accepts HTTPS only. The Workload and Data subnets ' +
      'are isolated, with no route out of the VPC.';
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.findChild('DefaultRoute');
      acknowledge(
        route,
        { ruleId: 'HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW', control: '164.312(e)(1)', reason },
        { ruleId: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', control: '164.312(e)(1)', reason },
      );
    }
  }

  /**
   * Decision: keep CDK's `restrictDefaultSecurityGroup` custom resource and acknowledge only
   * Control Tower CT.LAMBDA.PR.3 on its handler. CloudFormation cannot manage the default security
   * group's rules natively. The Lambda-free alternative (an SSM State Manager association running
   * `AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules`) needs an IAM role with
   * `ec2:DescribeSecurityGroups` on `*`, is invisible to cdk-nag's VPCDefaultSecurityGroupClosed
   * rule (two more acknowledgements) and reports success asynchronously. Putting the handler in the
   * VPC is not possible (CustomResourceProvider has no VPC option) and would need an EC2 endpoint.
   */
  private acknowledgeDefaultSecurityGroupHandler(): void {
    acknowledgeProviderOutsideVpc(
      providerHandler(Stack.of(this), RESTRICT_DEFAULT_SG_PROVIDER),
      "CDK's deploy-time handler that removes every rule from this VPC's default security group. It runs only " +
        'during CloudFormation deployments, calls only the EC2 API, handles no PHI, and its role may only ' +
        "change rules of this VPC's default security group. CloudFormation has no native way to empty the " +
        'default security group.',
    );
  }

  /** CDK's DependsOn of the handler on its role repeats the GetAtt (cfn-lint W3005). */
  private dropRedundantHandlerRoleDependency(): void {
    dropRedundantRoleDependency(providerHandler(Stack.of(this), RESTRICT_DEFAULT_SG_PROVIDER));
  }
}

/** CDK's singleton provider behind `restrictDefaultSecurityGroup`. */
const RESTRICT_DEFAULT_SG_PROVIDER = 'Custom::VpcRestrictDefaultSGCustomResourceProvider';
