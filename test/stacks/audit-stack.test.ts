/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped JSON */
import { Template } from 'aws-cdk-lib/assertions';
import { buildDeployment, type Deployment } from '../../lib/app';
import type { DeploymentConfig } from '../../lib/config/schema';
import { projectApp } from '../helpers/app';
import { flat, isCrossStackRef, KEY_IDS, PRIVATE_BUCKET, TEMPLATE_ONLY } from '../helpers/cfn-values';
import { shippedConfig } from '../helpers/config';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: unknown }>;

describe.each(['config/demo.json', 'config/production.example.json'])('Audit stack from %s', (file) => {
  let config: DeploymentConfig;
  let deployment: Deployment;
  let resources: Resources;

  beforeAll(() => {
    config = shippedConfig(file);
    deployment = buildDeployment(projectApp({ context: TEMPLATE_ONLY }), config);
    resources = Template.fromStack(deployment.audit).toJSON().Resources as Resources;
  });
  const evidence = () => resources.EvidenceBucket.Properties;

  test('is stateful: termination protection, pinned and retained evidence bucket', () => {
    expect(deployment.audit.terminationProtection).toBe(true);
    for (const id of ['EvidenceBucket', 'EvidenceAccessLogBucket']) {
      expect(resources[id]).toMatchObject({ Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(resources.SecurityTopic.Type).toBe('AWS::SNS::Topic');
  });

  test('evidence is write-once: Object Lock COMPLIANCE for the log retention (at least 6 years), versioned', () => {
    expect(evidence().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
    expect(evidence().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('evidence is encrypted with the audit key (never the PHI key), private and logged', () => {
    const sse = evidence().BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.BucketKeyEnabled).toBe(true);
    expect(isCrossStackRef(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, KEY_IDS.audit, 'Arn')).toBe(true);
    expect(evidence()).toMatchObject(PRIVATE_BUCKET);
    expect(evidence().LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: 'EvidenceAccessLogBucket' } });
  });

  test('evidence is replicated to the DR evidence replica under the audit-dr key, delete markers excluded', () => {
    const rule = evidence().ReplicationConfiguration.Rules[0];
    expect(flat(rule.Destination.Bucket)).toBe(
      `arn:<AWS::Partition>:s3:::${config.name}-evidence-dr-<AWS::AccountId>-${config.regions.dr}`,
    );
    expect(flat(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toMatch(
      new RegExp(`^arn:<AWS::Partition>:kms:${config.regions.dr}:(<AWS::AccountId>|\\d{12}):alias/${config.name}/audit-dr$`),
    );
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
    expect(deployment.audit.dependencies).toContain(deployment.dr);
  });

  test('the security topic is encrypted with the audit key, TLS-only, and reaches every configured recipient', () => {
    expect(isCrossStackRef(resources.SecurityTopic.Properties.KmsMasterKeyId, KEY_IDS.audit, 'Arn')).toBe(true);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const emails = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SNS::Subscription')
      .map((r) => [r.Properties.Protocol, r.Properties.Endpoint]);
    expect(emails).toEqual([config.securityContactEmail, ...config.alerts.additionalEmails].map((e) => ['email', e]));
  });
});
