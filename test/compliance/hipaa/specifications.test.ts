import { CONTROL_TOWER_OBJECTIVE_SPECS } from '../../../lib/compliance/hipaa/control-tower-objectives';
import { PROJECT_GUARDS } from '../../../lib/compliance/hipaa/project-guards';
import { RESOURCE_SPEC_MAPPINGS } from '../../../lib/compliance/hipaa/resource-specs';
import {
  EVIDENCE_ELSEWHERE,
  HIPAA_SPECIFICATIONS,
  hipaaSpec,
  implementationSpecsOf,
  implementedHere,
  RESPONSIBILITIES,
} from '../../../lib/compliance/hipaa/specifications';

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

describe('the HIPAA Security Rule specifications', () => {
  test('holds every standard, every implementation specification and the breach-notification sections, once each', () => {
    const ids = HIPAA_SPECIFICATIONS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      [...STANDARDS, ...Object.keys(IMPLEMENTATION_SPECS), '164.404', '164.406', '164.408', '164.410'].sort(),
    );
    expect(HIPAA_SPECIFICATIONS.filter((s) => s.kind === 'implementation specification').length).toBeGreaterThanOrEqual(20);
  });

  test('marks each implementation specification required or addressable as the regulation does', () => {
    for (const [id, ra] of Object.entries(IMPLEMENTATION_SPECS)) {
      expect([id, hipaaSpec(id)?.requirement]).toEqual([id, ra === 'R' ? 'required' : 'addressable']);
    }
    for (const id of STANDARDS) expect([id, hipaaSpec(id)?.kind]).toEqual([id, 'standard']);
  });

  test('files each implementation specification under the standard of its paragraph', () => {
    for (const s of HIPAA_SPECIFICATIONS.filter((x) => x.kind === 'implementation specification')) {
      const std = hipaaSpec(s.standard ?? '');
      expect([s.id, std?.kind]).toEqual([s.id, 'standard']);
      // 164.312(a)(1) is the standard of 164.312(a)(2)(iv): both are paragraph 164.312(a).
      expect(s.id.startsWith(s.standard!.replace(/\((?:i|1)\)$/, ''))).toBe(true);
    }
  });

  test('rolls a standard up from exactly the implementation specifications of its paragraph', () => {
    expect(implementationSpecsOf('164.308(a)(4)(i)').map((s) => s.id)).toEqual([
      '164.308(a)(4)(ii)(A)',
      '164.308(a)(4)(ii)(B)',
      '164.308(a)(4)(ii)(C)',
    ]);
    expect(implementationSpecsOf('164.308(a)(7)(i)').map((s) => s.id)).toEqual(
      ['A', 'B', 'C', 'D', 'E'].map((x) => `164.308(a)(7)(ii)(${x})`),
    );
    expect(implementationSpecsOf('164.312(b)')).toEqual([]);
    expect(implementationSpecsOf('164.308(a)(7)(ii)(A)')).toEqual([]);
    // Every implementation specification belongs to exactly one standard's roll-up.
    const rolled = STANDARDS.flatMap((id) => implementationSpecsOf(id).map((s) => s.id));
    expect(rolled.sort()).toEqual(Object.keys(IMPLEMENTATION_SPECS).sort());
  });

  test('says for each entry who is responsible and how, in one sentence', () => {
    for (const s of HIPAA_SPECIFICATIONS) {
      expect(Object.keys(RESPONSIBILITIES)).toContain(s.responsibility);
      expect(s.how).toMatch(/\.$/);
      expect(s.how).not.toMatch(/\.\s+[A-Z]/);
    }
    // Physical data-centre controls are AWS's; workstations and training the practice's.
    expect(hipaaSpec('164.310(a)(1)')?.responsibility).toBe('aws');
    expect(hipaaSpec('164.310(d)(2)(i)')?.responsibility).toBe('shared');
    expect(hipaaSpec('164.310(b)')?.responsibility).toBe('customer');
    expect(hipaaSpec('164.308(a)(5)(i)')?.responsibility).toBe('customer');
    expect(hipaaSpec('164.312(a)(2)(iv)')?.responsibility).toBe('infrastructure');
  });

  test('says where the evidence lives for every specification this deployment does not implement alone', () => {
    const notInfrastructure = HIPAA_SPECIFICATIONS.filter((s) => s.responsibility !== 'infrastructure').map((s) => s.id);
    expect(Object.keys(EVIDENCE_ELSEWHERE).sort()).toEqual([...notInfrastructure].sort());
    for (const text of Object.values(EVIDENCE_ELSEWHERE)) expect(text).toMatch(/^[A-Z].*\.$/);
    // AWS's part is in its audit reports; the practice's in its own records.
    for (const s of HIPAA_SPECIFICATIONS.filter((x) => x.responsibility === 'aws' && x.part === 'physical')) {
      expect([s.id, EVIDENCE_ELSEWHERE[s.id]]).toEqual([s.id, expect.stringContaining('AWS Artifact')]);
    }
    expect(HIPAA_SPECIFICATIONS.filter(implementedHere).map((s) => s.responsibility)).not.toContain('customer');
  });

  test('every specification a mapping, objective or guard names is one of them', () => {
    const named = [
      ...RESOURCE_SPEC_MAPPINGS.flatMap((m) => m.specs),
      ...Object.values(CONTROL_TOWER_OBJECTIVE_SPECS).flat(),
      ...PROJECT_GUARDS.flatMap((g) => g.specs),
    ];
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter((id) => !hipaaSpec(id))).toEqual([]);
  });
});
