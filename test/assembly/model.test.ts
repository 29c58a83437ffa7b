import { assemblyStack, cloudAssembly, withoutResourceTypes } from '../../lib/assembly/model';

const keys = assemblyStack({
  id: 'Keys',
  stackName: 'crm-demo-keys',
  region: 'us-east-1',
  template: {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2' } },
    },
    Outputs: {
      KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'crm-demo-keys:KeyArn' } },
      KeyId: { Value: { Ref: 'Key' } },
    },
  },
});

const data = assemblyStack({
  id: 'Data',
  stackName: 'crm-demo-data',
  region: 'us-east-1',
  template: {
    Resources: {
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: {
                  KMSMasterKeyID: { 'Fn::GetStackOutput': { StackName: 'crm-demo-keys', OutputName: 'KeyId' } },
                },
              },
            ],
          },
        },
      },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::ImportValue': 'crm-demo-keys:KeyArn' } } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { 'Fn::ImportValue': 'someone-else:Key' } } },
    },
  },
});

describe('assemblyStack', () => {
  test('types the deployed resources in template order, with their stack and region', () => {
    expect(keys.resources).toEqual([
      { stack: 'Keys', region: 'us-east-1', logicalId: 'Key', type: 'AWS::KMS::Key', properties: { EnableKeyRotation: true } },
    ]);
    expect(data.resources.map((r) => r.logicalId)).toEqual(['Bucket', 'Logs', 'Queue']);
  });

  test('lists the outputs with their export names', () => {
    expect(keys.outputs).toEqual([
      { name: 'KeyArn', value: { 'Fn::GetAtt': ['Key', 'Arn'] }, exportName: 'crm-demo-keys:KeyArn' },
      { name: 'KeyId', value: { Ref: 'Key' }, exportName: undefined },
    ]);
  });

  test('defaults what a hand-written template does not say', () => {
    const bare = assemblyStack({ id: 'Bare', template: {} });
    expect(bare).toMatchObject({ stackName: 'Bare', templateFile: 'Bare.template.json', resources: [], outputs: [], assets: [] });
    expect(bare.region).toBeUndefined();
  });
});

describe('cloudAssembly', () => {
  test('resolves every cross-stack reference to the output it reads, and keeps one it cannot resolve', () => {
    expect(cloudAssembly({ stacks: [keys, data] }).references).toEqual([
      {
        consumer: { stack: 'Data', logicalId: 'Bucket' },
        via: 'Fn::GetStackOutput',
        producer: { stack: 'Keys', output: 'KeyId' },
      },
      {
        consumer: { stack: 'Data', logicalId: 'Logs' },
        via: 'Fn::ImportValue',
        producer: { stack: 'Keys', output: 'KeyArn' },
      },
      { consumer: { stack: 'Data', logicalId: 'Queue' }, via: 'Fn::ImportValue', producer: undefined },
    ]);
  });
});

describe('withoutResourceTypes', () => {
  test('drops the resources of the types, and the references they held', () => {
    const assembly = cloudAssembly({ stacks: [keys, data] });
    const trimmed = withoutResourceTypes(assembly, ['AWS::S3::Bucket', 'AWS::SQS::Queue']);
    expect(trimmed.stacks[1].resources.map((r) => r.logicalId)).toEqual(['Logs']);
    expect(trimmed.references.map((r) => r.consumer.logicalId)).toEqual(['Logs']);
    expect(trimmed.stacks[0]).toEqual(assembly.stacks[0]);
    // The original is left as it was.
    expect(assembly.stacks[1].resources).toHaveLength(3);
  });
});
