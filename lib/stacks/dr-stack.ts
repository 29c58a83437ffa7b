import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';

export interface DrStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** Stateful, DR region: DR keys and the PHI replica bucket. (STUB: to be built) */
export class DrStack extends Stack {
  constructor(scope: Construct, id: string, props: DrStackProps) {
    super(scope, id, props);
  }
}
