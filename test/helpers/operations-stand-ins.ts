/**
 * Stand-ins for what the Operations and DrOperations stacks (and their capabilities) receive: small
 * stacks named and placed like the real ones (`<deployment>-<part>`, same regions), holding plain CDK
 * resources whose logical IDs are pinned as the real stacks pin theirs (`LOGICAL_IDS`), so that
 * cross-stack references read as they do in the deployment. No Lambda bundling, no compliance plugins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnElement, Stack, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import type { LiveDatabase } from '../../lib/capabilities/backup-assurance';
import type { DeploymentConfig } from '../../lib/config/schema';
import { pinLogicalId } from '../../lib/constructs/logical-ids';
import {
  deploymentNames,
  LOGICAL_IDS,
  SUBNET_GROUPS,
  type DataClass,
  type DrDataClass,
  type StackPart,
} from '../../lib/vocabulary';
import { projectApp } from './app';
import { TEMPLATE_ONLY } from './cfn-values';
import { shippedConfig } from './config';
import { shippedAssembly } from './shipped-assembly';

export const ACCOUNT = '111122223333';

export interface PrimaryStandIns {
  readonly keys: Stack;
  readonly network: Stack;
  readonly data: Stack;
  readonly backup: Stack;
  readonly identity: Stack;
  readonly audit: Stack;
  readonly phiKey: kms.Key;
  readonly auditKey: kms.Key;
  readonly backupKey: kms.Key;
  readonly certificateSigningKey: kms.Key;
  readonly vpc: ec2.Vpc;
  readonly database: LiveDatabase;
  readonly documentsBucket: s3.Bucket;
  readonly backupVault: backup.BackupVault;
  readonly backupPlan: backup.BackupPlan;
  readonly backupRole: iam.Role;
  readonly userPool: cognito.UserPool;
  readonly evidenceBucket: s3.Bucket;
  readonly securityTopic: sns.Topic;
}

export interface DrStandIns {
  readonly dr: Stack;
  readonly phiDrKey: kms.Key;
  readonly auditDrKey: kms.Key;
  readonly backupDrKey: kms.Key;
  readonly evidenceReplica: s3.Bucket;
}

export interface StandIns {
  readonly config: DeploymentConfig;
  readonly app: App;
  /** A stack named and placed like the deployment's stack of `part`. */
  stack(id: string, part: StackPart, region?: string): Stack;
  readonly primary: PrimaryStandIns;
  readonly dr: DrStandIns;
}

