import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveCitation } from '../../lib/compliance/hipaa/citations';
import { PROJECT_RULES_DIR } from '../../lib/compliance/plugins';
import { parseProjectRules, projectGuardRules } from '../../lib/report/project-rules';
import { FIXTURE_GUARD } from './fixture';

describe('parseProjectRules on a fixture guard text', () => {
  const rules = parseProjectRules(FIXTURE_GUARD, 'fixture.guard');

  test('finds every rule, and nothing named in a comment', () => {
    expect(rules.map((r) => r.ruleName)).toEqual([
      'fixture_keys_rotate',
      'fixture_stores_encrypted',
      'fixture_no_nat_gateway',
      'fixture_untagged',
      'fixture_queues_only',
    ]);
  });

  test('reads every specification of a multi-spec tag and of every message of the rule', () => {
    const [keys, stores, nat, untagged] = rules;
    expect(keys.hipaaControls).toEqual(['164.312(a)(2)(iv)', '164.310(d)(2)(i)']);
    expect(stores.hipaaControls).toEqual(['164.312(a)(2)(iv)', '164.316(b)(2)(i)']);
    expect(nat.hipaaControls).toEqual(['164.312(e)(1)']);
    expect(untagged.hipaaControls).toEqual([]);
    expect(keys.promise).toBe(
      'Keys rotate; a brace in a message } does not end the rule. rule not_a_rule_either { on a line of its own',
    );
  });

  test('reads the resource types through the variables and inline filters, and whether the rule is conditional', () => {
    expect(rules.map((r) => [r.ruleName, r.resourceTypes, r.conditional])).toEqual([
      ['fixture_keys_rotate', ['AWS::KMS::Key'], true],
      ['fixture_stores_encrypted', ['AWS::S3::Bucket', 'AWS::SQS::Queue'], true],
      ['fixture_no_nat_gateway', ['AWS::EC2::NatGateway'], false],
      ['fixture_untagged', ['AWS::KMS::Key'], true],
      ['fixture_queues_only', ['AWS::SQS::Queue'], true],
    ]);
  });

  test('refuses a rule whose braces do not balance', () => {
    expect(() => parseProjectRules('rule broken {\n  Resources exists\n', 'broken.guard')).toThrow(/broken.guard: .*rule broken/);
  });
});

describe('projectGuardRules on the real rule files', () => {
  const rules = projectGuardRules();
  const files = fs.readdirSync(PROJECT_RULES_DIR).filter((f) => f.endsWith('.guard'));
  const declared = files.flatMap((f) =>
    [...fs.readFileSync(path.join(PROJECT_RULES_DIR, f), 'utf8').matchAll(/^\s*rule\s+(\w+)/gm)].map((m) => m[1]),
  );

  test('reads every rule of every file once', () => {
    expect(files).toContain('promises.guard');
    expect(rules.map((r) => r.ruleName)).toEqual(declared);
    expect(new Set(declared).size).toBe(declared.length);
    expect(rules.find((r) => r.ruleName === 'project_trail_all_regions_logging')).toEqual({
      ruleName: 'project_trail_all_regions_logging',
      file: 'lib/compliance/project-rules/promises.guard',
      hipaaControls: ['164.312(b)'],
      promise: 'The audit trail must record every region, global service events, be logging and validate its log files.',
      resourceTypes: ['AWS::CloudTrail::Trail'],
      conditional: true,
    });
  });

  test('every rule cites specifications of the catalogue and reads some resource type', () => {
    for (const r of rules) {
      expect([r.ruleName, r.hipaaControls.length > 0]).toEqual([r.ruleName, true]);
      expect([r.ruleName, r.hipaaControls.filter((c) => !resolveCitation(c))]).toEqual([r.ruleName, []]);
      expect([r.ruleName, r.resourceTypes.length > 0]).toEqual([r.ruleName, true]);
    }
  });
});
