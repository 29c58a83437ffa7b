import { Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';

export interface KeysStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** Stateful: one customer-managed key per data class in the primary region. (STUB: to be built) */
export class KeysStack extends Stack {
  /** Encrypts PHI: database, PHI documents bucket, database secret, Performance Insights. */
  readonly phiKey: kms.Key;
  /** Encrypts the audit trail: CloudTrail, log groups, alarm topics, evidence. Never crypto-erased. */
  readonly auditKey: kms.Key;
  /** Encrypts the primary AWS Backup vault. */
  readonly backupKey: kms.Key;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    this.phiKey = new kms.Key(this, 'PhiKey', { enableKeyRotation: true });
    this.auditKey = new kms.Key(this, 'AuditKey', { enableKeyRotation: true });
    this.backupKey = new kms.Key(this, 'BackupKey', { enableKeyRotation: true });
  }
}
