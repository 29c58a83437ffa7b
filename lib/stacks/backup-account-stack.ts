import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AirGappedVault, type AirGappedVaultSettings } from '../capabilities/air-gapped-vault';

export interface BackupAccountStackProps extends StackProps {
  /** What the vault protects and whom it admits (`airGappedVaultSettings`). */
  readonly airGappedVault: AirGappedVaultSettings;
}

/**
 * Backup account (config `organization`), one stack per backup region, stateful: the logically
 * air-gapped vault, its key, its RAM share to the workload account and the key's erasure role (see
 * `AirGappedVault`). Deployed with the backup account's credentials, before the workload's Backup stack,
 * whose plan copies into the vault by its deterministic ARN.
 */
export class BackupAccountStack extends Stack {
  readonly airGappedVault: AirGappedVault;

  constructor(scope: Construct, id: string, props: BackupAccountStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs short; the stateful ones are pinned anyway.
    this.airGappedVault = new AirGappedVault(this, 'Default', props.airGappedVault);
  }
}
