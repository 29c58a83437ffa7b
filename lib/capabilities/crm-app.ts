import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { sandboxRelaxations } from '../config/profile';
import type { DeploymentConfig } from '../config/schema';
import { CrmLoadBalancer } from '../constructs/crm-load-balancer';
import { CrmService } from '../constructs/crm-service';
import { pinLogicalId } from '../constructs/logical-ids';
import { guardDutyFargateAgentRepositoryArn } from '../constructs/guardduty-agent';
import { s3PrefixListId } from '../constructs/s3-prefix-list';
import { WebAcl } from '../constructs/web-acl';
import { deploymentNames, LOGICAL_IDS, SUBNET_GROUPS } from '../vocabulary';

/**
 * The database user the CRM signs in as with IAM authentication. The CRM's first migration creates
 * it: `CREATE USER crm_app; GRANT rds_iam TO crm_app;` plus the grants on its schema.
 */
export const CRM_DATABASE_USER = 'crm_app';

/** Built into the placeholder image when no CRM image is configured. */
export const PLACEHOLDER_IMAGE_DIRECTORY = path.join(__dirname, '..', '..', 'containers', 'placeholder');

/**
 * Cognito endpoints the load balancer calls itself, from AWS addresses: exempt from the WAF
 * allow-list and anonymous-IP list on the user pool (they require the client secret or a token).
 */
export const COGNITO_SERVICE_CALL_PATHS = ['/oauth2/token', '/oauth2/userInfo'] as const;

/** The CRM container and its scaling. */
export interface CrmWorkloadSettings {
  /** The CRM image in this account's ECR. @default - the placeholder built from `PLACEHOLDER_IMAGE_DIRECTORY` */
  readonly image?: { readonly repositoryName: string; readonly tag: string };
  readonly containerPort: number;
  /** Path the load balancer and the container health check call. */
  readonly healthCheckPath: string;
  /** Task CPU units. */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** The public name of the CRM and its certificate: exactly one of `certificateArn` and `hostedZone`. */
export interface CrmDomainSettings {
  readonly name: string;
  /** An existing ACM certificate for `name`. @default - a DNS-validated certificate in `hostedZone` */
  readonly certificateArn?: string;
  /** The zone that gets the alias record and validates a new certificate. @default - no DNS record */
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

/** The web ACL's rules (see `WebAclProps`). */
export interface CrmWafSettings {
  readonly rateLimitPer5Minutes: number;
  readonly blockAnonymousIps: boolean;
  readonly allowedCidrs: readonly string[];
  readonly largeBodyPaths: readonly string[];
}

/** The config-derived part of `CrmAppProps`. */
export interface CrmAppSettings {
  /** Deployment name: task family, log group and web ACL names. */
  readonly deployment: string;
  readonly workload: CrmWorkloadSettings;
  readonly domain: CrmDomainSettings;
  readonly waf: CrmWafSettings;
  /** The VPC's CIDR: the CRM reaches the interface endpoints in it on 443. */
  readonly vpcCidr: string;
  /** The S3 prefix list of the region: the CRM reaches S3 through the gateway endpoint. */
  readonly s3PrefixListId: string;
  /** The region's GuardDuty Runtime Monitoring agent repository: the tasks' execution role may pull it. */
  readonly guardDutyAgentRepositoryArn: string;
  /** Retention of the CRM, WAF and load balancer access logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Sandbox profile only (`sandboxRelaxations`, lib/config/profile.ts): the load balancer has no
   * deletion protection and its access-log bucket is emptied and deleted with the stack.
   */
  readonly disposable: boolean;
}

/** Translates the config into the settings of `CrmApp`. */
export function crmAppSettings(config: DeploymentConfig): CrmAppSettings {
  const { workload, domain, waf } = config;
  return {
    deployment: config.name,
    workload: {
      image: workload.image,
      containerPort: workload.containerPort,
      healthCheckPath: workload.healthCheckPath,
      cpu: workload.cpu,
      memoryMiB: workload.memoryMiB,
      minTasks: workload.minTasks,
      maxTasks: workload.maxTasks,
    },
    domain: { name: domain.name, certificateArn: domain.certificateArn, hostedZone: domain.hostedZone },
    waf: {
      rateLimitPer5Minutes: waf.rateLimitPer5Minutes,
      blockAnonymousIps: waf.blockAnonymousIps,
      allowedCidrs: waf.allowedCidrs,
      largeBodyPaths: waf.largeBodyPaths,
    },
    vpcCidr: config.network.vpcCidr,
    s3PrefixListId: s3PrefixListId(config.regions.primary),
    // Always: GuardDuty adds its agent to the tasks whether this deployment or the organisation runs it.
    guardDutyAgentRepositoryArn: guardDutyFargateAgentRepositoryArn(config.regions.primary),
    logRetention: config.logs.retentionDays as logs.RetentionDays,
    disposable: sandboxRelaxations(config).disposable,
  };
}

/** The PHI database as the CRM needs it (a `PhiDatabase` is one). */
export interface CrmDatabase {
  /** Its DbiResourceId names the database user in the task role's policy. */
  readonly instance: rds.IDatabaseInstance;
  /** Admits a client on the database port, by a rule in the client's stack. */
  allowConnectionsFrom(client: ec2.IConnectable, description: string): void;
}

/** The user pool the load balancer signs staff in with. */
export interface CrmSignIn {
  readonly userPool: cognito.IUserPool;
  /** The load balancer's confidential client. */
  readonly client: cognito.IUserPoolClient;
  readonly domain: cognito.IUserPoolDomain;
}

export interface CrmAppProps extends CrmAppSettings {
  /** The VPC with the `Public` (load balancer) and `Workload` (CRM tasks) subnet groups. */
  readonly vpc: ec2.IVpc;
  readonly signIn: CrmSignIn;
  readonly database: CrmDatabase;
  /** The PHI documents bucket the CRM reads and writes. */
  readonly documentsBucket: s3.IBucket;
  /** Encrypts the PHI documents: the CRM uses it through S3 only. */
  readonly phiKey: kms.IKey;
  /** Encrypts the CRM and WAF log groups. */
  readonly auditKey: kms.IKey;
}

/**
 * The CRM and its edge (HIPAA 164.312(a)(1), (d), (e)(1)): the internet-facing load balancer (TLS 1.3,
 * Cognito sign-in on every request), the WAF in front of it and of the sign-in pages, and the CRM on
 * Fargate in the isolated workload subnets, with IAM access to the database and the PHI documents.
 * Its only state is logs, in retained resources with pinned logical IDs.
 */
export class CrmApp extends Construct {
  readonly service: CrmService;
  readonly loadBalancer: CrmLoadBalancer;
  readonly webAcl: WebAcl;

