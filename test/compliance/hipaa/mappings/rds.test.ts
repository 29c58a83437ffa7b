import { TAG } from '../../../../lib/vocabulary';
import { claimsOf, claimsOfTemplate } from './claims';

describe('AWS::RDS::DBInstance', () => {
  test('storage encrypted with a KMS key of the template', () => {
    const claims = claimsOfTemplate({
      PhiKey: { Type: 'AWS::KMS::Key', Properties: { Tags: [{ Key: TAG.dataClass, Value: 'phi' }] } },
      Database: { Type: 'AWS::RDS::DBInstance', Properties: { KmsKeyId: { 'Fn::GetAtt': ['PhiKey', 'Arn'] } } },
    });
    expect(claims.Database).toEqual({ '164.312(a)(2)(iv)': 'storage encrypted with KMS key PhiKey (phi)' });
  });

  test('a Multi-AZ database is emergency mode operation; a single-AZ one is not', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { MultiAZ: true })).toEqual({
      '164.308(a)(7)(ii)(C)': 'Multi-AZ: synchronous standby in another availability zone',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { MultiAZ: false })).toEqual({});
  });

  test('automated backups are part of the data backup plan', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { BackupRetentionPeriod: 35 })).toEqual({
      '164.308(a)(7)(ii)(A)': 'automated backups with point-in-time recovery, kept 35 days',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { BackupRetentionPeriod: 0 })).toEqual({});
  });

  test('IAM database authentication is person or entity authentication', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { EnableIAMDatabaseAuthentication: true })).toEqual({
      '164.312(d)': 'IAM database authentication enabled',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { EnableIAMDatabaseAuthentication: false })).toEqual({});
  });

  test('log exports are an audit control', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { EnableCloudwatchLogsExports: ['postgresql', 'upgrade'] })).toEqual({
      '164.312(b)': 'exports postgresql, upgrade logs to CloudWatch Logs',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { EnableCloudwatchLogsExports: [] })).toEqual({});
  });

  test('deletion protection is an integrity control', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { DeletionProtection: 'true' })).toEqual({
      '164.312(c)(1)': 'deletion protection on',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { DeletionProtection: false })).toEqual({});
  });

  test('a database that is not publicly accessible is an access control; one that is, or does not say, is not', () => {
    expect(claimsOf('AWS::RDS::DBInstance', { PubliclyAccessible: false })).toEqual({
      '164.312(a)(1)': 'not publicly accessible',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { PubliclyAccessible: 'false' })).toEqual({
      '164.312(a)(1)': 'not publicly accessible',
    });
    expect(claimsOf('AWS::RDS::DBInstance', { PubliclyAccessible: true })).toEqual({});
    expect(claimsOf('AWS::RDS::DBInstance', {})).toEqual({});
  });
});

describe('AWS::RDS::DBParameterGroup', () => {
  test('rds.force_ssl=1 is transmission security, with the minimum protocol', () => {
    const how = 'rds.force_ssl=1: the database refuses connections without TLS (minimum TLSv1.2)';
    expect(
      claimsOf('AWS::RDS::DBParameterGroup', { Parameters: { 'rds.force_ssl': '1', ssl_min_protocol_version: 'TLSv1.2' } }),
    ).toEqual({ '164.312(e)(1)': how, '164.312(e)(2)(i)': how, '164.312(e)(2)(ii)': how });
    expect(claimsOf('AWS::RDS::DBParameterGroup', { Parameters: { 'rds.force_ssl': 0 } })).toEqual({});
  });

  test('pgaudit is an audit control', () => {
    expect(
      claimsOf('AWS::RDS::DBParameterGroup', {
        Parameters: { shared_preload_libraries: 'pg_stat_statements,pgaudit', 'pgaudit.log': 'ddl,role' },
      }),
    ).toEqual({ '164.312(b)': 'pgaudit loaded (pgaudit.log=ddl,role)' });
    expect(claimsOf('AWS::RDS::DBParameterGroup', { Parameters: { shared_preload_libraries: 'pg_stat_statements' } })).toEqual(
      {},
    );
  });
});
