import { Duration } from 'aws-cdk-lib';
import { EvidenceStore, evidenceLock, evidenceStoreSettings } from '../../lib/capabilities/evidence-store';
import { LOGICAL_IDS } from '../../lib/vocabulary';
import { auditStandIns } from '../helpers/audit-stand-ins';
import { PRIVATE_BUCKET } from '../helpers/cfn-values';
import { crossStackRef, flatly, resourcesIn, retained } from '../helpers/cfn-matchers';
import { SHIPPED_CONFIGS, shippedConfig } from '../helpers/config';

const IDS = LOGICAL_IDS.audit;

describe.each(SHIPPED_CONFIGS)('EvidenceStore from %s', (file) => {
  const config = shippedConfig(file);
  const { auditKey, auditStack } = auditStandIns(config);
  const stack = auditStack();
  const evidence = new EvidenceStore(stack, 'Evidence', { ...evidenceStoreSettings(config), encryptionKey: auditKey });
  const resources = resourcesIn(stack);
  const bucket = () => resources[IDS.evidenceBucket].Properties;

  test('the evidence bucket and its access-log bucket keep their pinned logical IDs and are retained', () => {
    expect(resources[IDS.evidenceBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(resources[IDS.evidenceAccessLogBucket]).toMatchObject(retained('AWS::S3::Bucket'));
    expect(stack.resolve(evidence.bucket.bucketName)).toEqual({ Ref: IDS.evidenceBucket });
  });

  test('evidence is write-once: Object Lock COMPLIANCE for the log retention (at least 6 years), versioned', () => {
    expect(bucket().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.logs.retentionDays } },
    });
    expect(config.logs.retentionDays).toBeGreaterThanOrEqual(2192);
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('evidence is encrypted with the audit key (never the PHI key), private and logged', () => {
    expect(bucket()).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { KMSMasterKeyID: crossStackRef(LOGICAL_IDS.keys.audit, 'Arn') },
          },
        ],
      },
      ...PRIVATE_BUCKET,
      LoggingConfiguration: { DestinationBucketName: { Ref: IDS.evidenceAccessLogBucket } },
    });
  });

  test('evidence is replicated to the DR evidence replica under the audit-dr key, delete markers excluded', () => {
    expect(bucket()).toMatchObject({
      ReplicationConfiguration: {
        Rules: [
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
        ],
      },
    });
  });

  test("the DR region's replica gets the same lock: COMPLIANCE for the log retention", () => {
    const retention = Duration.days(config.logs.retentionDays);
    const lock = evidenceLock(config);
    expect(lock.objectLockMode).toBe('COMPLIANCE');
    for (const d of [lock.objectLockRetention, lock.noncurrentVersionExpiration, lock.accessLogRetention]) {
      expect(d?.toDays()).toBe(retention.toDays());
    }
  });
});

test('refuses a retention under 6 years', () => {
  const config = shippedConfig();
  const { auditKey, auditStack } = auditStandIns(config);
  expect(() => new EvidenceStore(auditStack(), 'Evidence', { retention: Duration.days(2191), encryptionKey: auditKey })).toThrow(
    /below 6 years/,
  );
});
