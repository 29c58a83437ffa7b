import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { IsolatedVpc, SUBNET_GROUPS } from '../constructs/isolated-vpc';
import { PrivateServiceEndpoints } from '../constructs/private-service-endpoints';
import { VpcFlowLog } from '../constructs/vpc-flow-log';

export { SUBNET_GROUPS };

export interface NetworkStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Encrypts the flow-log group. */
  readonly auditKey: kms.IKey;
}

/**
 * Stateful: the VPC without NAT (workload and database subnets have no route out), the VPC
 * endpoints that replace internet access, and the flow logs (HIPAA 164.312(e)(1), 164.312(b)).
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Private access to AWS services; its security group admits HTTPS from the VPC. */
  readonly endpoints: PrivateServiceEndpoints;
  /** Receives the VPC flow logs, encrypted with the audit key. */
  readonly flowLogGroup: logs.ILogGroup;

  private readonly configuredAzs: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { network, logs: logConfig } = props.config;
    this.configuredAzs = network.availabilityZones;

    this.vpc = new IsolatedVpc(this, 'Vpc', {
      cidr: network.vpcCidr,
      availabilityZones: network.availabilityZones,
    }).vpc;

    this.endpoints = new PrivateServiceEndpoints(this, 'Endpoints', {
      vpc: this.vpc,
      vpcCidr: network.vpcCidr,
      interfaceSubnets: { subnetGroupName: SUBNET_GROUPS.workload },
      gatewaySubnets: [{ subnetGroupName: SUBNET_GROUPS.workload }, { subnetGroupName: SUBNET_GROUPS.data }],
    });

    this.flowLogGroup = new VpcFlowLog(this, 'FlowLog', {
      vpc: this.vpc,
      encryptionKey: props.auditKey,
      retentionDays: logConfig.retentionDays,
    }).logGroup;
  }

  /**
   * The AZs come from the config. Without this override, a stack pinned to an account asks AWS
   * for its AZs at synth time (a context lookup), which needs credentials and breaks offline synth.
   */
  get availabilityZones(): string[] {
    return this.configuredAzs;
  }
}
