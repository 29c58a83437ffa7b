import { Duration, Stack } from 'aws-cdk-lib';
import { airGappedErasureKeys } from '../../lambda/shared/key-lifecycle-contract';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { organizationSettings } from '../config/organization';
import type { DeploymentConfig } from '../config/schema';
import { CryptoErasure } from '../constructs/crypto-erasure';
import type { TwoPersonApproval } from '../constructs/erasure-approval';
import { allowCryptoErasureBy, allowSigningBy } from '../constructs/key-policy-grants';
import { KeyRotationEnforcer, type KeyRotationEnforcerProps } from '../constructs/key-rotation-enforcer';
import { pinLogicalId } from '../constructs/logical-ids';
import { s3PrefixListId } from '../constructs/s3-prefix-list';
import { drBackupVaultArn } from '../naming';
import { deploymentNames, LOGICAL_IDS, SUBNET_GROUPS } from '../vocabulary';
import { Capability, type CapabilityProps } from './capability';

/*
 * Two constructs, one per region, rather than one with a region flag: the DR region has no VPC, no
 * crypto-erasure (the primary region's erasure reaches both regions) and its own topic and keys, so a
 * flag would make half of the props conditional. Both build their rotation enforcer from the same
 * `KeyRotationSettings`.
 */

/** What the config decides about key rotation, in either region. */
export interface KeyRotationSettings {
  /** Deployment name: the enforcer checks the keys behind `alias/<deployment>/`; function names (`deploymentNames`). */
  readonly deployment: string;
  /** When the rotation of every key is checked: an EventBridge schedule expression in UTC (`keys.rotationCheckSchedule`). */
  readonly rotationCheckSchedule: string;
  /** Automatic rotation period every key must have (`keys.rotationPeriodDays`). */
  readonly rotationPeriodDays: number;
  /** Retention of the functions' log groups in days (`logs.retentionDays`, at least 6 years). */
  readonly logRetentionDays: number;
}

/** What the config decides about the key lifecycle in the primary region. */
export interface KeyLifecycleSettings extends KeyRotationSettings {
  /** Both regions: crypto-erasure finds and destroys the erasable keys and their copies in each. */
  readonly regions: { readonly primary: string; readonly dr: string };
  /** Waiting period of the keys' scheduled deletion (`keys.pendingWindowDays`, 7-30 days). */
  readonly pendingWindowDays: number;
  /** The VPC's IPv4 CIDR as a literal (`network.vpcCidr`): the enforcer's HTTPS egress. */
  readonly vpcCidr: string;
  /** ID of the S3 managed prefix list of the primary region: the enforcer writes its evidence through the gateway endpoint. */
  readonly s3PrefixListId: string;
  /** The two-person rule for crypto-erasure (`organization.erasureApproval`); none: one person runs it. */
  readonly twoPersonApproval?: TwoPersonApproval;
  /**
   * Accounts apart (`organization.backup`): the backup account and the regions of its air-gapped vaults,
   * whose keys crypto-erasure destroys too, through that account's erasure role
   * (`deploymentNames().airGappedKeyErasureRole`, `airGappedKeyAlias`). None: the workload's keys only.
   */
  readonly airGappedBackup?: { readonly account: string; readonly regions: readonly string[] };
}

/** The DR region's key lifecycle settings: rotation only. */
export type DrKeyLifecycleSettings = KeyRotationSettings;

function keyRotationSettings(config: DeploymentConfig): KeyRotationSettings {
  return {
    deployment: config.name,
    rotationCheckSchedule: config.keys.rotationCheckSchedule,
    rotationPeriodDays: config.keys.rotationPeriodDays,
    logRetentionDays: config.logs.retentionDays,
  };
}

/** The primary region's key lifecycle settings of a deployment. */
export function keyLifecycleSettings(config: DeploymentConfig): KeyLifecycleSettings {
  return {
    ...keyRotationSettings(config),
    regions: config.regions,
    pendingWindowDays: config.keys.pendingWindowDays,
    vpcCidr: config.network.vpcCidr,
    s3PrefixListId: s3PrefixListId(config.regions.primary),
    twoPersonApproval: twoPersonApprovalOf(config),
    airGappedBackup: airGappedBackupOf(config),
  };
}

/** The backup account's air-gapped vaults of a deployment with accounts apart; none for a single account. */
function airGappedBackupOf(config: DeploymentConfig): KeyLifecycleSettings['airGappedBackup'] {
  const organization = organizationSettings(config);
  return organization ? { account: organization.backupAccount, regions: organization.backupRegions } : undefined;
}

