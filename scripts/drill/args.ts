/**
 * Command line of `npm run drill`. Mirrors the CDK CLI's `-c config=<file>` so the same config path
 * works for `cdk deploy` and the drill; `--config <file>` is accepted too. The config is required:
 * a drill starts a real restore, so it never falls back to the demo config.
 */

/** The protected resources a drill can restore (keys of RESTORE_TESTING_SELECTIONS). */
export type DrillResource = 'database' | 'documents';

export const DRILL_RESOURCES: readonly DrillResource[] = ['database', 'documents'];

export interface DrillArgs {
  readonly configPath: string;
  /** In the order they run; `all` is database then documents. */
  readonly resources: readonly DrillResource[];
  /** Without it the drill prints its plan and starts nothing. */
  readonly yes: boolean;
  /** Skip deleting the restored copy (the manual command is printed instead). */
  readonly keep: boolean;
  /** Restore timeout; `undefined` means 2 x the configured RTO. */
  readonly timeoutMinutes?: number;
}

export type ParsedArgs = { readonly help: true } | ({ readonly help: false } & DrillArgs);

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: npm run drill -- -c config=config/<name>.json [options]

On-demand restore drill: restores the newest recovery point of a protected resource with the
overrides of the scheduled restore tests, validates the copy, records evidence, deletes the copy.

Options:
  -c, --context config=<file>   deployment config (as for cdk); or --config <file>
  --resource <what>             database (default), documents, or all (one after the other)
  --yes                         start the restore; without it the plan is printed and nothing starts
  --keep                        keep the restored copy (prints the command that deletes it)
  --timeout-minutes <n>         give up waiting for the restore after n minutes (default 2 x RTO)
  -h, --help                    this text

Exit codes: 0 drill PASSED (or plan printed), 1 drill FAILED, 2 usage, config or credentials error.
Run with AWS credentials for the deployment's account.`;

const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const problems: string[] = [];
  let configPath: string | undefined;
  let resource: string | undefined;
  let timeout: string | undefined;
  let yes = false;
  let keep = false;
  let configFlagSeen = false;

  const setConfig = (value: string | undefined, flag: string) => {
    configFlagSeen = true;
    if (value === undefined) return; // already reported
    if (!value) problems.push(`${flag} needs a file path`);
    else if (configPath !== undefined && configPath !== value) problems.push('the config is given twice, with different files');
    else configPath = value;
  };
  const setContext = (pair: string | undefined, flag: string) => {
    configFlagSeen = true;
    if (pair === undefined) return; // already reported
    const match = /^([^=]+)=(.*)$/.exec(pair);
    if (!match) problems.push(`${flag} needs key=value, e.g. ${flag} config=config/demo.json`);
    // Other context keys mean something to the CDK app only; ignoring them would hide a typo.
    else if (match[1] !== 'config') problems.push(`unknown context key "${match[1]}": the drill reads only config=<file>`);
    else setConfig(match[2], `${flag} config=`);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = splitInline(arg);
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) {
        problems.push(`${flag} needs a value`);
        return undefined;
      }
      i++;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { help: true };
      case '-c':
      case '--context':
        setContext(value(), flag);
        break;
      case '--config':
        setConfig(value(), flag);
        break;
      case '--resource':
        resource = value() ?? resource;
        break;
      case '--timeout-minutes':
        timeout = value() ?? timeout;
        break;
      case '--yes':
      case '--keep':
        if (inline !== undefined) problems.push(`${flag} takes no value`);
        else if (flag === '--yes') yes = true;
        else keep = true;
        break;
      default:
        problems.push(`unknown argument "${arg}"`);
    }
  }

  if (configPath === undefined && !configFlagSeen) {
    problems.push('the deployment config is required: -c config=config/<name>.json');
  }
  let resources: DrillResource[] = ['database'];
  if (resource !== undefined) {
    if (resource === 'all') resources = [...DRILL_RESOURCES];
    else if ((DRILL_RESOURCES as readonly string[]).includes(resource)) resources = [resource as DrillResource];
    else problems.push(`--resource must be database, documents or all (got "${resource}")`);
  }
  let timeoutMinutes: number | undefined;
  if (timeout !== undefined) {
    timeoutMinutes = Number(timeout);
    if (!/^\d+$/.test(timeout) || timeoutMinutes < 1 || timeoutMinutes > MAX_TIMEOUT_MINUTES) {
      problems.push(`--timeout-minutes must be a whole number of minutes from 1 to ${MAX_TIMEOUT_MINUTES}`);
    }
  }
  if (problems.length > 0 || configPath === undefined) throw new UsageError(problems.join('\n'));
  return { help: false, configPath, resources, yes, keep, timeoutMinutes };
}

/** `--flag=value` to [flag, value]; `-c` and other short flags are never split. */
function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
