import { parseHipaaCitations, resolveCitation } from '../../../lib/compliance/hipaa/citations';
import { packRules } from '../../../lib/report/rule-packs';

describe('parseHipaaCitations', () => {
  test.each([
    ['[HIPAA 164.312(a)(2)(iv)] False positive', ['164.312(a)(2)(iv)']],
    ['Scheduled access review (HIPAA 164.308(a)(3)(ii)(B), (a)(4)(ii)(C))', ['164.308(a)(3)(ii)(B)', '164.308(a)(4)(ii)(C)']],
    ['not encrypted - (Control IDs: 164.312(a)(2)(iv), 164.312(e)(2)(ii)).', ['164.312(a)(2)(iv)', '164.312(e)(2)(ii)']],
    ['logging - (Control ID: 164.312(b)).', ['164.312(b)']],
    ['no citation here 164.312(b)', []],
  ])('%s', (text, expected) => {
    expect(parseHipaaCitations(text)).toEqual(expected);
  });
});

describe('resolveCitation', () => {
  test("a standard's paragraph resolves to the standard", () => {
    expect(resolveCitation('164.308(a)(7)')?.id).toBe('164.308(a)(7)(i)');
    expect(resolveCitation('164.312(e)')?.id).toBe('164.312(e)(1)');
    expect(resolveCitation('164.312(a)(2)(iv)')?.id).toBe('164.312(a)(2)(iv)');
    expect(resolveCitation('164.999(a)')).toBeUndefined();
  });

  test('every HIPAA control the cdk-nag HIPAA pack cites resolves to a specification', () => {
    const cited = packRules()
      .filter((r) => r.pack === 'HIPAA.Security')
      .flatMap((r) => r.hipaaControls);
    expect(cited.length).toBeGreaterThan(80);
    expect([...new Set(cited)].filter((c) => !resolveCitation(c))).toEqual([]);
  });
});