/** The two-person rule of a deployment with accounts apart; a single-account deployment has none. */
function twoPersonApprovalOf(config: DeploymentConfig): TwoPersonApproval | undefined {
  const organization = organizationSettings(config);
  if (!organization) return undefined;
  return {
    approverRoleName: organization.erasureApproval.approverRoleName,
    requestExpiry: Duration.hours(organization.erasureApproval.requestExpiryHours),
    organizationId: organization.organizationId,
  };
}

/** The DR region's key lifecycle settings of a deployment. */
export function drKeyLifecycleSettings(config: DeploymentConfig): DrKeyLifecycleSettings {
  return keyRotationSettings(config);
}

/** The enforcer's props that come from the settings alone. */
function fromSettings(settings: KeyRotationSettings) {
  return {
    deployment: settings.deployment,
    schedule: settings.rotationCheckSchedule,
    rotationPeriodDays: settings.rotationPeriodDays,
    logRetentionDays: settings.logRetentionDays,
  } satisfies Partial<KeyRotationEnforcerProps>;
}

export interface KeyLifecycleProps extends KeyLifecycleSettings, CapabilityProps {
  /**
   * Every key behind `alias/<deployment>/` in the primary region, the certificate-signing key included:
   * the enforcer may check and rotate these only, and a key missing here fails each check and alarms.
   */
  readonly keys: readonly kms.IKey[];
  /**
   * The keys of this region that crypto-erasure destroys (`phi` and `backup`): each key's policy grants
   * its role to disable it and schedule its deletion (`allowCryptoErasureBy`), and nothing in IAM does.
   * Each must carry the alias of an erasable data class and a policy CDK can change (keys of this app).
   */
  readonly erasableKeys: readonly kms.IKey[];
  /**
   * The asymmetric key that signs the certificates of destruction: its policy lets the crypto-erasure
   * role sign (`allowSigningBy`), so it must be a key whose policy CDK can change.
   */
  readonly certificateSigningKey: kms.IKey;
  /** Write-once evidence store: rotation records and certificates of destruction. */
  readonly evidenceBucket: s3.IBucket;
  /** The audit key: the evidence bucket's key; encrypts the log groups and dead-letter queues. */
  readonly auditKey: kms.IKey;
  /** Receives the alarms and a stopped erasure. It must accept CloudWatch alarms of this account. */
  readonly securityTopic: sns.ITopic;
  /** The primary backup vault: crypto-erasure inventories its recovery points. */
  readonly backupVault: backup.IBackupVault;
  /** The VPC the enforcer runs in (next to the KMS interface endpoint). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the enforcer.
   * @default - the workload subnets (`SUBNET_GROUPS.workload`)
   */
  readonly functionSubnets?: ec2.SubnetSelection;
}

/**
 * The key lifecycle of the primary region (HIPAA 164.312(a)(2)(iv) encryption, 164.310(d)(2)(i)
 * disposal): rotation enforced on the configured schedule on this region's keys, in the VPC, and
 * crypto-erasure at contract end (plan, execute, verify, certify, finalize) with a signed certificate of
 * destruction. Crypto-erasure runs outside the VPC: it calls both regions, and the VPC's endpoints
 * serve the primary region only. This capability writes the key-policy statements its role needs: to
 * destroy the erasable keys of this region (granted there only, never in IAM) and to sign with the
 * signing key, naming the role by its fixed name (`CryptoErasure.roleArn`) because the keys' stack comes
 * first and cannot reference it. The DR region's erasable keys grant the same role in their own stack
 * (`DrRegionStore`).
 *
 * Pins the logical IDs of the enforcer's and crypto-erasure's log groups (`LOGICAL_IDS.operations`).
 */
export class KeyLifecycle extends Capability {
  readonly keyRotation: KeyRotationEnforcer;
  readonly cryptoErasure: CryptoErasure;

