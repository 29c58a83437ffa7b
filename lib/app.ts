import { Annotations, App, AspectPriority, Aspects, Tags, type AppProps } from 'aws-cdk-lib';
import { describeRelaxations, sandboxRelaxations } from './config/profile';
import type { DeploymentConfig } from './config/schema';
import { organizationSettings } from './config/organization';
import { GuardrailsStack, guardrailsOf } from './stacks/guardrails-stack';
import { logArchiveSettings } from './capabilities/log-archive';
import { LogArchiveStack } from './stacks/log-archive-stack';
import { EligibleServicesGuard } from './compliance/eligible-services-guard';
import { LambdaLogGroups, LogPolicyCheck } from './compliance/log-policy';
import { LogDataProtection } from './constructs/log-data-protection';
import { registerCompliancePlugins } from './compliance/plugins';
import { AppStack } from './stacks/app-stack';
import { AuditStack } from './stacks/audit-stack';
import { airGappedVaultSettings } from './capabilities/air-gapped-vault';
import { BackupAccountStack } from './stacks/backup-account-stack';
import { BackupStack } from './stacks/backup-stack';
import { DataStack } from './stacks/data-stack';
import { deploymentStackProps } from './stacks/deployment-stack-props';
import { DrOperationsStack } from './stacks/dr-operations-stack';
import { DrStack } from './stacks/dr-stack';
import { IdentityStack } from './stacks/identity-stack';
import { KeysStack } from './stacks/keys-stack';
import { NetworkStack } from './stacks/network-stack';
import { OperationsStack } from './stacks/operations-stack';
import { disposeOnDestroy } from './constructs/disposal';
import { regionalStackId, STACK_IDS, TAG, type StackPart } from './vocabulary';

/** The stacks of one deployment. */
export interface Deployment {
  readonly keys: KeysStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly dr: DrStack;
  readonly drOperations: DrOperationsStack;
  readonly backup: BackupStack;
  readonly audit: AuditStack;
  readonly identity: IdentityStack;
  readonly app: AppStack;
  readonly operations: OperationsStack;
  /** Management account, only with `organization`: the service control policies. */
  readonly guardrails?: GuardrailsStack;
  /** Log archive account, only with `organization`: write-once copies of the trail logs and the evidence. */
  readonly logArchive?: LogArchiveStack;
  /** Backup account, only with `organization`: the logically air-gapped vault, one stack per backup region. */
  readonly backupAccount?: BackupAccountStack[];
}

