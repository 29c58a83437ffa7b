import { AssemblyError } from '../../lib/assembly/read';
import { implementedHere } from '../../lib/compliance/hipaa/specifications';
import { assertAssemblyMatchesConfig } from '../../lib/report/model';
import { parseProjectRules } from '../../lib/report/project-rules';
import { shippedConfig } from '../helpers/config';
import { FIXTURE_DIR, FIXTURE_GUARD, fixtureCopy, fixtureModel, modelOf, reportAssembly } from './fixture';

const ACK_REASON_START = 'Fixture: this bucket holds the server access logs of the PHI documents bucket';

describe('the report model of the fixture assembly', () => {
  const model = fixtureModel();
  const section = (id: string) => model.sections.find((s) => s.spec.id === id)!;

  test('has a section for every specification of the catalogue', () => {
    expect(model.sections.length).toBe(model.summary.specs);
    expect(model.summary.specs).toBeGreaterThanOrEqual(20);
  });

  test('lists the acknowledged exception, with its resource, rule and reason, under the specification it cites', () => {
    expect(section('164.308(a)(7)(ii)(B)').exceptions).toEqual([
      {
        resource: { stack: 'Data', region: 'us-east-1', type: 'AWS::S3::Bucket', logicalId: 'PhiDocumentsAccessLogBucket' },
        constructPath: 'Data/PhiDocuments/AccessLogs/Bucket/Resource',
        plugin: 'HIPAA.Security',
        rule: 'HIPAA.Security-S3BucketReplicationEnabled',
        citation: '164.308(a)(7)(ii)(B)',
        reason: expect.stringMatching(new RegExp(`^${ACK_REASON_START}`)),
      },
    ]);
    expect(model.sections.filter((s) => s.exceptions.length > 0).map((s) => s.spec.id)).toEqual(['164.308(a)(7)(ii)(B)']);
    expect(model.otherExceptions).toEqual([]);
  });

  test('names the resources behind a specification by stack, type and logical ID', () => {
    expect(section('164.312(a)(2)(iv)').resources.map((r) => `${r.stack} ${r.type} ${r.logicalId}`)).toEqual(
      expect.arrayContaining([
        'Keys AWS::KMS::Key PhiKey',
        'Data AWS::S3::Bucket PhiDocumentsBucket',
        'Data AWS::Logs::LogGroup DataLogGroup',
      ]),
    );
    expect(
      section('164.312(e)(1)')
        .resources.map((r) => r.logicalId)
        .sort(),
    ).toEqual(['PhiDocumentsAccessLogBucketPolicy', 'PhiDocumentsBucketPolicy']);
    expect(section('164.308(a)(7)(ii)(B)').resources.map((r) => r.logicalId)).toEqual(['PhiDocumentsBucket']);
  });

  test('lists the pack rules that cite a specification and evaluate resources here, with how many', () => {
    const checks = section('164.312(a)(2)(iv)').checks;
    expect(checks).toContainEqual(
      expect.objectContaining({
        kind: 'rule pack',
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        coverage: 'evaluates 2 resources here',
      }),
    );
    // Database rules cite 164.312(a)(2)(iv) too, but the fixture has no database.
    expect(checks.map((c) => c.id)).not.toContain('HIPAA.Security-RDSStorageEncrypted');
  });

  test('lists the Control Tower rules for resource types present, and the project guards', () => {
    expect(section('164.312(a)(2)(iv)').checks).toContainEqual(
      expect.objectContaining({ kind: 'cfn-guard', id: 's3_bucket_default_encryption_kms_check' }),
    );
    expect(section('164.308(b)(1)').checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'lib/compliance/eligible-services-guard.ts#EligibleServicesGuard',
        'lib/config/baa-gate.ts#baaGateIssues',
      ]),
    );
  });

  test('sums up stacks, resources, responsibilities, checks and findings', () => {
    const s = model.summary;
    expect(s.stacks.map((x) => [x.id, x.resources])).toEqual([
      ['Keys', 2],
      ['Data', 6],
    ]);
    expect(s.resources).toBe(8);
    expect(Object.values(s.byResponsibility).reduce((a, b) => a + b, 0)).toBe(s.specs);
    expect(s.openFindings).toBe(0);
    expect([s.acknowledged, s.acknowledgedResources]).toEqual([1, 1]);
    expect(s.ineligibleTypes).toEqual([]);
    expect(s.checks.find((c) => c.source === 'cdk-nag HIPAA.Security')?.applicable).toBeGreaterThan(0);
  });
});

