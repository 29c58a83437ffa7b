/** Amazon CloudWatch Logs: log groups (audit records, encryption, retention), metric filters and saved review queries. */
import { days, literalText, num, prop } from '../../../assembly/template-facts';
import { kmsEncrypted, type ResourceSpecMapping } from './mapping';

export const CLOUDWATCH_LOGS_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Logs::LogGroup',
    specs: ['164.312(b)'],
    describe: (r) => `log group ${literalText(prop(r, 'LogGroupName')) || r.logicalId}`,
  },
  kmsEncrypted('AWS::Logs::LogGroup', 'KmsKeyId', 'log group'),
  {
    type: 'AWS::Logs::LogGroup',
    specs: ['164.316(b)(2)(i)'],
    describe: (r) => {
      const d = num(prop(r, 'RetentionInDays'));
      return d !== undefined && d >= 2192 ? `kept ${days(d)}` : undefined;
    },
  },
  {
    type: 'AWS::Logs::MetricFilter',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `turns matching log events of ${literalText(prop(r, 'LogGroupName'))} into an alarm metric`,
  },
  {
    type: 'AWS::Logs::QueryDefinition',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: (r) => `saved Logs Insights review query "${literalText(prop(r, 'Name'))}"`,
  },
];
