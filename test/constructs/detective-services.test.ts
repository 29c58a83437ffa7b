/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HIPAA_CONFIG_RULES } from '../../lib/constructs/config-rules';
import { DetectiveServices, type DetectiveServicesProps } from '../../lib/constructs/detective-services';
import { S3MalwareProtection } from '../../lib/constructs/s3-malware-protection';
import { projectApp } from '../helpers/app';
import { flat } from '../helpers/cfn-values';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
type Toggles = Pick<DetectiveServicesProps, 'guardDuty' | 'securityHub' | 'config'>;

const ACCOUNT = '111122223333';
const REPLICA = { bucketName: 'evidence-replica', region: 'us-west-2', keyAliasName: 'alias/t/audit-dr' };

/** Tests only read what `build` returns: each combination of inputs is built once per file. */
const built = new Map<string, ReturnType<typeof buildOnce>>();
function build(toggles: Toggles = {}, opts: { region?: string; buckets?: number } = {}) {
  const key = JSON.stringify([toggles, opts]);
  if (!built.has(key)) built.set(key, buildOnce(toggles, opts));
  return built.get(key)!;
}

function buildOnce(toggles: Toggles, opts: { region?: string; buckets?: number }) {
  const stack = new Stack(projectApp(), 'S', { env: { region: opts.region ?? 'us-east-1', account: ACCOUNT } });
  const auditKey = new kms.Key(stack, 'AuditKey');
  const phiKey = new kms.Key(stack, 'PhiKey');
  const phiBuckets = Array.from(
    { length: opts.buckets ?? 1 },
    (_, i) => new s3.Bucket(stack, `Phi${i}`, { encryption: s3.BucketEncryption.KMS, encryptionKey: phiKey }),
  );
  const detection = new DetectiveServices(stack, 'Detection', {
    deployment: 'crm-test',
    ...toggles,
    phiBuckets,
    auditKey,
    configRetention: Duration.days(2557),
    configReplicateTo: REPLICA,
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } } | { logicalId: string }) =>
    stack.resolve(('logicalId' in c ? c : (c.node.defaultChild as { logicalId: string })).logicalId) as string;
  return { stack, detection, template, resources, id, idOf: { auditKey: id(auditKey), phiKey: id(phiKey) }, phiBuckets };
}

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

function countsByType(resources: Record<string, Resource>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return counts;
}

/** Resource types (and how many) present in `all` but not in `fewer`. */
function removed(all: Record<string, Resource>, fewer: Record<string, Resource>): Record<string, number> {
  const a = countsByType(all);
  const b = countsByType(fewer);
  return Object.fromEntries(
    Object.entries(a)
      .map(([t, n]) => [t, n - (b[t] ?? 0)] as const)
      .filter(([, n]) => n !== 0),
  );
}

