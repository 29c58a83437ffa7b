/**
 * Command line of `npm run drill`. Mirrors the CDK CLI's `-c config=<file>` so the same config path
 * works for `cdk deploy` and the drill; `--config <file>` is accepted too. The config is required:
 * a drill starts a real restore, so it never falls back to the demo config. The parsing shared with
 * teardown and the report is lib/cli/args.ts.
 */
import { parseCommandLine, type ParsedCommandLine } from '../../lib/cli/args';

/** The protected resources a drill can restore (keys of RESTORE_TESTING_SELECTIONS). */
export type DrillResource = 'database' | 'documents';

export const DRILL_RESOURCES: readonly DrillResource[] = ['database', 'documents'];

/** Where the recovery point comes from: the primary vault, or the backup account's air-gapped vault (config `organization`). */
export type DrillSource = 'primary' | 'air-gapped';

export const DRILL_SOURCES: readonly DrillSource[] = ['primary', 'air-gapped'];

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
  /** The vault the recovery point is taken from. */
  readonly from: DrillSource;
}

export type ParsedArgs = ParsedCommandLine<Omit<DrillArgs, 'configPath'>>;

export const USAGE = `Usage: npm run drill -- -c config=config/<name>.json [options]

On-demand restore drill: restores the newest recovery point of a protected resource with the
overrides of the scheduled restore tests, validates the copy, records evidence, deletes the copy.

Options:
  -c, --context config=<file>   deployment config (as for cdk); or --config <file>
  --resource <what>             database (default), documents, or all (one after the other)
  --from <vault>                primary (default) or air-gapped: the backup account's vault shared with
                                this account (config organization; only one in the primary region)
  --yes                         start the restore; without it the plan is printed and nothing starts
  --keep                        keep the restored copy (prints the command that deletes it)
  --timeout-minutes <n>         give up waiting for the restore after n minutes (default 2 x RTO)
  -h, --help                    this text

Exit codes: 0 drill PASSED (or plan printed), 1 drill FAILED, 2 usage, config or credentials error.
Run with AWS credentials for the deployment's account.`;

const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = { resource: 'string', from: 'string', 'timeout-minutes': 'string', yes: 'boolean', keep: 'boolean' } as const;
  return parseCommandLine(argv, { reader: 'the drill', options }, (line, problems) => {
    let resources: DrillResource[] = ['database'];
    const resource = line.last('resource');
    if (resource !== undefined) {
      if (resource === 'all') resources = [...DRILL_RESOURCES];
      else if ((DRILL_RESOURCES as readonly string[]).includes(resource)) resources = [resource as DrillResource];
      else problems.push(`--resource must be database, documents or all (got "${resource}")`);
    }
    const from = (line.last('from') ?? 'primary') as DrillSource;
    if (!DRILL_SOURCES.includes(from)) problems.push(`--from must be primary or air-gapped (got "${from}")`);
    let timeoutMinutes: number | undefined;
    const timeout = line.last('timeout-minutes');
    if (timeout !== undefined) {
      timeoutMinutes = Number(timeout);
      if (!/^\d+$/.test(timeout) || timeoutMinutes < 1 || timeoutMinutes > MAX_TIMEOUT_MINUTES) {
        problems.push(`--timeout-minutes must be a whole number of minutes from 1 to ${MAX_TIMEOUT_MINUTES}`);
      }
    }
    return { resources, yes: line.has('yes'), keep: line.has('keep'), timeoutMinutes, from };
  });
}
