/** AWS Step Functions: the crypto-erasure run. */
import { prop, str } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const STEP_FUNCTIONS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::StepFunctions::StateMachine',
    specs: ['164.310(d)(2)(i)', '164.310(d)(1)'],
    describe: (r) =>
      /crypto-erasure$/.test(str(prop(r, 'StateMachineName')) ?? '')
        ? 'crypto-erasure run: destroys the PHI and backup keys, verifies and certifies the destruction'
        : undefined,
  },
];
