/**
 * Stand-ins for what a stack or capability receives from the other stacks of a deployment: small stacks
 * with the same kinds of resources under the same pinned logical IDs, so that a test builds one stack
 * (or one capability) and still sees cross-stack references as the real app renders them.
 */
import { Stack, type App, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../../lib/config/schema';
import { pinLogicalId } from '../../lib/constructs/logical-ids';
import { PhiDatabase } from '../../lib/constructs/phi-database';
import { LOGICAL_IDS, STACK_IDS, SUBNET_GROUPS } from '../../lib/vocabulary';
import { projectApp } from './app';
import { TEMPLATE_ONLY } from './cfn-values';

/** The logical ID a resource has in its template (overrides included). */
export const logicalIdOf = (element: CfnElement): string => Stack.of(element).resolve(element.logicalId) as string;

/** The logical ID of an L2 construct's CloudFormation resource. */
export const logicalIdOfL2 = (construct: { node: { defaultChild?: unknown } }): string =>
  logicalIdOf(construct.node.defaultChild as CfnElement);

/**
 * An app with the project's context, for template checks: no Lambda bundling, and none of CloudFormation's
 * own template checks (they run, with every rule pack, in the app-wide compliance test).
 */
export const templateApp = (): App => projectApp({ context: TEMPLATE_ONLY, builtinCloudFormationValidation: false });

/** The environment of a deployment's primary region (or `region`). */
export const envOf = (config: DeploymentConfig, region?: string) => ({
  account: config.account,
  region: region ?? config.regions.primary,
});

/** A stack in the deployment's environment whose AZs are the configured ones (no lookup at synth). */
export class ConfiguredStack extends Stack {
  private readonly azs: string[];

  constructor(scope: Construct, id: string, config: DeploymentConfig, props: StackProps = {}) {
    super(scope, id, { env: envOf(config), ...props });
    this.azs = config.network.availabilityZones;
  }

  get availabilityZones(): string[] {
    return this.azs;
  }
}

/** Stand-in Keys stack: symmetric keys under the real keys' pinned logical IDs. */
export function standInKeys(app: App, config: DeploymentConfig) {
  const stack = new ConfiguredStack(app, STACK_IDS.keys, config);
  const key = (logicalId: string) => {
    const k = new kms.Key(stack, logicalId);
    pinLogicalId(k, logicalId);
    return k;
  };
  const ids = LOGICAL_IDS.keys;
  return { stack, phiKey: key(ids.phi), auditKey: key(ids.audit), backupKey: key(ids.backup) };
}

/** Stand-in Network stack: a VPC with the project's three subnet groups, CIDR and AZs. */
export function standInNetwork(app: App, config: DeploymentConfig) {
  const stack = new ConfiguredStack(app, STACK_IDS.network, config);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(config.network.vpcCidr),
    availabilityZones: config.network.availabilityZones,
    natGateways: 0,
    subnetConfiguration: [
      { name: SUBNET_GROUPS.workload, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26 },
    ],
  });
  return { stack, vpc };
}

/** Stand-in Backup stack: a plan and a role under the real ones' pinned logical IDs. */
export function standInBackup(app: App, config: DeploymentConfig) {
  const stack = new ConfiguredStack(app, STACK_IDS.backup, config);
  const plan = backup.BackupPlan.daily35DayRetention(stack, LOGICAL_IDS.backup.plan);
  pinLogicalId(plan, LOGICAL_IDS.backup.plan);
  const role = new iam.Role(stack, LOGICAL_IDS.backup.role, { assumedBy: new iam.ServicePrincipal('backup.amazonaws.com') });
  pinLogicalId(role, LOGICAL_IDS.backup.role);
  return { stack, plan, role };
}

/** Stand-in Identity stack: a user pool, its domain and a client under the real ones' pinned logical IDs. */
export function standInIdentity(app: App, config: DeploymentConfig) {
  const stack = new ConfiguredStack(app, STACK_IDS.identity, config);
  const ids = LOGICAL_IDS.identity;
  const userPool = new cognito.UserPool(stack, ids.userPool);
  pinLogicalId(userPool, ids.userPool);
  const domain = userPool.addDomain(ids.userPoolDomain, { cognitoDomain: { domainPrefix: 'stand-in' } });
  pinLogicalId(domain, ids.userPoolDomain);
  const client = userPool.addClient(ids.albClient, { generateSecret: true });
  pinLogicalId(client, ids.albClient);
  return { stack, signIn: { userPool, client, domain } };
}

/**
 * Stand-in Data stack: a real `PhiDatabase` (the App stack opens it to the CRM) and a bucket, under the
 * real ones' pinned logical IDs.
 */
export function standInData(app: App, config: DeploymentConfig, deps: { vpc: ec2.IVpc; phiKey: kms.IKey; auditKey: kms.IKey }) {
  const stack = new ConfiguredStack(app, STACK_IDS.data, config);
  const ids = LOGICAL_IDS.data;
  const database = new PhiDatabase(stack, 'Database', {
    vpc: deps.vpc,
    subnets: { subnetGroupName: SUBNET_GROUPS.data },
    instanceIdentifier: 'stand-in',
    engineVersion: config.database.engineVersion,
    instanceType: new ec2.InstanceType(config.database.instanceType),
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 40,
    databaseName: 'crm',
    encryptionKey: deps.phiKey,
    logEncryptionKey: deps.auditKey,
    logRetention: logs.RetentionDays.SIX_YEARS,
  });
  pinLogicalId(database.instance, ids.database);
  const documentsBucket = new s3.Bucket(stack, ids.documentsBucket);
  pinLogicalId(documentsBucket, ids.documentsBucket);
  return { stack, database, documentsBucket };
}
