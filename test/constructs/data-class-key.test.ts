import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DataClassKey } from '../../lib/constructs/data-class-key';
import { projectApp } from '../helpers/app';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function keyPolicyStatements(build: (key: DataClassKey) => void): { Sid?: string }[] {
  const stack = new Stack(projectApp(), 'Keys', { env: ENV });
  const key = new DataClassKey(stack, 'Audit', { deployment: 't', dataClass: 'audit', description: 'audit trail' });
  build(key);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  return resource.Properties.KeyPolicy.Statement;
}

describe('DataClassKey.allowLogDeliveryToBuckets', () => {
  const sid = 'AllowLogDeliveryToEncryptLogFilesOfThisAccount';

  test('lets the log delivery service generate data keys, for log deliveries of this account and region only', () => {
    const statements = keyPolicyStatements((key) => key.allowLogDeliveryToBuckets());
    expect(statements.filter((s) => s.Sid === sid)).toEqual([
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:logs:eu-west-1:111122223333:*' },
        },
      },
    ]);
  });

  test('a key that is not asked to grants the delivery service nothing', () => {
    const statements = keyPolicyStatements(() => undefined);
    expect(JSON.stringify(statements)).not.toContain('delivery.logs.amazonaws.com');
  });
});