/** Builds every stack of one deployment into `app`. Stacks wire; constructs own each concern. */
export function buildDeployment(app: App, config: DeploymentConfig): Deployment {
  const props = (part: StackPart, purpose: string, stateful: boolean, region?: string) => ({
    ...deploymentStackProps(config, { part, purpose, stateful, region }),
    config,
  });

  const keys = new KeysStack(app, 'Keys', props('keys', 'customer-managed KMS keys, one per data class', true));
  const dr = new DrStack(
    app,
    'Dr',
    props(
      'dr',
      'disaster-recovery region: DR keys and the replicas of the PHI, evidence and trail buckets',
      true,
      config.regions.dr,
    ),
  );
  const drOperations = new DrOperationsStack(app, 'DrOperations', {
    ...props('dr-operations', 'DR region: rotation enforcement of the DR keys and its alerts', false, config.regions.dr),
    phiDrKey: dr.phiDrKey,
    auditDrKey: dr.auditDrKey,
    backupDrKey: dr.backupDrKey,
    evidenceBucket: dr.evidenceReplica.bucket,
  });
  const backup = new BackupStack(app, 'Backup', {
    ...props('backup', 'AWS Backup vault with Vault Lock, backup plan and backup role', true),
    backupKey: keys.backupKey,
    phiKey: keys.phiKey,
  });
  // The plan copies into the DR vault by ARN: every copy job fails until that vault exists.
  backup.addStackDependency(dr, 'the backup plan copies every scheduled recovery point into the DR vault');
  // Accounts apart: the backup account's air-gapped vaults, one per backup region, before the plan that copies into them.
  const backupAccount = buildBackupAccount(app, config, backup);
  const network = new NetworkStack(app, 'Network', {
    ...props('network', 'isolated VPC without NAT, VPC endpoints and flow logs', true),
    auditKey: keys.auditKey,
  });
  const data = new DataStack(app, 'Data', {
    ...props('data', 'PostgreSQL database and PHI documents bucket', true),
    vpc: network.vpc,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
    backupPlan: backup.plan,
    backupRole: backup.role,
  });
  // Replication to the DR bucket is checked by S3 when it is configured: the replica must exist first.
  data.addStackDependency(dr, 'the PHI bucket replicates into the DR replica bucket');
  const identity = new IdentityStack(app, 'Identity', {
    ...props('identity', 'Cognito user pool with mandatory MFA and the role matrix; break-glass role', true),
  });
  const audit = new AuditStack(app, 'Audit', {
    ...props('audit', 'audit trail, write-once evidence store, security alarms and detective services', true),
    auditKey: keys.auditKey,
    phiBuckets: [data.documents.bucket],
    userPool: identity.userPool,
  });
  audit.addStackDependency(dr, 'the evidence bucket replicates into the DR evidence replica');
  // The Audit stack configures the export of the Identity stack's user pool activity into its bucket.
  audit.addStackDependency(identity, "the sign-in log export is configured on the Identity stack's user pool");
  const web = new AppStack(app, 'App', {
    ...props('app', 'load balancer, WAF and the CRM service', false),
    vpc: network.vpc,
    signIn: { userPool: identity.userPool, client: identity.albClient, domain: identity.userPoolDomain },
    database: data.database,
    documentsBucket: data.documents.bucket,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
  });
  const operations = new OperationsStack(app, 'Operations', {
    ...props(
      'operations',
      'session revocation, access reviews, restore tests and their validation, key rotation and crypto-erasure',
      false,
    ),
    userPool: identity.userPool,
    evidenceBucket: audit.evidenceBucket,
    securityTopic: audit.securityTopic,
    vpc: network.vpc,
    database: {
      instance: data.database.instance,
      port: data.database.port,
      securityGroup: data.database.securityGroup,
      subnetGroupName: data.database.subnetGroup.subnetGroupName,
      parameterGroupName: data.database.parameterGroup.bindToInstance({}).parameterGroupName,
    },
    documentsBucket: data.documents.bucket,
    backupVault: backup.vault,
    backupPlan: backup.plan,
    backupRole: backup.role,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
    backupKey: keys.backupKey,
    certificateSigningKey: keys.certificateSigningKey,
  });

  const workload = { keys, network, data, dr, drOperations, backup, audit, identity, app: web, operations };
  const organization = organizationSettings(config);
  let guardrails: GuardrailsStack | undefined;
  let logArchive: LogArchiveStack | undefined;
  const archiveSettings = logArchiveSettings(config);
  if (archiveSettings) {
    logArchive = new LogArchiveStack(app, STACK_IDS.logArchive, {
      ...deploymentStackProps(config, {
        part: 'log-archive',
        purpose: 'log archive account: write-once copies of the CloudTrail logs and the evidence, and their key',
        stateful: true,
        account: archiveSettings.archiveAccount,
      }),
      config,
      settings: archiveSettings,
    });
    // Cross-account: CDK adds no dependency for Fn::GetStackOutput, and the output must exist first.
    audit.addStackDependency(
      logArchive,
      "the trail and evidence buckets replicate into the archive, under the archive key's ARN",
    );
  }
  if (organization) {
    const stackProps = deploymentStackProps(config, {
      part: 'guardrails',
      purpose: 'management account: service control policies on the workload OU',
      stateful: false,
      account: organization.managementAccount,
    });
    guardrails = new GuardrailsStack(app, STACK_IDS.guardrails, {
      ...stackProps,
      guardrails: guardrailsOf(config.name, organization),
    });
    // Last: the workload's first deploy meets no guardrail; later deploys go through the exempt roles.
    for (const stack of [...Object.values(workload), ...(logArchive ? [logArchive] : []), ...(backupAccount ?? [])]) {
      guardrails.addStackDependency(stack, 'the guardrails attach once the workload is deployed');
    }
  }

  Tags.of(app).add(TAG.deployment, config.name);
  Tags.of(app).add(TAG.holdsPhi, String(config.holdsPhi));
  for (const [k, v] of Object.entries(config.tags)) Tags.of(app).add(k, v);
  Aspects.of(app).add(new EligibleServicesGuard());
  // Log policy: CDK's own helper functions get encrypted log groups, then every log group is checked.
  Aspects.of(app).add(
    new LambdaLogGroups({
      // The DR region's own helper functions (CDK's bucket auto-delete, sandbox only) log under the audit-dr key.
      keyFor: (stack) =>
        stack.region === config.regions.primary ? keys.auditKey : stack.region === config.regions.dr ? dr.auditDrKey : undefined,
      retentionDays: config.logs.retentionDays,
    }),
    { priority: AspectPriority.MUTATING },
  );
  // PHI never in logs: every log group audits and masks PHI identifiers (the alarm is ActivityAudit's).
  Aspects.of(app).add(new LogDataProtection(), { priority: AspectPriority.MUTATING });
  const relaxations = sandboxRelaxations(config);
  Aspects.of(app).add(new LogPolicyCheck(relaxations.disposable), { priority: AspectPriority.READONLY });
  const deployment: Deployment = {
    ...workload,
    ...(logArchive ? { logArchive } : {}),
    ...(guardrails ? { guardrails } : {}),
    ...(backupAccount ? { backupAccount } : {}),
  };
  if (relaxations.disposable) {
    disposeOnDestroy(app);
    // Info, not a warning: a warning fails synth here (lib/compliance/report.ts) and under `cdk synth --strict`.
    const lines = describeRelaxations(relaxations);
    Annotations.of(keys).addInfo(`SANDBOX profile (no PHI, deleted completely by cdk destroy) relaxes:\n- ${lines.join('\n- ')}`);
  }
  return deployment;
}

