import { CognitoIdentityProviderClient, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { checkSignInDomain } from '../../../scripts/preflight/sign-in-domain';

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());
const check = () =>
  checkSignInDomain(
    new CognitoIdentityProviderClient({}),
    { region: 'us-east-1', prefix: 'crm-demo-signin' },
    '111122223333',
    'config/x.json',
  );

test('an empty domain description means the prefix is free', async () => {
  cognito.on(DescribeUserPoolDomainCommand, { Domain: 'crm-demo-signin' }).resolves({ DomainDescription: {} });
  expect(await check()).toEqual([
    expect.objectContaining({ status: 'PASS', what: 'Cognito sign-in domain prefix crm-demo-signin is free' }),
  ]);
});

test('a prefix used by a pool of this account fails with the command that frees it', async () => {
  cognito
    .on(DescribeUserPoolDomainCommand)
    .resolves({ DomainDescription: { UserPoolId: 'us-east-1_abc', AWSAccountId: '111122223333', Domain: 'crm-demo-signin' } });
  const [r] = await check();
  expect(r.status).toBe('FAIL');
  expect(r.fix).toContain(
    'aws cognito-idp delete-user-pool-domain --region us-east-1 --domain crm-demo-signin --user-pool-id us-east-1_abc',
  );
});

test('a prefix taken by another account fails with the config edit', async () => {
  cognito
    .on(DescribeUserPoolDomainCommand)
    .resolves({ DomainDescription: { UserPoolId: 'us-east-1_xyz', AWSAccountId: '999988887777' } });
  const [r] = await check();
  expect(r).toMatchObject({
    status: 'FAIL',
    what: 'Cognito sign-in domain prefix crm-demo-signin is taken by a user pool of another AWS account',
  });
  expect(r.fix).toContain('identity.domainPrefix in config/x.json');
});

test('access denied fails with the permission', async () => {
  cognito.on(DescribeUserPoolDomainCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  expect((await check())[0].what).toContain('missing permission cognito-idp:DescribeUserPoolDomain');
});
