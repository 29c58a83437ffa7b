/**
 * Command line of `npm run teardown`. Mirrors the CDK CLI's `-c config=<file>` (as the drill does); the
 * config is required: a teardown never falls back to the demo config.
 *
 * Flags that only mean something to an execution (`--confirm`, `--export-done`, `--skip-export`,
 * `--keep-stacks`) are refused without `--execute`, so nobody believes they ran an erasure when only a
 * plan was printed. A missing `--confirm` or export acknowledgement WITH `--execute` is not a usage
 * error: the plan is still printed (it carries the digest to confirm) and then the execution is refused.
 * The parsing shared with the drill and the report is lib/cli/args.ts.
 */
import { parseCommandLine, type ParsedCommandLine } from '../../lib/cli/args';

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
  /** Two-person rule: approve this erasure request (with `--confirm <digest>`), as the second person. */
  readonly approveRequest?: string;
}

export type ParsedArgs = ParsedCommandLine<Omit<TeardownArgs, 'configPath'>>;

export const USAGE = `Usage: npm run teardown -- -c config=config/<name>.json [--execute --confirm <digest> --export-done|--skip-export [--keep-stacks]]
       npm run teardown -- -c config=config/<name>.json --approve <request> --confirm <digest>

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
  --approve <request>           two-person rule: approve another person's erasure request, with
                                --confirm <digest> of the plan you reviewed (the approver role only)
  -h, --help                    this text

Exit codes: 0 plan printed, or the erasure reached its certificate (and the App stack is deleted, or
kept with --keep-stacks); 1 the erasure or the stack deletion failed or was interrupted (the output says
exactly what was and was not done); 2 usage, config or credentials error, or a refusal: nothing was
changed. Run with AWS credentials for the deployment's account.`;

const EXECUTE_ONLY = ['confirm', 'export-done', 'skip-export', 'keep-stacks'] as const;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = {
    execute: 'boolean',
    confirm: 'string',
    'export-done': 'boolean',
    'skip-export': 'boolean',
    'keep-stacks': 'boolean',
    approve: 'string',
  } as const;
  return parseCommandLine(argv, { reader: 'teardown', options }, (line, problems) => {
    const digests = new Set(line.values('confirm'));
    if (digests.size > 1) problems.push('--confirm is given twice, with different digests');
    const execute = line.has('execute');
    const approveRequest = line.last('approve')?.trim();
    if (line.has('approve')) {
      if (execute) problems.push("--approve and --execute are two people's steps: give one");
      if (!approveRequest) problems.push('--approve needs the request ID');
      if (!line.has('confirm')) problems.push('--approve needs --confirm <digest> of the plan you reviewed');
      const other = EXECUTE_ONLY.filter((f) => f !== 'confirm' && line.has(f)).map((f) => `--${f}`);
      if (other.length > 0)
        problems.push(`${other.join(', ')} only mean${other.length === 1 ? 's' : ''} something with --execute`);
    } else if (!execute) {
      const orphans = EXECUTE_ONLY.filter((f) => line.has(f)).map((f) => `--${f}`);
      if (orphans.length > 0) {
        problems.push(
          `${orphans.join(', ')} only mean${orphans.length === 1 ? 's' : ''} something with --execute (nothing was run)`,
        );
      }
    }
    if (line.has('export-done') && line.has('skip-export')) {
      problems.push('--export-done and --skip-export contradict each other: give one');
    }
    return {
      execute,
      confirmDigest: line.last('confirm')?.trim().toLowerCase(),
      exportAcknowledgement: line.has('export-done') ? 'done' : line.has('skip-export') ? 'skipped' : undefined,
      keepStacks: line.has('keep-stacks'),
      ...(approveRequest ? { approveRequest } : {}),
    } as const;
  });
}
