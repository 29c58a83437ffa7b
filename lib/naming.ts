/**
 * Names that need the account or partition as CloudFormation tokens. Every name itself is spelled in
 * `./vocabulary` (dependency-free); these only add what CDK resolves at deploy time. Cross-region stack
 * references are avoided on purpose (they need custom resources and couple deploys): both regions
 * derive the same name from the config.
 */
import { Aws } from 'aws-cdk-lib';
import { organizationSettings } from './config/organization';
import type { DeploymentConfig } from './config/schema';
import { deploymentNames } from './vocabulary';

type Deployment = Pick<DeploymentConfig, 'name' | 'regions'>;

/** Name of the DR-region replica of the audit evidence bucket. */
export const evidenceReplicaBucketName = (config: Deployment): string =>
  deploymentNames(config.name).drReplicaBucket('evidence-dr', Aws.ACCOUNT_ID, config.regions.dr);

/** Name of the DR-region replica of the CloudTrail log bucket. */
export const trailReplicaBucketName = (config: Deployment): string =>
  deploymentNames(config.name).drReplicaBucket('trail-dr', Aws.ACCOUNT_ID, config.regions.dr);

/** ARN of the DR vault, built from the config so the primary plan needs no cross-region reference. */
export function drBackupVaultArn(config: Deployment): string {
  return `arn:${Aws.PARTITION}:backup:${config.regions.dr}:${Aws.ACCOUNT_ID}:backup-vault:${deploymentNames(config.name).drBackupVault}`;
}

/**
 * ARNs of the backup account's logically air-gapped vaults (config `organization`), one per backup region,
 * built from their deterministic name: the workload's plan copies into them and restore tests read them
 * without a cross-account reference. Empty for a single-account deployment.
 */
export function airGappedVaultArns(config: DeploymentConfig): string[] {
  const organization = organizationSettings(config);
  if (!organization) return [];
  const name = deploymentNames(config.name).airGappedVault;
  return organization.backupRegions.map(
    (region) => `arn:${Aws.PARTITION}:backup:${region}:${organization.backupAccount}:backup-vault:${name}`,
  );
}
