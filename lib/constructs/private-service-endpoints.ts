import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** An interface endpoint and why the VPC needs it. */
export interface InterfaceEndpointSpec {
  readonly service: ec2.InterfaceVpcEndpointAwsService;
  /** Who calls the service from inside the VPC; kept next to the endpoint for reviewers. */
  readonly why: string;
}

/**
 * The AWS services reachable from the isolated subnets, which have no NAT and no internet route.
 * Keyed by construct id (the endpoint's id is `<key>`, e.g. `SecretsManager`): renaming a key
 * replaces that endpoint. Add an entry when a new caller needs a service (e.g. Step Functions,
 * Lambda, SSM for ECS Exec), with the reason; without it the call times out.
 */
export const INTERFACE_ENDPOINTS: Readonly<Record<string, InterfaceEndpointSpec>> = {
  EcrApi: {
    service: ec2.InterfaceVpcEndpointAwsService.ECR,
    why: 'ECS gets the registry auth token and image manifests to start the workload tasks',
  },
  EcrDocker: {
    service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    why: 'ECS pulls the workload images (the layers themselves come from S3 via the gateway endpoint)',
  },
  Logs: {
    service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    why: 'the tasks (awslogs driver) and the in-VPC Lambdas write their logs (164.312(b))',
  },
  SecretsManager: {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    why: 'the CRM workload reads its own secrets (ECS can inject them into tasks) without leaving the VPC',
  },
  Kms: {
    service: ec2.InterfaceVpcEndpointAwsService.KMS,
    why: 'the workload and Lambdas call KMS directly with the customer-managed keys (e.g. envelope encryption)',
  },
  Sts: {
    service: ec2.InterfaceVpcEndpointAwsService.STS,
    why: 'AWS SDKs in tasks and Lambdas assume roles and resolve their identity through the regional STS endpoint',
  },
  Monitoring: {
    service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
    why: 'the workload and Lambdas publish custom metrics (PutMetricData) that the alarms watch',
  },
  Sns: {
    service: ec2.InterfaceVpcEndpointAwsService.SNS,
    why: 'Lambdas publish security and operational alerts to the alarm topics',
  },
  Backup: {
    service: ec2.InterfaceVpcEndpointAwsService.BACKUP,
    why: 'the restore validator reads the restore job (DescribeRestoreJob) and reports its verdict to AWS Backup (PutRestoreValidationResult)',
  },
  Rds: {
    service: ec2.InterfaceVpcEndpointAwsService.RDS,
    why: 'the restore validator finds the endpoint of the restored database copy (DescribeDBInstances); database connections themselves go to the instance, not here',
  },
  // No cognito-idp endpoint: AWS documents that a user pool with a domain (ours has one, for managed
  // login) cannot be used through it, so it would cost money and serve nothing. The functions that call
  // the user pools API run outside the VPC instead (see `SecureFunctionPlacement`).
};

export interface PrivateServiceEndpointsProps {
  /** The VPC to give private access to AWS services. */
  readonly vpc: ec2.IVpc;
  /**
   * The VPC's IPv4 CIDR as a literal (not `vpc.vpcCidrBlock`, a token): the endpoints admit HTTPS from
   * it, and cdk-nag's security-group rules can only evaluate literal CIDRs.
   */
  readonly vpcCidr: string;
  /** Where the interface endpoints' network interfaces go; one per AZ is used. */
  readonly interfaceSubnets: ec2.SubnetSelection;
  /** Route tables of these subnets get the S3 gateway endpoint. */
  readonly gatewaySubnets: ec2.SubnetSelection[];
  /**
   * Interface endpoints to create.
   * @default INTERFACE_ENDPOINTS
   */
  readonly interfaceEndpoints?: Readonly<Record<string, InterfaceEndpointSpec>>;
}

/**
 * Private access to AWS services for subnets without internet access (HIPAA 164.312(e)(1): the
 * traffic stays on the AWS network, and TLS is used end to end).
 *
 * - S3 gateway endpoint on the given subnets' route tables (ECR image layers, the documents bucket).
 * - Interface endpoints with private DNS, so unmodified SDKs resolve the regional service names to
 *   them; one network interface per AZ.
 * - One security group for all interface endpoints: TCP 443 from the VPC CIDR and nothing else;
 *   no egress, since endpoint network interfaces never open connections.
 */
export class PrivateServiceEndpoints extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly s3Gateway: ec2.GatewayVpcEndpoint;
  /** Interface endpoints by their key in `interfaceEndpoints`. */
  readonly interfaceEndpoints: Readonly<Record<string, ec2.InterfaceVpcEndpoint>>;

  constructor(scope: Construct, id: string, props: PrivateServiceEndpointsProps) {
    super(scope, id);

    this.s3Gateway = new ec2.GatewayVpcEndpoint(this, 'S3', {
      vpc: props.vpc,
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: props.gatewaySubnets,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(443), 'HTTPS from the VPC');

    const endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
    for (const [key, spec] of Object.entries(props.interfaceEndpoints ?? INTERFACE_ENDPOINTS)) {
      endpoints[key] = new ec2.InterfaceVpcEndpoint(this, key, {
        vpc: props.vpc,
        service: spec.service,
        privateDnsEnabled: true,
        subnets: { ...props.interfaceSubnets, onePerAz: true },
        securityGroups: [this.securityGroup],
        // The shared security group above already admits 443 from the VPC; `open` would add it again.
        open: false,
      });
    }
    this.interfaceEndpoints = endpoints;
  }
}
