/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Stack } from 'aws-cdk-lib';
import { evidenceLock } from '../../lib/capabilities/evidence-store';
import { LogArchive, logArchiveDestination, logArchiveSettings } from '../../lib/capabilities/log-archive';
import { organizationSettings } from '../../lib/config/organization';
import { cdkExecutionRoleArns } from '../../lib/constructs/organization-guardrails';
import { deploymentNames, LOGICAL_IDS, STACK_IDS } from '../../lib/vocabulary';
import { ORGANIZATION_CONFIG, shippedConfig } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';
import { templateApp } from '../helpers/stand-ins';

/**
 * The log archive as config/organization.example.json deploys it: the LogArchive stack (the shared
 * assembly) and what the workload's Audit stack replicates into it.
 */
const config = shippedConfig(ORGANIZATION_CONFIG);
const organization = organizationSettings(config)!;
const names = deploymentNames(config.name);
const stacks = shippedStacks(shippedAssembly(ORGANIZATION_CONFIG));
const resourcesOf = (id: string) => stacks.find((s) => s.id === id)!.template.Resources as Record<string, any>;
const archive = resourcesOf(STACK_IDS.logArchive);
const audit = resourcesOf(STACK_IDS.audit);
const ids = LOGICAL_IDS.logArchive;
const WORKLOAD = organization.workloadAccount;
const roleArn = (source: 'trail' | 'evidence') => `arn:aws:iam::${WORKLOAD}:role/${names.replicationRole(source)}`;
const bucketName = (kind: 'trail-arc' | 'evidence-arc') =>
  names.archiveBucket(kind, organization.logArchiveAccount, organization.primaryRegion);
const policyOf = (bucketId: string) =>
  Object.values(archive).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId)!.Properties
    .PolicyDocument.Statement as any[];
const onlyTheRole = (source: 'trail' | 'evidence') => ({
  StringEquals: { 'aws:PrincipalOrgID': organization.organizationId, 'aws:PrincipalAccount': WORKLOAD },
  ArnEquals: { 'aws:PrincipalArn': roleArn(source) },
});

/** The Fn::GetStackOutput of the archive key's ARN, as the workload's templates must read it. */
const keyArnOutput = {
  'Fn::GetStackOutput': {
    StackName: names.stack('log-archive'),
    OutputName: ids.keyArnOutput,
    Region: organization.primaryRegion,
    RoleArn: {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:iam::${organization.logArchiveAccount}:role/${names.stackOutputReaderRole('log-archive')}`,
        ],
      ],
    },
  },
};

describe('logArchiveSettings and logArchiveDestination', () => {
  test('undefined without organization: a single-account deployment has no archive', () => {
    const single = shippedConfig('config/production.example.json');
    expect(logArchiveSettings(single)).toBeUndefined();
    expect(logArchiveDestination(single, 'trail')).toBeUndefined();
    expect(logArchiveDestination(single, 'evidence')).toBeUndefined();
  });

  test("the key ARN is read by the Audit stack's CloudFormation execution role only", () => {
    expect(logArchiveSettings(config)!.keyArnReaderRoleArn).toBe(
      cdkExecutionRoleArns({ accounts: [WORKLOAD], regions: [config.regions.primary] })[0],
    );
  });

  test("the workload's destination reads the key ARN that the LogArchive construct outputs (same stack, output and role)", () => {
    const app = templateApp();
    const producer = new Stack(app, 'P', {
      stackName: names.stack('log-archive'),
      env: { account: organization.logArchiveAccount, region: organization.primaryRegion },
    });
    const built = new LogArchive(producer, 'Default', { ...logArchiveSettings(config)!, evidenceLock: evidenceLock(config) });
    const consumer = new Stack(app, 'C', { env: { account: WORKLOAD, region: organization.primaryRegion } });
    expect(consumer.resolve(built.keyArnForWorkload())).toEqual(keyArnOutput);
    expect(consumer.resolve(logArchiveDestination(config, 'trail')!.keyArn)).toEqual(keyArnOutput);
  });
});

describe('LogArchive stack: the archives', () => {
  test('pinned logical IDs of the key, its alias, the two archive buckets, their log buckets and the reader role', () => {
    expect(archive[ids.key].Type).toBe('AWS::KMS::Key');
    expect(archive[ids.keyAlias].Properties).toMatchObject({
      AliasName: names.archiveKeyAlias,
      TargetKeyId: { 'Fn::GetAtt': [ids.key, 'Arn'] },
    });
    for (const id of [
      ids.trailArchiveBucket,
      ids.evidenceArchiveBucket,
      ids.trailArchiveAccessLogBucket,
      ids.evidenceArchiveAccessLogBucket,
    ]) {
      expect(archive[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: expect.stringMatching(/^Retain/) });
    }
    expect(archive[ids.outputReaderRole].Type).toBe('AWS::IAM::Role');
  });

  test.each([
    [ids.trailArchiveBucket, 'trail-arc'],
    [ids.evidenceArchiveBucket, 'evidence-arc'],
  ] as const)(
    '%s: fixed name, COMPLIANCE lock for logs.retentionDays, bucket owner enforced, under the archive key',
    (id, kind) => {
      expect(archive[id].Properties).toMatchObject({
        BucketName: bucketName(kind),
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.key, 'Arn'] } },
            },
          ],
        },
      });
      // A replica does not replicate onward.
      expect(archive[id].Properties.ReplicationConfiguration).toBeUndefined();
    },
  );

  test("the trail archive has the trail bucket's lifecycle (archived as it ages, expired after the retention)", () => {
    const rules = archive[ids.trailArchiveBucket].Properties.LifecycleConfiguration.Rules;
    expect(rules.find((r: any) => r.Id === 'archive-and-expire-current-versions')).toMatchObject({
      ExpirationInDays: config.logs.retentionDays,
      Transitions: [
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
      ],
    });
  });

  test.each([
    [ids.trailArchiveBucket, 'trail', 'Trail'],
    [ids.evidenceArchiveBucket, 'evidence', 'Evidence'],
  ] as const)(
    '%s policy: only the exact workload replication role, in the organization, may replicate in; no delete, no root',
    (id, source, Source) => {
      const statements = policyOf(id);
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Sid: `AllowReplicasFromTheWorkload${Source}ReplicationRole`,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['s3:ObjectOwnerOverrideToBucketOwner', 's3:ReplicateObject', 's3:ReplicateTags'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
          Condition: onlyTheRole(source),
        },
        {
          Sid: `AllowVersioningCheckByTheWorkload${Source}ReplicationRole`,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:GetBucketVersioning',
          Resource: { 'Fn::GetAtt': [id, 'Arn'] },
          Condition: onlyTheRole(source),
        },
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/:root|ReplicateDelete|PutBucketVersioning|s3:List/);
      expect(statements.find((s) => s.Sid === 'DenyTheWorkloadAccountAllButReplication')).toMatchObject({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        NotAction: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner', 's3:GetBucketVersioning'],
        Condition: { StringEquals: { 'aws:PrincipalAccount': WORKLOAD } },
      });
    },
  );

  test('key policy: each replication role may only encrypt, through S3, for its own archive bucket; the workload nothing else', () => {
    const statements = archive[ids.key].Properties.KeyPolicy.Statement as any[];
    const encrypt = (source: 'trail' | 'evidence', kind: 'trail-arc' | 'evidence-arc') => ({
      Sid: `AllowTheWorkload${source === 'trail' ? 'Trail' : 'Evidence'}ReplicationRoleToEncryptIntoItsArchive`,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { ...onlyTheRole(source).StringEquals, 'kms:ViaService': `s3.${organization.primaryRegion}.amazonaws.com` },
        ArnEquals: onlyTheRole(source).ArnEquals,
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${bucketName(kind)}`, `arn:aws:s3:::${bucketName(kind)}/*`],
        },
      },
    });
    expect(statements).toEqual(expect.arrayContaining([encrypt('trail', 'trail-arc'), encrypt('evidence', 'evidence-arc')]));
    expect(statements.find((s) => s.Sid === 'DenyTheWorkloadAccountAllButEncryption')).toEqual({
      Sid: 'DenyTheWorkloadAccountAllButEncryption',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      NotAction: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': WORKLOAD } },
    });
    // The only principals by ARN are this account's root (CDK's admin statement) and nobody of the workload.
    const named = statements.flatMap((s) =>
      typeof s.Principal?.AWS === 'string' && s.Principal.AWS !== '*' ? [s.Principal.AWS] : [],
    );
    expect(named).toEqual([`arn:aws:iam::${organization.logArchiveAccount}:root`]);
    // Never crypto-erased: no statement lets any role disable or schedule its deletion.
    expect(JSON.stringify(statements)).not.toMatch(/ScheduleKeyDeletion|DisableKey/);
  });

  test('the key ARN is published as the output the workload reads', () => {
    const template = stacks.find((s) => s.id === STACK_IDS.logArchive)!.template as any;
    expect(template.Outputs[ids.keyArnOutput].Value).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
  });
});

