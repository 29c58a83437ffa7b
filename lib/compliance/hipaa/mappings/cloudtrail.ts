/** AWS CloudTrail: the trail records API calls, with log-file validation and encrypted log files. */
import { asArray, isRecord, isTrue, prop } from '../../../assembly/template-facts';
import { kmsEncrypted, type ResourceSpecMapping } from './mapping';

export const CLOUDTRAIL_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::CloudTrail::Trail',
    specs: ['164.312(b)', '164.308(a)(1)(ii)(D)', '164.312(a)(2)(i)'],
    describe: (r) => {
      if (prop(r, 'IsLogging') === false) return undefined;
      const dataEvents = asArray(prop(r, 'EventSelectors')).flatMap((s) => (isRecord(s) ? asArray(s.DataResources) : []));
      return (
        `records API calls${isTrue(prop(r, 'IsMultiRegionTrail')) ? ' in every region' : ''}` +
        (dataEvents.length ? `, with data events on ${dataEvents.length} resource selector(s)` : '') +
        (prop(r, 'CloudWatchLogsLogGroupArn') !== undefined ? ', delivered to CloudWatch Logs' : '')
      );
    },
  },
  {
    type: 'AWS::CloudTrail::Trail',
    specs: ['164.312(c)(2)'],
    describe: (r) =>
      isTrue(prop(r, 'EnableLogFileValidation')) ? 'log-file validation: digest files make tampering detectable' : undefined,
  },
  kmsEncrypted('AWS::CloudTrail::Trail', 'KMSKeyId', 'log files'),
];
