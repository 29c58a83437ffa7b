import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminListUserAuthEventsCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { collectUsers } from '../../../lambda/access-review/collect';
import { awsError } from '../fixtures';
import { mockDirectory, POOL_ID } from './cognito-mock';

const client = new CognitoIdentityProviderClient({ region: 'us-east-1' });
let cognito: ReturnType<typeof mockDirectory>;

beforeEach(() => {
  cognito = mockDirectory();
});
afterEach(() => cognito.restore());

describe('collectUsers', () => {
  test('pages through users and groups and reads MFA and the latest successful sign-in', async () => {
    const users = await collectUsers(client, { userPoolId: POOL_ID });
    expect(users).toEqual([
      {
        username: 'alice@example.com',
        sub: 'sub-a',
        enabled: true,
        status: 'CONFIRMED',
        createdAt: new Date('2025-01-01T00:00:00Z'),
        lastModifiedAt: new Date('2026-01-01T00:00:00Z'),
        groups: ['practice-manager', 'provider'],
        mfa: { methods: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
        lastSignIn: { status: 'found', at: new Date('2026-03-29T08:00:00Z') },
        lookupErrors: [],
      },
      expect.objectContaining({
        username: 'bob',
        groups: [],
        mfa: { methods: [], preferred: undefined },
        lastSignIn: { status: 'not-in-recent-events' },
      }),
      expect.objectContaining({ username: 'carol', enabled: false, groups: ['billing'], lastSignIn: { status: 'never' } }),
    ]);
  });

  test('asks Cognito for the sub only, and for a small page of auth events', async () => {
    await collectUsers(client, { userPoolId: POOL_ID, authEventsPerUser: 10 });
    const listCalls = cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input);
    // The SDK paginator reuses one input object, so only the last token is visible afterwards.
    expect(listCalls).toHaveLength(2);
    for (const input of listCalls) expect(input).toMatchObject({ UserPoolId: POOL_ID, AttributesToGet: ['sub'], Limit: 60 });
    expect(listCalls[1].PaginationToken).toBe('p2');
    expect(cognito.commandCalls(AdminListGroupsForUserCommand)).toHaveLength(4);
    for (const call of cognito.commandCalls(AdminListUserAuthEventsCommand)) {
      expect(call.args[0].input).toMatchObject({ UserPoolId: POOL_ID, MaxResults: 10 });
    }
  });

  test('a failed lookup is recorded on that user and the review goes on', async () => {
    cognito.on(AdminGetUserCommand, { Username: 'bob' }).rejects(awsError('TooManyRequestsException', 429));
    cognito.on(AdminListGroupsForUserCommand, { Username: 'carol' }).rejects(awsError('InternalErrorException', 500));
    cognito.on(AdminListUserAuthEventsCommand, { Username: 'carol' }).rejects(awsError('UserNotFoundException'));
    const users = await collectUsers(client, { userPoolId: POOL_ID });
    expect(users[0].lookupErrors).toEqual([]);
    expect(users[1]).toMatchObject({ mfa: undefined, lookupErrors: [{ lookup: 'mfa', error: 'TooManyRequestsException' }] });
    expect(users[2]).toMatchObject({
      groups: undefined,
      lastSignIn: { status: 'unavailable', reason: 'UserNotFoundException' },
      lookupErrors: [
        { lookup: 'groups', error: 'InternalErrorException' },
        { lookup: 'sign-in', error: 'UserNotFoundException' },
      ],
    });
  });

  test('without threat protection, sign-in history is unavailable for everyone and asked for only once', async () => {
    cognito.on(AdminListUserAuthEventsCommand).rejects(awsError('UserPoolAddOnNotEnabledException'));
    const users = await collectUsers(client, { userPoolId: POOL_ID, concurrency: 1 });
    expect(users.map((u) => u.lastSignIn)).toEqual([
      { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' },
      { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' },
      { status: 'unavailable', reason: 'UserPoolAddOnNotEnabledException' },
    ]);
    expect(users.every((u) => u.lookupErrors.length === 0)).toBe(true);
    expect(cognito.commandCalls(AdminListUserAuthEventsCommand)).toHaveLength(1);
  });

  test('a failure to list the users fails the review (there is nothing to report)', async () => {
    cognito.on(ListUsersCommand).rejects(awsError('NotAuthorizedException'));
    await expect(collectUsers(client, { userPoolId: POOL_ID })).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  test('an empty pool gives no users and no per-user calls', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [] });
    await expect(collectUsers(client, { userPoolId: POOL_ID })).resolves.toEqual([]);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });
});
