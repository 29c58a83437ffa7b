import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/session-revocation/index';
import { awsError, captureOutput, lambdaContext, metricNames } from '../fixtures';
import { cognitoEvent, POOL_ID, SUB } from './events';

const cognito = mockClient(CognitoIdentityProviderClient);
let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  cognito.reset();
  process.env.USER_POOL_ID = POOL_ID;
  process.env.AWS_REGION = 'us-east-1';
  output = captureOutput();
});
afterEach(() => output.restore());

const run = (event: unknown) => handler(event, lambdaContext('crm-demo-session-revocation'));

describe('session-revocation handler', () => {
  test('revokes, counts and logs the sub and the CloudTrail event ID, never the username or e-mail', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'alice@example.com',
      UserAttributes: [
        { Name: 'sub', Value: SUB },
        { Name: 'email', Value: 'alice@example.com' },
      ],
    });
    await run(cognitoEvent('AdminDisableUser'));
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(1);
    const lines = output.lines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Sessions handled',
        result: 'signed-out',
        trigger: 'AdminDisableUser',
        sub: SUB,
        eventId: 'e1e2e3e4-aaaa-bbbb-cccc-000000000001',
        service: 'session-revocation',
      }),
    );
    expect(metricNames(lines)).toEqual(['SessionsRevoked']);
    expect(lines.find((l) => l._aws)).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'HipaaCrm' }] } });
    expect(output.text()).not.toMatch(/alice|example\.com|192\.0\.2\.10/);
  });

  test('a deletion is recorded as having ended the sessions, without a Cognito call', async () => {
    await run(cognitoEvent('AdminDeleteUser', undefined, { additionalEventData: { sub: SUB } }));
    expect(cognito.calls()).toHaveLength(0);
    expect(output.lines()).toContainEqual(expect.objectContaining({ result: 'ended-by-deletion', sub: SUB }));
    expect(metricNames(output.lines())).toEqual(['SessionsEndedByDeletion']);
  });

  test('bad input is logged and ignored without a throw (a retry would not help)', async () => {
    await expect(run({ 'detail-type': 'Scheduled Event' })).resolves.toBeUndefined();
    await expect(
      run(cognitoEvent('AdminDisableUser', { userPoolId: 'us-east-1_Other', username: 'alice@example.com' })),
    ).resolves.toBeUndefined();
    expect(cognito.calls()).toHaveLength(0);
    const ignored = output.lines().filter((l) => l.message === 'Event ignored');
    expect(ignored.map((l) => l.reason)).toEqual(['not-a-cloudtrail-api-call', 'other-user-pool']);
    expect(ignored.every((l) => l.level === 'WARN')).toBe(true);
    expect(metricNames(output.lines())).toEqual(['RevocationEventsIgnored', 'RevocationEventsIgnored']);
    expect(output.text()).not.toContain('alice');
  });

  test('a user already gone is handled without a retry', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(awsError('UserNotFoundException'));
    await expect(run(cognitoEvent('AdminRemoveUserFromGroup'))).resolves.toBeUndefined();
    expect(metricNames(output.lines())).toEqual(['RevocationUserNotFound']);
  });

  test('throttling is rethrown (Lambda retries, then the dead-letter queue), without the SDK message', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(awsError('TooManyRequestsException', 429));
    const failure = run(cognitoEvent('AdminAddUserToGroup'));
    await expect(failure).rejects.toThrow('session revocation failed: TooManyRequestsException');
    await failure.catch((e: Error) => expect(e.message).not.toContain('alice'));
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', errorName: 'TooManyRequestsException', httpStatus: 429 }),
    );
    expect(metricNames(output.lines())).toEqual(['RevocationFailures']);
    expect(output.text()).not.toContain('alice');
  });

  test('a missing USER_POOL_ID is a deployment error and fails loudly', async () => {
    delete process.env.USER_POOL_ID;
    await expect(run(cognitoEvent('AdminDisableUser'))).rejects.toThrow('USER_POOL_ID');
  });
});
