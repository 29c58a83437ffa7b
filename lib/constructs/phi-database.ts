import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge';
import { STATEFUL_REMOVAL_POLICY } from '../compliance/retention';

/**
 * Log types RDS for PostgreSQL exports to CloudWatch Logs (all that Control Tower's CT.RDS.PR.14
 * expects); each gets a pre-created, encrypted log group. Failed logins, IAM ones included, are in
 * `postgresql` (log_connections).
 */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;
export type PostgresLogExport = (typeof POSTGRES_LOG_EXPORTS)[number];

/** Automated-backup (point-in-time recovery) retention: the RDS maximum, not configurable. */
export const DATABASE_BACKUP_RETENTION = Duration.days(35);

/**
 * Port of the database. Not the engine default 5432 (AwsSolutions-RDS11, Control Tower CT.RDS.PR.20):
 * scans for PostgreSQL on its well-known port miss it. Clients read the port from the secret.
 */
export const DEFAULT_DATABASE_PORT = 5433;

/** Name of the master user. Not `postgres`, so it is not the well-known default. */
export const DATABASE_MASTER_USERNAME = 'crm_admin';

/**
 * Parameters of the database (HIPAA 164.312(b) audit controls, 164.312(e)(1) transmission security).
 *
 * pgaudit logs only the `ddl` and `role` classes: schema and privilege changes. The `read` and `write`
 * classes would copy the literal values of statements, i.e. PHI, into the logs; record-level access is
 * audited by the application and by CloudTrail instead. For the same reason bind parameters
 * (`pgaudit.log_parameter`), the DETAIL lines of errors (which quote key values, `log_error_verbosity`)
 * and the text of failing statements (`log_min_error_statement`) never reach the logs.
 *
 * pgaudit writes its DDL records through event triggers that `CREATE EXTENSION pgaudit;` installs:
 * the application's first database migration must run it (RDS cannot do it from CloudFormation).
 */
export const DATABASE_PARAMETERS: Readonly<Record<string, string>> = {
  'rds.force_ssl': '1',
  ssl_min_protocol_version: 'TLSv1.2',
  shared_preload_libraries: 'pg_stat_statements,pgaudit',
  'pgaudit.log': 'ddl,role',
  'pgaudit.log_parameter': '0',
  log_connections: '1',
  log_disconnections: '1',
  log_error_verbosity: 'terse',
  log_min_error_statement: 'panic',
};

export interface PhiDatabaseProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the database instance (its own DB subnet group). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * DB instance identifier. Fixed so the log groups `/aws/rds/instance/<id>/<type>` can be created
   * (encrypted, with retention) before RDS would create them unencrypted.
   */
  readonly instanceIdentifier: string;
  /** RDS for PostgreSQL version, "major.minor", e.g. `16.8`. */
  readonly engineVersion: string;
  readonly instanceType: ec2.InstanceType;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGiB: number;
  /** Name of the application database. */
  readonly databaseName: string;
  /** Encrypts storage, snapshots, Performance Insights and the master secret. */
  readonly encryptionKey: kms.IKey;
  /** Encrypts the log groups of the database's log exports. */
  readonly logEncryptionKey: kms.IKey;
  /** Retention of those log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Port the database listens on. @default DEFAULT_DATABASE_PORT (5433) */
  readonly port?: number;
}

/**
 * RDS for PostgreSQL holding PHI: Multi-AZ, gp3 storage encrypted with the PHI key, TLS 1.2+ only,
 * IAM database authentication, deletion protection, 35 days of point-in-time recovery, pgaudit,
 * log exports into encrypted log groups kept for the audit retention, Performance Insights encrypted
 * with the PHI key, enhanced monitoring, and a master password in Secrets Manager (PHI key) that
 * RDS rotates. Retained on stack deletion.
 *
 * The security group has no ingress; grant clients with `allowConnectionsFrom(...)`.
 *
 * The master password is managed by RDS in Secrets Manager (`ManageMasterUserPassword`), encrypted with
 * the PHI key, and rotated by RDS every 7 days
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html). No rotation
 * function, no VPC wiring and no `AWS::SecretsManager` transform: the hosted rotation that this replaces
 * fed cross-stack references (subnets, key) into that macro, which AWS does not document as supported.
 */
