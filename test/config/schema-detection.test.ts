import { configSchema } from '../../lib/config/schema';
import { rawConfig } from '../helpers/config';

/** The issues of a config whose `detection` block is `detection`, by path. */
function issues(detection: Record<string, unknown>): Record<string, string> {
  const result = configSchema.safeParse({ ...rawConfig(), detection });
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]));
}
const recordId = (r: Record<string, unknown>) => issues({ macieRecordIdentifier: r });

describe('config detection: Inspector and Macie', () => {
  test('both on by default, with an MRN-like record identifier found next to its keywords', () => {
    const { detection } = configSchema.parse(rawConfig());
    expect(detection).toMatchObject({ inspector: true, macie: true });
    expect(detection.macieRecordIdentifier).toEqual({
      regex: '[0-9]{6,10}',
      keywords: ['MRN', 'medical record', 'record number', 'patient id', 'chart number'],
      maximumMatchDistance: 50,
    });
    expect(new RegExp(detection.macieRecordIdentifier.regex).test('MRN 00123456')).toBe(true);
  });

  test('a configured record identifier is taken as given', () => {
    const { detection } = configSchema.parse({
      ...rawConfig(),
      detection: { macie: true, macieRecordIdentifier: { regex: 'CRM-[0-9]{7}', keywords: ['chart'], maximumMatchDistance: 10 } },
    });
    expect(detection.macieRecordIdentifier).toEqual({ regex: 'CRM-[0-9]{7}', keywords: ['chart'], maximumMatchDistance: 10 });
  });

  test.each([
    [{ regex: '([0-9' }, 'detection.macieRecordIdentifier.regex', /not a valid regular expression/],
    [{ regex: '[0-9]*' }, 'detection.macieRecordIdentifier.regex', /empty string/],
    [{ regex: 'x'.repeat(513) }, 'detection.macieRecordIdentifier.regex', /at most 512/],
    [{ keywords: [] }, 'detection.macieRecordIdentifier.keywords', /.+/],
    [{ keywords: ['ab'] }, 'detection.macieRecordIdentifier.keywords.0', /.+/],
    [{ maximumMatchDistance: 301 }, 'detection.macieRecordIdentifier.maximumMatchDistance', /.+/],
    [{ unknown: 1 }, 'detection.macieRecordIdentifier', /.+/],
  ])('refuses %j (Macie would, or it matches everything)', (value, path, message) => {
    expect(recordId(value)[path]).toMatch(message);
  });

  test('the toggles are booleans', () => {
    expect(issues({ inspector: 'yes' })['detection.inspector']).toBeDefined();
    expect(issues({ macie: 1 })['detection.macie']).toBeDefined();
  });
});
