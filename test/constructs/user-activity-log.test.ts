import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { UserActivityLog, type UserActivityLogProps } from '../../lib/constructs/user-activity-log';
import { projectApp } from '../helpers/app';

function setup(props: Partial<UserActivityLogProps> = {}) {
  const stack = new Stack(projectApp(), 'Id');
  const userPool = new cognito.UserPool(stack, 'Pool', { featurePlan: cognito.FeaturePlan.PLUS });
  return new UserActivityLog(stack, 'Activity', {
    userPool,
    logGroupName: '/aws/vendedlogs/cognito/test/user-activity',
    retentionDays: 2192,
    ...props,
  });
}

function acknowledgedRules(construct: CfnResource): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>));
}

describe('UserActivityLog', () => {
  test('refuses a retention below 6 years', () => {
    expect(() => setup({ retentionDays: 365 })).toThrow(/below 6 years/);
  });

  test('refuses a log group outside /aws/vendedlogs/', () => {
    expect(() => setup({ logGroupName: '/cognito/test' })).toThrow(/\/aws\/vendedlogs\//);
  });

  test('acknowledges exactly the missing-KMS findings, on the log group only', () => {
    const log = setup();
    const rules = acknowledgedRules(log.logGroup.node.defaultChild as CfnResource).map((r) => r.replace(/^annotation::/i, ''));
    expect(rules.sort()).toEqual([
      'HIPAA.Security::HIPAA.Security-CloudWatchLogGroupEncrypted',
      'NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
    ]);
    expect(acknowledgedRules(log.delivery)).toEqual([]);
  });
});
