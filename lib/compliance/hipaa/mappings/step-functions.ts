/** AWS Step Functions: the crypto-erasure run. */
import { prop } from '../../../assembly/template-facts';
import { isFixedName, type ResourceSpecMapping } from './mapping';

export const STEP_FUNCTIONS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::StepFunctions::StateMachine',
    specs: ['164.310(d)(2)(i)', '164.310(d)(1)'],
    describe: (r) =>
      isFixedName(prop(r, 'StateMachineName'), (n) => n.cryptoErasureStateMachine)
        ? 'crypto-erasure run: destroys the PHI and backup keys, verifies and certifies the destruction'
        : undefined,
  },
];