  constructor(scope: Construct, id: string, props: KeyLifecycleProps) {
    super(scope, id, props);
    const names = deploymentNames(props.deployment);

    this.keyRotation = new KeyRotationEnforcer(this.partsScope, 'KeyRotation', {
      ...fromSettings(props),
      functionName: names.keyRotationFunction,
      keyArns: props.keys.map((key) => key.keyArn),
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      placement: {
        network: {
          vpc: props.vpc,
          vpcCidr: props.vpcCidr,
          subnets: props.functionSubnets ?? { subnetGroupName: SUBNET_GROUPS.workload },
        },
      },
      s3PrefixListId: props.s3PrefixListId,
      encryptionKey: props.auditKey,
      alarmTopic: props.securityTopic,
    });
    this.cryptoErasure = new CryptoErasure(this.partsScope, 'CryptoErasure', {
      deployment: props.deployment,
      functionName: names.cryptoErasureFunction,
      regions: props.regions,
      account: Stack.of(this).account,
      pendingWindowDays: props.pendingWindowDays,
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      signingKey: props.certificateSigningKey,
      securityTopic: props.securityTopic,
      backupVault: { name: props.backupVault.backupVaultName, arn: props.backupVault.backupVaultArn },
      // Named, not referenced: the DR vault lives in another region's stack.
      drBackupVault: {
        name: names.drBackupVault,
        arn: drBackupVaultArn({ name: props.deployment, regions: props.regions }),
      },
      auditKey: props.auditKey,
      logRetentionDays: props.logRetentionDays,
      twoPersonApproval: props.twoPersonApproval,
      // Named, not referenced: the backup account's stacks are deployed with that account's credentials.
      externalKeys: props.airGappedBackup
        ? airGappedErasureKeys(props.deployment, props.airGappedBackup, Stack.of(this).partition)
        : undefined,
    });
    // The ARN is built in each key's own stack: literal names and that stack's account and partition only.
    for (const key of props.erasableKeys) allowCryptoErasureBy(key, CryptoErasure.roleArn(key, props.deployment));
    allowSigningBy(props.certificateSigningKey, CryptoErasure.roleArn(props.certificateSigningKey, props.deployment));

    // Six years of logs each: a refactor must not orphan them for a new, empty group.
    const ids = LOGICAL_IDS.operations;
    pinLogicalId(this.keyRotation.handler.logGroup, ids.keyRotationLogGroup);
    pinLogicalId(this.cryptoErasure.handler.logGroup, ids.cryptoErasureLogGroup);
    pinLogicalId(this.cryptoErasure.stateMachineLogGroup, ids.cryptoErasureStateMachineLogGroup);
  }
}

export interface DrKeyLifecycleProps extends DrKeyLifecycleSettings, CapabilityProps {
  /** Every key behind `alias/<deployment>/` in the DR region: the enforcer may check and rotate these only. */
  readonly keys: readonly kms.IKey[];
  /** Write-once evidence store of the DR region (the evidence replica). */
  readonly evidenceBucket: s3.IBucket;
  /** The DR region's audit key: the evidence replica's key; encrypts the log group and dead-letter queue. */
  readonly auditKey: kms.IKey;
  /** Receives the alarms: a topic of the DR region (CloudWatch alarms cannot notify another region). */
  readonly alarmTopic: sns.ITopic;
}

/**
 * The key lifecycle of the DR region: rotation enforced on the DR keys (HIPAA 164.312(a)(2)(iv)). KMS is
 * regional and the primary VPC has no NAT and no endpoint for another region, so the enforcer of the DR
 * keys runs in the DR region. That region has no VPC by design (nothing but replicas and vaults lives
 * there), so the function runs outside any VPC; it calls KMS and S3 only, TLS and SigV4-signed, and logs
 * key IDs and dates.
 *
 * Pins the logical ID of the enforcer's log group (`LOGICAL_IDS.drOperations`).
 */
export class DrKeyLifecycle extends Capability {
  readonly keyRotation: KeyRotationEnforcer;

  constructor(scope: Construct, id: string, props: DrKeyLifecycleProps) {
    super(scope, id, props);
    this.keyRotation = new KeyRotationEnforcer(this.partsScope, 'KeyRotation', {
      ...fromSettings(props),
      functionName: deploymentNames(props.deployment).drKeyRotationFunction,
      keyArns: props.keys.map((key) => key.keyArn),
      evidenceBucket: props.evidenceBucket,
      evidenceKey: props.auditKey,
      placement: {
        outsideVpc: {
          reason:
            'the DR region has no VPC by design (only replicas, vaults and their keys live there), and KMS is regional: ' +
            'the primary VPC cannot reach this region without NAT. It calls KMS and S3 only, and holds and logs no PHI: ' +
            'key IDs, dates and counts.',
        },
      },
      encryptionKey: props.auditKey,
      alarmTopic: props.alarmTopic,
    });

    // Six years of logs: a refactor must not orphan them for a new, empty group.
    pinLogicalId(this.keyRotation.handler.logGroup, LOGICAL_IDS.drOperations.keyRotationLogGroup);
  }
}
