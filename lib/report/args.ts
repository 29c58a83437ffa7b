/**
 * Command line of `npm run report`. Mirrors the CDK CLI's `-c config=<file>` (as the drill and the
 * teardown do). Unlike them it reads nothing from AWS, so the config defaults to the demo config,
 * as `npm run synth` does. The parsing shared with the drill and the teardown is lib/cli/args.ts.
 */
import * as path from 'node:path';
import { parseCommandLine, type ParsedCommandLine } from '../cli/args';
import { DEFAULT_CONFIG_PATH } from '../config/load';

export interface ReportArgs {
  readonly configPath: string;
  readonly assemblyDir: string;
  readonly outDir: string;
}

export type ParsedArgs = ParsedCommandLine<Omit<ReportArgs, 'configPath'>>;

export const DEFAULT_ASSEMBLY_DIR = 'cdk.out';

export const USAGE = `Usage: npm run report -- [-c config=<file>] [--assembly <dir>] [--out <dir>]

Writes hipaa-report.md and hipaa-report.html: every HIPAA Security Rule specification with who is
responsible, the resources that implement it, the checks that verify it and the acknowledged
exceptions, plus the role matrix, data classification, retention, BAA and integrations.

Options:
  -c, --context config=<file>   deployment config (default ${DEFAULT_CONFIG_PATH}); or --config <file>
  --assembly <dir>              synthesized cloud assembly (default ${DEFAULT_ASSEMBLY_DIR}; run npm run synth first).
                                For the production example: npm run synth:production-example, then
                                -c config=config/production.example.json --assembly cdk.out.production-example
  --out <dir>                   where to write the report (default <assembly>/report)
  -h, --help                    this text

Exit codes: 0 report written, 1 report written but the assembly has open findings, 2 usage, config or assembly error.`;

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = { assembly: 'string', out: 'string' } as const;
  return parseCommandLine(argv, { reader: 'the report', options, defaultConfigPath: DEFAULT_CONFIG_PATH }, (line) => {
    const assemblyDir = line.last('assembly') ?? DEFAULT_ASSEMBLY_DIR;
    return { assemblyDir, outDir: line.last('out') ?? path.join(assemblyDir, 'report') };
  });
}
