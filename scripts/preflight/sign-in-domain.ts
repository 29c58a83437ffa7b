/**
 * The Cognito prefix domain (`<prefix>.auth.<region>.amazoncognito.com`) is unique per region across
 * every AWS account. Cognito has no availability API; DescribeUserPoolDomain answers an empty
 * description for a free prefix and, for a taken one, the owning UserPoolId and AWSAccountId
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolDomain.html).
 */
import { DescribeUserPoolDomainCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { fail, guarded, pass, type CheckResult } from './result';

export function checkSignInDomain(
  cognito: CognitoIdentityProviderClient,
  signIn: { readonly region: string; readonly prefix: string },
  account: string,
  configPath: string,
): Promise<CheckResult[]> {
  const { region, prefix } = signIn;
  const what = `Cognito sign-in domain prefix ${prefix}`;
  return guarded(region, what, 'cognito-idp:DescribeUserPoolDomain', async () => {
    const d = (await cognito.send(new DescribeUserPoolDomainCommand({ Domain: prefix }))).DomainDescription;
    if (!d?.UserPoolId && !d?.AWSAccountId) return pass(region, `${what} is free`);
    if (d.AWSAccountId === account) {
      return fail(
        region,
        `${what} is already used by user pool ${d.UserPoolId} of this account (a leftover of an earlier attempt?)`,
        `if that pool is not in use: aws cognito-idp delete-user-pool-domain --region ${region} --domain ${prefix} --user-pool-id ${d.UserPoolId}; otherwise set identity.domainPrefix in ${configPath}`,
      );
    }
    return fail(
      region,
      `${what} is taken by a user pool of another AWS account`,
      `choose another prefix: set identity.domainPrefix in ${configPath} (passkeys bind to it: decide before users exist)`,
    );
  });
}
