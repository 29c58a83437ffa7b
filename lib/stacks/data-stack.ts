import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/schema';

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly vpc: ec2.IVpc;
  /** Encrypts the database, its secret, Performance Insights and the PHI bucket. */
  readonly phiKey: kms.IKey;
  /** Encrypts the log groups of the database exports. */
  readonly auditKey: kms.IKey;
}

/** Stateful: PostgreSQL and the PHI documents bucket. (STUB: to be built) */
export class DataStack extends Stack {
  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
  }
}
