import { parseValidatorConfig } from '../../../lambda/restore-validator/config';
import { ENV, EVIDENCE_KEY_ARN, PLAN_ARN } from './fixtures';

describe('parseValidatorConfig', () => {
  test('reads every setting of the contract', () => {
    expect(parseValidatorConfig(ENV)).toEqual({
      deployment: 'crm-demo',
      region: 'us-east-1',
      evidenceBucket: 'crm-demo-evidence',
      evidenceKmsKeyArn: EVIDENCE_KEY_ARN,
      databaseName: 'crm',
      expectedTables: ['crm.patients', 'crm.appointments'],
      sampleObjectCount: 3,
      rpoMinutes: 60,
      rtoMinutes: 240,
      restoreTestingPlanArn: PLAN_ARN,
      airGappedRestoreTestingPlanArn: undefined,
    });
  });

  test("accounts apart: the air-gapped copy's plan, when set", () => {
    expect(parseValidatorConfig(ENV).airGappedRestoreTestingPlanArn).toBeUndefined();
    const lag = PLAN_ARN.replace('_restore_tests', '_restore_tests_lag');
    expect(parseValidatorConfig({ ...ENV, AIR_GAPPED_RESTORE_TESTING_PLAN_ARN: lag }).airGappedRestoreTestingPlanArn).toBe(lag);
  });

  test('no expected tables and no evidence key are valid', () => {
    const config = parseValidatorConfig({ ...ENV, EXPECTED_TABLES: ' , ', EVIDENCE_KMS_KEY_ARN: undefined });
    expect(config.expectedTables).toEqual([]);
    expect(config.evidenceKmsKeyArn).toBeUndefined();
  });

  test.each([
    [{ RPO_MINUTES: 'sixty' }, 'RPO_MINUTES must be an integer from 1 to 1440'],
    [{ RTO_MINUTES: '0' }, 'RTO_MINUTES must be an integer from 1 to 2880'],
    [{ SAMPLE_OBJECT_COUNT: '1001' }, 'SAMPLE_OBJECT_COUNT must be an integer from 1 to 1000'],
    [{ EVIDENCE_BUCKET: undefined }, 'environment variable EVIDENCE_BUCKET is not set'],
    [{ DATABASE_NAME: '' }, 'environment variable DATABASE_NAME is not set'],
    [{ RESTORE_TESTING_PLAN_ARN: undefined }, 'environment variable RESTORE_TESTING_PLAN_ARN is not set'],
  ])('refuses %j', (override, message) => {
    expect(() => parseValidatorConfig({ ...ENV, ...override })).toThrow(message);
  });
});
