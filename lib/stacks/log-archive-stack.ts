import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { evidenceLock } from '../capabilities/evidence-store';
import { LogArchive, type LogArchiveSettings } from '../capabilities/log-archive';
import type { DeploymentConfig } from '../config/schema';

export interface LogArchiveStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** `logArchiveSettings(config)`: the stack exists only with `organization`. */
  readonly settings: LogArchiveSettings;
}

/**
 * Stateful, log archive account, primary region (config `organization`): the write-once copies of the
 * workload's CloudTrail logs and evidence, and their key (see `LogArchive`). Deployed before the
 * workload's Audit stack, whose replication rules read the key's ARN from this stack's output.
 */
export class LogArchiveStack extends Stack {
  readonly archive: LogArchive;

  constructor(scope: Construct, id: string, props: LogArchiveStackProps) {
    super(scope, id, props);
    // 'Default' keeps the logical IDs short; the stateful ones are pinned besides.
    this.archive = new LogArchive(this, 'Default', { ...props.settings, evidenceLock: evidenceLock(props.config) });
  }
}
