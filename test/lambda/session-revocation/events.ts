/** CloudTrail-via-EventBridge events as Cognito admin calls produce them (shape per the CloudTrail record format). */
export const POOL_ID = 'us-east-1_AbCdEf123';
export const SUB = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

export function cognitoEvent(
  eventName: string,
  requestParameters: Record<string, unknown> = { userPoolId: POOL_ID, username: 'alice@example.com' },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: '0',
    id: 'c0b1c2d3-0000-0000-0000-000000000000',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cognito-idp',
    account: '111122223333',
    time: '2026-01-05T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/admin/jane' },
      eventTime: '2026-01-05T10:00:00Z',
      eventSource: 'cognito-idp.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.10',
      requestParameters,
      responseElements: null,
      eventID: 'e1e2e3e4-aaaa-bbbb-cccc-000000000001',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      ...extra,
    },
  };
}
