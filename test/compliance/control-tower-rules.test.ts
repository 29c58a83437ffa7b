import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext } from 'aws-cdk-lib';
import {
  controlTowerRulesDir,
  controlTowerRulesFor,
  controlTowerRuleTypes,
  ruleFiles,
  ruleTypesIndex,
  templateResourceTypes,
} from '../../lib/compliance/control-tower-rules';

const all = ruleFiles(controlTowerRulesDir()).sort();

describe('the Control Tower rules by resource type', () => {
  test('every rule file the validator runs is indexed, each with the types its text names', () => {
    expect(all).toHaveLength(new CfnGuardValidator({ controlTowerRulesEnabled: true }).ruleIds?.length ?? 0);
    expect([...controlTowerRuleTypes().keys()]).toEqual(all);
    const bucketRules = [...controlTowerRuleTypes()].filter(([, types]) => types.has('AWS::S3::Bucket'));
    expect(bucketRules.length).toBeGreaterThan(5);
    for (const [file] of bucketRules) expect(fs.readFileSync(file, 'utf8')).toContain('AWS::S3::Bucket');
  });

  test('a template gets exactly the rules that name one of its types', () => {
    const forBuckets = controlTowerRulesFor(['AWS::S3::Bucket']);
    expect(forBuckets.sort()).toEqual(
      [...controlTowerRuleTypes()].filter(([, types]) => types.has('AWS::S3::Bucket') || types.size === 0).map(([f]) => f),
    );
    expect(controlTowerRulesFor(['AWS::S3::Bucket', 'AWS::Logs::LogGroup']).length).toBeGreaterThan(forBuckets.length);
    expect(controlTowerRulesFor(['AWS::CDK::Metadata'])).toEqual(
      [...controlTowerRuleTypes()].filter(([, types]) => types.size === 0).map(([f]) => f),
    );
  });

  test('a rule file that names no resource type is kept for every template', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typeless-rule-'));
    const typeless = path.join(dir, 'typeless.guard');
    fs.writeFileSync(typeless, 'rule anything { Resources exists }\n');
    const buckets = path.join(dir, 'buckets.guard');
    fs.writeFileSync(
      buckets,
      "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule b when %buckets !empty { %buckets.Properties exists }\n",
    );
    const index = ruleTypesIndex([typeless, buckets]);
    expect(controlTowerRulesFor(['AWS::Logs::LogGroup'], index)).toEqual([typeless]);
    expect(controlTowerRulesFor([], index)).toEqual([typeless]);
    expect(controlTowerRulesFor(['AWS::S3::Bucket'], index).sort()).toEqual([buckets, typeless].sort());
  });

  test('leaving a rule out of a template without its types changes nothing: every rule passes such templates (real cfn-guard)', () => {
    // The reason the filter is sound: no Control Tower rule fails a template for lacking a resource, so
    // a rule whose types a template lacks reports nothing on it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foreign-types-'));
    const templates = {
      NoResources: {},
      ForeignTypes: { M: { Type: 'AWS::CDK::Metadata' }, C: { Type: 'Custom::Anything', Properties: { ServiceToken: 'x' } } },
    };
    const templatePaths = Object.entries(templates).map(([name, resources]) => {
      const file = path.join(dir, `${name}.template.json`);
      fs.writeFileSync(file, JSON.stringify({ Resources: resources }));
      return file;
    });
    for (const file of templatePaths) expect(controlTowerRulesFor(templateResourceTypes(file))).toEqual(controlTowerRulesFor([]));
    const context = {
      templatePaths,
      stackTemplates: templatePaths.map((templatePath) => ({ templatePath, stackConstructPath: path.basename(templatePath) })),
    } as unknown as IPolicyValidationContext;
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });
});
