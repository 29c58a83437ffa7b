import { Duration, Stack, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  allowAlarmAndEventPublishers,
  allowAwsBackupAcrossAccounts,
  allowAwsBackupOfThisAccount,
  allowBackupReports,
  allowCloudTrail,
  allowCloudWatchLogs,
  allowConfigDelivery,
  allowCryptoErasureBy,
  allowEventBridgeDeadLetters,
  allowLogDeliveryToBuckets,
  allowSigningBy,
  CRYPTO_ERASURE_CANARY_CONTEXT,
  denyGrantsExceptForAwsResources,
} from '../../lib/constructs/key-policy-grants';
import { projectApp } from '../helpers/app';
import { TEMPLATE_ONLY } from '../helpers/cfn-values';
import type { CfnStatement } from '../helpers/cfn-matchers';

const ACCOUNT = '111122223333';
const ENV = { account: ACCOUNT, region: 'us-east-1' };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/crm-demo-crypto-erasure`;
const TRAIL = 'crm-demo-audit-trail';

const app = (): App => projectApp({ context: TEMPLATE_ONLY });

/** A symmetric key without alias. */
const plain = (stack: Stack) => new kms.Key(stack, 'Key');

/** The key policy of a key `make` builds in a fresh stack, after `grant`. */
function keyPolicy(grant: (key: kms.Key) => void, make: (stack: Stack) => kms.Key = plain): CfnStatement[] {
  const stack = new Stack(app(), 'Keys', { env: ENV });
  const key = make(stack);
  grant(key);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  return resource.Properties.KeyPolicy.Statement as CfnStatement[];
}

/** The statements a grant adds to a new key (CDK's account-root statement left out). */
const added = (grant: (key: kms.Key) => void, make?: (stack: Stack) => kms.Key) => keyPolicy(grant, make).slice(1);

/** A symmetric key with the alias of `dataClass`, as `DataClassKey` names it. */
const aliased =
  (dataClass: string, pendingWindowDays = 30) =>
  (stack: Stack) =>
    new kms.Key(stack, 'Key', { alias: `alias/crm-demo/${dataClass}`, pendingWindow: Duration.days(pendingWindowDays) });

/** Every grant, with what it needs besides the key, and a key it accepts. */
const GRANTS: [string, (key: kms.IKey) => void, (stack: Stack) => kms.Key][] = [
  ['denyGrantsExceptForAwsResources', denyGrantsExceptForAwsResources, plain],
  ['allowCloudWatchLogs', allowCloudWatchLogs, plain],
  ['allowEventBridgeDeadLetters', allowEventBridgeDeadLetters, plain],
  ['allowAlarmAndEventPublishers', allowAlarmAndEventPublishers, plain],
  ['allowConfigDelivery', allowConfigDelivery, plain],
  ['allowCloudTrail', (key) => allowCloudTrail(key, TRAIL), plain],
  ['allowLogDeliveryToBuckets', allowLogDeliveryToBuckets, plain],
  ['allowBackupReports', allowBackupReports, plain],
  ['allowCryptoErasureBy', (key) => allowCryptoErasureBy(key, ROLE), aliased('phi')],
  ['allowSigningBy', (key) => allowSigningBy(key, ROLE), plain],
  ['allowAwsBackupOfThisAccount', allowAwsBackupOfThisAccount, plain],
  [
    'allowAwsBackupAcrossAccounts',
    (key) =>
      allowAwsBackupAcrossAccounts(key, {
        sid: 'X',
        organizationId: 'o-a1b2c3d4e5',
        account: '444455556666',
        roleArns: ['arn:aws:iam::444455556666:role/x'],
      }),
    plain,
  ],
];

describe('every grant fails closed', () => {
  test.each(GRANTS)('%s adds its statements to a key of this app', (_, grant, make) => {
    expect(added(grant, make).length).toBeGreaterThan(0);
  });

  test.each(GRANTS)('%s throws on an imported key, naming the grant and the key', (name, grant) => {
    const stack = new Stack(app(), 'Consumer', { env: ENV });
    const imported = kms.Key.fromKeyArn(
      stack,
      'ImportedKey',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    );
    expect(() => grant(imported)).toThrow(new RegExp(`^${name}: .*Consumer/ImportedKey`));
  });
});

test('no grant gives anything to a principal outside the key’s account (but the cross-account one, below)', () => {
  const statements = GRANTS.filter(([name]) => name !== 'allowAwsBackupAcrossAccounts').flatMap(([, grant, make]) =>
    added(grant, make),
  );
  for (const s of statements) {
    if (s.Effect !== 'Allow' || !s.Principal?.AWS) continue;
    if (s.Principal.AWS === '*') {
      // Only roles created after the key, each named by its exact ARN in this account: the Backup Audit
      // Manager report role, AWS Backup's own role, and the crypto-erasure role (Operations stack).
      expect(s.Condition?.ArnEquals['aws:PrincipalArn']).toMatch(
        /^arn:aws:iam::111122223333:role\/(aws-service-role\/(reports\.)?backup\.amazonaws\.com\/AWSServiceRoleForBackup(Reports)?|crm-demo-crypto-erasure)$/,
      );
      expect(s.Condition?.StringEquals['kms:CallerAccount']).toBe(ACCOUNT);
      continue;
    }
    expect(JSON.stringify(s.Principal.AWS)).toMatch(/arn:.*:iam::111122223333:root/);
  }
});

test('denyGrantsExceptForAwsResources limits kms:CreateGrant to AWS services acting for a resource (CT.KMS.PR.3)', () => {
  expect(added(denyGrantsExceptForAwsResources)).toEqual([
    {
      Sid: 'DenyGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    },
  ]);
});

test('allowCloudWatchLogs: CloudWatch Logs of this region, for log groups of this account and region only', () => {
  expect(added(allowCloudWatchLogs)).toEqual([
    {
      Sid: 'AllowCloudWatchLogsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` } },
    },
  ]);
});