describe('DetectiveServices: GuardDuty', () => {
  test('one detector, enabled, findings every 15 minutes, exactly the four protection plans as Features', () => {
    const { resources } = build();
    const detectors = ofType(resources, 'AWS::GuardDuty::Detector');
    expect(detectors).toHaveLength(1);
    const props = detectors[0][1].Properties;
    expect(props.Enable).toBe(true);
    expect(props.FindingPublishingFrequency).toBe('FIFTEEN_MINUTES');
    expect(props.DataSources).toBeUndefined();
    expect(props.Features).toEqual([
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
      { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
      {
        Name: 'RUNTIME_MONITORING',
        Status: 'ENABLED',
        AdditionalConfiguration: [{ Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' }],
      },
      { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
    ]);
  });

  test('Malware Protection for S3: one tagging plan per PHI bucket, each after the detector and its role policy', () => {
    const { resources, id, detection, phiBuckets } = build({}, { buckets: 2 });
    const plans = ofType(resources, 'AWS::GuardDuty::MalwareProtectionPlan');
    expect(plans.map(([, p]) => p.Properties.ProtectedResource)).toEqual(
      phiBuckets.map((b) => ({ S3Bucket: { BucketName: { Ref: id(b) } } })),
    );
    const roleId = id(detection.malwareProtection!.role);
    const policyId = id(detection.malwareProtection!.role.policy);
    for (const [, plan] of plans) {
      expect(plan.Properties.Actions).toEqual({ Tagging: { Status: 'ENABLED' } });
      expect(plan.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(plan.DependsOn).toEqual(expect.arrayContaining([id(detection.detector!), policyId]));
    }
  });

  test('the malware role is assumed by GuardDuty only and holds exactly the documented permissions, on the PHI buckets only', () => {
    const { resources, id, detection, idOf, phiBuckets } = build();
    const role = resources[id(detection.malwareProtection!.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' } },
    ]);
    expect(role.Properties.Policies).toBeUndefined();
    const statements = resources[id(detection.malwareProtection!.role.policy)].Properties.PolicyDocument.Statement as any[];
    const bucket = id(phiBuckets[0]);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(
      [
        'DecryptThroughS3',
        'EnableBucketEventBridgeNotifications',
        'ManageOwnEventBridgeRule',
        'MonitorOwnEventBridgeRule',
        'PutValidationObject',
        'ScanAndTagObjects',
      ].sort(),
    );
    const rules = `arn:<AWS::Partition>:events:us-east-1:${ACCOUNT}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`;
    expect(flat(bySid.ManageOwnEventBridgeRule.Resource)).toBe(rules);
    expect(bySid.ManageOwnEventBridgeRule.Condition).toEqual({
      StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' },
    });
    expect(flat(bySid.MonitorOwnEventBridgeRule.Resource)).toBe(rules);
    expect(bySid.EnableBucketEventBridgeNotifications.Resource).toEqual({ 'Fn::GetAtt': [bucket, 'Arn'] });
    expect(flat(bySid.ScanAndTagObjects.Resource)).toBe(`<${bucket}.Arn>/*`);
    expect([bySid.ScanAndTagObjects.Action].flat()).not.toContain('s3:DeleteObject');
    expect(bySid.PutValidationObject.Action).toBe('s3:PutObject');
    expect(flat(bySid.PutValidationObject.Resource)).toBe(`<${bucket}.Arn>/malware-protection-resource-validation-object`);
    expect(bySid.DecryptThroughS3).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [idOf.phiKey, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });

  test('no PHI bucket: a detector without malware protection plans', () => {
    const { resources, detection } = build({}, { buckets: 0 });
    expect(detection.malwareProtection).toBeUndefined();
    expect(ofType(resources, 'AWS::GuardDuty::Detector')).toHaveLength(1);
    expect(ofType(resources, 'AWS::GuardDuty::MalwareProtectionPlan')).toHaveLength(0);
  });

  test('S3MalwareProtection refuses an empty bucket list (the role policy would grant nothing valid)', () => {
    const stack = new Stack(projectApp(), 'S');
    expect(() => new S3MalwareProtection(stack, 'M', { buckets: [] })).toThrow(/no bucket to protect/);
  });
});

describe('DetectiveServices: Security Hub', () => {
  test('the hub: no default standards, consolidated control findings, new controls enabled automatically', () => {
    const hubs = ofType(build().resources, 'AWS::SecurityHub::Hub');
    expect(hubs).toHaveLength(1);
    expect(hubs[0][1].Properties).toMatchObject({
      EnableDefaultStandards: false,
      ControlFindingGenerator: 'SECURITY_CONTROL',
      AutoEnableControls: true,
    });
  });

  test.each(['us-east-1', 'eu-central-1'])(
    'in %s: the three standards with that region in their ARN, each after the hub',
    (region) => {
      const { resources, id, detection } = build({}, { region });
      const standards = ofType(resources, 'AWS::SecurityHub::Standard');
      expect(standards.map(([, s]) => flat(s.Properties.StandardsArn)).sort()).toEqual([
        `arn:<AWS::Partition>:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
        `arn:<AWS::Partition>:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/1.4.0`,
        `arn:<AWS::Partition>:securityhub:${region}::standards/nist-800-53/v/5.0.0`,
      ]);
      for (const [, s] of standards) expect(s.DependsOn).toEqual([id(detection.hub!)]);
    },
  );

  test('CIS AWS Foundations Benchmark v1.4.0 (the version that checks the CloudWatch.1, 4-14 alarms) is on with the hub', () => {
    const { resources, id, detection } = build();
    const cis = detection.standards.CisAwsFoundations;
    expect(cis).toBeDefined();
    expect(flat(resources[id(cis!)].Properties.StandardsArn)).toBe(
      'arn:<AWS::Partition>:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0',
    );
    // No control of the standard is disabled.
    expect(resources[id(cis!)].Properties.DisabledStandardsControls).toBeUndefined();
  });

  test('no CIS standard (nor any other) without Security Hub', () => {
    const { resources, detection } = build({ securityHub: false });
    expect(detection.standards.CisAwsFoundations).toBeUndefined();
    expect(JSON.stringify(resources)).not.toContain('cis-aws-foundations-benchmark');
    expect(ofType(resources, 'AWS::SecurityHub::Standard')).toEqual([]);
  });
});

describe('DetectiveServices: AWS Config', () => {
  test('the recorder records all supported types, global IAM types included, continuously, with the service-linked role', () => {
    const recorders = ofType(build().resources, 'AWS::Config::ConfigurationRecorder');
    expect(recorders).toHaveLength(1);
    const { RoleARN, ...rest } = recorders[0][1].Properties;
    expect(flat(RoleARN)).toBe(
      `arn:<AWS::Partition>:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    );
    expect(rest).toEqual({
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RecordingMode: { RecordingFrequency: 'CONTINUOUS' },
    });
  });

  test('the delivery channel writes under config/ of its own bucket with the audit key, a snapshot every 24 hours', () => {
    const { resources, id, detection, idOf } = build();
    const channels = ofType(resources, 'AWS::Config::DeliveryChannel');
    expect(channels).toHaveLength(1);
    const [, channel] = channels[0];
    expect(channel.Properties).toEqual({
      S3BucketName: { Ref: id(detection.recording!.bucket) },
      S3KeyPrefix: 'config',
      S3KmsKeyArn: { 'Fn::GetAtt': [idOf.auditKey, 'Arn'] },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
    });
    // Config refuses a channel without a recorder, and checks the bucket policy when it is created.
    expect(channel.DependsOn).toEqual(
      expect.arrayContaining([id(detection.recording!.recorder), id(detection.recording!.bucket.policy!)]),
    );
  });

  test('the history bucket: audit key, no Object Lock (Config cannot deliver into one), versioned, logged, retained', () => {
    const { resources, id, detection, idOf } = build();
    const bucket = resources[id(detection.recording!.bucket)] as Resource & { DeletionPolicy?: string };
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [idOf.auditKey, 'Arn'] } },
      },
    ]);
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: id(detection.recording!.accessLogs.bucket) },
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      ExpirationInDays: 2557,
      NoncurrentVersionExpiration: { NoncurrentDays: 2557 },
    });
  });

  test('the history bucket policy: the documented Config delivery statements for this account only, and no deletes for anyone', () => {
    const { resources, id, detection } = build();
    const policy = resources[id(detection.recording!.bucket.policy!)];
    const bucket = id(detection.recording!.bucket);
    const bySid = Object.fromEntries((policy.Properties.PolicyDocument.Statement as any[]).map((s) => [s.Sid, s]));
    const account = { 'aws:SourceAccount': ACCOUNT };
    expect(bySid.AWSConfigBucketPermissionsCheck).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
      Condition: { StringEquals: account },
    });
    expect(bySid.AWSConfigBucketExistenceCheck).toMatchObject({
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:ListBucket',
      Condition: { StringEquals: account },
    });
    expect(bySid.AWSConfigBucketDelivery).toMatchObject({
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...account } },
    });
    expect(flat(bySid.AWSConfigBucketDelivery.Resource)).toBe(`<${bucket}.Arn>/config/AWSLogs/${ACCOUNT}/Config/*`);
    expect(bySid.DenyDeletingConfigHistory).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    });
  });

  test('the history is replicated to the DR destination, re-encrypted with its key, delete markers excluded', () => {
    const { resources, id, detection } = build();
    const rules = resources[id(detection.recording!.bucket)].Properties.ReplicationConfiguration.Rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      Status: 'Enabled',
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    });
    expect(flat(rules[0].Destination.Bucket)).toBe('arn:<AWS::Partition>:s3:::evidence-replica');
    expect(flat(rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toBe(
      `arn:<AWS::Partition>:kms:us-west-2:${ACCOUNT}:alias/t/audit-dr`,
    );
  });
});

