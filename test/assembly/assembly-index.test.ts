import { AssemblyIndex } from '../../lib/assembly/assembly-index';
import { assemblyStack, cloudAssembly } from '../../lib/assembly/model';
import { readAssembly } from '../../lib/assembly/read';
import { FIXTURE_DIR } from './fixture';

describe('AssemblyIndex over the fixture assembly', () => {
  const index = new AssemblyIndex(readAssembly(FIXTURE_DIR));
  const bucket = index.resources.find((r) => r.logicalId === 'PhiDocumentsBucket')!;

  test('holds every deployed resource of every stack, CDK metadata left out', () => {
    expect(index.resources.map((r) => r.type)).not.toContain('AWS::CDK::Metadata');
    expect(index.resources).toHaveLength(8);
    expect(index.stack('Data')?.stackName).toBe('crm-demo-data');
  });

  test('follows a cross-stack output to the KMS key and reads its data class', () => {
    const kmsKey = (
      bucket.properties.BucketEncryption as {
        ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
      }
    ).ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID;
    expect(index.keyOf(bucket, kmsKey)).toEqual({ stack: 'Keys', logicalId: 'PhiKey', dataClass: 'phi' });
  });

  test('follows a key alias ARN to the key it names', () => {
    const logs = index.resources.find((r) => r.logicalId === 'DataLogGroup')!;
    expect(index.keyOf(logs, logs.properties.KmsKeyId)).toMatchObject({ logicalId: 'PhiKey' });
    // An alias of another region, which the assembly does not hold, resolves to nothing.
    expect(index.keyOf(logs, 'arn:aws:kms:us-west-2:111122223333:alias/crm-demo/phi')).toBeUndefined();
  });

  test('maps a construct path of the validation report to the resource', () => {
    expect(index.byConstructPath('Data/PhiDocuments/AccessLogs/Bucket/Resource')?.logicalId).toBe('PhiDocumentsAccessLogBucket');
    expect(index.byConstructPath('Data/Nothing/Here')).toBeUndefined();
  });

  test('finds the resources that refer to another (bucket policies of a bucket)', () => {
    const policies = index.referrers(
      'AWS::S3::BucketPolicy',
      { stack: 'Data', logicalId: 'PhiDocumentsBucket' },
      (p) => p.properties.Bucket,
    );
    expect(policies.map((p) => p.logicalId)).toEqual(['PhiDocumentsBucketPolicy']);
  });
});

describe('AssemblyIndex over hand-written templates', () => {
  const producer = assemblyStack({
    id: 'Keys',
    stackName: 'crm-demo-keys',
    template: {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { Tags: { 'hipaa-crm:data-class': 'audit' } } },
        Topic: { Type: 'AWS::SNS::Topic' },
      },
      Outputs: {
        KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'crm-demo-keys:KeyArn' } },
        TopicArn: { Value: { Ref: 'Topic' } },
      },
    },
  });
  const consumer = assemblyStack({
    id: 'Audit',
    template: {
      Resources: {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::ImportValue': 'crm-demo-keys:KeyArn' } } },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
      },
    },
  });
  const index = new AssemblyIndex(cloudAssembly({ stacks: [producer, consumer] }));
  const logs = index.get({ stack: 'Audit', logicalId: 'Logs' })!;

  test('follows an exported output read with Fn::ImportValue, and reads a tag in map form', () => {
    expect(index.keyOf(logs, logs.properties.KmsKeyId)).toEqual({ stack: 'Keys', logicalId: 'Key', dataClass: 'audit' });
  });

  test('a reference to something other than a KMS key, or to nothing it holds, is no key', () => {
    expect(index.keyOf(logs, { Ref: 'Topic' })).toBeUndefined();
    expect(index.keyOf(logs, { 'Fn::ImportValue': 'elsewhere:KeyArn' })).toBeUndefined();
    const queue = index.get({ stack: 'Audit', logicalId: 'Queue' })!;
    expect(index.keyOf(queue, queue.properties.KmsMasterKeyId)).toBeUndefined();
  });

  test('resolves Ref and both forms of Fn::GetAtt within the stack only', () => {
    expect(index.resolve({ Ref: 'Topic' }, 'Keys')).toEqual({ stack: 'Keys', logicalId: 'Topic' });
    expect(index.resolve({ 'Fn::GetAtt': 'Key.Arn' }, 'Keys')).toEqual({ stack: 'Keys', logicalId: 'Key' });
    expect(index.resolve({ Ref: 'Topic' }, 'Audit')).toBeUndefined();
  });
});
