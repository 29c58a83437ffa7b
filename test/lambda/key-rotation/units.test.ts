import { ownAccount, parseRotationConfig } from '../../../lambda/key-rotation/config';
import { parseInvocation } from '../../../lambda/key-rotation/invocation';
import { nameCheck } from '../../../lambda/key-rotation/rotate-now';
import { ageInDays, isOverdue, lastRotation, OVERDUE_GRACE_DAYS, rotationSupport } from '../../../lambda/key-rotation/policy';
import { evidenceKey } from '../../../lambda/key-rotation/record';
import { ENV } from './fake-kms';

const DAY = 86_400_000;
const now = new Date('2026-06-15T06:00:00.000Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe('rotationSupport', () => {
  test.each([
    ['SYMMETRIC_DEFAULT', 'AWS_KMS', 'automatic'],
    ['ECC_NIST_P256', 'AWS_KMS', 'asymmetric'],
    ['RSA_4096', 'AWS_KMS', 'asymmetric'],
    ['ML_DSA_65', 'AWS_KMS', 'asymmetric'],
    ['HMAC_256', 'AWS_KMS', 'unsupported'],
    ['SYMMETRIC_DEFAULT', 'EXTERNAL', 'unsupported'],
    ['SYMMETRIC_DEFAULT', 'AWS_CLOUDHSM', 'unsupported'],
    ['SYMMETRIC_DEFAULT', 'EXTERNAL_KEY_STORE', 'unsupported'],
  ])('%s from %s: %s', (keySpec, origin, kind) => {
    expect(rotationSupport({ keySpec, origin }).kind).toBe(kind);
  });
});

describe('overdue', () => {
  test('only past the period plus the grace', () => {
    expect(isOverdue(ago(365 + OVERDUE_GRACE_DAYS), 365, now)).toBe(false);
    expect(isOverdue(new Date(ago(365 + OVERDUE_GRACE_DAYS).getTime() - 1000), 365, now)).toBe(true);
    expect(isOverdue(ago(100), 90, now)).toBe(true);
  });

  test('ageInDays counts whole days', () => {
    expect(ageInDays(new Date(ago(3).getTime() - 3_600_000), now)).toBe(3);
  });

  test('lastRotation: newest completed rotation; creation date when there is none; nothing without either', () => {
    const created = ago(900);
    expect(lastRotation([{ RotationType: 'AUTOMATIC' }], created)).toEqual({
      date: created,
      source: 'CreationDate',
      onDemandRotations: 0,
    });
    expect(
      lastRotation(
        [
          { RotationDate: ago(50), RotationType: 'ON_DEMAND' },
          { RotationDate: ago(5), RotationType: 'AUTOMATIC' },
          { RotationDate: ago(60), RotationType: 'ON_DEMAND' },
        ],
        created,
      ),
    ).toEqual({ date: ago(5), source: 'ListKeyRotations', type: 'AUTOMATIC', onDemandRotations: 2 });
    expect(lastRotation([], undefined)).toBeUndefined();
  });
});

describe('parseInvocation', () => {
  const valid = { action: 'rotate-now', key: ' alias/crm-demo/phi ', reason: 'suspected compromise', requestedBy: 'me' };

  test('schedule, manual check and rotate-now (trimmed)', () => {
    expect(parseInvocation({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({
      kind: 'check',
      trigger: 'schedule',
    });
    expect(parseInvocation({ action: 'check' })).toEqual({ kind: 'check', trigger: 'manual' });
    expect(parseInvocation(valid)).toEqual({
      kind: 'rotate-now',
      request: { action: 'rotate-now', key: 'alias/crm-demo/phi', reason: 'suspected compromise', requestedBy: 'me' },
    });
  });

  test.each([
    ['not an object', 'rotate-now'],
    ['another event source', { source: 'aws.kms', 'detail-type': 'Scheduled Event' }],
    ['an unknown action', { action: 'schedule-deletion' }],
    ['missing key', { ...valid, key: undefined }],
    ['blank reason', { ...valid, reason: '  ' }],
    ['reason too long', { ...valid, reason: 'x'.repeat(1001) }],
    ['control characters', { ...valid, requestedBy: 'me\nINFO forged log line' }],
  ])('invalid: %s', (_, event) => {
    expect(parseInvocation(event).kind).toBe('invalid');
  });
});

describe('nameCheck', () => {
  const owner = { deployment: 'crm', account: '111122223333', region: 'us-east-1' };
  test("the alias prefix ends with a slash: crm's requests cannot reach crm-demo's keys", () => {
    expect(nameCheck('alias/crm/phi', 'crm', owner)).toEqual({ alias: 'alias/crm/phi' });
    expect(nameCheck('alias/crm-demo/phi', 'crm', owner).refusal?.code).toBe('outside-deployment');
  });
  test('a key ARN must be of this account and region', () => {
    expect(nameCheck('arn:aws:kms:us-east-1:111122223333:key/abc-123', 'crm', owner)).toEqual({ keyId: 'abc-123' });
    expect(nameCheck('arn:aws:kms:us-east-1:999988887777:key/abc-123', 'crm', owner).refusal?.code).toBe('foreign-key');
    expect(nameCheck('arn:aws:kms:us-east-1:111122223333:alias/crm/phi', 'crm', owner).refusal?.code).toBe(
      'invalid-key-identifier',
    );
  });
});

describe('configuration', () => {
  test('reads the environment the construct sets, and the region Lambda sets', () => {
    expect(parseRotationConfig(ENV)).toEqual({
      deployment: 'crm-demo',
      region: 'us-east-1',
      rotationPeriodDays: 365,
      evidenceBucket: ENV.EVIDENCE_BUCKET,
      evidenceKmsKeyArn: ENV.EVIDENCE_KMS_KEY_ARN,
    });
  });
  test.each([
    ['a period KMS refuses', { ROTATION_PERIOD_DAYS: '30' }, /whole number of days from 90 to 2560/],
    ['a fractional period', { ROTATION_PERIOD_DAYS: '365.5' }, /whole number of days/],
    ['a deployment name that is not one', { DEPLOYMENT_NAME: 'crm/../x' }, /not a deployment name/],
    ['no evidence key', { EVIDENCE_KMS_KEY_ARN: '' }, /EVIDENCE_KMS_KEY_ARN is not set/],
  ])('refuses %s', (_, override, message) => {
    expect(() => parseRotationConfig({ ...ENV, ...override })).toThrow(message);
  });
  test('the account comes from the function ARN', () => {
    expect(ownAccount('arn:aws:lambda:us-east-1:111122223333:function:crm-demo-key-rotation')).toBe('111122223333');
    expect(() => ownAccount('not-an-arn')).toThrow('cannot read the account');
  });
});

test('evidence keys: by UTC year and month, ISO timestamp and region', () => {
  const at = new Date('2027-01-01T00:30:00.000Z');
  expect(evidenceKey('check', at, 'eu-west-1')).toBe('key-rotation/2027/01/2027-01-01T00:30:00.000Z-eu-west-1.json');
  expect(evidenceKey('on-demand', at, 'eu-west-1')).toBe(
    'key-rotation/on-demand/2027/01/2027-01-01T00:30:00.000Z-eu-west-1.json',
  );
});
