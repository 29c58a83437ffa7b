import { parseCommandLine, UsageError, type CommandLine } from '../../lib/cli/args';

/** A tool with one option of each kind, that returns what it read. */
const OPTIONS = { label: 'string', force: 'boolean' } as const;
type Option = keyof typeof OPTIONS;
const read = (line: CommandLine<Option>) => ({
  labels: line.values('label'),
  label: line.last('label'),
  force: line.has('force'),
});

const parse = (argv: string[], defaultConfigPath?: string) =>
  parseCommandLine(argv, { reader: 'the tool', options: OPTIONS, defaultConfigPath }, read);

const problems = (argv: string[], defaultConfigPath?: string) => {
  try {
    parse(argv, defaultConfigPath);
  } catch (e) {
    if (e instanceof UsageError) return e.message.split('\n');
    throw e;
  }
  throw new Error('no UsageError');
};

describe('parseCommandLine', () => {
  test.each([
    [['-c', 'config=a.json']],
    [['--context', 'config=a.json']],
    [['--context=config=a.json']],
    [['--config', 'a.json']],
    [['--config=a.json']],
    [['-c', 'config=a.json', '--config', 'a.json']],
  ])('reads the config from %j', (argv) => {
    expect(parse(argv)).toEqual({ help: false, configPath: 'a.json', labels: [], label: undefined, force: false });
  });

  test("hands the tool its options' values in order, and its flags", () => {
    expect(parse(['--config', 'a.json', '--label', 'x', '--force', '--label=y'])).toMatchObject({
      labels: ['x', 'y'],
      label: 'y',
      force: true,
    });
  });

  test('without a default the config is required; with one it is used', () => {
    expect(problems(['--force'])).toEqual(['the deployment config is required: -c config=config/<name>.json']);
    expect(parse([], 'config/demo.json')).toMatchObject({ configPath: 'config/demo.json' });
  });

  test('a config flag with a wrong value does not also say the config is missing', () => {
    expect(problems(['--config='])).toEqual(['--config needs a file path']);
    expect(problems(['-c', 'config='])).toEqual(['-c config= needs a file path']);
  });

  test('only the config context key is read: other keys are typos or mean something to the CDK app only', () => {
    expect(problems(['-c', 'stage=prod'])).toEqual(['unknown context key "stage": the tool reads only config=<file>']);
    expect(problems(['--context', 'config'])).toEqual(['--context needs key=value, e.g. --context config=config/demo.json']);
  });

  test('two different config files are refused', () => {
    expect(problems(['-c', 'config=a.json', '--config', 'b.json'])).toEqual(['the config is given twice, with different files']);
  });

  test('unknown options and positionals are refused as given', () => {
    expect(problems(['--config', 'a.json', '--bogus=1', 'extra', '-x', '--', '-c'])).toEqual([
      'unknown argument "--bogus=1"',
      'unknown argument "extra"',
      'unknown argument "-x"',
      'unknown argument "--"',
      'unknown argument "-c"',
    ]);
  });

  test('a flag takes no value, so --force=false can never be read as --force', () => {
    expect(problems(['--config', 'a.json', '--force=false'])).toEqual(['--force takes no value']);
  });

  test('an option missing its value does not swallow the next flag', () => {
    expect(problems(['--config', '--force', '--label'])).toEqual(['--config needs a value', '--label needs a value']);
    expect(problems(['-c', '--label', 'x'])).toEqual(['-c needs a value']);
    let forced: boolean | undefined;
    expect(() =>
      parseCommandLine(['--config=a.json', '--label', '--force'], { reader: 'the tool', options: OPTIONS }, (line) => {
        forced = line.has('force');
      }),
    ).toThrow('--label needs a value');
    expect(forced).toBe(true);
  });

  test("reports every problem at once, in the order given, then the tool's own", () => {
    const tool = { reader: 'the tool', options: OPTIONS };
    expect(() =>
      parseCommandLine(['--verbose', '-c', 'stage=prod', '--label'], tool, (_line, found) => {
        found.push('a problem of the tool');
      }),
    ).toThrow(
      new UsageError(
        [
          'unknown argument "--verbose"',
          'unknown context key "stage": the tool reads only config=<file>',
          '--label needs a value',
          'a problem of the tool',
        ].join('\n'),
      ),
    );
  });

  test('--help and -h win over everything else', () => {
    expect(parse(['--bogus', '--help'])).toEqual({ help: true });
    expect(parse(['--config', '-h'])).toEqual({ help: true });
  });

  test('a tool option may not shadow a common one', () => {
    expect(() => parseCommandLine([], { reader: 'the tool', options: { config: 'boolean' } }, () => ({}))).toThrow(
      /--config is a common option/,
    );
  });
});
