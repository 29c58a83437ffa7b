/**
 * Amazon RDS: the database instance (encryption, availability, backups, authentication, logs) and its
 * parameter group (TLS, pgaudit).
 */
import { asArray, days, isRecord, isTrue, num, prop, str } from '../../../assembly/template-facts';
import { kmsEncrypted, type ResourceSpecMapping } from './mapping';

export const RDS_MAPPINGS: readonly ResourceSpecMapping[] = [
  kmsEncrypted('AWS::RDS::DBInstance', 'KmsKeyId', 'storage'),
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.308(a)(7)(ii)(C)'],
    describe: (r) => (isTrue(prop(r, 'MultiAZ')) ? 'Multi-AZ: synchronous standby in another availability zone' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) => {
      const d = num(prop(r, 'BackupRetentionPeriod'));
      return d ? `automated backups with point-in-time recovery, kept ${days(d)}` : undefined;
    },
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(d)'],
    describe: (r) => (isTrue(prop(r, 'EnableIAMDatabaseAuthentication')) ? 'IAM database authentication enabled' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(b)'],
    describe: (r) => {
      const exports = asArray(prop(r, 'EnableCloudwatchLogsExports')).map(String);
      return exports.length ? `exports ${exports.join(', ')} logs to CloudWatch Logs` : undefined;
    },
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(c)(1)'],
    describe: (r) => (isTrue(prop(r, 'DeletionProtection')) ? 'deletion protection on' : undefined),
  },
  {
    type: 'AWS::RDS::DBInstance',
    specs: ['164.312(a)(1)'],
    describe: (r) =>
      prop(r, 'PubliclyAccessible') === false || prop(r, 'PubliclyAccessible') === 'false'
        ? 'not publicly accessible'
        : undefined,
  },
  {
    type: 'AWS::RDS::DBParameterGroup',
    specs: ['164.312(e)(1)', '164.312(e)(2)(i)', '164.312(e)(2)(ii)'],
    describe: (r) => {
      // Parameter names contain dots, so they are read from the map, not with a property path.
      const params = prop(r, 'Parameters');
      if (!isRecord(params) || String(params['rds.force_ssl']) !== '1') return undefined;
      const min = str(params.ssl_min_protocol_version);
      return `rds.force_ssl=1: the database refuses connections without TLS${min ? ` (minimum ${min})` : ''}`;
    },
  },
  {
    type: 'AWS::RDS::DBParameterGroup',
    specs: ['164.312(b)'],
    describe: (r) => {
      const params = prop(r, 'Parameters');
      if (!isRecord(params) || !String(params.shared_preload_libraries ?? '').includes('pgaudit')) return undefined;
      return `pgaudit loaded${params['pgaudit.log'] ? ` (pgaudit.log=${String(params['pgaudit.log'])})` : ''}`;
    },
  },
];
