/**
 * AWS KMS: customer-managed keys (encryption), the keys crypto-erasure may destroy and the key that signs
 * certificates of destruction (disposal).
 */
import type { TemplateResource } from '../../../assembly/model';
import { asArray, isRecord, isTrue, literalText, num, prop, str, tagValue } from '../../../assembly/template-facts';
import { CERTIFICATE_SIGNING_DATA_CLASS, TAG } from '../../../vocabulary';
import { isFixedName, type ResourceSpecMapping } from './mapping';

/**
 * The waiting period a key policy demands when it lets the crypto-erasure role schedule the key's deletion
 * (lib/constructs/key-policy-grants.ts `allowCryptoErasureBy`), or undefined when it grants that to no
 * such role: the statement must allow `kms:ScheduleKeyDeletion` only to a principal ARN that is the role.
 */
function erasureWaitingPeriod(key: TemplateResource): number | 'unknown' | undefined {
  for (const s of asArray(prop(key, 'KeyPolicy.Statement'))) {
    if (!isRecord(s) || s.Effect !== 'Allow' || !asArray(s.Action).includes('kms:ScheduleKeyDeletion')) continue;
    const condition = isRecord(s.Condition) ? s.Condition : {};
    const principal = isRecord(condition.ArnEquals) ? literalText(condition.ArnEquals['aws:PrincipalArn']) : '';
    if (!isFixedName(principal.split(':role/')[1], (n) => n.cryptoErasureRole)) continue;
    const window = isRecord(condition.NumericGreaterThanEquals)
      ? num(condition.NumericGreaterThanEquals['kms:ScheduleKeyDeletionPendingWindowInDays'])
      : undefined;
    return window ?? 'unknown';
  }
  return undefined;
}

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
    describe: (r) => {
      const window = erasureWaitingPeriod(r);
      if (window === undefined) return undefined;
      const cls = tagValue(r, TAG.dataClass);
      return (
        `${cls ? `${cls} key` : 'key'} that crypto-erasure destroys: its policy lets the crypto-erasure role disable it and schedule its deletion` +
        (window === 'unknown' ? '' : ` (waiting at least ${window} days)`)
      );
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
