import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CrmApp, crmAppSettings, type CrmDatabase, type CrmSignIn } from '../capabilities/crm-app';
import type { DeploymentConfig } from '../config/schema';
import type { CrmLoadBalancer } from '../constructs/crm-load-balancer';
import type { CrmService } from '../constructs/crm-service';
import type { WebAcl } from '../constructs/web-acl';

export interface AppStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The isolated VPC (Network stack). */
  readonly vpc: ec2.IVpc;
  /** The user pool, its domain and the load balancer's client (Identity stack). */
  readonly signIn: CrmSignIn;
  /** The PHI database (Data stack); the rule that admits the CRM lives in this stack. */
  readonly database: CrmDatabase;
  /** The PHI documents bucket (Data stack). */
  readonly documentsBucket: s3.IBucket;
  /** Encrypts the PHI documents (Keys stack). */
  readonly phiKey: kms.IKey;
  /** Encrypts the CRM and WAF log groups (Keys stack). */
  readonly auditKey: kms.IKey;
}

/** Stateless: the load balancer, the WAF and the CRM service on Fargate (see `CrmApp`). */
export class AppStack extends Stack {
  readonly service: CrmService;
  readonly loadBalancer: CrmLoadBalancer;
  readonly webAcl: WebAcl;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs the resources had when they were created in the stack itself.
    const app = new CrmApp(this, 'Default', {
      ...crmAppSettings(props.config),
      vpc: props.vpc,
      signIn: props.signIn,
      database: props.database,
      documentsBucket: props.documentsBucket,
      phiKey: props.phiKey,
      auditKey: props.auditKey,
    });
    this.service = app.service;
    this.loadBalancer = app.loadBalancer;
    this.webAcl = app.webAcl;
  }
}
