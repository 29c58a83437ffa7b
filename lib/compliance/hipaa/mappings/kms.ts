/** AWS KMS: customer-managed keys (encryption) and the key that signs certificates of destruction (disposal). */
import { isTrue, num, prop, str, tagValue } from '../../../assembly/template-facts';
import { CERTIFICATE_SIGNING_DATA_CLASS, TAG } from '../../../vocabulary';
import type { ResourceSpecMapping } from './mapping';

export const KMS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::KMS::Key',
    specs: ['164.312(a)(2)(iv)'],
    describe: (r) => {
      if (prop(r, 'KeyUsage') === 'SIGN_VERIFY' || !isTrue(prop(r, 'EnableKeyRotation'))) return undefined;
      const cls = tagValue(r, TAG.dataClass);
      const period = num(prop(r, 'RotationPeriodInDays'));
      return `customer-managed key${cls ? ` for data class ${cls}` : ''}, automatic rotation${period ? ` every ${period} days` : ''}`;
    },
  },
  {
    type: 'AWS::KMS::Key',
    specs: ['164.310(d)(2)(i)'],
    describe: (r) =>
      prop(r, 'KeyUsage') === 'SIGN_VERIFY' && tagValue(r, TAG.dataClass) === CERTIFICATE_SIGNING_DATA_CLASS
        ? `asymmetric ${str(prop(r, 'KeySpec')) ?? ''} key that signs the certificates of destruction`.replace(/\s+/g, ' ')
        : undefined,
  },
];
