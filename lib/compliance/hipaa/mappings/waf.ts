/** AWS WAF: the web ACL and its request logging. */
import { asArray, isRecord, literalText, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const WAF_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::WAFv2::WebACL',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => {
      const rules = asArray(prop(r, 'Rules')).map((x) => (isRecord(x) ? literalText(x.Name) : ''));
      return rules.length ? `web ACL with ${rules.length} rules (${rules.join(', ')})` : undefined;
    },
  },
  {
    type: 'AWS::WAFv2::LoggingConfiguration',
    specs: ['164.312(b)'],
    describe: (r) => {
      const redacted = asArray(prop(r, 'RedactedFields')).length;
      return `logs the requests the web ACL inspects${redacted ? ` (${redacted} field(s) redacted)` : ''}`;
    },
  },
];