export class PhiDatabase extends Construct {
  readonly instance: rds.DatabaseInstance;
  /** ARN of the master user's secret, which RDS creates, manages and rotates. */
  readonly masterUserSecretArn: string;
  readonly securityGroup: ec2.SecurityGroup;
  readonly parameterGroup: rds.ParameterGroup;
  readonly subnetGroup: rds.SubnetGroup;
  /** Pre-created log group of each exported log type. */
  readonly logGroups: Readonly<Record<PostgresLogExport, logs.LogGroup>>;
  readonly monitoringRole: iam.Role;
  /** Port the database listens on. */
  readonly port: number;

  constructor(scope: Construct, id: string, props: PhiDatabaseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.port = props.port ?? DEFAULT_DATABASE_PORT;
    const major = props.engineVersion.split('.')[0];
    const engine = rds.DatabaseInstanceEngine.postgres({
      version: rds.PostgresEngineVersion.of(props.engineVersion, major),
    });
    const newLogGroup = (logicalName: string, logGroupName: string) =>
      new logs.LogGroup(this, logicalName, {
        logGroupName,
        encryptionKey: props.logEncryptionKey,
        retention: props.logRetention,
        removalPolicy: STATEFUL_REMOVAL_POLICY,
      });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `PostgreSQL ${props.instanceIdentifier}: no ingress unless granted`,
      allowAllOutbound: false,
    });
    this.subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      description: `PostgreSQL ${props.instanceIdentifier}`,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `PostgreSQL ${props.instanceIdentifier}: TLS only, pgaudit ddl/role, no PHI in logs`,
      parameters: { ...DATABASE_PARAMETERS },
      removalPolicy: STATEFUL_REMOVAL_POLICY,
    });
    // RDS would create these log groups unencrypted and without retention on first export.
    this.logGroups = Object.fromEntries(
      POSTGRES_LOG_EXPORTS.map((type) => [
        type,
        newLogGroup(`LogGroup-${type}`, `/aws/rds/instance/${props.instanceIdentifier}/${type}`),
      ]),
    ) as Record<PostgresLogExport, logs.LogGroup>;

    this.monitoringRole = new iam.Role(this, 'MonitoringRole', {
      description: `Enhanced monitoring of ${props.instanceIdentifier}`,
      // Confused-deputy guard: only RDS monitoring of this instance may assume the role.
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'rds',
            resource: 'db',
            resourceName: props.instanceIdentifier,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier: props.instanceIdentifier,
      engine,
      instanceType: props.instanceType,
      vpc: props.vpc,
      subnetGroup: this.subnetGroup,
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      port: this.port,
      multiAz: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      databaseName: props.databaseName,
      // RDS generates, stores (under the PHI key) and rotates the master password.
      credentials: rds.Credentials.fromUsername(DATABASE_MASTER_USERNAME, { encryptionKey: props.encryptionKey }),
      manageMasterUserPassword: true,
      iamAuthentication: true,
      parameterGroup: this.parameterGroup,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      backupRetention: DATABASE_BACKUP_RETENTION,
      deleteAutomatedBackups: false,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: STATEFUL_REMOVAL_POLICY,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      cloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      monitoringInterval: Duration.seconds(60),
      monitoringRole: this.monitoringRole,
    });
    for (const logGroup of Object.values(this.logGroups)) this.instance.node.addDependency(logGroup);

    this.masterUserSecretArn = (this.instance.node.defaultChild as rds.CfnDBInstance).attrMasterUserSecretSecretArn;

    this.acknowledgeFindings();
  }

  /**
   * Admits `client` to the database port (and lets it out to it). Uses the literal port: the
   * instance's own port is a token, which rule packs cannot check.
   *
   * Granted from the client's side (`allowTo`): when the client lives in another stack, both rules
   * are created in the client's stack, which already depends on this one. Granting from this side
   * would put the ingress rule here, referencing the client's security group, a dependency cycle.
   * In the same stack both forms produce identical rules.
   */
  allowConnectionsFrom(client: ec2.IConnectable, description: string): void {
    client.connections.allowTo(this.instance, ec2.Port.tcp(this.port), description);
  }

  private acknowledgeFindings(): void {
    acknowledge(this.monitoringRole.node.defaultChild as iam.CfnRole, {
      ruleId:
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      control: '164.312(b)',
      reason:
        'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy that RDS documents for enhanced monitoring; it only lets RDS create and write the RDS* (RDSOSMetrics) log groups. A customer-managed copy would need the same log-group wildcards. The role can only be assumed by RDS monitoring for this instance of this account.',
    });
  }
}
