/** A mocked Cognito directory for the access-review tests. */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminListUserAuthEventsCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

export const POOL_ID = 'us-east-1_AbCdEf123';

export const listedUser = (username: string, sub: string, overrides: Partial<UserType> = {}): UserType => ({
  Username: username,
  Attributes: [{ Name: 'sub', Value: sub }],
  Enabled: true,
  UserStatus: 'CONFIRMED',
  UserCreateDate: new Date('2025-01-01T00:00:00Z'),
  UserLastModifiedDate: new Date('2026-01-01T00:00:00Z'),
  ...overrides,
});

/**
 * Two pages of users (alice, bob / carol); alice in two groups across two pages, TOTP for alice and
 * carol, a successful sign-in for alice and bob, none for carol.
 */
export function mockDirectory(): AwsClientStub<CognitoIdentityProviderClient> {
  const cognito = mockClient(CognitoIdentityProviderClient);
  cognito
    .on(ListUsersCommand)
    .resolves({ Users: [] })
    .on(ListUsersCommand, { PaginationToken: undefined })
    .resolves({ Users: [listedUser('alice@example.com', 'sub-a'), listedUser('bob', 'sub-b')], PaginationToken: 'p2' })
    .on(ListUsersCommand, { PaginationToken: 'p2' })
    .resolves({ Users: [listedUser('carol', 'sub-c', { Enabled: false })] });

  cognito
    .on(AdminListGroupsForUserCommand)
    .resolves({ Groups: [] })
    .on(AdminListGroupsForUserCommand, { Username: 'alice@example.com', NextToken: undefined })
    .resolves({ Groups: [{ GroupName: 'provider' }], NextToken: 'g2' })
    .on(AdminListGroupsForUserCommand, { Username: 'alice@example.com', NextToken: 'g2' })
    .resolves({ Groups: [{ GroupName: 'practice-manager' }] })
    .on(AdminListGroupsForUserCommand, { Username: 'carol' })
    .resolves({ Groups: [{ GroupName: 'billing' }] });

  cognito
    .on(AdminGetUserCommand)
    .resolves({ UserMFASettingList: [] })
    .on(AdminGetUserCommand, { Username: 'alice@example.com' })
    .resolves({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' })
    .on(AdminGetUserCommand, { Username: 'carol' })
    .resolves({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] });

  cognito
    .on(AdminListUserAuthEventsCommand)
    .resolves({ AuthEvents: [] })
    .on(AdminListUserAuthEventsCommand, { Username: 'alice@example.com' })
    .resolves({
      AuthEvents: [
        { EventType: 'SignIn', EventResponse: 'Fail', CreationDate: new Date('2026-03-30T08:00:00Z') },
        { EventType: 'SignIn', EventResponse: 'Pass', CreationDate: new Date('2026-03-29T08:00:00Z') },
        { EventType: 'SignIn', EventResponse: 'Pass', CreationDate: new Date('2026-03-01T08:00:00Z') },
        { EventType: 'ForgotPassword', EventResponse: 'Pass', CreationDate: new Date('2026-03-31T08:00:00Z') },
      ],
    })
    .on(AdminListUserAuthEventsCommand, { Username: 'bob' })
    .resolves({
      AuthEvents: [{ EventType: 'SignIn', EventResponse: 'Fail', CreationDate: new Date('2026-03-30T08:00:00Z') }],
      NextToken: 'older',
    });
  return cognito;
}
