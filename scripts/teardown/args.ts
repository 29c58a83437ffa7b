/**
 * Command line of `npm run teardown`. Mirrors the CDK CLI's `-c config=<file>` (as the drill does); the
 * config is required: a teardown never falls back to the demo config.
 *
 * Flags that only mean something to an execution (`--confirm`, `--export-done`, `--skip-export`,
 * `--keep-stacks`) are refused without `--execute`, so nobody believes they ran an erasure when only a
 * plan was printed. A missing `--confirm` or export acknowledgement WITH `--execute` is not a usage
 * error: the plan is still printed (it carries the digest to confirm) and then the execution is refused.
 */

export interface TeardownArgs {
  readonly configPath: string;
  /** Without it the plan is printed and nothing is changed. */
  readonly execute: boolean;
  /** The plan digest the operator confirms (lowercase hex as given; checked against the fresh plan). */
  readonly confirmDigest?: string;
  /** `done`: the customer's export is finished; `skipped`: the customer declined it (in writing). */
  readonly exportAcknowledgement?: 'done' | 'skipped';
  /** Leave the App stack in place after the certificate. */
  readonly keepStacks: boolean;
}

export type ParsedArgs = { readonly help: true } | ({ readonly help: false } & TeardownArgs);

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: npm run teardown -- -c config=config/<name>.json [--execute --confirm <digest> --export-done|--skip-export [--keep-stacks]]

Contract-end teardown: crypto-erasure of every copy of the PHI (the phi, backup and DR keys are disabled
and scheduled for deletion; a signed certificate of destruction is written to the write-once audit
bucket), then deletion of the stateless App stack. Without --execute it prints the plan (keys, what
each protects, what remains and until when, the digest, the export step) and changes nothing.

Options:
  -c, --context config=<file>   deployment config (as for cdk); or --config <file>
  --execute                     run the erasure; needs --confirm and --export-done or --skip-export
  --confirm <digest>            the digest of the plan you reviewed; refused unless it equals the
                                digest of the plan made now
  --export-done                 the customer's data export is finished (see the export step)
  --skip-export                 the customer declined the export (keep their written decision)
  --keep-stacks                 do not delete the App stack after the certificate
  -h, --help                    this text

Exit codes: 0 plan printed, or the erasure reached its certificate (and the App stack is deleted, or
kept with --keep-stacks); 1 the erasure or the stack deletion failed or was interrupted (the output says
exactly what was and was not done); 2 usage, config or credentials error, or a refusal: nothing was
changed. Run with AWS credentials for the deployment's account.`;

const EXECUTE_ONLY = ['--confirm', '--export-done', '--skip-export', '--keep-stacks'] as const;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const problems: string[] = [];
  let configPath: string | undefined;
  let configFlagSeen = false;
  let confirmDigest: string | undefined;
  const flags = new Set<string>();

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
    else if (match[1] !== 'config') problems.push(`unknown context key "${match[1]}": teardown reads only config=<file>`);
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
      case '--confirm': {
        flags.add(flag);
        const digest = value();
        if (digest === undefined) break;
        if (confirmDigest !== undefined && confirmDigest !== digest)
          problems.push('--confirm is given twice, with different digests');
        else confirmDigest = digest;
        break;
      }
      case '--execute':
      case '--export-done':
      case '--skip-export':
      case '--keep-stacks':
        // --execute=false must not execute, and must not be silently read as --execute either.
        if (inline !== undefined) problems.push(`${flag} takes no value`);
        else flags.add(flag);
        break;
      default:
        problems.push(`unknown argument "${arg}"`);
    }
  }

  if (configPath === undefined && !configFlagSeen) {
    problems.push('the deployment config is required: -c config=config/<name>.json');
  }
  const execute = flags.has('--execute');
  if (!execute) {
    const orphans = EXECUTE_ONLY.filter((f) => flags.has(f));
    if (orphans.length > 0) {
      problems.push(
        `${orphans.join(', ')} only mean${orphans.length === 1 ? 's' : ''} something with --execute (nothing was run)`,
      );
    }
  }
  if (flags.has('--export-done') && flags.has('--skip-export')) {
    problems.push('--export-done and --skip-export contradict each other: give one');
  }
  if (problems.length > 0 || configPath === undefined) throw new UsageError(problems.join('\n'));
  return {
    help: false,
    configPath,
    execute,
    confirmDigest: confirmDigest?.trim().toLowerCase(),
    exportAcknowledgement: flags.has('--export-done') ? 'done' : flags.has('--skip-export') ? 'skipped' : undefined,
    keepStacks: flags.has('--keep-stacks'),
  };
}

/** `--flag=value` to [flag, value]; `-c` and other short flags are never split. */
function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