describe('DetectiveServices: HIPAA managed rules', () => {
  test('the table: unique names and identifiers, each mapped to a HIPAA Security Rule control', () => {
    expect(new Set(HIPAA_CONFIG_RULES.map((r) => r.name)).size).toBe(HIPAA_CONFIG_RULES.length);
    expect(new Set(HIPAA_CONFIG_RULES.map((r) => r.identifier)).size).toBe(HIPAA_CONFIG_RULES.length);
    for (const r of HIPAA_CONFIG_RULES) {
      expect(r.control).toMatch(/^164\.3(08|10|12|14|16)\(/);
      expect(r.identifier).toMatch(/^[A-Z0-9_]+$/);
    }
    expect(HIPAA_CONFIG_RULES.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'cloudtrail-enabled',
        'cloud-trail-log-file-validation-enabled',
        'cloud-trail-encryption-enabled',
        's3-bucket-ssl-requests-only',
        's3-bucket-server-side-encryption-enabled',
        's3-bucket-public-read-prohibited',
        's3-bucket-public-write-prohibited',
        'rds-storage-encrypted',
        'rds-multi-az-support',
        'rds-instance-public-access-check',
        'rds-snapshots-public-prohibited',
        'db-instance-backup-enabled',
        'cmk-backing-key-rotation-enabled',
        'iam-root-access-key-check',
        'mfa-enabled-for-iam-console-access',
        'root-account-mfa-enabled',
        'vpc-flow-logs-enabled',
        'vpc-default-security-group-closed',
        'restricted-ssh',
        'guardduty-enabled-centralized',
        'securityhub-enabled',
        'cloudwatch-log-group-encrypted',
        'alb-http-to-https-redirection-check',
        'elb-logging-enabled',
        'wafv2-logging-enabled',
        'ecs-containers-readonly-access',
        'ecs-task-definition-nonroot-user',
      ]),
    );
  });

  test('every row of the table reaches the template as an AWS managed rule named <deployment>-<rule>', () => {
    const rules = ofType(build().resources, 'AWS::Config::ConfigRule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    for (const row of HIPAA_CONFIG_RULES) {
      const rule = rules.find((r) => r.ConfigRuleName === `crm-test-${row.name}`);
      expect(rule).toBeDefined();
      expect(rule!.Source).toEqual({ Owner: 'AWS', SourceIdentifier: row.identifier });
      expect(rule!.Description).toBe(`[HIPAA ${row.control}] Checks that ${row.checks}.`);
      expect(rule!.InputParameters).toEqual(row.inputParameters);
    }
  });

  test('restricted-ssh uses its real identifier, and backups are checked against the database retention (35 days)', () => {
    const rules = ofType(build().resources, 'AWS::Config::ConfigRule').map(([, r]) => r.Properties);
    const byName = (n: string) => rules.find((r) => r.ConfigRuleName === `crm-test-${n}`)!;
    expect(byName('restricted-ssh').Source.SourceIdentifier).toBe('INCOMING_SSH_DISABLED');
    expect(byName('db-instance-backup-enabled').InputParameters).toEqual({ backupRetentionMinimum: 35 });
  });

  test('with the recorder created here, every rule waits for the recorder and its delivery channel', () => {
    const { resources, id, detection } = build();
    const recorder = id(detection.recording!.recorder);
    const channel = id(detection.recording!.deliveryChannel);
    for (const [, rule] of ofType(resources, 'AWS::Config::ConfigRule')) {
      expect(rule.DependsOn?.sort()).toEqual([recorder, channel].sort());
    }
  });

  test("with config off, the rules stay (the organisation's recorder evaluates them) and depend on nothing", () => {
    const { resources, detection } = build({ config: false });
    expect(detection.recording).toBeUndefined();
    const rules = ofType(resources, 'AWS::Config::ConfigRule');
    expect(rules).toHaveLength(HIPAA_CONFIG_RULES.length);
    for (const [, rule] of rules) expect(rule.DependsOn).toBeUndefined();
  });
});

