import { claimsOf } from './claims';

describe('AWS::StepFunctions::StateMachine', () => {
  test('the crypto-erasure state machine is disposal (and device and media controls)', () => {
    const how = 'crypto-erasure run: destroys the PHI and backup keys, verifies and certifies the destruction';
    expect(claimsOf('AWS::StepFunctions::StateMachine', { StateMachineName: 'crm-demo-crypto-erasure' })).toEqual({
      '164.310(d)(2)(i)': how,
      '164.310(d)(1)': how,
    });
  });

  test('another state machine is not disposal', () => {
    expect(claimsOf('AWS::StepFunctions::StateMachine', { StateMachineName: 'crm-demo-orders' })).toEqual({});
    expect(claimsOf('AWS::StepFunctions::StateMachine', {})).toEqual({});
  });
});
