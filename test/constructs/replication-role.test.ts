import { Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ReplicationRole } from '../../lib/constructs/replication-role';
import { projectApp } from '../helpers/app';

describe('ReplicationRole', () => {
  test('acknowledges exactly its three wildcard resources, named after the final logical IDs', () => {
    const app = projectApp();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key');
    const source = new s3.Bucket(stack, 'Source', { versioned: true });
    const replication = new ReplicationRole(stack, 'Replication', {
      destination: { bucketName: 'replica-bucket', region: 'us-west-2', keyAliasName: 'alias/x/phi-dr' },
    });
    replication.allowReplicationFrom(source, key);
    // Pinned after the role was built, as the stacks do.
    (source.node.defaultChild as s3.CfnBucket).overrideLogicalId('PinnedSource');
    app.synth();

    const policy = replication.node.findChild('Policy').node.defaultChild!;
    const ids = policy.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(ids.sort()).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::<PinnedSource.Arn>/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:kms:us-west-2:<AWS::AccountId>:key/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::replica-bucket/*]',
    ]);
  });
});
