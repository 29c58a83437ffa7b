/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON, read deep inside */
import { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataTier, dataTierSettings } from '../../lib/capabilities/data-tier';
import type { DeploymentConfig } from '../../lib/config/schema';
import { flat, flatDeep, isCrossStackRef, KEY_IDS, PRIVATE_BUCKET } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';
import {
  ConfiguredStack,
  logicalIdOf,
  logicalIdOfL2,
  standInBackup,
  standInKeys,
  standInNetwork,
  templateApp,
} from '../helpers/stand-ins';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; [k: string]: unknown };
type Resources = Record<string, Resource>;

/** Stateful resources and their pinned logical IDs: a change replaces (or orphans) the resource. */
const PINNED = {
  PhiDatabase: 'AWS::RDS::DBInstance',
  PhiDatabaseSubnetGroup: 'AWS::RDS::DBSubnetGroup',
  PhiDatabaseParameterGroup: 'AWS::RDS::DBParameterGroup',
  PhiDatabaseLogGroupPostgresql: 'AWS::Logs::LogGroup',
  PhiDatabaseLogGroupUpgrade: 'AWS::Logs::LogGroup',
  PhiDocumentsBucket: 'AWS::S3::Bucket',
  PhiDocumentsAccessLogBucket: 'AWS::S3::Bucket',
} as const;

/** The data tier in its own stack, with stand-ins for the Keys, Network and Backup stacks. */
function build(config: DeploymentConfig) {
  const app = templateApp();
  const keys = standInKeys(app, config);
  const network = standInNetwork(app, config);
  const backup = standInBackup(app, config);
  const stack = new ConfiguredStack(app, 'Data', config);
  const tier = new DataTier(stack, 'Tier', {
    ...dataTierSettings(config),
    vpc: network.vpc,
    phiKey: keys.phiKey,
    auditKey: keys.auditKey,
    backupPlan: backup.plan,
    backupRole: backup.role,
  });
  return { stack, tier, vpc: network.vpc };
}

