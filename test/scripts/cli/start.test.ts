import { ConfigError } from '../../../lib/config/load';
import type { DeploymentConfig } from '../../../lib/config/schema';
import { UsageError } from '../../../lib/cli/args';
import { describeError, START_EXIT, startRun, type StartDeps } from '../../../scripts/cli/start';
import { demoConfig } from '../drill/fixtures';

const ACCOUNT = '111122223333';
const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/alice`;

interface ToolArgs {
  readonly configPath: string;
  readonly verbose: boolean;
}

const command = {
  name: 'the tool',
  usage: 'Usage: npm run tool',
  parseArgs: (argv: readonly string[]) => {
    if (argv.includes('--help')) return { help: true } as const;
    if (argv.includes('--bogus')) throw new UsageError('unknown argument "--bogus"');
    return { help: false, configPath: 'config/demo.json', verbose: argv.includes('--verbose') } as const;
  },
};

function deps(overrides: Partial<StartDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: string[] = [];
  const result = {
    callerIdentity: async (region: string) => {
      regions.push(region);
      return { account: ACCOUNT, arn: CALLER_ARN };
    },
    loadConfig: (): DeploymentConfig => demoConfig(),
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
    ...overrides,
  };
  return { ...result, stdout: () => out.join('\n'), stderr: () => err.join('\n'), regions };
}

const mustNotLoad = (): DeploymentConfig => {
  throw new Error('the config must not be read');
};

describe('startRun', () => {
  test('hands over the arguments, the config and the caller, and prints who runs it where', async () => {
    const d = deps();
    const started = await startRun<ToolArgs>(['--verbose'], command, d);
    expect(started).toEqual({
      args: { help: false, configPath: 'config/demo.json', verbose: true },
      config: demoConfig(),
      identity: { account: ACCOUNT, arn: CALLER_ARN },
      region: 'us-east-1',
    });
    expect(d.regions).toEqual(['us-east-1']);
    expect(d.stdout()).toBe(`Caller ${CALLER_ARN}, account ${ACCOUNT}, region us-east-1.`);
    expect(d.stderr()).toBe('');
  });

  test('--help prints the usage, exit 0, and reads no config', async () => {
    const d = deps({ loadConfig: mustNotLoad });
    expect(await startRun<ToolArgs>(['--help'], command, d)).toEqual({ exitCode: START_EXIT.help });
    expect(d.stdout()).toBe('Usage: npm run tool');
  });

  test('bad arguments print the problems and the usage, exit 2', async () => {
    const d = deps({ loadConfig: mustNotLoad });
    expect(await startRun<ToolArgs>(['--bogus'], command, d)).toEqual({ exitCode: START_EXIT.refused });
    expect(d.stderr()).toBe('unknown argument "--bogus"\n\nUsage: npm run tool');
  });

  test('a config with problems lists them all, exit 2, before any AWS call', async () => {
    const d = deps({
      loadConfig: () => {
        throw new ConfigError('config/bad.json', ['name: too short', 'regions.dr: must differ']);
      },
    });
    expect(await startRun<ToolArgs>([], command, d)).toEqual({ exitCode: START_EXIT.refused });
    expect(d.stderr()).toMatch(/has 2 problems:\n {2}- name: too short\n {2}- regions.dr: must differ/);
    expect(d.regions).toEqual([]);
  });

  test('no usable credentials: one line that says what to do, exit 2', async () => {
    const d = deps({
      callerIdentity: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      },
    });
    expect(await startRun<ToolArgs>([], command, d)).toEqual({ exitCode: START_EXIT.refused });
    expect(d.stderr()).toBe(
      'Cannot tell whose AWS credentials these are (STS GetCallerIdentity in us-east-1): CredentialsProviderError: Could not load credentials from any providers. ' +
        'Run the tool with credentials for the account of deployment crm-demo (for example AWS_PROFILE=<profile> after aws sso login).',
    );
    expect(d.stdout()).toBe('');
  });

  test('credentials of another account than the config pins are refused, exit 2', async () => {
    const d = deps({ loadConfig: () => demoConfig({ account: '999988887777' }) });
    expect(await startRun<ToolArgs>([], command, d)).toEqual({ exitCode: START_EXIT.refused });
    expect(d.stderr()).toBe(
      'Refusing to run: the credentials are for account 111122223333, but config/demo.json pins deployment crm-demo to account 999988887777.',
    );
    expect(d.stdout()).toBe('');
  });

  test('errors other than usage and config errors are not swallowed', async () => {
    const d = deps({
      loadConfig: () => {
        throw new Error('disk on fire');
      },
    });
    await expect(startRun<ToolArgs>([], command, d)).rejects.toThrow('disk on fire');
  });
});

describe('describeError', () => {
  test('name and message, never a stack', () => {
    expect(describeError(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))).toBe(
      'AccessDeniedException: denied',
    );
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('a string')).toBe('a string');
  });
});
