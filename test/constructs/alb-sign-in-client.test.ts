import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AlbSignInClient } from '../../lib/constructs/alb-sign-in-client';
import { projectApp } from '../helpers/app';

function setup(refreshTokenRotationGracePeriod?: Duration) {
  const stack = new Stack(projectApp(), 'Id');
  const userPool = new cognito.UserPool(stack, 'Pool');
  const client = new AlbSignInClient(stack, 'Alb', {
    userPool,
    domainName: 'crm.example.org',
    scopes: [],
    accessTokenValidity: Duration.minutes(5),
    idTokenValidity: Duration.minutes(10),
    refreshTokenValidity: Duration.hours(1),
    refreshTokenRotationGracePeriod,
  });
  return { stack, client };
}

describe('AlbSignInClient', () => {
  test('derives the load balancer callback and logout URLs from the domain', () => {
    const { client } = setup();
    expect(client.callbackUrl).toBe('https://crm.example.org/oauth2/idpresponse');
    expect(client.logoutUrl).toBe('https://crm.example.org/');
  });

  test('rotates refresh tokens without grace by default, or with the grace given', () => {
    Template.fromStack(setup().stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
      AccessTokenValidity: 5,
      IdTokenValidity: 10,
      RefreshTokenValidity: 60,
    });
    Template.fromStack(setup(Duration.seconds(10)).stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
    });
  });

  test('gives its client a managed-login style', () => {
    Template.fromStack(setup().stack).resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
  });
});