describe.each([
  ['config/demo.json', 'GOVERNANCE'],
  ['config/production.example.json', 'COMPLIANCE'],
])('DataTier from %s', (file, lockMode) => {
  let config: DeploymentConfig;
  let built: ReturnType<typeof build>;
  let template: Template;
  let resources: Resources;
  /** The account as stack ARNs render it: the pinned one, or the pseudo parameter. */
  let account: string;

  beforeAll(() => {
    config = shippedConfig(file);
    built = build(config);
    template = Template.fromStack(built.stack);
    resources = template.toJSON().Resources as Resources;
    account = config.account ?? '<AWS::AccountId>';
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const only = (type: string): [string, Resource] => {
    const found = ofType(type);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const db = () => resources.PhiDatabase.Properties;
  const bucket = () => resources.PhiDocumentsBucket.Properties;
  const logBucket = () => resources.PhiDocumentsAccessLogBucket.Properties;
  const policyOf = (bucketId: string) => {
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    return policy.Properties.PolicyDocument.Statement as Record<string, any>[];
  };
  /** Network-stack logical IDs of the subnets in a subnet group. */
  const subnetIdsOf = (group: string) =>
    built.vpc.selectSubnets({ subnetGroupName: group }).subnets.map((s) => logicalIdOf(s.node.defaultChild as ec2.CfnSubnet));

  describe('stateful resources', () => {
    test('keep their pinned logical IDs', () => {
      for (const [id, type] of Object.entries(PINNED)) expect(resources[id]?.Type).toBe(type);
      const { database, documents, backupSelection } = built.tier;
      expect(logicalIdOfL2(database.instance)).toBe('PhiDatabase');
      expect(logicalIdOfL2(documents.bucket)).toBe('PhiDocumentsBucket');
      expect(logicalIdOfL2(backupSelection)).toBe('PhiBackupSelection');
    });

    test('are retained on deletion and on replacement', () => {
      for (const id of Object.keys(PINNED)) {
        expect(resources[id]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
      }
    });

    test('no Lambda function or custom resource in the stack (no auto-delete, no notification handler)', () => {
      expect(ofType('AWS::Lambda::Function')).toEqual([]);
      expect(Object.values(resources).filter((r) => r.Type.startsWith('Custom::'))).toEqual([]);
    });
  });

  describe('PostgreSQL instance', () => {
    test('runs the configured engine, version and class, with a fixed identifier', () => {
      expect(db()).toMatchObject({
        Engine: 'postgres',
        EngineVersion: config.database.engineVersion,
        DBInstanceClass: `db.${config.database.instanceType}`,
        DBInstanceIdentifier: `${config.name}-crm`,
        DBName: config.database.databaseName,
        AllocatedStorage: String(config.database.allocatedStorageGiB),
        MaxAllocatedStorage: config.database.maxAllocatedStorageGiB,
      });
    });

    test('is Multi-AZ, on gp3 storage encrypted with the PHI key, and not public', () => {
      expect(db()).toMatchObject({ MultiAZ: true, StorageType: 'gp3', StorageEncrypted: true, PubliclyAccessible: false });
      expect(isCrossStackRef(db().KmsKeyId, KEY_IDS.phi, 'Arn')).toBe(true);
    });

    test('requires IAM authentication support, deletion protection and keeps 35 days of backups', () => {
      expect(db()).toMatchObject({
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 35,
        DeleteAutomatedBackups: false,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        AllowMajorVersionUpgrade: false,
        CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      });
    });

    test('listens on a non-default port', () => {
      expect(db().Port).toBe('5433');
    });

    test('encrypts Performance Insights with the PHI key', () => {
      expect(db()).toMatchObject({ EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 7 });
      expect(isCrossStackRef(db().PerformanceInsightsKMSKeyId, KEY_IDS.phi, 'Arn')).toBe(true);
    });

    test('has 60-second enhanced monitoring through a role only RDS monitoring of this instance can assume', () => {
      expect(db().MonitoringInterval).toBe(60);
      const [roleId] = db().MonitoringRoleArn['Fn::GetAtt'];
      const role = resources[roleId].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toHaveLength(1);
      const trust = role.AssumeRolePolicyDocument.Statement[0];
      expect(trust).toMatchObject({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'monitoring.rds.amazonaws.com' },
      });
      expect(flat(trust.Condition.ArnLike['aws:SourceArn'])).toBe(
        `arn:<AWS::Partition>:rds:${config.regions.primary}:${account}:db:${config.name}-crm`,
      );
      expect(role.ManagedPolicyArns.map(flat)).toEqual([
        'arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
      ]);
    });

    test('exports postgresql and upgrade logs into log groups created first', () => {
      expect(db().EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
      expect(resources.PhiDatabase.DependsOn).toEqual(
        expect.arrayContaining(['PhiDatabaseLogGroupPostgresql', 'PhiDatabaseLogGroupUpgrade']),
      );
    });

    test.each([
      ['PhiDatabaseLogGroupPostgresql', 'postgresql'],
      ['PhiDatabaseLogGroupUpgrade', 'upgrade'],
    ])('log group %s has the RDS name, the audit key and at least 6 years of retention', (id, type) => {
      const group = resources[id].Properties;
      expect(group.LogGroupName).toBe(`/aws/rds/instance/${config.name}-crm/${type}`);
      expect(isCrossStackRef(group.KmsKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
      expect(group.RetentionInDays).toBe(config.logs.retentionDays);
      expect(group.RetentionInDays).toBeGreaterThanOrEqual(2192);
    });

    test('uses its own subnet group in the data subnets', () => {
      expect(db().DBSubnetGroupName).toEqual({ Ref: 'PhiDatabaseSubnetGroup' });
      const subnets = resources.PhiDatabaseSubnetGroup.Properties.SubnetIds as unknown[];
      const dataSubnets = subnetIdsOf('Data');
      expect(subnets).toHaveLength(dataSubnets.length);
      for (const id of dataSubnets) expect(subnets.some((s) => isCrossStackRef(s, id, 'Ref'))).toBe(true);
    });

    test('parameter group enforces TLS 1.2+, pgaudit ddl/role without bind values, connection logging, no PHI in errors', () => {
      expect(db().DBParameterGroupName).toEqual({ Ref: 'PhiDatabaseParameterGroup' });
      const group = resources.PhiDatabaseParameterGroup.Properties;
      expect(group.Family).toBe(`postgres${config.database.engineVersion.split('.')[0]}`);
      expect(group.Parameters).toEqual({
        'rds.force_ssl': '1',
        ssl_min_protocol_version: 'TLSv1.2',
        shared_preload_libraries: 'pg_stat_statements,pgaudit',
        'pgaudit.log': 'ddl,role',
        'pgaudit.log_parameter': '0',
        log_connections: '1',
        log_disconnections: '1',
        log_error_verbosity: 'terse',
        log_min_error_statement: 'panic',
      });
    });
  });

  describe('network access', () => {
    const dbSecurityGroupId = () => db().VPCSecurityGroups[0]['Fn::GetAtt'][0] as string;

    test('the database security group admits nothing in its own stack (clients are granted from theirs)', () => {
      expect(db().VPCSecurityGroups).toHaveLength(1);
      expect(resources[dbSecurityGroupId()].Properties.SecurityGroupIngress).toBeUndefined();
      expect(ofType('AWS::EC2::SecurityGroupIngress')).toEqual([]);
    });

    test('the database security group has no outbound rule', () => {
      expect(resources[dbSecurityGroupId()].Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
      ]);
    });

    test('nothing in the stack reaches out of it: no egress rule', () => {
      expect(ofType('AWS::EC2::SecurityGroupEgress')).toEqual([]);
    });
  });

  describe('master secret', () => {
    test('RDS manages it (generated, rotated), encrypted with the PHI key, and not for the default user', () => {
      expect(db().ManageMasterUserPassword).toBe(true);
      expect(db().MasterUsername).toBe('crm_admin');
      expect(db().MasterUserPassword).toBeUndefined();
      expect(isCrossStackRef(db().MasterUserSecret.KmsKeyId, KEY_IDS.phi, 'Arn')).toBe(true);
    });

    test('no transform, no rotation function and no secret of our own: nothing feeds a macro cross-stack values', () => {
      expect(template.toJSON().Transform).toBeUndefined();
      for (const type of ['AWS::SecretsManager::Secret', 'AWS::SecretsManager::RotationSchedule', 'AWS::Lambda::Function']) {
        expect(Object.keys(template.findResources(type))).toEqual([]);
      }
    });
  });

  describe('PHI documents bucket', () => {
    test('is encrypted with the PHI key and an S3 Bucket Key', () => {
      const [rule] = bucket().BucketEncryption.ServerSideEncryptionConfiguration;
      expect(rule).toMatchObject({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } });
      expect(isCrossStackRef(rule.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.phi, 'Arn')).toBe(true);
    });

    test(`is versioned, with Object Lock ${lockMode} for the configured days by default`, () => {
      expect(bucket()).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: lockMode, Days: config.phiBucket.objectLockRetentionDays } },
        },
      });
      expect(config.phiBucket.objectLockMode).toBe(lockMode);
    });

    test('blocks all public access and disables ACLs', () => {
      expect(bucket()).toMatchObject({
        ...PRIVATE_BUCKET,
      });
      expect(bucket().AccessControl).toBeUndefined();
    });

    test('denies requests without TLS or below TLS 1.2', () => {
      const statements = policyOf('PhiDocumentsBucket');
      const arns = [{ 'Fn::GetAtt': ['PhiDocumentsBucket', 'Arn'] }, expect.anything()];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: arns,
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            Resource: arns,
          }),
        ]),
      );
      expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
    });

    test('logs server access into its access-log bucket', () => {
      expect(bucket().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'PhiDocumentsAccessLogBucket' } });
    });

    test('expires only noncurrent versions, after the configured days, and aborts stale uploads', () => {
      expect(bucket().LifecycleConfiguration.Rules).toEqual([
        {
          Id: 'expire-noncurrent-versions',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: config.phiBucket.noncurrentVersionExpirationDays },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ]);
    });

    test('sends object events to EventBridge', () => {
      expect(bucket().NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    });

    test('replicates every version, SSE-KMS objects included, into the DR replica, re-encrypted with the DR key', () => {
      const replication = bucket().ReplicationConfiguration;
      expect(replication.Rules).toHaveLength(1);
      const [rule] = replication.Rules;
      expect(rule).toMatchObject({
        Status: 'Enabled',
        Filter: { Prefix: '' },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        // A delete in the primary region must not hide the DR copy.
        DeleteMarkerReplication: { Status: 'Disabled' },
      });
      expect(flat(rule.Destination.Bucket)).toBe(
        `arn:<AWS::Partition>:s3:::${config.name}-phi-replica-<AWS::AccountId>-${config.regions.dr}`,
      );
      expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toBe(
        `arn:<AWS::Partition>:kms:${config.regions.dr}:${account}:alias/${config.name}/phi-dr`,
      );
    });
  });

  describe('AWS Backup selection', () => {
    const selection = () => resources.PhiBackupSelection;

    test('has its pinned logical ID and is the only selection', () => {
      expect(only('AWS::Backup::BackupSelection')[0]).toBe('PhiBackupSelection');
    });

    test('puts the database and the PHI documents bucket into the plan it is given, by their own ARNs', () => {
      const { BackupPlanId, BackupSelection } = selection().Properties;
      expect(isCrossStackRef(BackupPlanId, 'BackupPlan', 'BackupPlanId')).toBe(true);
      expect(BackupSelection.SelectionName).toBe(`${config.name}-phi-data`);
      expect(BackupSelection.Resources).toHaveLength(2);
      expect(flat(BackupSelection.Resources[0])).toBe(
        `arn:<AWS::Partition>:rds:${config.regions.primary}:${account}:db:<PhiDatabase>`,
      );
      expect(BackupSelection.Resources[1]).toEqual({ 'Fn::GetAtt': ['PhiDocumentsBucket', 'Arn'] });
      // Tags or conditions would widen or narrow the selection by something other than these two ARNs.
      expect(BackupSelection.ListOfTags).toBeUndefined();
      expect(BackupSelection.Conditions).toBeUndefined();
      expect(BackupSelection.NotResources).toBeUndefined();
    });

    test('runs its jobs with the backup role it is given, and creates no role of its own', () => {
      expect(isCrossStackRef(selection().Properties.BackupSelection.IamRoleArn, 'BackupRole', 'Arn')).toBe(true);
      expect(
        ofType('AWS::IAM::Role').map(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal),
      ).not.toContainEqual({
        Service: 'backup.amazonaws.com',
      });
    });

    test('the PHI bucket meets the S3 backup prerequisites: versioning and EventBridge notifications', () => {
      expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket().NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    });
  });

  describe('replication role', () => {
    const roleId = () => bucket().ReplicationConfiguration.Role['Fn::GetAtt'][0] as string;
    const statements = () => {
      const policies = ofType('AWS::IAM::ManagedPolicy').filter(([, p]) =>
        p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId()),
      );
      expect(policies).toHaveLength(1);
      return policies[0][1].Properties.PolicyDocument.Statement as Record<string, any>[];
    };

    test('only S3 can assume it, and its only permissions are one customer-managed policy', () => {
      const role = resources[roleId()].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 's3.amazonaws.com' } },
      ]);
      expect(role.Policies).toBeUndefined();
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(ofType('AWS::IAM::Policy')).toEqual([]);
    });

    test('has exactly the least-privilege statements', () => {
      const replica = `arn:<AWS::Partition>:s3:::${config.name}-phi-replica-<AWS::AccountId>-${config.regions.dr}`;
      const normalized = statements().map((s) => ({
        Sid: s.Sid,
        Effect: s.Effect,
        Action: [s.Action].flat().sort(),
        Resource: [s.Resource].flat().map((r) => (isCrossStackRef(r, KEY_IDS.phi, 'Arn') ? '<PhiKey.Arn>' : flat(r))),
        Condition: flatDeep(s.Condition),
      }));
      expect(normalized).toEqual([
        {
          Sid: 'ReadSourceReplicationConfiguration',
          Effect: 'Allow',
          Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          Resource: ['<PhiDocumentsBucket.Arn>'],
          Condition: undefined,
        },
        {
          Sid: 'ReadSourceObjectVersions',
          Effect: 'Allow',
          Action: [
            's3:GetObjectLegalHold',
            's3:GetObjectRetention',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionTagging',
          ],
          Resource: ['<PhiDocumentsBucket.Arn>/*'],
          Condition: undefined,
        },
        {
          Sid: 'WriteReplicas',
          Effect: 'Allow',
          Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
          Resource: [`${replica}/*`],
          Condition: undefined,
        },
        {
          Sid: 'DecryptSourceThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: ['<PhiKey.Arn>'],
          Condition: {
            StringEquals: { 'kms:ViaService': `s3.${config.regions.primary}.amazonaws.com` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<PhiDocumentsBucket.Arn>', '<PhiDocumentsBucket.Arn>/*'] },
          },
        },
        {
          Sid: 'EncryptReplicasWithDestinationKey',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: [`arn:<AWS::Partition>:kms:${config.regions.dr}:${account}:key/*`],
          Condition: {
            StringEquals: { 'kms:ViaService': `s3.${config.regions.dr}.amazonaws.com` },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [`alias/${config.name}/phi-dr`] },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [replica, `${replica}/*`] },
          },
        },
      ]);
    });
  });

  describe('access-log bucket', () => {
    test('uses SSE-S3, which S3 server access logging requires, and is versioned without Object Lock', () => {
      expect(logBucket().BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(logBucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(logBucket().ObjectLockEnabled).toBeUndefined();
      expect(logBucket().LoggingConfiguration).toBeUndefined();
    });

    test('blocks public access, disables ACLs and sends events to EventBridge', () => {
      expect(logBucket()).toMatchObject({
        ...PRIVATE_BUCKET,
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      });
    });

    test('keeps access logs for the audit retention', () => {
      const [expire, markers] = logBucket().LifecycleConfiguration.Rules;
      expect(expire).toEqual({
        Id: 'expire-access-logs',
        Status: 'Enabled',
        ExpirationInDays: config.logs.retentionDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      });
      expect(expire.ExpirationInDays).toBeGreaterThanOrEqual(2192);
      expect(markers).toEqual({ Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true });
    });

    test('TLS only, deletes denied to everyone, writes only by S3 logging for the PHI bucket of this account', () => {
      const statements = policyOf('PhiDocumentsAccessLogBucket');
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          expect.objectContaining({
            Sid: 'DenyDeletingAccessLogs',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          }),
        ]),
      );
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Sid: 'AllowServerAccessLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: expect.anything(),
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': ['PhiDocumentsBucket', 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
          },
        },
      ]);
      expect(flat(allows[0].Resource)).toBe('<PhiDocumentsAccessLogBucket.Arn>/*');
    });
  });
});
