import { claimsOf } from './claims';

describe('AWS Config, GuardDuty and Security Hub', () => {
  test('the Config recorder supports the activity review', () => {
    expect(claimsOf('AWS::Config::ConfigurationRecorder', {})).toEqual({
      '164.308(a)(1)(ii)(D)': 'records configuration changes of the resources in the account',
    });
  });

  test('an enabled GuardDuty detector is activity review and incident detection, with its features', () => {
    const how = 'threat detection on (S3_DATA_EVENTS, RDS_LOGIN_EVENTS)';
    expect(
      claimsOf('AWS::GuardDuty::Detector', {
        Enable: true,
        Features: [
          { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
          { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
          { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' },
        ],
      }),
    ).toEqual({ '164.308(a)(1)(ii)(D)': how, '164.308(a)(6)(ii)': how });
    expect(claimsOf('AWS::GuardDuty::Detector', { Enable: true })).toMatchObject({
      '164.308(a)(1)(ii)(D)': 'threat detection on',
    });
  });

  test('a detector with malware or runtime monitoring also protects from malicious software', () => {
    expect(
      claimsOf('AWS::GuardDuty::Detector', {
        Enable: true,
        Features: [
          { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
          { Name: 'RUNTIME_MONITORING', Status: 'ENABLED' },
        ],
      }),
    ).toMatchObject({
      '164.308(a)(5)(ii)(B)': 'malware and runtime threat detection (EBS_MALWARE_PROTECTION, RUNTIME_MONITORING)',
    });
  });

  test('a disabled detector is not claimed', () => {
    expect(
      claimsOf('AWS::GuardDuty::Detector', { Enable: false, Features: [{ Name: 'RUNTIME_MONITORING', Status: 'ENABLED' }] }),
    ).toEqual({});
  });

  test('a malware protection plan protects from malicious software', () => {
    expect(
      claimsOf('AWS::GuardDuty::MalwareProtectionPlan', {
        ProtectedResource: { S3Bucket: { BucketName: { Ref: 'PhiDocuments' } } },
      }),
    ).toEqual({ '164.308(a)(5)(ii)(B)': 'scans new objects of bucket <PhiDocuments> for malware' });
  });

  test('Security Hub collects findings, and its standards evaluate continuously', () => {
    expect(claimsOf('AWS::SecurityHub::Hub', {})).toEqual({
      '164.308(a)(1)(ii)(D)': 'Security Hub collects findings of every detective service',
    });
    expect(
      claimsOf('AWS::SecurityHub::Standard', {
        StandardsArn: 'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      }),
    ).toEqual({ '164.308(a)(8)': 'continuous evaluation against aws-foundational-security-best-practices/v/1.0.0' });
  });
});
