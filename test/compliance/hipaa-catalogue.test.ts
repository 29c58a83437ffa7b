import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHECK_RESOURCE_TYPES,
  CONTROL_TOWER_OBJECTIVE_SPECS,
  HIPAA_CATALOGUE,
  PROJECT_GUARDS,
  RESOURCE_SPEC_MAPPINGS,
  catalogueSpec,
  parseHipaaCitations,
  resolveCitation,
  specsForResource,
  type MappingContext,
} from '../../lib/compliance/hipaa-catalogue';
import { packRules } from '../../lib/report/rule-packs';
import type { TemplateResource } from '../../lib/report/template-facts';
import { REPO_ROOT } from '../helpers/config';

/** The standards the Security Rule lists (164.308-164.316) and the breach-notification sections. */
const STANDARDS = [
  '164.308(a)(1)(i)',
  '164.308(a)(2)',
  '164.308(a)(3)(i)',
  '164.308(a)(4)(i)',
  '164.308(a)(5)(i)',
  '164.308(a)(6)(i)',
  '164.308(a)(7)(i)',
  '164.308(a)(8)',
  '164.308(b)(1)',
  '164.310(a)(1)',
  '164.310(b)',
  '164.310(c)',
  '164.310(d)(1)',
  '164.312(a)(1)',
  '164.312(b)',
  '164.312(c)(1)',
  '164.312(d)',
  '164.312(e)(1)',
  '164.314(a)(1)',
  '164.316(a)',
  '164.316(b)(1)',
];

/** Every implementation specification of 164.308-164.316, with required (R) or addressable (A). */
const IMPLEMENTATION_SPECS: Record<string, 'R' | 'A'> = {
  '164.308(a)(1)(ii)(A)': 'R',
  '164.308(a)(1)(ii)(B)': 'R',
  '164.308(a)(1)(ii)(C)': 'R',
  '164.308(a)(1)(ii)(D)': 'R',
  '164.308(a)(3)(ii)(A)': 'A',
  '164.308(a)(3)(ii)(B)': 'A',
  '164.308(a)(3)(ii)(C)': 'A',
  '164.308(a)(4)(ii)(A)': 'R',
  '164.308(a)(4)(ii)(B)': 'A',
  '164.308(a)(4)(ii)(C)': 'A',
  '164.308(a)(5)(ii)(A)': 'A',
  '164.308(a)(5)(ii)(B)': 'A',
  '164.308(a)(5)(ii)(C)': 'A',
  '164.308(a)(5)(ii)(D)': 'A',
  '164.308(a)(6)(ii)': 'R',
  '164.308(a)(7)(ii)(A)': 'R',
  '164.308(a)(7)(ii)(B)': 'R',
  '164.308(a)(7)(ii)(C)': 'R',
  '164.308(a)(7)(ii)(D)': 'A',
  '164.308(a)(7)(ii)(E)': 'A',
  '164.308(b)(3)': 'R',
  '164.310(a)(2)(i)': 'A',
  '164.310(a)(2)(ii)': 'A',
  '164.310(a)(2)(iii)': 'A',
  '164.310(a)(2)(iv)': 'A',
  '164.310(d)(2)(i)': 'R',
  '164.310(d)(2)(ii)': 'R',
  '164.310(d)(2)(iii)': 'A',
  '164.310(d)(2)(iv)': 'A',
  '164.312(a)(2)(i)': 'R',
  '164.312(a)(2)(ii)': 'R',
  '164.312(a)(2)(iii)': 'A',
  '164.312(a)(2)(iv)': 'A',
  '164.312(c)(2)': 'A',
  '164.312(e)(2)(i)': 'A',
  '164.312(e)(2)(ii)': 'A',
  '164.316(b)(2)(i)': 'R',
  '164.316(b)(2)(ii)': 'R',
  '164.316(b)(2)(iii)': 'R',
};