  constructor(scope: Construct, id: string, props: CrmAppProps) {
    super(scope, id);
    const names = deploymentNames(props.deployment);
    const { workload } = props;

    this.service = new CrmService(this, 'Crm', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.workload },
      image: this.crmImage(workload),
      containerPort: workload.containerPort,
      healthCheckPath: workload.healthCheckPath,
      cpu: workload.cpu,
      memoryMiB: workload.memoryMiB,
      minTasks: workload.minTasks,
      maxTasks: workload.maxTasks,
      family: names.crmTaskFamily,
      logGroupName: names.crmLogGroup,
      logEncryptionKey: props.auditKey,
      logRetention: props.logRetention,
      vpcCidr: props.vpcCidr,
      s3PrefixListId: props.s3PrefixListId,
      guardDutyAgentRepositoryArn: props.guardDutyAgentRepositoryArn,
    });
    props.database.allowConnectionsFrom(this.service.service, 'CRM service');
    const dbiResourceId = props.database.instance.instanceResourceId;
    if (!dbiResourceId) throw new Error('the database instance exposes no DbiResourceId');
    this.service.grantDatabaseConnect(dbiResourceId, CRM_DATABASE_USER);
    this.service.grantDocuments(props.documentsBucket, props.phiKey);

    this.loadBalancer = new CrmLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNET_GROUPS.public },
      domainName: props.domain.name,
      certificateArn: props.domain.certificateArn,
      hostedZone: props.domain.hostedZone,
      signIn: props.signIn,
      target: this.service.loadBalancerTarget(workload.containerPort),
      targetPort: workload.containerPort,
      healthCheckPath: workload.healthCheckPath,
      accessLogRetention: Duration.days(props.logRetention),
      disposable: props.disposable,
    });

    this.webAcl = new WebAcl(this, 'WebAcl', {
      name: names.webAcl,
      rateLimitPer5Minutes: props.waf.rateLimitPer5Minutes,
      blockAnonymousIps: props.waf.blockAnonymousIps,
      allowedCidrs: props.waf.allowedCidrs,
      largeBodyPaths: props.waf.largeBodyPaths,
      serviceCallPaths: COGNITO_SERVICE_CALL_PATHS,
      logEncryptionKey: props.auditKey,
      logRetention: props.logRetention,
    });
    this.webAcl.associate('LoadBalancerAssociation', this.loadBalancer.loadBalancer.loadBalancerArn);
    this.webAcl.associate('UserPoolAssociation', props.signIn.userPool.userPoolArn);

    // Retained log stores: a refactor must not orphan them and create new ones.
    const ids = LOGICAL_IDS.app;
    pinLogicalId(this.service.logGroup, ids.crmServiceLogGroup);
    pinLogicalId(this.webAcl.logGroup, ids.wafLogGroup);
    pinLogicalId(this.loadBalancer.accessLogs.bucket, ids.loadBalancerAccessLogBucket);
  }

  /** The configured CRM image in this account's ECR, else the placeholder (built at deploy, not synth). */
  private crmImage(workload: CrmWorkloadSettings): ecs.ContainerImage {
    if (workload.image) {
      const repository = ecr.Repository.fromRepositoryName(this, 'CrmRepository', workload.image.repositoryName);
      return ecs.ContainerImage.fromEcrRepository(repository, workload.image.tag);
    }
    return ecs.ContainerImage.fromAsset(PLACEHOLDER_IMAGE_DIRECTORY, {
      buildArgs: { PORT: String(workload.containerPort) },
      platform: Platform.LINUX_AMD64,
    });
  }
}
