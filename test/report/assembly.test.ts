import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyError, AssemblyIndex, readAssembly } from '../../lib/report/assembly';
import { FIXTURE_DIR, fixtureCopy } from './fixture';

describe('readAssembly', () => {
  test('reads every stack of the manifest with its region, template and logical IDs (inline and separate metadata)', () => {
    const assembly = readAssembly(FIXTURE_DIR);
    expect(assembly.stacks.map((s) => [s.id, s.stackName, s.region])).toEqual([
      ['Keys', 'crm-demo-keys', 'us-east-1'],
      ['Data', 'crm-demo-data', 'us-east-1'],
    ]);
    expect(assembly.stacks[0].logicalIds.get('Keys/Phi/Key/Resource')).toBe('PhiKey');
    expect(assembly.stacks[1].logicalIds.get('Data/PhiDocuments/AccessLogs/Bucket/Resource')).toBe('PhiDocumentsAccessLogBucket');
    expect(assembly.validation.pluginReports.map((p) => p.pluginName)).toEqual(['HIPAA.Security']);
  });

  test('a missing assembly says to run the synth first', () => {
    const missing = path.join(os.tmpdir(), 'no-such-assembly-dir');
    expect(() => readAssembly(missing)).toThrow(AssemblyError);
    expect(() => readAssembly(missing)).toThrow(/No cloud assembly at .*run `npm run synth` first/);
  });

  test('a directory without a manifest says to run the synth first', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-assembly-'));
    expect(() => readAssembly(empty)).toThrow(/manifest .*manifest\.json is missing: run `npm run synth` first/);
  });

  test('an assembly synthesized without the compliance plugins is refused', () => {
    const dir = fixtureCopy();
    fs.rmSync(path.join(dir, 'validation-report.json'));
    expect(() => readAssembly(dir)).toThrow(
      /validation-report\.json is missing: the assembly was synthesized without the compliance plugins/,
    );
  });

  test('a template the manifest names must exist', () => {
    const dir = fixtureCopy();
    fs.rmSync(path.join(dir, 'Data.template.json'));
    expect(() => readAssembly(dir)).toThrow(/template of stack Data .* is missing/);
  });
});

describe('AssemblyIndex', () => {
  const index = new AssemblyIndex(readAssembly(FIXTURE_DIR));
  const bucket = index.resources.find((r) => r.logicalId === 'PhiDocumentsBucket')!;

  test('leaves out CDK metadata, which is not deployed', () => {
    expect(index.resources.map((r) => r.type)).not.toContain('AWS::CDK::Metadata');
    expect(index.resources).toHaveLength(8);
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
