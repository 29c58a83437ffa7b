import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyError, readAssembly } from '../../lib/assembly/read';
import { FIXTURE_DIR, fixtureCopy } from './fixture';

interface ManifestEdit {
  artifacts: Record<
    string,
    { type: string; environment?: string; dependencies?: string[]; properties?: Record<string, unknown> }
  >;
}

describe('readAssembly', () => {
  test('reads every stack of the manifest with its name, region, template and logical IDs (inline and separate metadata)', () => {
    const assembly = readAssembly(FIXTURE_DIR);
    expect(assembly.version).toBe('53.0.0');
    expect(assembly.stacks.map((s) => [s.id, s.stackName, s.region, s.account, s.templateFile])).toEqual([
      ['Keys', 'crm-demo-keys', 'us-east-1', undefined, 'Keys.template.json'],
      ['Data', 'crm-demo-data', 'us-east-1', undefined, 'Data.template.json'],
    ]);
    expect(assembly.stacks[0].logicalIds.get('Keys/Phi/Key/Resource')).toBe('PhiKey');
    expect(assembly.stacks[1].logicalIds.get('Data/PhiDocuments/AccessLogs/Bucket/Resource')).toBe('PhiDocumentsAccessLogBucket');
    expect(assembly.validation?.pluginReports.map((p) => p.pluginName)).toEqual(['HIPAA.Security']);
  });

  test('types the resources of each template, CDK metadata left out, and its outputs', () => {
    const [keys, data] = readAssembly(FIXTURE_DIR).stacks;
    expect(keys.resources.map((r) => [r.stack, r.region, r.logicalId, r.type])).toEqual([
      ['Keys', 'us-east-1', 'PhiKey', 'AWS::KMS::Key'],
      ['Keys', 'us-east-1', 'PhiKeyAlias', 'AWS::KMS::Alias'],
    ]);
    expect(keys.template.Resources?.CDKMetadata?.Type).toBe('AWS::CDK::Metadata');
    expect(keys.outputs).toEqual([
      { name: 'PublishOutputFnGetAttPhiKeyArn', value: { 'Fn::GetAtt': ['PhiKey', 'Arn'] }, exportName: undefined },
    ]);
    expect(data.resources).toHaveLength(6);
  });

  test('lists the cross-stack references, resolved to the stack and output they read', () => {
    expect(readAssembly(FIXTURE_DIR).references).toEqual([
      {
        consumer: { stack: 'Data', logicalId: 'PhiDocumentsBucket' },
        via: 'Fn::GetStackOutput',
        producer: { stack: 'Keys', output: 'PublishOutputFnGetAttPhiKeyArn' },
      },
    ]);
  });

  test('reads the account of a stack that pins one, and leaves out CDK placeholders', () => {
    const dir = fixtureCopy((file, json) => {
      if (file !== 'manifest.json') return;
      const { artifacts } = json as unknown as ManifestEdit;
      artifacts.Keys.environment = 'aws://111122223333/us-east-1';
      artifacts.Data.environment = 'aws://unknown-account/unknown-region';
    });
    const [keys, data] = readAssembly(dir).stacks;
    expect([keys.account, keys.region]).toEqual(['111122223333', 'us-east-1']);
    expect([data.account, data.region]).toEqual([undefined, undefined]);
    expect(data.resources[0].region).toBeUndefined();
  });

  test("reads a stack's asset manifest: staged assets, the template and nested templates", () => {
    const staged = 'a'.repeat(64);
    const dir = fixtureCopy((file, json) => {
      if (file !== 'manifest.json') return;
      const { artifacts } = json as unknown as ManifestEdit;
      artifacts['Data.assets'] = { type: 'cdk:asset-manifest', properties: { file: 'Data.assets.json' } };
      artifacts.Data.dependencies = ['Keys', 'Data.assets'];
    });
    fs.writeFileSync(
      path.join(dir, 'Data.assets.json'),
      JSON.stringify({
        files: {
          [staged]: { source: { path: `asset.${staged}.bundle`, packaging: 'zip' } },
          ['b'.repeat(64)]: { source: { path: 'Data.template.json' } },
          ['c'.repeat(64)]: { source: { path: 'DataNestedC0FFEE.nested.template.json' } },
        },
        dockerImages: { ['d'.repeat(64)]: { source: { directory: `asset.${'d'.repeat(64)}` } } },
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'DataNestedC0FFEE.nested.template.json'),
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
    );
    const data = readAssembly(dir).stacks[1];
    expect(data.assets).toEqual([
      { id: staged, packaging: 'file', source: `asset.${staged}.bundle`, staged: true },
      { id: 'b'.repeat(64), packaging: 'file', source: 'Data.template.json', staged: false },
      { id: 'c'.repeat(64), packaging: 'file', source: 'DataNestedC0FFEE.nested.template.json', staged: false },
      { id: 'd'.repeat(64), packaging: 'container-image', source: `asset.${'d'.repeat(64)}`, staged: true },
    ]);
    expect(data.nestedTemplates).toEqual([
      {
        id: 'DataNestedC0FFEE',
        templateFile: 'DataNestedC0FFEE.nested.template.json',
        template: { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } },
      },
    ]);
    expect(readAssembly(dir).stacks[0].assets).toEqual([]);
  });

  test('a missing assembly says to run the synth first, or what the caller says', () => {
    const missing = path.join(os.tmpdir(), 'no-such-assembly-dir');
    expect(() => readAssembly(missing)).toThrow(AssemblyError);
    expect(() => readAssembly(missing)).toThrow(/No cloud assembly at .*run `npm run synth` first/);
    expect(() => readAssembly(missing, { hint: 'pass --assembly <dir>' })).toThrow(
      /no-such-assembly-dir: pass --assembly <dir>$/,
    );
  });

  test('a directory without a manifest says to run the synth first', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-assembly-'));
    expect(() => readAssembly(empty)).toThrow(/manifest .*manifest\.json is missing: run `npm run synth` first/);
  });

  test('an assembly without stacks is refused', () => {
    const dir = fixtureCopy((file, json) => {
      if (file === 'manifest.json') json.artifacts = {};
    });
    expect(() => readAssembly(dir)).toThrow(/has no CloudFormation stacks/);
  });

  test('an assembly synthesized without the compliance plugins has no validation report, and is refused where one is required', () => {
    const dir = fixtureCopy();
    fs.rmSync(path.join(dir, 'validation-report.json'));
    expect(readAssembly(dir).validation).toBeUndefined();
    expect(() => readAssembly(dir, { requireValidationReport: true })).toThrow(
      /validation-report\.json is missing: the assembly was synthesized without the compliance plugins/,
    );
    expect(readAssembly(FIXTURE_DIR, { requireValidationReport: true }).validation.pluginReports).toHaveLength(1);
  });

  test('a template the manifest names must exist and be JSON', () => {
    const dir = fixtureCopy();
    fs.rmSync(path.join(dir, 'Data.template.json'));
    expect(() => readAssembly(dir)).toThrow(/template of stack Data .* is missing/);
    fs.writeFileSync(path.join(dir, 'Data.template.json'), '{ not json');
    expect(() => readAssembly(dir)).toThrow(/template of stack Data .* is not valid JSON/);
  });
});
