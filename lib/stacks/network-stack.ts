import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { IsolatedNetwork, isolatedNetworkSettings } from '../capabilities/isolated-network';
import type { DeploymentConfig } from '../config/schema';
import type { PrivateServiceEndpoints } from '../constructs/private-service-endpoints';
import { SUBNET_GROUPS } from '../vocabulary';

/** Re-exported for the stacks that still import it from here; the vocabulary spells it. */
export { SUBNET_GROUPS };

export interface NetworkStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Encrypts the flow-log group (Keys stack). */
  readonly auditKey: kms.IKey;
}

/** Stateful: the isolated VPC, its endpoints and flow logs (see `IsolatedNetwork`). */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Private access to AWS services; its security group admits HTTPS from the VPC. */
  readonly endpoints: PrivateServiceEndpoints;
  /** Receives the VPC flow logs, encrypted with the audit key. */
  readonly flowLogGroup: logs.ILogGroup;

  private readonly configuredAzs: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const settings = isolatedNetworkSettings(props.config);
    this.configuredAzs = settings.availabilityZones;
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const network = new IsolatedNetwork(this, 'Default', { ...settings, auditKey: props.auditKey });
    this.vpc = network.vpc;
    this.endpoints = network.endpoints;
    this.flowLogGroup = network.flowLogGroup;
  }

  /**
   * The AZs come from the config. Without this override, a stack pinned to an account asks AWS
   * for its AZs at synth time (a context lookup), which needs credentials and breaks offline synth.
   */
  get availabilityZones(): string[] {
    return this.configuredAzs;
  }
}
