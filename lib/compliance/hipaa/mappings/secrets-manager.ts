/** AWS Secrets Manager: encrypted secrets and their automatic rotation. */
import { num, prop, str } from '../../../assembly/template-facts';
import { kmsEncrypted, type ResourceSpecMapping } from './mapping';

export const SECRETS_MANAGER_MAPPINGS: readonly ResourceSpecMapping[] = [
  kmsEncrypted('AWS::SecretsManager::Secret', 'KmsKeyId', 'secret'),
  {
    type: 'AWS::SecretsManager::RotationSchedule',
    specs: ['164.308(a)(5)(ii)(D)'],
    describe: (r) => {
      const every = num(prop(r, 'RotationRules.AutomaticallyAfterDays'));
      const schedule = str(prop(r, 'RotationRules.ScheduleExpression'));
      return `rotates the secret automatically${every ? ` every ${every} days` : schedule ? ` (${schedule})` : ''}`;
    },
  },
];
