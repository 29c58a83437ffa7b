import { integrationsSchema } from '../../lib/config/schema-integrations';

const clearinghouse = {
  name: 'Clearinghouse',
  purpose: 'Claims',
  fieldsShared: ['patient name', 'member ID'],
  receivesPhi: true,
  baa: { inPlace: true, reference: 'BAA-1', executedOn: '2026-01-02' },
  riskRating: 'medium',
  lastReviewed: '2026-10-01',
};

const messages = (value: unknown) => {
  const result = integrationsSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('integration inventory', () => {
  test('an empty inventory is the default, and a complete PHI integration with a BAA passes', () => {
    expect(integrationsSchema.parse(undefined)).toEqual([]);
    expect(messages([clearinghouse])).toEqual([]);
  });

  test('PHI without a BAA is refused, naming the integration and the HIPAA rule', () => {
    expect(messages([{ ...clearinghouse, baa: { inPlace: false } }])).toEqual([
      expect.stringMatching(
        /^0\.baa\.inPlace: "Clearinghouse" receives PHI but has no Business Associate Agreement.*164\.308\(b\)\(1\)/,
      ),
    ]);
  });

  test('no PHI needs no BAA', () => {
    expect(messages([{ ...clearinghouse, receivesPhi: false, baa: { inPlace: false } }])).toEqual([]);
  });

  test('a BAA in place must say where it is filed', () => {
    expect(messages([{ ...clearinghouse, baa: { inPlace: true } }])).toEqual([
      '0.baa.reference: is required when the BAA is in place: say where the executed agreement is filed',
    ]);
  });

  test('every problem of an entry at once: bad date, unknown risk, nothing shared', () => {
    const problems = messages([
      clearinghouse,
      { ...clearinghouse, name: 'Other', lastReviewed: '2026-02-30', riskRating: 'severe', fieldsShared: [] },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^1\.fieldsShared: must list at least one field/),
      expect.stringMatching(/^1\.riskRating: /),
      '1.lastReviewed: is not a real calendar date',
    ]);
  });

  test('the same integration twice is refused, whatever the case of its name', () => {
    expect(messages([clearinghouse, { ...clearinghouse, name: 'clearinghouse' }])).toEqual([
      '1.name: "clearinghouse" is listed twice',
    ]);
  });
});
