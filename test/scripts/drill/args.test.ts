import { UsageError } from '../../../lib/cli/args';
import { parseArgs } from '../../../scripts/drill/args';

const usageError = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no UsageError');
};

describe('parseArgs', () => {
  test('reads the CDK-style -c config=<file> and defaults to a dry run of the database', () => {
    expect(parseArgs(['-c', 'config=config/prod.json'])).toEqual({
      help: false,
      configPath: 'config/prod.json',
      resources: ['database'],
      yes: false,
      keep: false,
      timeoutMinutes: undefined,
      from: 'primary',
    });
  });

  test('--from air-gapped takes the recovery point from the backup account vault; anything else is refused', () => {
    expect(parseArgs(['-c', 'config=a.json', '--from', 'air-gapped'])).toMatchObject({ from: 'air-gapped' });
    expect(usageError(['-c', 'config=a.json', '--from', 'dr'])).toMatch(/--from must be primary or air-gapped \(got "dr"\)/);
  });

  test('--resource all runs the database, then the documents', () => {
    expect(parseArgs(['-c', 'config=a.json', '--resource', 'all'])).toMatchObject({ resources: ['database', 'documents'] });
    expect(parseArgs(['-c', 'config=a.json', '--resource=documents'])).toMatchObject({ resources: ['documents'] });
  });

  test('--yes, --keep and --timeout-minutes', () => {
    expect(parseArgs(['--config', 'a.json', '--yes', '--keep', '--timeout-minutes', '90'])).toMatchObject({
      yes: true,
      keep: true,
      timeoutMinutes: 90,
    });
  });

  test('the config is required: a real restore never falls back to the demo config', () => {
    expect(usageError(['--yes'])).toMatch(/config is required/);
  });

  test('reports every problem at once', () => {
    const message = usageError(['-c', 'stack=x', '--resource', 'tables', '--timeout-minutes', '0', '--bogus']);
    expect(message).toMatch(/unknown context key "stack"/);
    expect(message).toMatch(/--resource must be database, documents or all \(got "tables"\)/);
    expect(message).toMatch(/--timeout-minutes must be a whole number/);
    expect(message).toMatch(/unknown argument "--bogus"/);
  });

  test('--yes takes no value (so --yes=false cannot start a restore by surprise)', () => {
    expect(usageError(['-c', 'config=a.json', '--yes=false'])).toMatch(/--yes takes no value/);
  });
});
