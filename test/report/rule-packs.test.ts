import { readAssembly } from '../../lib/assembly/read';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from '../../lib/report/rule-packs';
import { FIXTURE_DIR } from './fixture';

describe('packRules', () => {
  const rules = packRules();
  const hipaa = rules.filter((r) => r.pack === 'HIPAA.Security');

  test('lists the rules of the three cdk-nag packs the plugins register', () => {
    expect(hipaa.length).toBeGreaterThanOrEqual(80);
    expect(rules.filter((r) => r.pack === 'NIST.800.53.R5').length).toBeGreaterThanOrEqual(70);
    expect(rules.filter((r) => r.pack === 'AwsSolutions').length).toBeGreaterThanOrEqual(100);
  });

  test('reads the HIPAA control IDs of each HIPAA rule from its message', () => {
    expect(hipaa.filter((r) => r.hipaaControls.length === 0).map((r) => r.ruleId)).toEqual([]);
    expect(hipaa.find((r) => r.ruleId === 'HIPAA.Security-S3BucketReplicationEnabled')?.hipaaControls).toEqual([
      '164.308(a)(7)(i)',
      '164.308(a)(7)(ii)(A)',
      '164.308(a)(7)(ii)(B)',
    ]);
    expect(rules.filter((r) => r.pack !== 'HIPAA.Security' && r.hipaaControls.length > 0)).toEqual([]);
  });
});

describe('hipaaRuleApplicability', () => {
  const { evaluated, skipped } = hipaaRuleApplicability(readAssembly(FIXTURE_DIR));

  test('loads every template, cross-stack references included', () => {
    expect(skipped).toEqual([]);
  });

  test('records which resources each rule evaluates', () => {
    expect(
      evaluated
        .get('HIPAA.Security-S3DefaultEncryptionKMS')
        ?.map((r) => r.logicalId)
        .sort(),
    ).toEqual(['PhiDocumentsAccessLogBucket', 'PhiDocumentsBucket']);
    expect(evaluated.get('HIPAA.Security-CloudWatchLogGroupRetentionPeriod')?.map((r) => r.logicalId)).toEqual(['DataLogGroup']);
    // The fixture has no database: database rules evaluate nothing.
    expect(evaluated.get('HIPAA.Security-RDSMultiAZSupport')).toBeUndefined();
  });
});

describe('controlTowerGuardRules', () => {
  const rules = controlTowerGuardRules();

  test('reads every bundled Control Tower rule with its control, resource types and objectives', () => {
    expect(rules.length).toBeGreaterThanOrEqual(200);
    expect(rules.find((r) => r.ruleName === 's3_bucket_default_encryption_kms_check')).toEqual({
      ruleName: 's3_bucket_default_encryption_kms_check',
      controlId: 'CT.S3.PR.10',
      title: 'Require an Amazon S3 bucket to have server-side encryption configured using an AWS KMS key',
      resourceTypes: ['AWS::S3::Bucket'],
      objectives: [{ id: 'CO.2', name: 'Encrypt data at rest' }],
      configRuleIdentifier: 'S3_DEFAULT_ENCRYPTION_KMS',
    });
  });

  test('names each rule as the validation report does (the rule ids acknowledge() uses)', () => {
    const names = rules.map((r) => r.ruleName);
    for (const id of [
      'cloudwatch_log_group_encrypted_check',
      'rds_storage_encrypted_kms_key_check',
      'sqs_queue_encrypted_check',
      'cloud_trail_encryption_enabled_check',
    ]) {
      expect(names).toContain(id);
    }
  });
});
