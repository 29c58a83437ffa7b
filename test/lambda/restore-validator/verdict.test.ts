import type { RestoreValidationRecord } from '../../../lambda/shared/restore-validation-contract';
import {
  MAX_MESSAGE_LENGTH,
  buildRecord,
  dataAgeMinutesOf,
  evidenceKey,
  restoreMinutesOf,
  validationMessage,
  withCheck,
  type RecordInput,
} from '../../../lambda/restore-validator/verdict';

const job = {
  restoreJobId: 'J1',
  status: 'COMPLETED',
  createdAt: new Date('2026-04-05T06:00:00Z'),
  completedAt: new Date('2026-04-05T06:42:30Z'),
  recoveryPointCreatedAt: new Date('2026-04-05T05:30:00Z'),
};
const input: RecordInput = {
  kind: 'restore-test',
  deployment: 'crm-demo',
  restoreJobId: 'J1',
  resourceType: 'RDS',
  job,
  checks: [{ name: 'canary-sha256', passed: true, detail: 'ok' }],
  newestCanaryAt: new Date('2026-04-05T05:48:00Z'),
  targets: { rpoMinutes: 60, rtoMinutes: 240 },
  validatedAt: new Date('2026-12-31T23:59:59Z'),
};

describe('achieved recovery times', () => {
  test('RTO: restore job creation to completion, to a tenth of a minute', () => {
    expect(restoreMinutesOf(job)).toBe(42.5);
    expect(restoreMinutesOf({ ...job, completedAt: undefined })).toBeUndefined();
  });

  test('RPO of a database: restore start minus the newest canary row (not the recovery point time)', () => {
    expect(dataAgeMinutesOf('RDS', job, new Date('2026-04-05T05:48:00Z'))).toBe(12);
    expect(dataAgeMinutesOf('RDS', job, undefined)).toBeUndefined();
  });

  test('RPO of a bucket: restore start minus the recovery point creation', () => {
    expect(dataAgeMinutesOf('S3', job, undefined)).toBe(30);
    expect(dataAgeMinutesOf('UNKNOWN', job, undefined)).toBeUndefined();
  });
});

describe('buildRecord', () => {
  test('PASSED only when every check and both targets pass', () => {
    const record = buildRecord(input);
    expect(record.verdict).toBe('PASSED');
    expect(record.checks.map((c) => c.name)).toEqual(['canary-sha256', 'rpo-target', 'rto-target']);
    expect(record).toMatchObject({ restoreMinutes: 42.5, dataAgeMinutes: 12, restoreStartedAt: '2026-04-05T06:00:00.000Z' });
  });

  test('one failed check, a missed target or an unmeasurable target makes it FAILED', () => {
    expect(buildRecord({ ...input, checks: [{ name: 'x', passed: false, detail: '' }] }).verdict).toBe('FAILED');
    expect(buildRecord({ ...input, targets: { rpoMinutes: 10, rtoMinutes: 240 } }).verdict).toBe('FAILED');
    expect(buildRecord({ ...input, targets: { rpoMinutes: 60, rtoMinutes: 42 } }).verdict).toBe('FAILED');
    expect(buildRecord({ ...input, newestCanaryAt: undefined }).verdict).toBe('FAILED');
    expect(buildRecord({ ...input, job: undefined }).verdict).toBe('FAILED');
  });

  test('the boundaries are inclusive: exactly on target passes', () => {
    expect(buildRecord({ ...input, targets: { rpoMinutes: 12, rtoMinutes: 42.5 } }).verdict).toBe('PASSED');
  });

  test('withCheck can only turn a verdict into FAILED', () => {
    const record = buildRecord(input);
    expect(withCheck(record, { name: 'evidence-stored', passed: false, detail: '' }).verdict).toBe('FAILED');
    expect(withCheck(record, { name: 'note', passed: true, detail: '' }).verdict).toBe('PASSED');
  });
});

describe('evidenceKey and validationMessage', () => {
  test('evidence keys are per UTC month, drills under their own prefix', () => {
    const record = buildRecord(input);
    expect(evidenceKey(record)).toBe('restore-tests/2026/12/J1.json');
    expect(evidenceKey({ ...record, kind: 'drill' })).toBe('restore-drills/2026/12/J1.json');
  });

  test('the message names the failed checks and stays short', () => {
    const checks = Array.from({ length: 40 }, (_, i) => ({
      name: `table-readable:crm.table_number_${i}`,
      passed: false,
      detail: '',
    }));
    const record: RestoreValidationRecord = buildRecord({ ...input, checks });
    const message = validationMessage(record);
    expect(
      message.startsWith(
        'FAILED (40 of 42 checks failed); restore 42.5 min, RTO 240; data age 12 min, RPO 60; failed: table-readable:crm.table_number_0, ',
      ),
    ).toBe(true);
    expect(message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(message.endsWith('…')).toBe(true);
    expect(validationMessage(buildRecord(input))).toBe(
      'PASSED (all 3 checks); restore 42.5 min, RTO 240; data age 12 min, RPO 60',
    );
  });
});
