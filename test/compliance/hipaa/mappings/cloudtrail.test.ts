import { claimsOf } from './claims';

describe('AWS::CloudTrail::Trail', () => {
  test('a logging trail is the audit control, the activity review and unique user identification', () => {
    const how = 'records API calls in every region, with data events on 2 resource selector(s), delivered to CloudWatch Logs';
    expect(
      claimsOf('AWS::CloudTrail::Trail', {
        IsLogging: true,
        IsMultiRegionTrail: true,
        EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object' }, { Type: 'AWS::Lambda::Function' }] }],
        CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': ['TrailLogs', 'Arn'] },
      }),
    ).toEqual({ '164.312(b)': how, '164.308(a)(1)(ii)(D)': how, '164.312(a)(2)(i)': how });
    expect(claimsOf('AWS::CloudTrail::Trail', { IsLogging: true })).toMatchObject({ '164.312(b)': 'records API calls' });
  });

  test('a trail that does not log is not claimed', () => {
    expect(claimsOf('AWS::CloudTrail::Trail', { IsLogging: false })).toEqual({});
  });

  test('log-file validation is the authentication mechanism of the records', () => {
    expect(claimsOf('AWS::CloudTrail::Trail', { IsLogging: false, EnableLogFileValidation: true })).toEqual({
      '164.312(c)(2)': 'log-file validation: digest files make tampering detectable',
    });
  });

  test('encrypted log files are encryption at rest', () => {
    expect(
      claimsOf('AWS::CloudTrail::Trail', { IsLogging: false, KMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }),
    ).toEqual({
      '164.312(a)(2)(iv)': 'log files encrypted with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
    });
  });
});
