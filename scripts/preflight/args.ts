/**
 * Command line of `npm run preflight`. Mirrors the CDK CLI's `-c config=<file>` so the same config path
 * works for the preflight and `cdk deploy`; `--config <file>` is accepted too. The config is required:
 * the checks are about one deployment in one account. The parsing shared with the other tools is
 * lib/cli/args.ts.
 */
import { parseCommandLine, type ParsedCommandLine } from '../../lib/cli/args';

export type ParsedArgs = ParsedCommandLine<object>;

export const USAGE = `Usage: npm run preflight -- -c config=config/<name>.json

Read-only checks of the target account and both regions of the deployment before its first deploy:
credentials, CDK bootstrap, AWS Backup opt-in, Lambda concurrency, detective services, domain, database
engine, sign-in domain prefix, quotas, and leftovers of earlier attempts. Each line says PASS, WARN or
FAIL with the command that fixes it. Writes nothing to AWS.

Options:
  -c, --context config=<file>   deployment config (as for cdk); or --config <file>
  -h, --help                    this text

Exit codes: 0 no FAIL (warnings allowed), 1 at least one FAIL, 2 usage or config error.
Run with AWS credentials for the deployment's account (read-only access is enough, e.g. ReadOnlyAccess).`;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  return parseCommandLine(argv, { reader: 'the preflight', options: {} }, () => ({}));
}
