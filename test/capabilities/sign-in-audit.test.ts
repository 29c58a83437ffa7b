import * as kms from 'aws-cdk-lib/aws-kms';
import { SignInAudit, signInAuditSettings } from '../../lib/capabilities/sign-in-audit';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { PRIVATE_BUCKET } from '../helpers/cfn-values';
import { at, crossStackRef, flatly, policyOf, resourcesIn, retained, statementsOf } from '../helpers/cfn-matchers';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';

const IDS = LOGICAL_IDS.audit;

describe.each(SHIPPED_CONFIGS)('SignInAudit from %s', (file) => {
  const config = shippedConfig(file);
  const { auditKey, userPool, auditStack, stack: standIns } = auditStandIns(config);
  const stack = auditStack();
  const signIns = new SignInAudit(stack, 'SignInLog', { ...signInAuditSettings(config), encryptionKey: auditKey, userPool });
  const resources = resourcesIn(stack);
  const account = config.account ?? '<AWS::AccountId>';
  const bucket = () => resources[IDS.signInLogBucket].Properties;
  const database = `${config.name.replace(/-/g, '_')}_audit_review`;
  const deliveriesOfThisAccount = {
    StringEquals: { 'aws:SourceAccount': config.account ?? { Ref: 'AWS::AccountId' } },
    ArnLike: { 'aws:SourceArn': flatly(`arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:*`) },
  };

  test('stateful resources keep their pinned logical IDs; the buckets are retained', () => {
    expect(resources[IDS.signInLogBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(resources[IDS.signInLogAccessLogBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(resources[IDS.signInLogDelivery].Type).toBe('AWS::Cognito::LogDeliveryConfiguration');
    expect(resources[IDS.auditReviewWorkGroup].Type).toBe('AWS::Athena::WorkGroup');
    expect(resources[IDS.auditReviewDatabase].Type).toBe('AWS::Glue::Database');
    expect(resources[IDS.signInLogTable].Type).toBe('AWS::Glue::Table');
    expect(stack.resolve(signIns.bucket.bucketName)).toEqual({ Ref: IDS.signInLogBucket });
  });

  test("exports the Identity stack's user pool activity (userAuthEvents, INFO) to the bucket, with no CloudWatch destination", () => {
    const delivery = resources[IDS.signInLogDelivery].Properties;
    expect(delivery).toEqual({
      UserPoolId: crossStackRef(LOGICAL_IDS.identity.userPool, 'Ref'),
      LogConfigurations: [
        {
          EventSource: 'userAuthEvents',
          LogLevel: 'INFO',
          S3Configuration: { BucketArn: { 'Fn::GetAtt': [IDS.signInLogBucket, 'Arn'] } },
        },
      ],
    });
    expect(JSON.stringify(delivery)).not.toMatch(/CloudWatchLogsConfiguration|userNotification/);
  });

  test('the bucket is encrypted with the audit key, versioned, private, logged and kept for the log retention', () => {
    expect(bucket()).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { KMSMasterKeyID: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn') },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      ...PRIVATE_BUCKET,
      LoggingConfiguration: { DestinationBucketName: { Ref: IDS.signInLogAccessLogBucket } },
    });
    const rules = at(bucket(), 'LifecycleConfiguration', 'Rules') as Record<string, unknown>[];
    expect(rules.find((r) => r.Id === 'expire-sign-in-logs')).toMatchObject({
      ExpirationInDays: config.logs.retentionDays,
      NoncurrentVersionExpiration: { NoncurrentDays: config.logs.retentionDays },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
  });

  test('every version is replicated into the write-once DR evidence replica under the audit-dr key', () => {
    expect(at(bucket(), 'ReplicationConfiguration', 'Rules')).toMatchObject([
      {
        Destination: {
          Bucket: flatly(`arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`),
          EncryptionConfiguration: {
            ReplicaKmsKeyID: flatly(
              new RegExp(
                `^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`,
              ),
            ),
          },
        },
        DeleteMarkerReplication: { Status: 'Disabled' },
      },
    ]);
  });

  test("the audit key it receives lets the log delivery service encrypt log files (Cognito's sign-in log), for this account and region only", () => {
    const keys = resourcesIn(standIns);
    const delivery = statementsOf(keys[LOGICAL_IDS.keys.audit]).filter((s) =>
      JSON.stringify(s.Principal ?? {}).includes('delivery.logs.amazonaws.com'),
    );
    expect(delivery).toEqual([
      {
        Sid: 'AllowLogDeliveryToEncryptLogFilesOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: deliveriesOfThisAccount,
      },
    ]);
    // Only the key it receives: the PHI key is not opened to the delivery service.
    expect(JSON.stringify(statementsOf(keys[LOGICAL_IDS.keys.phi]))).not.toContain('delivery.logs.amazonaws.com');
  });

  test('only the log delivery service, for deliveries of this account and region, may check the bucket and write under AWSLogs/<account>/; nobody may delete', () => {
    const [policyId, policy] = policyOf(resources, 'AWS::S3::BucketPolicy', IDS.signInLogBucket);
    const statements = statementsOf(policy);
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: 'AWSLogDeliveryAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['s3:GetBucketAcl', 's3:ListBucket'],
        Resource: { 'Fn::GetAtt': [IDS.signInLogBucket, 'Arn'] },
        Condition: deliveriesOfThisAccount,
      },
      {
        Sid: 'AWSLogDeliveryWrite',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: flatly(`<${IDS.signInLogBucket}.Arn>/AWSLogs/${account}/*`),
        Condition: {
          ...deliveriesOfThisAccount,
          StringEquals: { ...deliveriesOfThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyDeletingSignInLogs',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    );
    expect(resources[IDS.signInLogDelivery].DependsOn).toContain(policyId);
  });

  test('the Athena workgroup enforces query results encrypted with the audit key, under athena-results/ of the bucket', () => {
    const workGroup = resources[IDS.auditReviewWorkGroup].Properties;
    expect(workGroup).toMatchObject({
      Name: `${config.name}-audit-review`,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn') },
          OutputLocation: flatly(`s3://<${IDS.signInLogBucket}>/athena-results/`),
          ExpectedBucketOwner: flatly(account),
        },
      },
    });
  });

  test('the Glue table reads the log files under AWSLogs/<account>/ of the sign-in log bucket', () => {
    expect(at(resources[IDS.auditReviewDatabase].Properties, 'DatabaseInput', 'Name')).toBe(database);
    expect(resources[IDS.signInLogTable].Properties).toMatchObject({
      DatabaseName: { Ref: IDS.auditReviewDatabase },
      TableInput: {
        Name: 'user_activity',
        StorageDescriptor: { Location: flatly(`s3://<${IDS.signInLogBucket}>/AWSLogs/${account}/`) },
      },
    });
    expect(signIns.review.databaseName).toBe(database);
  });
});

test('an audit key whose policy cannot be changed (an imported key) is refused: no sign-in log could be delivered', () => {
  const config = shippedConfig();
  const { userPool, auditStack } = auditStandIns(config);
  const stack = auditStack();
  const imported = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${config.regions.primary}:111122223333:key/imported`);
  expect(
    () => new SignInAudit(stack, 'SignInLog', { ...signInAuditSettings(config), encryptionKey: imported, userPool }),
  ).toThrow(/^allowLogDeliveryToBuckets: the key Audit\/Imported has no key policy/);
});
