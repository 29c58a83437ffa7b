/** Amazon SNS and Amazon SQS: alert delivery and encrypted topics and queues. */
import { literalText, prop } from '../../../assembly/template-facts';
import { kmsEncrypted, type ResourceSpecMapping } from './mapping';

export const SNS_SQS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::SNS::Subscription',
    specs: ['164.308(a)(6)(ii)'],
    describe: (r) => `${literalText(prop(r, 'Protocol'))} delivery of alerts to ${literalText(prop(r, 'Endpoint'))}`,
  },
  kmsEncrypted('AWS::SNS::Topic', 'KmsMasterKeyId', 'topic'),
  kmsEncrypted('AWS::SQS::Queue', 'KmsMasterKeyId', 'queue'),
];
