/** AWS IAM: the break-glass and crypto-erasure roles, MFA in trust policies and who may assume each role. */
import { num, prop, trustedPrincipals, trustRequiresMfa } from '../../../assembly/template-facts';
import { LOGICAL_IDS } from '../../../vocabulary';
import { isFixedName, type ResourceSpecMapping } from './mapping';

export const IAM_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(a)(2)(ii)'],
    describe: (r) =>
      isFixedName(prop(r, 'RoleName'), (n) => n.breakGlassRole) || r.logicalId === LOGICAL_IDS.identity.breakGlassRole
        ? `emergency access role${trustRequiresMfa(r) ? ', assumable only with MFA' : ''}${num(prop(r, 'MaxSessionDuration')) ? `, sessions of at most ${num(prop(r, 'MaxSessionDuration'))} seconds` : ''}`
        : undefined,
  },
  {
    // The erasable keys' policies name this role, by its fixed name, as the only one that may destroy them.
    type: 'AWS::IAM::Role',
    specs: ['164.310(d)(2)(i)'],
    describe: (r) =>
      isFixedName(prop(r, 'RoleName'), (n) => n.cryptoErasureRole)
        ? "crypto-erasure role: the PHI and backup keys' policies let it disable them and schedule their deletion"
        : undefined,
  },
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(d)'],
    describe: (r) => (trustRequiresMfa(r) ? 'can be assumed only with MFA' : undefined),
  },
  {
    type: 'AWS::IAM::Role',
    specs: ['164.312(a)(1)'],
    describe: (r) => {
      const who = trustedPrincipals(r);
      return who.length ? `role assumable by ${who.join(', ')} only` : undefined;
    },
  },
];
