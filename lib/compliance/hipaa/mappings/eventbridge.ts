/** Amazon EventBridge: rules that route findings and report failed backup jobs. */
import { asArray, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

export const EVENTBRIDGE_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Events::Rule',
    specs: ['164.308(a)(6)(ii)'],
    describe: (r) => {
      const sources = asArray(prop(r, 'EventPattern.source')).map(String);
      return sources.some((s) => s === 'aws.guardduty' || s === 'aws.securityhub')
        ? `routes ${sources.join(', ')} findings to ${asArray(prop(r, 'Targets')).length} target(s)`
        : undefined;
    },
  },
  {
    type: 'AWS::Events::Rule',
    specs: ['164.308(a)(7)(ii)(A)'],
    describe: (r) =>
      asArray(prop(r, 'EventPattern.source')).includes('aws.backup') &&
      asArray(prop(r, 'EventPattern.detail.state')).includes('FAILED')
        ? `reports failed ${asArray(prop(r, 'EventPattern.detail-type')).join(', ')} events`
        : undefined,
  },
];
