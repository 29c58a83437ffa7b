import { claimsOf } from './claims';

describe('AWS::Logs::LogGroup', () => {
  test('every log group is an audit control; an encrypted one kept six years also meets encryption and retention', () => {
    expect(
      claimsOf('AWS::Logs::LogGroup', {
        LogGroupName: '/crm-demo/cloudtrail',
        KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
        RetentionInDays: 2192,
      }),
    ).toEqual({
      '164.312(b)': 'log group /crm-demo/cloudtrail',
      '164.312(a)(2)(iv)': 'log group encrypted with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
      '164.316(b)(2)(i)': 'kept 2192 days (6.0 years)',
    });
  });

  test('a log group without a name, key or six-year retention is only an audit control, under its logical ID', () => {
    expect(claimsOf('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 'AppLogs')).toEqual({ '164.312(b)': 'log group AppLogs' });
  });
});

describe('AWS::Logs::MetricFilter and AWS::Logs::QueryDefinition', () => {
  test('a metric filter feeds the activity review', () => {
    expect(claimsOf('AWS::Logs::MetricFilter', { LogGroupName: '/crm-demo/cloudtrail' })).toEqual({
      '164.308(a)(1)(ii)(D)': 'turns matching log events of /crm-demo/cloudtrail into an alarm metric',
    });
  });

  test('a saved Logs Insights query supports the activity review', () => {
    expect(claimsOf('AWS::Logs::QueryDefinition', { Name: 'crm-demo/failed-sign-ins' })).toEqual({
      '164.308(a)(1)(ii)(D)': 'saved Logs Insights review query "crm-demo/failed-sign-ins"',
    });
  });
});
