import { claimsOf } from './claims';

describe('Amazon SNS and Amazon SQS', () => {
  test('a subscription delivers alerts: incident response', () => {
    expect(claimsOf('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.org' })).toEqual({
      '164.308(a)(6)(ii)': 'email delivery of alerts to security@example.org',
    });
  });

  test('topics and queues with a KMS key are encrypted at rest; without one they are not claimed', () => {
    expect(claimsOf('AWS::SNS::Topic', { KmsMasterKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' })).toEqual({
      '164.312(a)(2)(iv)': 'topic encrypted with KMS key arn:aws:kms:us-east-1:111122223333:key/k',
    });
    expect(claimsOf('AWS::SQS::Queue', { KmsMasterKeyId: { Ref: 'Elsewhere' } })).toEqual({
      '164.312(a)(2)(iv)': 'queue encrypted with a KMS key',
    });
    expect(claimsOf('AWS::SNS::Topic', {})).toEqual({});
    expect(claimsOf('AWS::SQS::Queue', { SqsManagedSseEnabled: true })).toEqual({});
  });
});