/**
 * The backup account's stacks (config `organization`), one per backup region, or undefined without it.
 * The workload's Backup stack depends on each: its plan copies into their vaults by ARN.
 */
function buildBackupAccount(app: App, config: DeploymentConfig, backup: BackupStack): BackupAccountStack[] | undefined {
  const organization = organizationSettings(config);
  const airGappedVault = airGappedVaultSettings(config);
  if (!organization || !airGappedVault) return undefined;
  return organization.backupRegions.map((region) => {
    const stack = new BackupAccountStack(app, regionalStackId('backupAccount', region), {
      ...deploymentStackProps(config, {
        part: 'backup-account',
        purpose:
          'backup account: logically air-gapped vault, its key, its share with the workload account and the key erasure role',
        stateful: true,
        account: organization.backupAccount,
        region,
      }),
      airGappedVault,
    });
    // CDK adds no dependency across accounts by itself: the copy needs the vault, its policy and its key.
    backup.addStackDependency(stack, 'the backup plan copies every scheduled recovery point into the air-gapped vault');
    return stack;
  });
}

/** Builds all stacks of `config` into `app` and registers every compliance plugin. */
export function buildCheckedDeployment(app: App, config: DeploymentConfig): Deployment {
  const deployment = buildDeployment(app, config);
  registerCompliancePlugins(app);
  return deployment;
}

/** A fully checked app for `config` (tests, scripts). */
export function createApp(config: DeploymentConfig, appProps?: AppProps): { app: App; deployment: Deployment } {
  const app = new App(appProps);
  return { app, deployment: buildCheckedDeployment(app, config) };
}
