/** Amazon Athena: the saved audit-review queries and their workgroup. */
import { literalText, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const ATHENA_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Athena::NamedQuery',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `saved Athena review query "${literalText(prop(r, 'Name'))}"`,
  },
  {
    type: 'AWS::Athena::WorkGroup',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) =>
      prop(r, 'WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration') !== undefined
        ? 'workgroup for audit reviews, results encrypted'
        : undefined,
  },
];