describe('DetectiveServices: toggles', () => {
  const all = () => build().resources;

  test('every service is on by default', () => {
    const { detection } = build();
    expect(detection.detector).toBeDefined();
    expect(detection.malwareProtection).toBeDefined();
    expect(detection.hub).toBeDefined();
    expect(Object.keys(detection.standards).sort()).toEqual([
      'AwsFoundationalBestPractices',
      'CisAwsFoundations',
      'NistSp80053Rev5',
    ]);
    expect(detection.recording).toBeDefined();
  });

  test('guardDuty off removes exactly the detector, the malware protection plan and its role and policy', () => {
    expect(removed(all(), build({ guardDuty: false }).resources)).toEqual({
      'AWS::GuardDuty::Detector': 1,
      'AWS::GuardDuty::MalwareProtectionPlan': 1,
      'AWS::IAM::Role': 1,
      'AWS::IAM::ManagedPolicy': 1,
    });
  });

  test('securityHub off removes exactly the hub and its three standards', () => {
    expect(removed(all(), build({ securityHub: false }).resources)).toEqual({
      'AWS::SecurityHub::Hub': 1,
      'AWS::SecurityHub::Standard': 3,
    });
  });

  test('config off removes exactly the recorder, the channel, the history and access-log buckets with their policies, and the replication role', () => {
    expect(removed(all(), build({ config: false }).resources)).toEqual({
      'AWS::Config::ConfigurationRecorder': 1,
      'AWS::Config::DeliveryChannel': 1,
      'AWS::S3::Bucket': 2,
      'AWS::S3::BucketPolicy': 2,
      'AWS::IAM::Role': 1,
      'AWS::IAM::ManagedPolicy': 1,
    });
  });

  test('all off leaves only the managed rules (and the test fixtures)', () => {
    const { resources } = build({ guardDuty: false, securityHub: false, config: false });
    const types = new Set(Object.values(resources).map((r) => r.Type));
    for (const t of [
      'AWS::GuardDuty::Detector',
      'AWS::GuardDuty::MalwareProtectionPlan',
      'AWS::SecurityHub::Hub',
      'AWS::SecurityHub::Standard',
      'AWS::Config::ConfigurationRecorder',
      'AWS::Config::DeliveryChannel',
      'AWS::IAM::Role',
    ]) {
      expect(types).not.toContain(t);
    }
    expect(ofType(resources, 'AWS::Config::ConfigRule')).toHaveLength(HIPAA_CONFIG_RULES.length);
  });
});
