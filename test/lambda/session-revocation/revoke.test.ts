import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { revokeSessions } from '../../../lambda/session-revocation/revoke';
import { awsError } from '../fixtures';
import { POOL_ID, SUB } from './events';

const cognito = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: 'us-east-1' });

beforeEach(() => cognito.reset());

describe('revokeSessions', () => {
  test('signs the user out globally in this pool and looks up the sub for the log', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'alice@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'sub', Value: SUB },
      ],
    });
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminDisableUser', userIdentifier: 'alice@example.com' });
    expect(outcome).toEqual({ result: 'signed-out', sub: SUB });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL_ID, Username: 'alice@example.com' },
    ]);
  });

  test('skips the lookup when the event carried the sub', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminAddUserToGroup', userIdentifier: 'bob', sub: SUB });
    expect(outcome).toEqual({ result: 'signed-out', sub: SUB });
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  test('a failed sub lookup does not undo or fail the revocation', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminGetUserCommand).rejects(awsError('TooManyRequestsException', 429));
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminRemoveUserFromGroup', userIdentifier: 'bob' });
    expect(outcome).toEqual({ result: 'signed-out', subLookupError: 'TooManyRequestsException' });
  });

  test('a user without a sub attribute is reported as such', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({ Username: 'bob', UserAttributes: [] });
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminDisableUser', userIdentifier: 'bob' });
    expect(outcome).toEqual({ result: 'signed-out', subLookupError: 'NoSubAttribute' });
  });

  test('a deleted user needs no call: deletion itself ends every session', async () => {
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminDeleteUser', userIdentifier: 'carol', sub: SUB });
    expect(outcome).toEqual({ result: 'ended-by-deletion', sub: SUB });
    expect(cognito.calls()).toHaveLength(0);
  });

  test('a user that no longer exists is handled, not retried', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(awsError('UserNotFoundException'));
    const outcome = await revokeSessions(client, POOL_ID, { trigger: 'AdminRemoveUserFromGroup', userIdentifier: 'dave' });
    expect(outcome).toEqual({ result: 'user-not-found', sub: undefined });
  });

  test.each(['TooManyRequestsException', 'InternalErrorException', 'NotAuthorizedException', 'ResourceNotFoundException'])(
    '%s is rethrown so that the invocation is retried and ends in the dead-letter queue',
    async (name) => {
      cognito.on(AdminUserGlobalSignOutCommand).rejects(awsError(name, name === 'InternalErrorException' ? 500 : 400));
      await expect(
        revokeSessions(client, POOL_ID, { trigger: 'AdminDisableUser', userIdentifier: 'erin' }),
      ).rejects.toMatchObject({ name });
    },
  );
});