test('allowEventBridgeDeadLetters: EventBridge rules of this account write to encrypted dead-letter queues', () => {
  expect(added(allowEventBridgeDeadLetters)).toEqual([
    {
      Sid: 'AllowEventBridgeDeadLettersOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/*` } },
    },
  ]);
});

test('allowAlarmAndEventPublishers: CloudWatch alarms and EventBridge publish to encrypted topics of this account and region', () => {
  const topicsOfThisAccount = { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:us-east-1:${ACCOUNT}:*` };
  expect(added(allowAlarmAndEventPublishers)).toEqual([
    {
      Sid: 'AllowCloudWatchAlarmsToPublishToTopicsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: topicsOfThisAccount },
    },
    {
      Sid: 'AllowEventBridgeToPublishToTopicsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      // SNS documents aws:SourceAccount / aws:SourceArn as unsupported for EventBridge to encrypted topics.
      Condition: { ArnLike: topicsOfThisAccount },
    },
  ]);
});

test('allowConfigDelivery: the AWS Config service principal, for this account only', () => {
  expect(added(allowConfigDelivery)).toEqual([
    {
      Sid: 'AllowConfigDeliveryOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ]);
});

test('allowCloudTrail: CloudTrail for the named trail only, and account principals decrypt its logs through IAM', () => {
  const thisTrail = { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${TRAIL}` };
  expect(added((key) => allowCloudTrail(key, TRAIL))).toEqual([
    {
      Sid: 'AllowCloudTrailToEncryptLogsOfTheTrail',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: thisTrail,
        ArnLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
      },
    },
    {
      Sid: 'AllowCloudTrailToDescribeKeyAndDecryptForTheTrail',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: thisTrail },
    },
    {
      // Delegated to IAM (the account, not "*"): a reader still needs an IAM grant.
      Sid: 'AllowPrincipalsOfThisAccountToDecryptCloudTrailLogs',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': ACCOUNT },
        Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
      },
    },
  ]);
});

describe('allowLogDeliveryToBuckets', () => {
  test('lets the log delivery service generate data keys, for log deliveries of this account and region only', () => {
    expect(added(allowLogDeliveryToBuckets)).toEqual([
      {
        Sid: 'AllowLogDeliveryToEncryptLogFilesOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:*` },
        },
      },
    ]);
  });

  test('a key that is not asked to grants the delivery service nothing', () => {
    expect(JSON.stringify(keyPolicy(() => undefined))).not.toContain('delivery.logs.amazonaws.com');
  });
});

test('allowBackupReports: only the Backup Audit Manager report role of this account, through S3, generate and decrypt only', () => {
  expect(added(allowBackupReports)).toEqual([
    {
      Sid: 'AllowBackupAuditManagerReportsOfThisAccount',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
        },
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
      },
    },
  ]);
});

