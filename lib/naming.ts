/**
 * Token-based ARN and name helpers: names that need the account, region or partition as
 * CloudFormation tokens. Every name itself is spelled in `./vocabulary` (dependency-free); these only
 * add what CDK resolves at deploy time. Cross-region stack references are avoided on purpose (they
 * need custom resources and couple deploys); instead both sides derive the same name from the config.
 */
import { Aws } from 'aws-cdk-lib';
import type { DeploymentConfig } from './config/schema';
import { deploymentNames, type DataClass, type DrDataClass } from './vocabulary';

export { RESTORE_TESTING_SELECTIONS, type DataClass, type DrDataClass } from './vocabulary';

type Deployment = Pick<DeploymentConfig, 'name' | 'regions'>;
const names = deploymentNames;

/** Alias of a deployment key, e.g. `alias/crm-demo/phi`. */
export const keyAliasName = (deployment: string, dataClass: DataClass | DrDataClass): string =>
  names(deployment).keyAlias(dataClass);

/** ARN of a key alias in a region of this account (usable before the key exists). */
export function keyAliasArn(deployment: string, dataClass: DataClass | DrDataClass, region: string): string {
  return `arn:${Aws.PARTITION}:kms:${region}:${Aws.ACCOUNT_ID}:${keyAliasName(deployment, dataClass)}`;
}

/** Name of the DR-region replica of the PHI documents bucket. */
export const phiReplicaBucketName = (config: Deployment): string =>
  names(config.name).drReplicaBucket('phi-replica', Aws.ACCOUNT_ID, config.regions.dr);

/** Name of the DR-region replica of the audit evidence bucket. */
export const evidenceReplicaBucketName = (config: Deployment): string =>
  names(config.name).drReplicaBucket('evidence-dr', Aws.ACCOUNT_ID, config.regions.dr);

/** Name of the DR-region replica of the CloudTrail log bucket. */
export const trailReplicaBucketName = (config: Deployment): string =>
  names(config.name).drReplicaBucket('trail-dr', Aws.ACCOUNT_ID, config.regions.dr);

/** ARN of the DR vault, built from the config so the primary plan needs no cross-region reference. */
export function drBackupVaultArn(config: Deployment): string {
  return `arn:${Aws.PARTITION}:backup:${config.regions.dr}:${Aws.ACCOUNT_ID}:backup-vault:${names(config.name).drBackupVault}`;
}

// Plain names, kept as functions for their callers until each capability reads `deploymentNames` itself.
export const auditTrailName = (deployment: string): string => names(deployment).trail;
export const userActivityLogGroupName = (deployment: string): string => names(deployment).userActivityLogGroup;
export const auditReviewWorkGroupName = (deployment: string): string => names(deployment).auditReviewWorkGroup;
export const auditReviewDatabaseName = (deployment: string): string => names(deployment).auditReviewDatabase;
export const stackName = (deployment: string, part: string): string => `${deployment}-${part}`;
export const backupVaultName = (deployment: string): string => names(deployment).backupVault;
export const drBackupVaultName = (deployment: string): string => names(deployment).drBackupVault;
export const restoreTestingPlanName = (deployment: string): string => names(deployment).restoreTestingPlan;
export const restoreValidatorFunctionName = (deployment: string): string => names(deployment).restoreValidatorFunction;
export const integrityCanaryFunctionName = (deployment: string): string => names(deployment).integrityCanaryFunction;
export const keyRotationFunctionName = (deployment: string, region: 'primary' | 'dr' = 'primary'): string =>
  region === 'primary' ? names(deployment).keyRotationFunction : names(deployment).drKeyRotationFunction;
export const cryptoErasureFunctionName = (deployment: string): string => names(deployment).cryptoErasureFunction;
export const cryptoErasureStateMachineName = (deployment: string): string => names(deployment).cryptoErasureStateMachine;
export const certificateSigningKeyAlias = (deployment: string): string => names(deployment).keyAlias('certificate-signing');
