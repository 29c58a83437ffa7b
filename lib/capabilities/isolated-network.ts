import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { IsolatedVpc } from '../constructs/isolated-vpc';
import { PrivateServiceEndpoints } from '../constructs/private-service-endpoints';
import { VpcFlowLog } from '../constructs/vpc-flow-log';
import { SUBNET_GROUPS } from '../vocabulary';

/** The config-derived part of `IsolatedNetworkProps`. */
export interface IsolatedNetworkSettings {
  /** IPv4 CIDR of the VPC, /16 to /22. */
  readonly vpcCidr: string;
  /** Availability zones, named so that synth needs no AWS lookup (2 or 3). */
  readonly availabilityZones: string[];
  /** Retention of the flow logs (at least 6 years). */
  readonly flowLogRetentionDays: number;
}

/** Translates the config into the settings of `IsolatedNetwork`. */
export function isolatedNetworkSettings(config: DeploymentConfig): IsolatedNetworkSettings {
  return {
    vpcCidr: config.network.vpcCidr,
    availabilityZones: config.network.availabilityZones,
    flowLogRetentionDays: config.logs.retentionDays,
  };
}

export interface IsolatedNetworkProps extends IsolatedNetworkSettings {
  /** Encrypts the flow-log group. */
  readonly auditKey: kms.IKey;
}

/**
 * The network of the primary region (HIPAA 164.312(e)(1), 164.312(b)): the VPC without NAT (workload
 * and database subnets have no route out), the VPC endpoints that replace internet access, and the
 * flow logs. The VPC, its subnets and the flow-log group pin their own logical IDs from their
 * construct IDs (`Vpc`, `Vpc<group>Subnet<n>`, `FlowLogGroup`).
 */
export class IsolatedNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  /** Private access to AWS services; its security group admits HTTPS from the VPC. */
  readonly endpoints: PrivateServiceEndpoints;
  /** Receives the VPC flow logs, encrypted with the audit key. */
  readonly flowLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: IsolatedNetworkProps) {
    super(scope, id);
    this.vpc = new IsolatedVpc(this, 'Vpc', { cidr: props.vpcCidr, availabilityZones: props.availabilityZones }).vpc;

    this.endpoints = new PrivateServiceEndpoints(this, 'Endpoints', {
      vpc: this.vpc,
      vpcCidr: props.vpcCidr,
      interfaceSubnets: { subnetGroupName: SUBNET_GROUPS.workload },
      gatewaySubnets: [{ subnetGroupName: SUBNET_GROUPS.workload }, { subnetGroupName: SUBNET_GROUPS.data }],
    });

    this.flowLogGroup = new VpcFlowLog(this, 'FlowLog', {
      vpc: this.vpc,
      encryptionKey: props.auditKey,
      retentionDays: props.flowLogRetentionDays,
    }).logGroup;
  }
}
