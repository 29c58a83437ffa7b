import { Template } from 'aws-cdk-lib/assertions';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ActivityAudit, activityAuditSettings } from '../../lib/capabilities/activity-audit';
import type { DeploymentConfig } from '../../lib/config/schema';
import { pinLogicalId } from '../../lib/constructs/logical-ids';
import { deploymentNames, LOGICAL_IDS } from '../../lib/vocabulary';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { PRIVATE_BUCKET } from '../helpers/cfn-values';
import {
  at,
  crossStackRef,
  flatly,
  ofType,
  policyOf,
  resourcesIn,
  retained,
  statementsOf,
  type CfnResource,
} from '../helpers/cfn-matchers';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';
import { expectedSecurityAlarmPatterns } from '../helpers/security-alarm-patterns';

const IDS = LOGICAL_IDS.audit;
const AUDIT_KEY = LOGICAL_IDS.keys.audit;
/** The stand-in security topic and sign-in review carry the logical IDs of the real ones. */
const TOPIC_ID = IDS.securityTopic;
const STAND_IN_DATABASE = 'stand_in_audit_review';

/** The capability in its own stack, with stand-ins for the key, the PHI bucket, the topic and the sign-in review. */
function build(config: DeploymentConfig) {
  const { auditKey, phiBucket, auditStack, stack: standIns } = auditStandIns(config);
  const stack = auditStack();
  const alertTopic = new sns.Topic(stack, TOPIC_ID, { masterKey: auditKey, enforceSSL: true });
  pinLogicalId(alertTopic, TOPIC_ID);
  const workGroup = new athena.CfnWorkGroup(stack, IDS.auditReviewWorkGroup, { name: 'stand-in' });
  const userActivityTable = new glue.CfnTable(stack, IDS.signInLogTable, {
    catalogId: '111122223333',
    databaseName: STAND_IN_DATABASE,
    tableInput: { name: 'user_activity' },
  });
  const activity = new ActivityAudit(stack, 'Default', {
    ...activityAuditSettings(config),
    encryptionKey: auditKey,
    phiBuckets: [phiBucket],
    alertTopic,
    signInReview: { workGroup, databaseName: STAND_IN_DATABASE, userActivityTable, userActivityTableName: 'user_activity' },
  });
  const resources = resourcesIn(stack);
  const ofTypeHere = (type: string) => ofType(resources, type).map(([, r]) => r);
  const standInResources = resourcesIn(standIns);
  return { stack, activity, resources, ofType: ofTypeHere, standInResources };
}

/** What each `alerts.minimumFindingSeverity` must page on: GuardDuty's score, Security Hub's labels. */
const FINDING_THRESHOLDS = {
  MEDIUM: { score: 4, labels: ['MEDIUM', 'HIGH', 'CRITICAL'] },
  HIGH: { score: 7, labels: ['HIGH', 'CRITICAL'] },
  CRITICAL: { score: 9, labels: ['CRITICAL'] },
} as const;

/** The one finding rule of `source` (`aws.guardduty`, `aws.securityhub`). */
function findingRule(rules: CfnResource[], source: string): Record<string, unknown> {
  const matching = rules.filter((r) => at(r.Properties, 'EventPattern', 'source', 0) === source);
  expect(matching).toHaveLength(1);
  return matching[0].Properties;
}

