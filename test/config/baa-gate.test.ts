import { baaGateIssues } from '../../lib/config/baa-gate';
import { ConfigError, parseConfig } from '../../lib/config/load';
import { rawConfig } from '../helpers/config';

describe('BAA gate (HIPAA 164.308(b))', () => {
  const production = rawConfig('config/production.example.json');

  test('a PHI deployment without a BAA record is refused with a message that says why', () => {
    const withoutBaa = { ...production, baa: undefined };
    expect(() => parseConfig(withoutBaa)).toThrow(ConfigError);
    expect(() => parseConfig(withoutBaa)).toThrow(
      /baa: this deployment is marked holdsPhi: true but records no executed Business Associate Agreement\. HIPAA \(45 CFR 164\.308\(b\)\) requires a BAA/,
    );
  });

  test('a BAA record needs both its reference and its execution date', () => {
    expect(() => parseConfig({ ...production, baa: { executedOn: '2026-01-15' } })).toThrow(/baa\.reference: /);
    expect(() => parseConfig({ ...production, baa: { reference: 'AWS-BAA-1' } })).toThrow(/baa\.executedOn: /);
    expect(() => parseConfig({ ...production, baa: { reference: 'AWS-BAA-1', executedOn: '2026-02-30' } })).toThrow(
      /baa\.executedOn: is not a real calendar date/,
    );
  });

  test('a BAA dated in the future does not count yet', () => {
    expect(
      baaGateIssues({ holdsPhi: true, baa: { reference: 'R', executedOn: '2027-01-02' } }, new Date('2027-01-01T12:00:00Z')),
    ).toEqual([{ path: ['baa', 'executedOn'], message: expect.stringMatching(/is in the future \(2027-01-02\)/) }]);
    expect(
      baaGateIssues({ holdsPhi: true, baa: { reference: 'R', executedOn: '2027-01-01' } }, new Date('2027-01-01T12:00:00Z')),
    ).toEqual([]);
  });

  test('a deployment that holds no PHI needs no BAA, and one with a BAA passes', () => {
    expect(baaGateIssues({ holdsPhi: false })).toEqual([]);
    expect(parseConfig(production).baa).toEqual({
      reference: 'AWS-BAA-ARTIFACT-EXAMPLE-0001',
      executedOn: '2026-01-15',
      counterparty: 'Amazon Web Services, Inc.',
    });
  });
});
