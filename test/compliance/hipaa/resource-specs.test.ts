import type { TemplateResource } from '../../../lib/assembly/model';
import {
  CHECK_RESOURCE_TYPES,
  RESOURCE_SPEC_MAPPINGS,
  specsForResource,
  type MappingContext,
} from '../../../lib/compliance/hipaa/resource-specs';
import { claimsOf } from './mappings/claims';

function resource(type: string, properties: Record<string, unknown>): TemplateResource {
  return { stack: 'Stack', region: 'us-east-1', logicalId: 'Resource', type, properties };
}

const noContext: MappingContext = { keyOf: () => undefined, resources: [] };

describe('specsForResource', () => {
  test.each<[string, TemplateResource, string]>([
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
    expect(specsForResource(r, noContext).map((s) => s.spec)).toContain(spec);
  });

  test('says how in the words of the description, without the citation', () => {
    expect(claimsOf('AWS::CloudWatch::Alarm', { AlarmDescription: '[HIPAA 164.312(a)(2)(ii)] Break-glass used.' })).toEqual({
      '164.312(a)(2)(ii)': 'Break-glass used.',
    });
    expect(
      claimsOf('AWS::Lambda::Function', { Description: 'Revokes sessions (HIPAA 164.308(a)(3)(ii)(C), (a)(4)(ii)(C))' }),
    ).toEqual({
      '164.308(a)(3)(ii)(C)': 'Revokes sessions',
      '164.308(a)(4)(ii)(C)': 'Revokes sessions',
    });
  });

  test('a long description is cut to 220 characters', () => {
    const how = specsForResource(
      resource('AWS::Lambda::Function', { Description: `[HIPAA 164.312(b)] ${'x'.repeat(300)}` }),
      noContext,
    )[0].how;
    expect(how).toHaveLength(220);
    expect(how.endsWith('...')).toBe(true);
  });

  test('a Config rule citing a specification is a check, not an implementing resource', () => {
    const rule = resource('AWS::Config::ConfigRule', {
      Description: '[HIPAA 164.312(b)] Checks that a CloudTrail trail records this account.',
    });
    expect(CHECK_RESOURCE_TYPES.has('AWS::Config::ConfigRule')).toBe(true);
    expect(specsForResource(rule, noContext)).toEqual([]);
  });

  test('a specification claimed twice keeps the first mapping’s words, the table’s before the description’s', () => {
    // Both the public-access mapping and the description claim 164.312(a)(1).
    const bucket = resource('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      Description: '[HIPAA 164.312(a)(1)] Private.',
    });
    expect(specsForResource(bucket, noContext)).toEqual([{ spec: '164.312(a)(1)', how: 'all public access blocked' }]);
  });

  test('every service contributes its mappings, and each mapping names at least one specification', () => {
    expect(RESOURCE_SPEC_MAPPINGS).toHaveLength(103);
    expect(RESOURCE_SPEC_MAPPINGS.filter((m) => m.specs.length === 0)).toEqual([]);
  });
});