describe.each([
  ['config/demo.json', 'HIGH'],
  ['config/production.example.json', 'MEDIUM'],
] as const)('ActivityAudit security alarms and finding notifications from %s', (file, minimum) => {
  const config = shippedConfig(file);
  const built = build(config);
  const breakGlassRoleName = `${config.name}-break-glass`;

  test('every required alarm filters the trail log group with its exact pattern and notifies the security topic', () => {
    expect(built.resources[IDS.trailLogGroup].Type).toBe('AWS::Logs::LogGroup');
    const expected = expectedSecurityAlarmPatterns(breakGlassRoleName);
    const filters = built.ofType('AWS::Logs::MetricFilter');
    const alarms = built.ofType('AWS::CloudWatch::Alarm').filter((a) => a.Properties.Namespace === 'HipaaCrm/Security');
    expect(filters).toHaveLength(Object.keys(expected).length);
    expect(alarms).toHaveLength(Object.keys(expected).length);
    for (const [name, pattern] of Object.entries(expected)) {
      const filter = filters.filter((f) => at(f.Properties, 'MetricTransformations', 0, 'MetricName') === name);
      expect(filter).toHaveLength(1);
      expect(filter[0].Properties).toMatchObject({ LogGroupName: { Ref: IDS.trailLogGroup }, FilterPattern: pattern });
      const namespace = at(filter[0].Properties, 'MetricTransformations', 0, 'MetricNamespace');
      const alarm = alarms.filter((a) => a.Properties.MetricName === name && a.Properties.Namespace === namespace);
      expect(alarm).toHaveLength(1);
      expect(alarm[0].Properties).toMatchObject({
        AlarmName: `${config.name}-security-${name}`,
        AlarmActions: [{ Ref: TOPIC_ID }],
        ActionsEnabled: true,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    expect(built.activity.securityAlarms.definitions).toHaveLength(Object.keys(expected).length);
  });

  test('the break-glass alarm watches the role the Identity stack names the same way', () => {
    expect(activityAuditSettings(config).breakGlassRoleName).toBe(breakGlassRoleName);
    const filter = built
      .ofType('AWS::Logs::MetricFilter')
      .find((f) => at(f.Properties, 'MetricTransformations', 0, 'MetricName') === 'BreakGlassRoleUse');
    expect(filter?.Properties.FilterPattern).toContain(`($.requestParameters.roleArn = "*:role/${breakGlassRoleName}")`);
  });

  test(`GuardDuty and Security Hub findings from ${minimum} up (the config) reach the security topic`, () => {
    expect(config.alerts.minimumFindingSeverity).toBe(minimum);
    const rules = built.ofType('AWS::Events::Rule');
    const guardDuty = findingRule(rules, 'aws.guardduty');
    expect(at(guardDuty, 'EventPattern', 'detail')).toEqual({
      severity: [{ numeric: ['>=', FINDING_THRESHOLDS[minimum].score] }],
    });
    const securityHub = findingRule(rules, 'aws.securityhub');
    expect(at(securityHub, 'EventPattern', 'detail', 'findings', 'Severity')).toEqual({
      Label: FINDING_THRESHOLDS[minimum].labels,
    });
    for (const rule of [guardDuty, securityHub]) {
      expect(rule.Targets).toHaveLength(1);
      expect(at(rule, 'Targets', 0, 'Arn')).toEqual({ Ref: TOPIC_ID });
      expect(Object.keys(at(rule, 'Targets', 0, 'InputTransformer', 'InputPathsMap') as object).sort()).toEqual([
        'account',
        'id',
        'region',
        'resourceType',
        'severity',
        'title',
      ]);
    }
  });

  test('the alarms admit themselves on the topic; the finding rules add nothing (the security topic admits rules of this account)', () => {
    const [, policy] = policyOf(built.resources, 'AWS::SNS::TopicPolicy', TOPIC_ID);
    const publishers = statementsOf(policy)
      .filter((s) => s.Effect === 'Allow' && s.Action === 'sns:Publish')
      .map((s) => s.Principal?.Service);
    expect(publishers.sort()).toEqual(['cloudwatch.amazonaws.com']);
  });
});

test('a stricter minimum severity raises both finding thresholds', () => {
  const config = shippedConfig('config/demo.json', { alerts: { additionalEmails: [], minimumFindingSeverity: 'CRITICAL' } });
  const rules = build(config).ofType('AWS::Events::Rule');
  expect(at(findingRule(rules, 'aws.guardduty'), 'EventPattern', 'detail', 'severity')).toEqual([{ numeric: ['>=', 9] }]);
  expect(at(findingRule(rules, 'aws.securityhub'), 'EventPattern', 'detail', 'findings', 'Severity', 'Label')).toEqual([
    'CRITICAL',
  ]);
});

describe.each(SHIPPED_CONFIGS)('ActivityAudit CloudTrail trail from %s', (file) => {
  const config = shippedConfig(file);
  const { resources, activity, stack, standInResources } = build(config);
  const account = config.account ?? '<AWS::AccountId>';
  const trail = () => resources[IDS.trail].Properties;
  const bucket = () => resources[IDS.trailBucket].Properties;
  const trailArn = `arn:<AWS::Partition>:cloudtrail:${config.regions.primary}:${account}:trail/${config.name}-audit-trail`;

  test('stateful resources keep their pinned logical IDs and are retained; the trail is exposed with its log group', () => {
    expect(resources[IDS.trail].Type).toBe('AWS::CloudTrail::Trail');
    expect(resources[IDS.trailBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(resources[IDS.trailAccessLogBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(resources[IDS.trailLogGroup]).toMatchObject(retained('AWS::Logs::LogGroup'));
    expect(stack.resolve(activity.trail.logGroup.logGroupName)).toEqual({ Ref: IDS.trailLogGroup });
    expect(stack.resolve(activity.trail.bucket.bucketName)).toEqual({ Ref: IDS.trailBucket });
  });

  test('one trail, named after the deployment, logging all regions and global services, validated, not an organization trail', () => {
    expect(ofType(resources, 'AWS::CloudTrail::Trail')).toHaveLength(1);
    expect(trail()).toMatchObject({
      TrailName: `${config.name}-audit-trail`,
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: false,
      S3BucketName: { Ref: IDS.trailBucket },
    });
  });

  test('log files are encrypted with the audit key (Keys stack)', () => {
    expect(trail().KMSKeyId).toEqual(crossStackRef(AUDIT_KEY, 'Arn'));
  });

  test('the audit key it receives lets CloudTrail use it for this trail only, and account principals decrypt its logs', () => {
    const sids = [
      'AllowCloudTrailToEncryptLogsOfTheTrail',
      'AllowCloudTrailToDescribeKeyAndDecryptForTheTrail',
      'AllowPrincipalsOfThisAccountToDecryptCloudTrailLogs',
    ];
    const statements = statementsOf(standInResources[AUDIT_KEY]).filter((s) => sids.includes(s.Sid ?? ''));
    const accountValue = config.account ?? { Ref: 'AWS::AccountId' };
    const thisTrail = { 'aws:SourceArn': flatly(trailArn) };
    expect(statements).toEqual([
      {
        Sid: sids[0],
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: thisTrail,
          ArnLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': flatly(`arn:<AWS::Partition>:cloudtrail:*:${account}:trail/*`) },
        },
      },
      {
        Sid: sids[1],
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: thisTrail },
      },
      {
        // Delegated to IAM (the account, not "*"): a reader still needs an IAM grant.
        Sid: sids[2],
        Effect: 'Allow',
        Principal: { AWS: flatly(`arn:<AWS::Partition>:iam::${account}:root`) },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': accountValue },
          Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
        },
      },
    ]);
    // The trail the key names is the deployment's trail, the one this capability creates.
    expect(trail().TrailName).toBe(deploymentNames(config.name).trail);
    // Named, not referenced: the Keys stack comes first and cannot import from this one.
    expect(JSON.stringify(statementsOf(standInResources[AUDIT_KEY]))).not.toContain('Fn::ImportValue');
    // Only the key it receives: the PHI key is not opened to CloudTrail.
    expect(JSON.stringify(statementsOf(standInResources[LOGICAL_IDS.keys.phi]))).not.toContain('cloudtrail');
  });

  test('records every management event, read and write, KMS included, and S3 data events on exactly the PHI documents bucket', () => {
    expect(trail().AdvancedEventSelectors).toBeUndefined();
    expect(trail().EventSelectors).toHaveLength(1);
    const selector = at(trail(), 'EventSelectors', 0) as Record<string, unknown>;
    expect(selector).toMatchObject({ IncludeManagementEvents: true, ReadWriteType: 'All' });
    expect(selector.ExcludeManagementEventSources).toBeUndefined();
    expect(selector.DataResources).toEqual([
      { Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', [crossStackRef(LOGICAL_IDS.data.documentsBucket, 'Arn'), '/']] }] },
    ]);
  });

  test('delivers to /<name>/cloudtrail (audit key, kept for the log retention) through a CloudTrail-only role', () => {
    expect(trail().CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': [IDS.trailLogGroup, 'Arn'] });
    expect(resources[IDS.trailLogGroup].Properties).toEqual({
      LogGroupName: `/${config.name}/cloudtrail`,
      RetentionInDays: config.logs.retentionDays,
      KmsKeyId: crossStackRef(AUDIT_KEY, 'Arn'),
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
    const roleId = at(trail(), 'CloudWatchLogsRoleArn', 'Fn::GetAtt', 0) as string;
    expect(at(resources[roleId].Properties, 'AssumeRolePolicyDocument', 'Statement')).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' } },
    ]);
    const policies = ofType(resources, 'AWS::IAM::ManagedPolicy').filter(([, r]) =>
      (r.Properties.Roles as unknown[]).some((x) => at(x, 'Ref') === roleId),
    );
    expect(policies).toHaveLength(1);
    expect(statementsOf(policies[0][1])).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: flatly(
          `arn:<AWS::Partition>:logs:${config.regions.primary}:${account}:log-group:/${config.name}/cloudtrail:log-stream:${account}_CloudTrail_${config.regions.primary}*`,
        ),
      },
    ]);
  });

  test('the trail bucket is write-once: Object Lock COMPLIANCE for the log retention (at least 6 years), versioned', () => {
    expect(bucket().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('the trail bucket is encrypted with the audit key, private and logged into its own access-log bucket', () => {
    expect(bucket()).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: crossStackRef(AUDIT_KEY, 'Arn') } },
        ],
      },
      ...PRIVATE_BUCKET,
      LoggingConfiguration: { DestinationBucketName: { Ref: IDS.trailAccessLogBucket } },
    });
    expect(at(resources[IDS.trailAccessLogBucket].Properties, 'LifecycleConfiguration', 'Rules', 0, 'ExpirationInDays')).toBe(
      config.logs.retentionDays,
    );
  });

  test('log files move to Glacier IR after 90 days and Deep Archive after a year, and expire only after the retention', () => {
    const rules = at(bucket(), 'LifecycleConfiguration', 'Rules') as Record<string, unknown>[];
    const rule = (id: string) => rules.find((r) => r.Id === id);
    expect(rule('archive-and-expire-current-versions')).toEqual({
      Id: 'archive-and-expire-current-versions',
      Status: 'Enabled',
      ExpirationInDays: config.logs.retentionDays,
      Transitions: [
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
      ],
    });
    expect(rule('expire-noncurrent-versions')?.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
    expect(rule('remove-expired-delete-markers')).toMatchObject({ ExpiredObjectDeleteMarker: true });
    // Nothing expires (or is hidden) while it is locked.
    for (const r of rules.filter((x) => x.ExpirationInDays !== undefined)) {
      expect(r.ExpirationInDays).toBeGreaterThanOrEqual(config.logs.retentionDays);
    }
  });

  test('only CloudTrail, for this trail only (aws:SourceArn), may check the bucket and write under AWSLogs/<account>/', () => {
    const [policyId, policy] = policyOf(resources, 'AWS::S3::BucketPolicy', IDS.trailBucket);
    const allows = statementsOf(policy).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'AllowCloudTrailAclCheckForTheTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: { 'Fn::GetAtt': [IDS.trailBucket, 'Arn'] },
        Condition: { StringEquals: { 'aws:SourceArn': flatly(trailArn) } },
      },
      {
        Sid: 'AllowCloudTrailLogDeliveryForTheTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: flatly(`<${IDS.trailBucket}.Arn>/AWSLogs/${account}/*`),
        Condition: { StringEquals: { 'aws:SourceArn': flatly(trailArn), 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ]);
    expect(resources[IDS.trail].DependsOn).toContain(policyId);
  });

  test('the trail bucket is replicated to the DR trail replica under the audit-dr key, delete markers excluded', () => {
    expect(at(bucket(), 'ReplicationConfiguration', 'Rules')).toMatchObject([
      {
        Destination: {
          Bucket: flatly(`arn:<AWS::Partition>:s3:::${config.name}-trail-dr-<AWS::AccountId>-${config.regions.dr}`),
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
});

describe.each(SHIPPED_CONFIGS)('ActivityAudit review queries of %s', (file) => {
  const config = shippedConfig(file);
  const template = Template.fromStack(build(config).stack);

  test('every Logs Insights review query is saved under the deployment and reads the trail log group', () => {
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((r) => (r as CfnResource).Properties);
    expect(queries.map((q) => q.Name).sort()).toEqual(
      [
        'changes-to-roles-and-permissions',
        'exports-and-bulk-reads-by-user',
        'kms-key-use-by-principal',
        'who-read-or-changed-a-phi-object',
      ].map((n) => `${config.name}/${n}`),
    );
    for (const q of queries) expect(q.LogGroupNames).toEqual([{ Ref: IDS.trailLogGroup }]);
  });

  test('the sign-in reviews are Athena named queries in the given workgroup over its user-activity table, saved after it', () => {
    const named = Object.values(template.findResources('AWS::Athena::NamedQuery')) as CfnResource[];
    expect(named.map((q) => q.Properties.Name).sort()).toEqual(['failed-sign-ins', 'mfa-sign-ins']);
    for (const q of named) {
      expect(q.Properties).toMatchObject({ WorkGroup: { Ref: IDS.auditReviewWorkGroup }, Database: STAND_IN_DATABASE });
      expect(q.Properties.QueryString).toContain(`FROM "${STAND_IN_DATABASE}"."user_activity"`);
      expect(q.DependsOn).toContain(IDS.signInLogTable);
    }
  });
});

test('undeliverable findings wait in a dead-letter queue encrypted with the audit key given', () => {
  const queues = ofType(build(shippedConfig()).resources, 'AWS::SQS::Queue');
  expect(queues).toHaveLength(1);
  expect(queues[0][1].Properties.KmsMasterKeyId).toEqual(crossStackRef(AUDIT_KEY, 'Arn'));
});

test('an audit key whose policy cannot be changed (an imported key) is refused: the trail could not encrypt', () => {
  const config = shippedConfig();
  const { phiBucket, auditStack } = auditStandIns(config);
  const stack = auditStack();
  const imported = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:${config.regions.primary}:111122223333:key/imported`);
  const topic = new sns.Topic(stack, 'Topic');
  expect(
    () =>
      new ActivityAudit(stack, 'Default', {
        ...activityAuditSettings(config),
        encryptionKey: imported,
        phiBuckets: [phiBucket],
        alertTopic: topic,
        signInReview: {
          workGroup: new athena.CfnWorkGroup(stack, 'WorkGroup', { name: 'stand-in' }),
          databaseName: STAND_IN_DATABASE,
          userActivityTable: new glue.CfnTable(stack, 'Table', {
            catalogId: '111122223333',
            databaseName: STAND_IN_DATABASE,
            tableInput: { name: 'user_activity' },
          }),
          userActivityTableName: 'user_activity',
        },
      }),
  ).toThrow(/^allowCloudTrail: the key Audit\/Imported has no key policy/);
});
