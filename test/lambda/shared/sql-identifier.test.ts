import { isQualifiedTableName, quoteQualifiedTableName } from '../../../lambda/shared/sql-identifier';

describe('quoteQualifiedTableName', () => {
  test('double-quotes each part of a lowercase schema.table name', () => {
    expect(quoteQualifiedTableName('hipaa_ops.restore_canary')).toBe('"hipaa_ops"."restore_canary"');
    expect(quoteQualifiedTableName('_s1.t_2')).toBe('"_s1"."t_2"');
  });

  test.each([
    'patients',
    'crm.patients; DROP TABLE crm.patients',
    'crm."patients"',
    'Crm.Patients',
    'crm.patients.extra',
    '1crm.patients',
    'crm.pa-tients',
    'crm. patients',
    `crm.${'a'.repeat(64)}`,
    '',
  ])('rejects %j without echoing it', (name) => {
    expect(isQualifiedTableName(name)).toBe(false);
    expect(() => quoteQualifiedTableName(name)).toThrow('table name rejected: not a lowercase "schema.table" identifier');
  });

  test('accepts the 63-character PostgreSQL maximum per part', () => {
    expect(isQualifiedTableName(`${'s'.repeat(63)}.${'t'.repeat(63)}`)).toBe(true);
  });
});