describe('the HIPAA catalogue', () => {
  test('holds every standard, every implementation specification and the breach-notification sections, once each', () => {
    const ids = HIPAA_CATALOGUE.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      [...STANDARDS, ...Object.keys(IMPLEMENTATION_SPECS), '164.404', '164.406', '164.408', '164.410'].sort(),
    );
    expect(HIPAA_CATALOGUE.filter((s) => s.kind === 'implementation specification').length).toBeGreaterThanOrEqual(20);
  });

  test('marks each implementation specification required or addressable as the regulation does', () => {
    for (const [id, ra] of Object.entries(IMPLEMENTATION_SPECS)) {
      expect([id, catalogueSpec(id)?.requirement]).toEqual([id, ra === 'R' ? 'required' : 'addressable']);
    }
    for (const id of STANDARDS) expect([id, catalogueSpec(id)?.kind]).toEqual([id, 'standard']);
  });

  test('files each implementation specification under the standard of its paragraph', () => {
    for (const s of HIPAA_CATALOGUE.filter((x) => x.kind === 'implementation specification')) {
      const std = catalogueSpec(s.standard ?? '');
      expect([s.id, std?.kind]).toEqual([s.id, 'standard']);
      // 164.312(a)(1) is the standard of 164.312(a)(2)(iv): both are paragraph 164.312(a).
      expect(s.id.startsWith(s.standard!.replace(/\((?:i|1)\)$/, ''))).toBe(true);
    }
  });

  test('says for each entry who is responsible and how, in one sentence', () => {
    for (const s of HIPAA_CATALOGUE) {
      expect(['infrastructure', 'shared', 'customer']).toContain(s.responsibility);
      expect(s.how).toMatch(/\.$/);
      expect(s.how).not.toMatch(/\.\s+[A-Z]/);
    }
    // Physical data-centre controls are AWS's; workstations and training the practice's.
    expect(catalogueSpec('164.310(a)(1)')?.responsibility).toBe('shared');
    expect(catalogueSpec('164.310(b)')?.responsibility).toBe('customer');
    expect(catalogueSpec('164.308(a)(5)(i)')?.responsibility).toBe('customer');
    expect(catalogueSpec('164.312(a)(2)(iv)')?.responsibility).toBe('infrastructure');
  });

  test('every specification a mapping, objective or guard names is in the catalogue', () => {
    const named = [
      ...RESOURCE_SPEC_MAPPINGS.flatMap((m) => m.specs),
      ...Object.values(CONTROL_TOWER_OBJECTIVE_SPECS).flat(),
      ...PROJECT_GUARDS.flatMap((g) => g.specs),
    ];
    expect(named.filter((id) => !catalogueSpec(id))).toEqual([]);
  });

  test('every HIPAA control the cdk-nag HIPAA pack cites resolves to a catalogue entry', () => {
    const cited = packRules()
      .filter((r) => r.pack === 'HIPAA.Security')
      .flatMap((r) => r.hipaaControls);
    expect(cited.length).toBeGreaterThan(80);
    expect([...new Set(cited)].filter((c) => !resolveCitation(c))).toEqual([]);
  });

  test('every project guard names a file and an export that exist, so the report cannot cite a removed guard', () => {
    for (const g of PROJECT_GUARDS) {
      expect([g.name, fs.existsSync(path.join(REPO_ROOT, g.source))]).toEqual([g.name, true]);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(REPO_ROOT, g.source)) as Record<string, unknown>;
      expect([g.name, g.symbol, mod[g.symbol] !== undefined]).toEqual([g.name, g.symbol, true]);
    }
  });
});

