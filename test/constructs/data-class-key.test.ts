import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { DataClassKey } from '../../lib/constructs/data-class-key';
import * as grants from '../../lib/constructs/key-policy-grants';
import type { DataClass, DrDataClass } from '../../lib/vocabulary';
import { projectApp } from '../helpers/app';
import type { CfnStatement } from '../helpers/cfn-matchers';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const ROLE = 'arn:aws:iam::111122223333:role/crm-demo-crypto-erasure';

/** The key policy of a `dataClass` key after `use`. */
function keyPolicyStatements(use: (key: DataClassKey) => void, dataClass: DataClass | DrDataClass = 'audit'): CfnStatement[] {
  const stack = new Stack(projectApp(), 'Keys', { env: ENV });
  const key = new DataClassKey(stack, 'Key', { deployment: 'crm-demo', dataClass, description: 'test' });
  use(key);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  return resource.Properties.KeyPolicy.Statement as CfnStatement[];
}

/** The key policy of a plain key after `grant`: what the grant function itself adds. */
function grantedStatements(grant: (key: kms.IKey) => void): CfnStatement[] {
  return keyPolicyStatements((k) => grant(k.key), 'phi').slice(2);
}

describe('DataClassKey', () => {
  test('a key that is not asked to grants anything holds the account root and the grant deny only', () => {
    const statements = keyPolicyStatements(() => undefined);
    expect(statements.map((s) => s.Sid ?? 'root')).toEqual(['root', 'DenyGrantsExceptForAwsResources']);
    expect(JSON.stringify(statements)).not.toContain('delivery.logs.amazonaws.com');
    expect(JSON.stringify(statements)).not.toMatch(/DisableKey|ScheduleKeyDeletion|aws:PrincipalArn/);
  });

  // The statements themselves: test/constructs/key-policy-grants.test.ts.
  test.each<[string, (key: DataClassKey) => void, (key: kms.IKey) => void]>([
    ['allowCloudWatchLogs', (k) => k.allowCloudWatchLogs(), grants.allowCloudWatchLogs],
    ['allowEventBridgeDeadLetters', (k) => k.allowEventBridgeDeadLetters(), grants.allowEventBridgeDeadLetters],
    ['allowAlarmAndEventPublishers', (k) => k.allowAlarmAndEventPublishers(), grants.allowAlarmAndEventPublishers],
    ['allowConfigDelivery', (k) => k.allowConfigDelivery(), grants.allowConfigDelivery],
    ['allowCloudTrail', (k) => k.allowCloudTrail('t-audit-trail'), (key) => grants.allowCloudTrail(key, 't-audit-trail')],
    ['allowLogDeliveryToBuckets', (k) => k.allowLogDeliveryToBuckets(), grants.allowLogDeliveryToBuckets],
    ['allowBackupReports', (k) => k.allowBackupReports(), grants.allowBackupReports],
    ['allowCryptoErasureBy', (k) => k.allowCryptoErasureBy(ROLE), (key) => grants.allowCryptoErasureBy(key, ROLE)],
  ])('%s adds to its own key exactly what the grant of that name adds', (_, method, grant) => {
    const statements = keyPolicyStatements(method, 'phi').slice(2);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements).toEqual(grantedStatements(grant));
  });

  test.each(['audit', 'audit-dr'] as const)(
    'refuses crypto-erasure of the %s key: the audit trail can never be erased',
    (dataClass) => {
      expect(() => keyPolicyStatements((key) => key.allowCryptoErasureBy(ROLE), dataClass)).toThrow(
        new RegExp(`the ${dataClass} key is not erasable`),
      );
    },
  );
});

describe('DataClassKey with its own alias (the log archive key)', () => {
  test('the alias is the one given, the data-class tag stays the class, and the key still refuses crypto-erasure of audit', () => {
    const stack = new Stack(projectApp(), 'Keys', { env: ENV });
    const key = new DataClassKey(stack, 'Key', {
      deployment: 'crm-demo',
      dataClass: 'audit',
      aliasName: 'alias/crm-demo/log-archive',
      description: 'test',
    });
    expect(key.aliasName).toBe('alias/crm-demo/log-archive');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/crm-demo/log-archive' });
    template.hasResourceProperties('AWS::KMS::Key', { Tags: [{ Key: 'hipaa-crm:data-class', Value: 'audit' }] });
    expect(() => key.allowCryptoErasureBy(ROLE)).toThrow(/not erasable/);
  });
});
