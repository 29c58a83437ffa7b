import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DeploymentKeys, deploymentKeysSettings } from '../capabilities/deployment-keys';
import type { DeploymentConfig } from '../config/schema';

export interface KeysStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** Stateful, primary region: the deployment's customer-managed keys (see `DeploymentKeys`). */
export class KeysStack extends Stack {
  /** Encrypts PHI: database, PHI documents bucket, database secret, Performance Insights. */
  readonly phiKey: kms.Key;
  /** Encrypts the audit trail: CloudTrail, log groups, alarm topics, evidence. Never crypto-erased. */
  readonly auditKey: kms.Key;
  /** Encrypts the primary AWS Backup vault. */
  readonly backupKey: kms.Key;
  /** Signs certificates of destruction (asymmetric). Never erased, like the audit key. */
  readonly certificateSigningKey: kms.Key;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs the keys' resources had when they were created in the stack itself.
    const keys = new DeploymentKeys(this, 'Default', deploymentKeysSettings(props.config));
    this.phiKey = keys.phiKey;
    this.auditKey = keys.auditKey;
    this.backupKey = keys.backupKey;
    this.certificateSigningKey = keys.certificateSigningKey;
  }
}