describe('project rules, standards, owners and coverage', () => {
  // The fixture has KMS keys and S3 buckets, no queue and no NAT gateway.
  const model = modelOf(reportAssembly(FIXTURE_DIR), {}, { projectRules: parseProjectRules(FIXTURE_GUARD, 'fixture.guard') });
  const section = (id: string) => model.sections.find((s) => s.spec.id === id)!;
  const projectChecks = (id: string) => section(id).checks.filter((c) => c.kind === 'project rule');

  test('counts a project rule as a check of every specification its tags cite, named by its rule id', () => {
    expect(projectChecks('164.310(d)(2)(i)')).toEqual([
      {
        kind: 'project rule',
        id: 'fixture_keys_rotate',
        title: 'Keys rotate; a brace in a message } does not end the rule. rule not_a_rule_either { on a line of its own',
        coverage: 'cfn-guard, fixture.guard, on every template of every synth; reads 1 resource of type AWS::KMS::Key here',
      },
    ]);
    expect(projectChecks('164.312(a)(2)(iv)').map((c) => c.id)).toEqual(['fixture_keys_rotate', 'fixture_stores_encrypted']);
    expect(projectChecks('164.316(b)(2)(i)').map((c) => c.id)).toEqual(['fixture_stores_encrypted']);
    // An unconditional rule holds with none of its resources; a conditional one with none checks nothing.
    expect(projectChecks('164.312(e)(1)').map((c) => [c.id, c.coverage])).toEqual([
      ['fixture_no_nat_gateway', expect.stringContaining('no AWS::EC2::NatGateway here, as it requires')],
    ]);
    expect(model.sections.flatMap((s) => s.checks).map((c) => c.id)).not.toContain('fixture_queues_only');
    expect(model.summary.checks.find((c) => c.source === 'cfn-guard project rules')).toEqual({
      source: 'cfn-guard project rules',
      rules: 5,
      applicable: 4,
    });
    expect(model.notes).toContainEqual(expect.stringMatching(/^Project rule\(s\) fixture_untagged cite no specification/));
  });

  test('rolls a standard up from its implementation specifications, each resource and check once, saying via which', () => {
    const access = section('164.312(a)(1)');
    expect(access.resources).toContainEqual(
      expect.objectContaining({ stack: 'Keys', logicalId: 'PhiKey', via: '164.312(a)(2)(iv)' }),
    );
    expect(access.checks).toContainEqual(expect.objectContaining({ id: 'fixture_keys_rotate', via: '164.312(a)(2)(iv)' }));
    const keys = access.resources.map((r) => `${r.stack} ${r.logicalId}`);
    expect(new Set(keys).size).toBe(keys.length);
    // 164.310(d)(1) has no check of its own: its disposal and backup specifications' checks are its checks.
    expect(section('164.310(d)(1)').checks.map((c) => [c.id, c.via])).toEqual([
      ['fixture_keys_rotate', '164.310(d)(2)(i)'],
      ['lib/config/phi-locks.ts#phiLockIssues', '164.310(d)(2)(iv)'],
    ]);
    // An implementation specification never takes its standard's or its siblings'.
    expect(section('164.312(a)(2)(iv)').resources.every((r) => r.via === undefined)).toBe(true);
    expect(section('164.308(a)(7)(i)').resources.map((r) => [r.logicalId, r.via])).toEqual([
      ['PhiDocumentsBucket', '164.308(a)(7)(ii)(B)'],
    ]);
  });

  test('says whose a specification is, and where the evidence lives when it is not this infrastructure alone', () => {
    expect(section('164.310(a)(1)').owner).toMatch(/^AWS's alone/);
    expect(section('164.310(a)(1)').evidenceElsewhere).toMatch(/AWS Artifact: the SOC 2 Type 2 report/);
    expect(section('164.308(a)(1)(ii)(A)').owner).toMatch(/^the customer's/);
    expect(section('164.308(a)(1)(ii)(A)').evidenceElsewhere).toMatch(/risk analysis/);
    expect(section('164.312(b)').owner).toBe('this infrastructure');
    expect(section('164.312(b)').evidenceElsewhere).toBeUndefined();
  });

  test('lists, and notes, every specification implemented here without resources or a check', () => {
    const s = model.summary;
    const expected = model.sections
      .filter((x) => implementedHere(x.spec) && (x.resources.length === 0 || x.checks.length === 0))
      .map((x) => x.spec.id);
    // The fixture holds two stacks: most of what the deployment implements is missing from it.
    expect(expected.length).toBeGreaterThan(5);
    expect(s.coverageGaps.map((g) => g.id)).toEqual(expected);
    expect(s.coverageGaps.find((g) => g.id === '164.310(d)(2)(i)')).toEqual({ id: '164.310(d)(2)(i)', missing: ['resources'] });
    expect(s.implementedHere - s.implementedHereCovered).toBe(expected.length);
    expect(model.notes).toContainEqual(expect.stringContaining('164.310(d)(2)(i) (no resources)'));
  });
});

describe('findings the model must not hide', () => {
  test('an open finding is counted and listed', () => {
    const dir = fixtureCopy((file, json) => {
      if (file !== 'validation-report.json') return;
      const reports = json.pluginReports as { violations: unknown[] }[];
      reports[0].violations.push({
        ruleName: 'HIPAA.Security-S3BucketLoggingEnabled',
        description: 'The S3 Buckets does not have server access logs enabled - (Control IDs: 164.308(a)(3)(ii)(A), 164.312(b)).',
        severity: 'error',
        violatingConstructs: [{ constructPath: 'Data/PhiDocuments/AccessLogs/Bucket/Resource' }],
      });
    });
    const model = modelOf(reportAssembly(dir));
    expect(model.summary.openFindings).toBe(1);
    expect(model.openFindings.map((f) => f.rule)).toEqual(['HIPAA.Security-S3BucketLoggingEnabled']);
  });

  test('an acknowledgement citing no control of the catalogue is kept, apart', () => {
    const dir = fixtureCopy((file, json) => {
      if (file !== 'validation-report.json') return;
      const reports = json.pluginReports as { suppressedViolations: { reason: string }[] }[];
      reports[0].suppressedViolations[0].reason = '[HIPAA 164.999(z)] A reason citing a section that does not exist.';
    });
    const model = modelOf(reportAssembly(dir));
    expect(model.sections.flatMap((s) => s.exceptions)).toEqual([]);
    expect(model.otherExceptions.map((e) => [e.citation, e.reason])).toEqual([
      ['164.999(z)', 'A reason citing a section that does not exist.'],
    ]);
  });
});

describe('assertAssemblyMatchesConfig', () => {
  test('refuses an assembly synthesized from another deployment config', () => {
    const assembly = reportAssembly(FIXTURE_DIR);
    expect(() => assertAssemblyMatchesConfig(assembly, shippedConfig('config/demo.json'), 'config/demo.json')).not.toThrow();
    expect(() =>
      assertAssemblyMatchesConfig(assembly, shippedConfig('config/production.example.json'), 'config/production.example.json'),
    ).toThrow(AssemblyError);
    expect(() =>
      assertAssemblyMatchesConfig(assembly, shippedConfig('config/production.example.json'), 'config/production.example.json'),
    ).toThrow(/not deployment "acme-crm-prod" .*crm-demo-keys, crm-demo-data/);
  });
});
