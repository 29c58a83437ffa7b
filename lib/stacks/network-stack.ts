import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';

export interface NetworkStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Encrypts the flow-log group. */
  readonly auditKey: kms.IKey;
}

/** Subnet group names of the VPC. */
export const SUBNET_GROUPS = { public: 'Public', workload: 'Workload', data: 'Data' } as const;

/** The isolated VPC. (STUB: to be built) */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.config.network.vpcCidr),
      availabilityZones: props.config.network.availabilityZones,
      natGateways: 0,
      subnetConfiguration: [
        { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: SUBNET_GROUPS.workload, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
  }
}