describe('allowCryptoErasureBy', () => {
  const erasableKeyPolicy = (dataClass: string, pendingWindowDays = 30) =>
    keyPolicy((key) => allowCryptoErasureBy(key, ROLE), aliased(dataClass, pendingWindowDays));
  const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': ROLE }, StringEquals: { 'kms:CallerAccount': ACCOUNT } };

  test('lets exactly the erasure role of this account describe, list tags and disable the key', () => {
    expect(erasableKeyPolicy('phi').find((s) => s.Sid === 'AllowCryptoErasureToInspectAndDisable')).toEqual({
      Sid: 'AllowCryptoErasureToInspectAndDisable',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:DescribeKey', 'kms:DisableKey', 'kms:ListResourceTags'],
      Resource: '*',
      Condition: onlyTheRole,
    });
  });

  test('schedules deletion only with at least the key’s own waiting period', () => {
    expect(erasableKeyPolicy('backup', 21).find((s) => s.Sid === 'AllowCryptoErasureToScheduleDeletion')).toEqual({
      Sid: 'AllowCryptoErasureToScheduleDeletion',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:ScheduleKeyDeletion',
      Resource: '*',
      Condition: { ...onlyTheRole, NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 21 } },
    });
  });

  test('encrypts and decrypts only the canary (its encryption context), never a data key of the data', () => {
    expect(erasableKeyPolicy('phi-dr').find((s) => s.Sid === 'AllowCryptoErasureCanary')).toEqual({
      Sid: 'AllowCryptoErasureCanary',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:Encrypt'],
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': ROLE },
        StringEquals: {
          'kms:CallerAccount': ACCOUNT,
          [`kms:EncryptionContext:${Object.keys(CRYPTO_ERASURE_CANARY_CONTEXT)[0]}`]: 'crypto-erasure-canary',
        },
      },
    });
  });

  test('grants nothing else to the erasure role', () => {
    const granted = erasableKeyPolicy('backup-dr')
      .filter((s) => JSON.stringify(s.Condition ?? {}).includes(ROLE))
      .flatMap((s) => [s.Action].flat())
      .sort();
    expect(granted).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:DisableKey',
      'kms:Encrypt',
      'kms:ListResourceTags',
      'kms:ScheduleKeyDeletion',
    ]);
  });

  test.each(['audit', 'audit-dr', 'certificate-signing'])(
    'refuses the %s key: the audit trail and the certificates can never be erased',
    (dataClass) => {
      expect(() => erasableKeyPolicy(dataClass)).toThrow(new RegExp(`the ${dataClass} key is not erasable`));
    },
  );

  test('refuses a key without a data-class alias, and a key that is also aliased as a protected class', () => {
    expect(() => keyPolicy((key) => allowCryptoErasureBy(key, ROLE))).toThrow(/the unaliased key is not erasable/);
    const phiAlsoAudit = (stack: Stack) => {
      const key = aliased('phi')(stack);
      key.addAlias('alias/crm-demo/audit');
      return key;
    };
    expect(() => keyPolicy((key) => allowCryptoErasureBy(key, ROLE), phiAlsoAudit)).toThrow(/the audit key is not erasable/);
  });

  test("accepts the backup account's air-gapped vault key (backup-lag): its copies hold PHI", () => {
    expect(added((key) => allowCryptoErasureBy(key, ROLE), aliased('backup-lag')).map((st) => st.Sid)).toEqual([
      'AllowCryptoErasureToInspectAndDisable',
      'AllowCryptoErasureToScheduleDeletion',
      'AllowCryptoErasureCanary',
    ]);
  });

  test('a key that is not asked to grants the erasure role nothing', () => {
    expect(JSON.stringify(keyPolicy(() => undefined, aliased('phi')))).not.toMatch(
      /DisableKey|ScheduleKeyDeletion|aws:PrincipalArn/,
    );
  });
});

describe('allowSigningBy', () => {
  test('kms:Sign for exactly that role of this account, ECDSA_SHA_256 only', () => {
    expect(added((key) => allowSigningBy(key, ROLE))).toEqual([
      {
        Sid: 'AllowSigningByTheCertificateSigner',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Resource: '*',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': ROLE },
          StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:SigningAlgorithm': 'ECDSA_SHA_256' },
        },
      },
    ]);
  });

  test('one signer per key: a second role is refused, another key may have its own', () => {
    const stack = new Stack(app(), 'Keys', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    allowSigningBy(key, ROLE);
    expect(() => allowSigningBy(key, `arn:aws:iam::${ACCOUNT}:role/someone-else`)).toThrow(/already has its signer/);
    expect(() => allowSigningBy(new kms.Key(stack, 'Other'), ROLE)).not.toThrow();
  });
});

describe('allowAwsBackupAcrossAccounts', () => {
  const grant = (roleArns: string[]) => (key: kms.IKey) =>
    allowAwsBackupAcrossAccounts(key, { sid: 'X', organizationId: 'o-a1b2c3d4e5', account: '444455556666', roleArns });

  test.each([[[]], [['arn:aws:iam::444455556666:root']], [['arn:aws:iam::444455556666:role/*']]])(
    'refuses %j: exact role ARNs only, never an account root or a wildcard',
    (roleArns) => {
      expect(() => keyPolicy(grant(roleArns))).toThrow(/needs exact role ARNs/);
    },
  );

  test('scopes use and grants by organization, account and role; through AWS Backup when asked', () => {
    const role = 'arn:aws:iam::444455556666:role/x';
    const [use, grants] = added((key) =>
      allowAwsBackupAcrossAccounts(key, {
        sid: 'X',
        organizationId: 'o-a1b2c3d4e5',
        account: '444455556666',
        roleArns: [role],
        onlyViaAwsBackup: true,
      }),
    );
    const conditions = {
      ArnEquals: { 'aws:PrincipalArn': [role] },
      StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': '444455556666' },
      StringLike: { 'kms:ViaService': 'backup.*.amazonaws.com' },
    };
    expect(use).toMatchObject({ Sid: 'X', Principal: { AWS: '*' }, Condition: conditions });
    expect(grants).toMatchObject({
      Sid: 'XGrants',
      Action: 'kms:CreateGrant',
      Condition: { ...conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });
});
