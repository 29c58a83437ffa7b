import { projectApp } from '../helpers/app';
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EligibleServicesGuard } from '../../lib/compliance/eligible-services-guard';
import { eligibilityOf, HIPAA_ELIGIBLE_SERVICES } from '../../lib/compliance/hipaa-eligible-services';
import { SHIPPED_CONFIGS } from '../helpers/config';
import { shippedAssembly, shippedStacks } from '../helpers/shipped-assembly';

function guardedStack(): Stack {
  // Without CloudFormation's own checks: the fake resources below would fail them, and they cost seconds.
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Guarded');
  Aspects.of(stack).add(new EligibleServicesGuard());
  return stack;
}

describe('HIPAA-eligible services guard', () => {
  test('refuses a resource of a service that is not on the HIPAA Eligible Services Reference', () => {
    const stack = guardedStack();
    // Amazon Lightsail is not covered by the AWS BAA.
    new CfnResource(stack, 'Lightsail', { type: 'AWS::Lightsail::Instance', properties: {} });
    new s3.CfnBucket(stack, 'Allowed');
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AWS::Lightsail'));
    expect(errors).toHaveLength(1);
    expect(errors[0].id).toBe('/Guarded/Lightsail');
    expect(errors[0].entry.data).toMatch(/not on AWS's HIPAA Eligible Services Reference.*BAA does not cover it/);
    expect(Annotations.fromStack(stack).findError('/Guarded/Allowed', Match.anyValue())).toHaveLength(0);
  });

  test('the refusal is an error in the cloud assembly, which makes `cdk synth` and `cdk deploy` stop', () => {
    const stack = guardedStack();
    new CfnResource(stack, 'Gamelift', { type: 'AWS::GameLift::Fleet', properties: {} });
    const messages = (stack.node.root as App).synth().getStackByName('Guarded').messages;
    expect(messages).toEqual([
      expect.objectContaining({
        level: 'error',
        id: '/Guarded/Gamelift',
        entry: expect.objectContaining({ data: expect.stringMatching(/AWS::GameLift::Fleet/) }),
      }),
    ]);
  });

  test('with the project settings, synth itself fails on a refused resource', () => {
    const app = projectApp();
    const stack = new Stack(app, 'Guarded');
    Aspects.of(stack).add(new EligibleServicesGuard());
    new CfnResource(stack, 'Lightsail', { type: 'AWS::Lightsail::Instance', properties: {} });
    expect(() => app.synth()).toThrow(
      /AWS::Lightsail::Instance belongs to a service \(AWS::Lightsail\) that is not on AWS's HIPAA Eligible Services Reference/,
    );
  });

  test.each([
    ['AWS::S3::Bucket', true],
    ['AWS::RDS::DBInstance', true],
    ['AWS::KMS::Key', true],
    ['AWS::IAM::Role', true], // control plane: stores no PHI
    ['AWS::Organizations::Policy', true], // control plane: the guardrails (SCPs), in the management account
    ['Custom::VpcRestrictDefaultSG', true],
    ['AWS::Lightsail::Instance', false],
    ['AWS::AppRunner::Service', false], // not listed here until checked against the reference
    ['Vendor::Thing::Resource', false],
  ])('%s allowed: %s', (type, allowed) => {
    expect(eligibilityOf(type).allowed).toBe(allowed);
  });

  test('every resource type in both shipped deployments is eligible', () => {
    for (const file of SHIPPED_CONFIGS) {
      const stacks = shippedStacks(shippedAssembly(file));
      expect(stacks).toHaveLength(10);
      for (const { artifact } of stacks) {
        const refusals = artifact.messages.filter(
          (m) => m.level === 'error' && /HIPAA Eligible Services/.test(String(m.entry.data)),
        );
        expect(refusals).toEqual([]);
      }
    }
    expect(Object.keys(HIPAA_ELIGIBLE_SERVICES)).toContain('RDS');
  });
});