describe("Audit stack (workload): the trail and evidence buckets' replication into the archive", () => {
  test.each([
    [LOGICAL_IDS.audit.trailBucket, 'trail', 'trail-arc'],
    [LOGICAL_IDS.audit.evidenceBucket, 'evidence', 'evidence-arc'],
  ] as const)(
    '%s: a DR rule and an archive rule, both with priorities; owner override; the key by GetStackOutput ARN',
    (id, source, kind) => {
      const configuration = audit[id].Properties.ReplicationConfiguration;
      expect(configuration.Rules.map((r: any) => [r.Id, r.Priority])).toEqual([
        ['replicate-all-versions', 1],
        ['archive-all-versions', 2],
      ]);
      expect(configuration.Rules[1].Destination).toEqual({
        Bucket: `arn:aws:s3:::${bucketName(kind)}`,
        Account: organization.logArchiveAccount,
        AccessControlTranslation: { Owner: 'Destination' },
        EncryptionConfiguration: { ReplicaKmsKeyID: keyArnOutput },
      });
      expect(JSON.stringify(configuration.Rules[1])).not.toMatch(/alias\//);
      // The role is the one the archive's policies name.
      const role = audit[configuration.Role['Fn::GetAtt'][0]];
      expect(role.Properties.RoleName).toBe(names.replicationRole(source));
    },
  );

  test('only those two buckets go to the archive, and only they have fixed replication role names', () => {
    const archived = Object.entries(audit)
      .filter(
        ([, r]) =>
          r.Type === 'AWS::S3::Bucket' &&
          JSON.stringify(r.Properties.ReplicationConfiguration ?? {}).includes('archive-all-versions'),
      )
      .map(([id]) => id);
    expect(archived.sort()).toEqual([LOGICAL_IDS.audit.evidenceBucket, LOGICAL_IDS.audit.trailBucket].sort());
    const named = Object.values(audit)
      .filter((r) => r.Type === 'AWS::IAM::Role' && String(r.Properties.RoleName ?? '').endsWith('-replication'))
      .map((r) => r.Properties.RoleName);
    expect(named.sort()).toEqual([names.replicationRole('evidence'), names.replicationRole('trail')]);
  });
});