describe('citations', () => {
  test.each([
    ['[HIPAA 164.312(a)(2)(iv)] False positive', ['164.312(a)(2)(iv)']],
    ['Scheduled access review (HIPAA 164.308(a)(3)(ii)(B), (a)(4)(ii)(C))', ['164.308(a)(3)(ii)(B)', '164.308(a)(4)(ii)(C)']],
    ['not encrypted - (Control IDs: 164.312(a)(2)(iv), 164.312(e)(2)(ii)).', ['164.312(a)(2)(iv)', '164.312(e)(2)(ii)']],
    ['logging - (Control ID: 164.312(b)).', ['164.312(b)']],
    ['no citation here 164.312(b)', []],
  ])('%s', (text, expected) => {
    expect(parseHipaaCitations(text)).toEqual(expected);
  });

  test("a standard's paragraph resolves to the standard", () => {
    expect(resolveCitation('164.308(a)(7)')?.id).toBe('164.308(a)(7)(i)');
    expect(resolveCitation('164.312(e)')?.id).toBe('164.312(e)(1)');
    expect(resolveCitation('164.312(a)(2)(iv)')?.id).toBe('164.312(a)(2)(iv)');
    expect(resolveCitation('164.999(a)')).toBeUndefined();
  });
});

function resource(type: string, properties: Record<string, unknown>, logicalId = 'Resource', stack = 'Stack'): TemplateResource {
  return { stack, region: 'us-east-1', logicalId, type, properties };
}

function ctxWith(resources: TemplateResource[] = []): MappingContext {
  return { keyOf: () => undefined, resources };
}

function specsOf(r: TemplateResource, ctx = ctxWith([r])): string[] {
  return specsForResource(r, ctx).map((s) => s.spec);
}

