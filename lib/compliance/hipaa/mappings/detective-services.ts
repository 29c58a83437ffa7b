/** AWS Config, Amazon GuardDuty and AWS Security Hub: recording, threat and malware detection, collected findings. */
import type { TemplateResource } from '../../../assembly/model';
import { asArray, isRecord, isTrue, literalText, prop } from '../../../assembly/template-facts';
import type { ResourceSpecMapping } from './mapping';

function enabledFeatures(r: TemplateResource): string[] {
  return asArray(prop(r, 'Features'))
    .filter((f): f is Record<string, unknown> => isRecord(f) && f.Status === 'ENABLED')
    .map((f) => String(f.Name));
}

export const DETECTIVE_SERVICES_MAPPINGS: readonly ResourceSpecMapping[] = [
  {
    type: 'AWS::Config::ConfigurationRecorder',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: () => 'records configuration changes of the resources in the account',
  },
  {
    type: 'AWS::GuardDuty::Detector',
    specs: ['164.308(a)(1)(ii)(D)', '164.308(a)(6)(ii)'],
    describe: (r) =>
      isTrue(prop(r, 'Enable'))
        ? `threat detection on${enabledFeatures(r).length ? ` (${enabledFeatures(r).join(', ')})` : ''}`
        : undefined,
  },
  {
    type: 'AWS::GuardDuty::Detector',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => {
      const malware = enabledFeatures(r).filter((f) => /MALWARE|RUNTIME/.test(f));
      return isTrue(prop(r, 'Enable')) && malware.length
        ? `malware and runtime threat detection (${malware.join(', ')})`
        : undefined;
    },
  },
  {
    type: 'AWS::GuardDuty::MalwareProtectionPlan',
    specs: ['164.308(a)(5)(ii)(B)'],
    describe: (r) => `scans new objects of bucket ${literalText(prop(r, 'ProtectedResource.S3Bucket.BucketName'))} for malware`,
  },
  {
    type: 'AWS::SecurityHub::Hub',
    specs: ['164.308(a)(1)(ii)(D)'],
    describe: () => 'Security Hub collects findings of every detective service',
  },
  {
    type: 'AWS::SecurityHub::Standard',
    specs: ['164.308(a)(8)'],
    describe: (r) => `continuous evaluation against ${literalText(prop(r, 'StandardsArn')).replace(/^.*:standards\//, '')}`,
  },
];
