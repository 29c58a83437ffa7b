import { UsageError } from '../../lib/cli/args';
import { parseArgs } from '../../lib/report/args';

describe('parseArgs', () => {
  test('defaults to the demo config and cdk.out, writing into cdk.out/report', () => {
    expect(parseArgs([])).toEqual({
      help: false,
      configPath: 'config/demo.json',
      assemblyDir: 'cdk.out',
      outDir: 'cdk.out/report',
    });
  });

  test('reads the config as the CDK CLI takes it, and the assembly and output directories', () => {
    expect(parseArgs(['-c', 'config=config/production.example.json', '--assembly', 'cdk.out.production-example'])).toEqual({
      help: false,
      configPath: 'config/production.example.json',
      assemblyDir: 'cdk.out.production-example',
      outDir: 'cdk.out.production-example/report',
    });
    expect(parseArgs(['--config=config/x.json', '--assembly=a', '--out=o'])).toEqual({
      help: false,
      configPath: 'config/x.json',
      assemblyDir: 'a',
      outDir: 'o',
    });
  });

  test('refuses unknown arguments, other context keys and missing values, all at once', () => {
    expect(() => parseArgs(['--verbose', '-c', 'stage=prod', '--out'])).toThrow(UsageError);
    try {
      parseArgs(['--verbose', '-c', 'stage=prod', '--out']);
    } catch (e) {
      expect((e as Error).message.split('\n')).toEqual([
        'unknown argument "--verbose"',
        'unknown context key "stage": the report reads only config=<file>',
        '--out needs a value',
      ]);
    }
  });
});