const tlsDeny = {
  Statement: [
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
};

describe('resources map to the specifications they implement', () => {
  test.each<[string, TemplateResource, string]>([
    ['a rotating KMS key: encryption', resource('AWS::KMS::Key', { EnableKeyRotation: true }), '164.312(a)(2)(iv)'],
    ['a CloudTrail trail: audit controls', resource('AWS::CloudTrail::Trail', { IsLogging: true }), '164.312(b)'],
    ['a CloudTrail trail: activity review', resource('AWS::CloudTrail::Trail', { IsLogging: true }), '164.308(a)(1)(ii)(D)'],
    [
      'trail log-file validation: authenticity',
      resource('AWS::CloudTrail::Trail', { EnableLogFileValidation: true }),
      '164.312(c)(2)',
    ],
    [
      'a backup plan: data backup plan',
      resource('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [{ RuleName: 'daily' }] } }),
      '164.308(a)(7)(ii)(A)',
    ],
    [
      'a backup plan copying off-site: disaster recovery',
      resource('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [{ RuleName: 'daily', CopyActions: [{}] }] } }),
      '164.308(a)(7)(ii)(B)',
    ],
    [
      'restore testing: testing and revision',
      resource('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: 'cron(0 5 ? * SUN *)' }),
      '164.308(a)(7)(ii)(D)',
    ],
    ['Cognito with MFA on: authentication', resource('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' }), '164.312(d)'],
    [
      'an HTTPS listener: transmission security',
      resource('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 }),
      '164.312(e)(1)',
    ],
    [
      'a bucket policy that refuses plain HTTP: transmission security',
      resource('AWS::S3::BucketPolicy', { Bucket: 'b', PolicyDocument: tlsDeny }),
      '164.312(e)(1)',
    ],
    ['the Config recorder: activity review', resource('AWS::Config::ConfigurationRecorder', {}), '164.308(a)(1)(ii)(D)'],
    ['GuardDuty: activity review', resource('AWS::GuardDuty::Detector', { Enable: true }), '164.308(a)(1)(ii)(D)'],
    [
      'the WAF: protection from malicious software',
      resource('AWS::WAFv2::WebACL', { Rules: [{ Name: 'AWSManagedRulesCommonRuleSet' }] }),
      '164.308(a)(5)(ii)(B)',
    ],
    [
      'a Multi-AZ database: emergency mode operation',
      resource('AWS::RDS::DBInstance', { MultiAZ: true }),
      '164.308(a)(7)(ii)(C)',
    ],
    [
      'the crypto-erasure state machine: disposal',
      resource('AWS::StepFunctions::StateMachine', { StateMachineName: 'crm-demo-crypto-erasure' }),
      '164.310(d)(2)(i)',
    ],
    [
      'a function whose description cites a specification',
      resource('AWS::Lambda::Function', { Description: 'Revokes sessions (HIPAA 164.308(a)(3)(ii)(C))' }),
      '164.308(a)(3)(ii)(C)',
    ],
    [
      'an alarm whose description cites a specification',
      resource('AWS::CloudWatch::Alarm', { AlarmDescription: '[HIPAA 164.312(a)(2)(ii)] Break-glass used.' }),
      '164.312(a)(2)(ii)',
    ],
  ])('%s', (_what, r, spec) => {
    expect(specsOf(r)).toContain(spec);
  });

  test.each<[string, TemplateResource, string]>([
    [
      'a key without rotation is not claimed as the encryption control',
      resource('AWS::KMS::Key', { EnableKeyRotation: false }),
      '164.312(a)(2)(iv)',
    ],
    ['optional MFA is not authentication', resource('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' }), '164.312(d)'],
    [
      'a plain HTTP listener that forwards is not transmission security',
      resource('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', DefaultActions: [{ Type: 'forward' }] }),
      '164.312(e)(1)',
    ],
    [
      'a bucket policy that allows plain HTTP is not transmission security',
      resource('AWS::S3::BucketPolicy', { Bucket: 'b', PolicyDocument: { Statement: [] } }),
      '164.312(e)(1)',
    ],
    [
      'a single-AZ database is not emergency mode operation',
      resource('AWS::RDS::DBInstance', { MultiAZ: false }),
      '164.308(a)(7)(ii)(C)',
    ],
    [
      'a backup plan without copies is not disaster recovery',
      resource('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [{ RuleName: 'daily' }] } }),
      '164.308(a)(7)(ii)(B)',
    ],
    [
      'another state machine is not disposal',
      resource('AWS::StepFunctions::StateMachine', { StateMachineName: 'crm-demo-orders' }),
      '164.310(d)(2)(i)',
    ],
  ])('%s', (_what, r, spec) => {
    expect(specsOf(r)).not.toContain(spec);
  });

  test('a Config rule citing a specification is a check, not an implementing resource', () => {
    const rule = resource('AWS::Config::ConfigRule', {
      Description: '[HIPAA 164.312(b)] Checks that a CloudTrail trail records this account.',
    });
    expect(CHECK_RESOURCE_TYPES.has('AWS::Config::ConfigRule')).toBe(true);
    expect(specsOf(rule)).toEqual([]);
  });

  test('a vault that a backup plan copies into is the disaster-recovery vault', () => {
    const drVault = resource('AWS::Backup::BackupVault', { BackupVaultName: 'crm-demo-backup-vault-dr' }, 'BackupDrVault', 'Dr');
    const otherVault = resource(
      'AWS::Backup::BackupVault',
      { BackupVaultName: 'crm-demo-backup-vault' },
      'BackupVault',
      'Backup',
    );
    const plan = resource('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          {
            RuleName: 'daily',
            CopyActions: [
              { DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:crm-demo-backup-vault-dr' },
            ],
          },
        ],
      },
    });
    const ctx = ctxWith([drVault, otherVault, plan]);
    expect(specsOf(drVault, ctx)).toContain('164.308(a)(7)(ii)(B)');
    expect(specsOf(otherVault, ctx)).not.toContain('164.308(a)(7)(ii)(B)');
  });

  test('says how, from the resource itself (the key behind a store, the TLS policy)', () => {
    const bucket = resource('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { Ref: 'K' } } },
        ],
      },
    });
    const ctx: MappingContext = { keyOf: () => ({ stack: 'Keys', logicalId: 'PhiKey', dataClass: 'phi' }), resources: [bucket] };
    expect(specsForResource(bucket, ctx)).toContainEqual({
      spec: '164.312(a)(2)(iv)',
      how: 'default encryption with KMS key PhiKey (phi)',
    });
    const listener = resource('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    expect(specsForResource(listener, ctxWith()).find((s) => s.spec === '164.312(e)(1)')?.how).toContain(
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
    );
  });
});