/** The stand-ins for a shipped config, in a new app (templates only). */
export function standIns(file: string): StandIns {
  const config = shippedConfig(file);
  // CloudFormation's own template checks run in the app-wide compliance test, on the real templates.
  const app = projectApp({ context: TEMPLATE_ONLY, builtinCloudFormationValidation: false });
  const names = deploymentNames(config.name);
  const stack = (id: string, part: StackPart, region = config.regions.primary) =>
    new Stack(app, id, { stackName: names.stack(part), env: { account: ACCOUNT, region } });
  const pinned = <T extends IConstruct>(construct: T, logicalId: string): T => {
    pinLogicalId(construct, logicalId);
    return construct;
  };
  // With the real keys' aliases: crypto-erasure grants only keys whose alias names an erasable data class.
  const symmetricKey = (scope: Stack, logicalId: string, dataClass: DataClass | DrDataClass) =>
    pinned(new kms.Key(scope, logicalId, { enableKeyRotation: true, alias: names.keyAlias(dataClass) }), logicalId);

  const keys = stack('Keys', 'keys');
  const phiKey = symmetricKey(keys, LOGICAL_IDS.keys.phi, 'phi');
  const auditKey = symmetricKey(keys, LOGICAL_IDS.keys.audit, 'audit');
  const backupKey = symmetricKey(keys, LOGICAL_IDS.keys.backup, 'backup');
  const certificateSigningKey = pinned(
    new kms.Key(keys, 'CertificateSigningKey', { keySpec: kms.KeySpec.ECC_NIST_P384, keyUsage: kms.KeyUsage.SIGN_VERIFY }),
    LOGICAL_IDS.keys.certificateSigning,
  );

  const network = stack('Network', 'network');
  const vpc = new ec2.Vpc(network, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(config.network.vpcCidr),
    availabilityZones: config.network.availabilityZones,
    natGateways: 0,
    subnetConfiguration: [
      { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC },
      { name: SUBNET_GROUPS.workload, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });

  const data = stack('Data', 'data');
  const ids = LOGICAL_IDS.data;
  const port = 5433;
  const subnetGroup = pinned(
    new rds.SubnetGroup(data, 'SubnetGroup', {
      vpc,
      description: 'data subnets',
      vpcSubnets: { subnetGroupName: SUBNET_GROUPS.data },
    }),
    ids.databaseSubnetGroup,
  );
  const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
  const parameterGroup = new rds.ParameterGroup(data, 'ParameterGroup', { engine });
  const securityGroup = new ec2.SecurityGroup(data, 'DatabaseSecurityGroup', { vpc, allowAllOutbound: false });
  const instance = new rds.DatabaseInstance(data, 'Database', {
    engine,
    vpc,
    subnetGroup,
    parameterGroup,
    securityGroups: [securityGroup],
    port,
    storageEncryptionKey: phiKey,
  });
  pinLogicalId(instance, ids.database);
  // The group's resource exists once an instance uses it.
  pinLogicalId(parameterGroup, ids.databaseParameterGroup);
  const documentsBucket = pinned(
    new s3.Bucket(data, 'PhiDocuments', { encryption: s3.BucketEncryption.KMS, encryptionKey: phiKey }),
    ids.documentsBucket,
  );

  const backupStack = stack('Backup', 'backup');
  const backupVault = pinned(
    new backup.BackupVault(backupStack, 'Vault', { backupVaultName: names.backupVault, encryptionKey: backupKey }),
    LOGICAL_IDS.backup.vault,
  );
  const backupPlan = pinned(
    new backup.BackupPlan(backupStack, 'Plan', { backupVault, backupPlanRules: [backup.BackupPlanRule.daily()] }),
    LOGICAL_IDS.backup.plan,
  );
  const backupRole = pinned(
    new iam.Role(backupStack, 'Role', { assumedBy: new iam.ServicePrincipal('backup.amazonaws.com') }),
    LOGICAL_IDS.backup.role,
  );

  const identity = stack('Identity', 'identity');
  const userPool = pinned(new cognito.UserPool(identity, 'UserPool'), LOGICAL_IDS.identity.userPool);

  const audit = stack('Audit', 'audit');
  const evidenceBucket = pinned(
    new s3.Bucket(audit, 'Evidence', { encryption: s3.BucketEncryption.KMS, encryptionKey: auditKey }),
    LOGICAL_IDS.audit.evidenceBucket,
  );
  const securityTopic = pinned(new sns.Topic(audit, 'Topic', { masterKey: auditKey }), LOGICAL_IDS.audit.securityTopic);

  const dr = stack('Dr', 'dr', config.regions.dr);
  const phiDrKey = symmetricKey(dr, LOGICAL_IDS.dr.phiKey, 'phi-dr');
  const auditDrKey = symmetricKey(dr, LOGICAL_IDS.dr.auditKey, 'audit-dr');
  const backupDrKey = symmetricKey(dr, LOGICAL_IDS.dr.backupKey, 'backup-dr');
  const evidenceReplica = pinned(
    new s3.Bucket(dr, 'EvidenceReplica', { encryption: s3.BucketEncryption.KMS, encryptionKey: auditDrKey }),
    LOGICAL_IDS.dr.evidenceReplicaBucket,
  );

  return {
    config,
    app,
    stack,
    primary: {
      keys,
      network,
      data,
      backup: backupStack,
      identity,
      audit,
      phiKey,
      auditKey,
      backupKey,
      certificateSigningKey,
      vpc,
      database: {
        instance,
        port,
        securityGroup,
        subnetGroupName: subnetGroup.subnetGroupName,
        parameterGroupName: parameterGroup.bindToInstance({}).parameterGroupName,
      },
      documentsBucket,
      backupVault,
      backupPlan,
      backupRole,
      userPool,
      evidenceBucket,
      securityTopic,
    },
    dr: { dr, phiDrKey, auditDrKey, backupDrKey, evidenceReplica },
  };
}

/** A resource of a synthesized template, as far as these tests read it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** An IAM or resource policy statement of a synthesized template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: { readonly Service?: string; readonly AWS?: unknown };
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Reads one stack's synthesized template by the constructs that made it. */
export class StackTemplate {
  readonly template: Template;
  readonly resources: Readonly<Record<string, CfnResource>>;

  constructor(readonly stack: Stack) {
    this.template = Template.fromStack(stack);
    this.resources = this.template.toJSON().Resources as Record<string, CfnResource>;
  }

  /** Logical ID of a construct's CloudFormation resource. */
  id(construct: IConstruct): string {
    const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
    if (!element || !CfnElement.isCfnElement(element)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
    return this.stack.resolve(element.logicalId) as string;
  }

  /** The synthesized resource of a construct. */
  of(construct: IConstruct): CfnResource {
    return this.resources[this.id(construct)];
  }

  /** Every resource of `type`, with its logical ID. */
  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** The one resource of `type` that `matches`. */
  only(type: string, matches: (resource: CfnResource, id: string) => boolean = () => true): [string, CfnResource] {
    const found = this.ofType(type).filter(([id, r]) => matches(r, id));
    if (found.length !== 1) throw new Error(`${found.length} resources of ${type} match, expected 1`);
    return found[0];
  }

  /** The statements of a policy document property (`PolicyDocument` by default) of a resource. */
  statements(resource: CfnResource, property = 'PolicyDocument'): Statement[] {
    return (resource.Properties[property] as { Statement: Statement[] }).Statement;
  }
}

/** Whether a synthesized value refers to (a resource or an output of) `stack`. */
export function refersToStack(value: unknown, stack: Stack): boolean {
  return JSON.stringify(value).includes(stack.stackName);
}

/**
 * The resources of one stack of a shipped config's whole app, from the shared once-per-run assembly:
 * for the contracts the Operations stacks rely on in the stacks they receive from.
 */
export function shippedResources(file: string, stackId: string): Readonly<Record<string, CfnResource>> {
  const { dir, synthFailed } = shippedAssembly(file);
  if (synthFailed) throw new Error(`the shared synth of ${file} failed: see ${dir}/validation-report.json`);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { properties?: { templateFile?: string } }>;
  };
  const templateFile = manifest.artifacts[stackId]?.properties?.templateFile;
  if (!templateFile) throw new Error(`no template of ${stackId} in ${dir}`);
  return (JSON.parse(fs.readFileSync(path.join(dir, templateFile), 'utf8')) as { Resources: Record<string, CfnResource> })
    .Resources;
}
