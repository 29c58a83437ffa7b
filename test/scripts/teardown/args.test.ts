import { UsageError } from '../../../lib/cli/args';
import { parseArgs } from '../../../scripts/teardown/args';

const usageError = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no UsageError');
};

const DIGEST = 'ab'.repeat(32);

describe('parseArgs', () => {
  test('reads the CDK-style -c config=<file> and defaults to a plan that changes nothing', () => {
    expect(parseArgs(['-c', 'config=config/prod.json'])).toEqual({
      help: false,
      configPath: 'config/prod.json',
      execute: false,
      confirmDigest: undefined,
      exportAcknowledgement: undefined,
      keepStacks: false,
    });
  });

  test('an execution with its digest, export acknowledgement and --keep-stacks', () => {
    expect(parseArgs(['--config', 'a.json', '--execute', '--confirm', DIGEST, '--export-done', '--keep-stacks'])).toMatchObject({
      execute: true,
      confirmDigest: DIGEST,
      exportAcknowledgement: 'done',
      keepStacks: true,
    });
    expect(parseArgs(['--config', 'a.json', '--execute', `--confirm=${DIGEST.toUpperCase()}`, '--skip-export'])).toMatchObject({
      confirmDigest: DIGEST,
      exportAcknowledgement: 'skipped',
    });
  });

  test('--execute without --confirm or an export acknowledgement parses: the refusal comes after the plan is shown', () => {
    expect(parseArgs(['-c', 'config=a.json', '--execute'])).toMatchObject({
      execute: true,
      confirmDigest: undefined,
      exportAcknowledgement: undefined,
    });
  });

  test('execution flags without --execute are refused, so nobody thinks a plan run executed', () => {
    expect(usageError(['-c', 'config=a.json', '--confirm', DIGEST])).toMatch(/--confirm only means something with --execute/);
    expect(usageError(['-c', 'config=a.json', '--export-done', '--keep-stacks'])).toMatch(
      /--export-done, --keep-stacks only mean something with --execute/,
    );
  });

  test('the config is required: a teardown never falls back to the demo config', () => {
    expect(usageError(['--execute'])).toMatch(/config is required/);
  });

  test('reports every problem at once', () => {
    const message = usageError(['-c', 'stack=x', '--export-done', '--skip-export', '--execute', '--bogus', '--confirm']);
    expect(message).toMatch(/unknown context key "stack"/);
    expect(message).toMatch(/--export-done and --skip-export contradict each other/);
    expect(message).toMatch(/unknown argument "--bogus"/);
    expect(message).toMatch(/--confirm needs a value/);
    expect(message.split('\n')).toHaveLength(4);
  });

  test('two different digests are refused', () => {
    expect(usageError(['-c', 'config=a.json', '--execute', '--confirm', DIGEST, '--confirm', 'cd'.repeat(32)])).toMatch(
      /--confirm is given twice/,
    );
  });

  test('--execute takes no value (so --execute=false cannot run, or be silently ignored)', () => {
    expect(usageError(['-c', 'config=a.json', '--execute=false'])).toMatch(/--execute takes no value/);
  });
});
