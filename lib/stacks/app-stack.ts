import * as path from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';
import { CrmLoadBalancer } from '../constructs/crm-load-balancer';
import { CrmService } from '../constructs/crm-service';
import type { PhiDatabase } from '../constructs/phi-database';
import { s3PrefixListId } from '../constructs/s3-prefix-list';
import { WebAcl } from '../constructs/web-acl';
import type { IdentityStack } from './identity-stack';
import { pinLogicalId } from '../constructs/logical-ids';
import { SUBNET_GROUPS } from './network-stack';

/**
 * The database user the CRM signs in as with IAM authentication. The CRM's first migration creates
 * it: `CREATE USER crm_app; GRANT rds_iam TO crm_app;` plus the grants on its schema.
 */
export const CRM_DATABASE_USER = 'crm_app';

/** Built into the placeholder image when `workload.image` is not configured. */
export const PLACEHOLDER_IMAGE_DIRECTORY = path.join(__dirname, '..', '..', 'containers', 'placeholder');

/**
 * Cognito endpoints the load balancer calls itself, from AWS addresses: exempt from the WAF
 * allow-list and anonymous-IP list on the user pool (they require the client secret or a token).
 */
export const COGNITO_SERVICE_CALL_PATHS = ['/oauth2/token', '/oauth2/userInfo'] as const;

export interface AppStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly vpc: ec2.IVpc;
  readonly identity: IdentityStack;
  readonly database: PhiDatabase;
  readonly documentsBucket: s3.IBucket;
  readonly phiKey: kms.IKey;
  readonly auditKey: kms.IKey;
}

/**
 * Stateless: the internet-facing load balancer (TLS 1.3, Cognito sign-in on every request), the WAF
 * in front of it and of the sign-in pages, and the CRM on Fargate in the isolated workload subnets.
 * Its only state is logs, in retained resources with pinned logical IDs.
 */
export class AppStack extends Stack {
  readonly service: CrmService;
  readonly loadBalancer: CrmLoadBalancer;
  readonly webAcl: WebAcl;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { workload } = config;
    const logRetention = config.logs.retentionDays as logs.RetentionDays;

    this.service = new CrmService(this, 'Crm', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.workload },
      image: this.crmImage(config),
      containerPort: workload.containerPort,
      healthCheckPath: workload.healthCheckPath,
      cpu: workload.cpu,
      memoryMiB: workload.memoryMiB,
      minTasks: workload.minTasks,
      maxTasks: workload.maxTasks,
      family: `${config.name}-crm`,
      logGroupName: `/ecs/${config.name}/crm`,
      logEncryptionKey: props.auditKey,
      logRetention,
      vpcCidr: config.network.vpcCidr,
      s3PrefixListId: s3PrefixListId(config.regions.primary),
    });
    props.database.allowConnectionsFrom(this.service.service, 'CRM service');
    const dbiResourceId = props.database.instance.instanceResourceId;
    if (!dbiResourceId) throw new Error('the database instance exposes no DbiResourceId');
    this.service.grantDatabaseConnect(dbiResourceId, CRM_DATABASE_USER);
    this.service.grantDocuments(props.documentsBucket, props.phiKey);

    this.loadBalancer = new CrmLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.public },
      domainName: config.domain.name,
      certificateArn: config.domain.certificateArn,
      hostedZone: config.domain.hostedZone,
      signIn: { userPool: props.identity.userPool, client: props.identity.albClient, domain: props.identity.userPoolDomain },
      target: this.service.loadBalancerTarget(workload.containerPort),
      targetPort: workload.containerPort,
      healthCheckPath: workload.healthCheckPath,
      accessLogRetention: Duration.days(config.logs.retentionDays),
    });

    this.webAcl = new WebAcl(this, 'WebAcl', {
      name: `${config.name}-crm`,
      rateLimitPer5Minutes: config.waf.rateLimitPer5Minutes,
      blockAnonymousIps: config.waf.blockAnonymousIps,
      allowedCidrs: config.waf.allowedCidrs,
      largeBodyPaths: config.waf.largeBodyPaths,
      serviceCallPaths: COGNITO_SERVICE_CALL_PATHS,
      logEncryptionKey: props.auditKey,
      logRetention,
    });
    this.webAcl.associate('LoadBalancerAssociation', this.loadBalancer.loadBalancer.loadBalancerArn);
    this.webAcl.associate('UserPoolAssociation', props.identity.userPool.userPoolArn);

    // Retained log stores: a refactor must not orphan them and create new ones.
    pinLogicalId(this.service.logGroup, 'CrmServiceLogGroup');
    pinLogicalId(this.webAcl.logGroup, 'WafLogGroup');
    pinLogicalId(this.loadBalancer.accessLogs.bucket, 'LoadBalancerAccessLogBucket');
  }

  /** The configured CRM image in this account's ECR, else the placeholder (built at deploy, not synth). */
  private crmImage(config: DeploymentConfig): ecs.ContainerImage {
    const image = config.workload.image;
    if (image) {
      const repository = ecr.Repository.fromRepositoryName(this, 'CrmRepository', image.repositoryName);
      return ecs.ContainerImage.fromEcrRepository(repository, image.tag);
    }
    return ecs.ContainerImage.fromAsset(PLACEHOLDER_IMAGE_DIRECTORY, {
      buildArgs: { PORT: String(config.workload.containerPort) },
      platform: Platform.LINUX_AMD64,
    });
  }
}
