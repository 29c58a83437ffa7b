import { guardDutyFargateAgentRepositoryArn } from '../../lib/constructs/guardduty-agent';

describe('guardDutyFargateAgentRepositoryArn', () => {
  test("is the documented repository of GuardDuty's account in the region", () => {
    expect(guardDutyFargateAgentRepositoryArn('us-east-1')).toBe(
      'arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate',
    );
    expect(guardDutyFargateAgentRepositoryArn('us-west-2')).toBe(
      'arn:aws:ecr:us-west-2:733349766148:repository/aws-guardduty-agent-fargate',
    );
    expect(guardDutyFargateAgentRepositoryArn('eu-central-1')).toMatch(/^arn:aws:ecr:eu-central-1:323658145986:/);
  });

  test('refuses a region it does not know instead of guessing an account (the tasks could not start)', () => {
    expect(() => guardDutyFargateAgentRepositoryArn('ap-northeast-1')).toThrow(
      /agent repository of ap-northeast-1 is not known to this project: add its account/,
    );
  });
});
