import { parseRevocationEvent, REVOCATION_TRIGGERS } from '../../../lambda/session-revocation/event';
import { cognitoEvent, POOL_ID, SUB } from './events';

describe('parseRevocationEvent', () => {
  test.each(REVOCATION_TRIGGERS)('%s on this pool revokes the user sessions', (eventName) => {
    expect(parseRevocationEvent(cognitoEvent(eventName), POOL_ID)).toEqual({
      kind: 'revoke',
      trigger: eventName,
      eventId: 'e1e2e3e4-aaaa-bbbb-cccc-000000000001',
      userIdentifier: 'alice@example.com',
      sub: undefined,
    });
  });

  test('role changes are triggers, the function own sign-out call is not (no loop)', () => {
    expect(REVOCATION_TRIGGERS).toEqual(
      expect.arrayContaining(['AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminDisableUser', 'AdminDeleteUser']),
    );
    expect(REVOCATION_TRIGGERS).not.toContain('AdminUserGlobalSignOut');
    expect(parseRevocationEvent(cognitoEvent('AdminUserGlobalSignOut'), POOL_ID)).toMatchObject({
      kind: 'ignore',
      reason: 'unexpected-event-name',
    });
  });

  test('a group change keeps the group name out of the result (only the user matters)', () => {
    const parsed = parseRevocationEvent(
      cognitoEvent('AdminRemoveUserFromGroup', { userPoolId: POOL_ID, username: 'bob', groupName: 'provider' }),
      POOL_ID,
    );
    expect(parsed).toMatchObject({ kind: 'revoke', userIdentifier: 'bob' });
  });

  test('another user pool is ignored', () => {
    const event = cognitoEvent('AdminDisableUser', { userPoolId: 'us-east-1_Other', username: 'alice' });
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ kind: 'ignore', reason: 'other-user-pool' });
  });

  test('a missing user pool ID or missing request parameters are ignored', () => {
    expect(parseRevocationEvent(cognitoEvent('AdminDisableUser', { username: 'alice' }), POOL_ID)).toMatchObject({
      reason: 'other-user-pool',
    });
    expect(parseRevocationEvent(cognitoEvent('AdminDisableUser', undefined, { requestParameters: null }), POOL_ID)).toMatchObject(
      { reason: 'other-user-pool' },
    );
  });

  test('a failed admin call changed nothing and is ignored', () => {
    const event = cognitoEvent('AdminDisableUser', undefined, { errorCode: 'AccessDenied', errorMessage: 'no' });
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ kind: 'ignore', reason: 'failed-api-call' });
  });

  test('events that are not Cognito API calls are ignored', () => {
    expect(parseRevocationEvent(undefined, POOL_ID)).toEqual({ kind: 'ignore', reason: 'not-a-cloudtrail-api-call' });
    expect(parseRevocationEvent('x', POOL_ID)).toEqual({ kind: 'ignore', reason: 'not-a-cloudtrail-api-call' });
    expect(parseRevocationEvent({ 'detail-type': 'Scheduled Event', detail: {} }, POOL_ID)).toMatchObject({
      reason: 'not-a-cloudtrail-api-call',
    });
    expect(parseRevocationEvent({ ...cognitoEvent('AdminDisableUser'), source: 'aws.iam' }, POOL_ID)).toMatchObject({
      reason: 'unexpected-event-source',
    });
    const wrongSource = cognitoEvent('AdminDisableUser');
    (wrongSource.detail as Record<string, unknown>).eventSource = 'iam.amazonaws.com';
    expect(parseRevocationEvent(wrongSource, POOL_ID)).toMatchObject({ reason: 'unexpected-event-source' });
  });

  test('unexpected or missing event names are ignored', () => {
    expect(parseRevocationEvent(cognitoEvent('AdminCreateUser'), POOL_ID)).toMatchObject({ reason: 'unexpected-event-name' });
    const noName = cognitoEvent('AdminDisableUser');
    delete (noName.detail as Record<string, unknown>).eventName;
    expect(parseRevocationEvent(noName, POOL_ID)).toMatchObject({ reason: 'unexpected-event-name' });
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 42],
    ['too long', 'a'.repeat(129)],
    ['with whitespace', 'alice smith'],
    ['hidden by CloudTrail', 'HIDDEN_DUE_TO_SECURITY_REASONS'],
  ])('a username that is %s, without a sub, is ignored', (_case, username) => {
    const event = cognitoEvent('AdminDisableUser', { userPoolId: POOL_ID, username });
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ kind: 'ignore', reason: 'no-usable-user-identifier' });
  });

  test('when CloudTrail hides the username, the sub of additionalEventData identifies the user', () => {
    const event = cognitoEvent(
      'AdminDisableUser',
      { userPoolId: POOL_ID, username: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      { additionalEventData: { sub: SUB } },
    );
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ kind: 'revoke', userIdentifier: SUB, sub: SUB });
  });

  test('a sub that is not a UUID is not trusted', () => {
    const event = cognitoEvent(
      'AdminDisableUser',
      { userPoolId: POOL_ID, username: 'HIDDEN_FOR_SECURITY_REASONS' },
      { additionalEventData: { sub: 'not-a-sub' } },
    );
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ kind: 'ignore', reason: 'no-usable-user-identifier' });
  });

  test('the sub is kept next to a visible username, for the log', () => {
    const event = cognitoEvent('AdminDisableUser', undefined, { additionalEventData: { sub: SUB } });
    expect(parseRevocationEvent(event, POOL_ID)).toMatchObject({ userIdentifier: 'alice@example.com', sub: SUB });
  });
});
