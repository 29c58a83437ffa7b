/**
 * Deterministic names shared by stacks in different regions. Cross-region stack references are
 * avoided on purpose (they need custom resources and couple deploys); instead both sides derive the
 * same name from the config.
 */
import { Aws } from 'aws-cdk-lib';
import type { DeploymentConfig } from './config/schema';

/** The data classes that get their own customer-managed key. */
export type DataClass = 'phi' | 'audit' | 'backup';
/** Keys that live in the DR region. */
export type DrDataClass = 'phi-dr' | 'audit-dr' | 'backup-dr';

/** Alias of a deployment key, e.g. `alias/crm-demo/phi`. */
export function keyAliasName(deployment: string, dataClass: DataClass | DrDataClass): string {
  return `alias/${deployment}/${dataClass}`;
}

/** ARN of a key alias in a region of this account (usable before the key exists). */
export function keyAliasArn(deployment: string, dataClass: DataClass | DrDataClass, region: string): string {
  return `arn:${Aws.PARTITION}:kms:${region}:${Aws.ACCOUNT_ID}:${keyAliasName(deployment, dataClass)}`;
}

/** Name of the DR-region replica of the PHI documents bucket (<= 63 chars for a 20-char deployment name). */
export function phiReplicaBucketName(config: Pick<DeploymentConfig, 'name' | 'regions'>): string {
  return `${config.name}-phi-replica-${Aws.ACCOUNT_ID}-${config.regions.dr}`;
}

/** Name of the DR-region replica of the audit evidence bucket (<= 63 chars for a 20-char deployment name). */
export function evidenceReplicaBucketName(config: Pick<DeploymentConfig, 'name' | 'regions'>): string {
  return `${config.name}-evidence-dr-${Aws.ACCOUNT_ID}-${config.regions.dr}`;
}

/** Name of the DR-region replica of the CloudTrail log bucket (<= 63 chars for a 20-char deployment name). */
export function trailReplicaBucketName(config: Pick<DeploymentConfig, 'name' | 'regions'>): string {
  return `${config.name}-trail-dr-${Aws.ACCOUNT_ID}-${config.regions.dr}`;
}

/**
 * Name of the deployment's CloudTrail trail. Fixed, so that the key policy (Keys stack) and the trail
 * bucket's policy can name the trail ARN before the trail exists.
 */
export function auditTrailName(deployment: string): string {
  return `${deployment}-audit-trail`;
}

/** Cognito's user-activity log group (vended logs must live under /aws/vendedlogs/). */
export function userActivityLogGroupName(deployment: string): string {
  return `/aws/vendedlogs/cognito/${deployment}/user-activity`;
}

/** The Athena workgroup the audit reviews run their sign-in queries in, e.g. `crm-demo-audit-review`. */
export function auditReviewWorkGroupName(deployment: string): string {
  return `${deployment}-audit-review`;
}

/**
 * The Glue database of the audit-review tables. Athena only reads database names of lowercase letters,
 * digits and underscores, so the deployment name's dashes become underscores: `crm_demo_audit_review`.
 */
export function auditReviewDatabaseName(deployment: string): string {
  return `${deployment.replace(/-/g, '_')}_audit_review`;
}

/** Stack names: `<deployment>-<part>`. */
export function stackName(deployment: string, part: string): string {
  return `${deployment}-${part}`;
}

/** Name of the primary AWS Backup vault (primary region). */
export function backupVaultName(deployment: string): string {
  return `${deployment}-backup-vault`;
}

/** Name of the DR AWS Backup vault, in the DR region; the primary plan copies into it by ARN. */
export function drBackupVaultName(deployment: string): string {
  return `${deployment}-backup-vault-dr`;
}

/** ARN of the DR vault, built from the config so the primary plan needs no cross-region reference. */
export function drBackupVaultArn(config: Pick<DeploymentConfig, 'name' | 'regions'>): string {
  return `arn:${Aws.PARTITION}:backup:${config.regions.dr}:${Aws.ACCOUNT_ID}:backup-vault:${drBackupVaultName(config.name)}`;
}

/**
 * Name of the AWS Backup restore testing plan: letters, digits and underscores only (AWS Backup
 * refuses dashes here), so the deployment name's dashes become underscores.
 */
export function restoreTestingPlanName(deployment: string): string {
  return `${deployment.replace(/-/g, '_')}_restore_tests`;
}

/** Restore testing selections, one per protected resource type; the drill reads their overrides. */
export const RESTORE_TESTING_SELECTIONS = { database: 'phi_database', documents: 'phi_documents' } as const;

/** The restore validator function (scheduled restore tests and the drill command invoke it). */
export function restoreValidatorFunctionName(deployment: string): string {
  return `${deployment}-restore-validator`;
}

/** The integrity canary function that writes the freshness row into the database. */
export function integrityCanaryFunctionName(deployment: string): string {
  return `${deployment}-integrity-canary`;
}

/** The scheduled rotation enforcer of this deployment's keys (one per region: `-dr` in the DR region). */
export function keyRotationFunctionName(deployment: string, region: 'primary' | 'dr' = 'primary'): string {
  return region === 'primary' ? `${deployment}-key-rotation` : `${deployment}-key-rotation-dr`;
}

/** The crypto-erasure function (plan, execute, verify, certify, finalize phases). */
export function cryptoErasureFunctionName(deployment: string): string {
  return `${deployment}-crypto-erasure`;
}

/** The Step Functions state machine that runs a crypto-erasure from execution to the final certificate. */
export function cryptoErasureStateMachineName(deployment: string): string {
  return `${deployment}-crypto-erasure`;
}

/** Alias of the asymmetric key that signs certificates of destruction (never erased, like the audit key). */
export function certificateSigningKeyAlias(deployment: string): string {
  return `alias/${deployment}/certificate-signing`;
}
