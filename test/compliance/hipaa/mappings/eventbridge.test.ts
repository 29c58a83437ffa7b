import { claimsOf } from './claims';

describe('AWS::Events::Rule', () => {
  test('a rule routing GuardDuty or Security Hub findings is incident response', () => {
    expect(
      claimsOf('AWS::Events::Rule', {
        EventPattern: { source: ['aws.guardduty', 'aws.securityhub'] },
        Targets: [{ Id: 'Topic' }],
      }),
    ).toEqual({ '164.308(a)(6)(ii)': 'routes aws.guardduty, aws.securityhub findings to 1 target(s)' });
  });

  test('a rule reporting failed backup jobs is part of the data backup plan', () => {
    expect(
      claimsOf('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.backup'],
          'detail-type': ['Backup Job State Change'],
          detail: { state: ['FAILED', 'ABORTED'] },
        },
      }),
    ).toEqual({ '164.308(a)(7)(ii)(A)': 'reports failed Backup Job State Change events' });
  });

  test('other rules are not claimed', () => {
    expect(claimsOf('AWS::Events::Rule', { EventPattern: { source: ['aws.backup'], detail: { state: ['COMPLETED'] } } })).toEqual(
      {},
    );
    expect(claimsOf('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' })).toEqual({});
  });
});
