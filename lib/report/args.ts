/**
 * Command line of `npm run report`. Mirrors the CDK CLI's `-c config=<file>` (as the drill and the
 * teardown do). Unlike them it reads nothing from AWS, so the config defaults to the demo config,
 * as `npm run synth` does.
 */
import * as path from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load';

export interface ReportArgs {
  readonly configPath: string;
  readonly assemblyDir: string;
  readonly outDir: string;
}

export type ParsedArgs = { readonly help: true } | ({ readonly help: false } & ReportArgs);

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

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

/** `--flag=value` to [flag, value]; `-c` and other short flags are never split. */
function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** Parses the arguments after `--` (process.argv.slice(2)); throws UsageError with every problem found. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const problems: string[] = [];
  let configPath: string | undefined;
  let assemblyDir: string | undefined;
  let outDir: string | undefined;

  const setConfig = (value: string | undefined, flag: string) => {
    if (value === undefined) return; // already reported
    if (!value) problems.push(`${flag} needs a file path`);
    else if (configPath !== undefined && configPath !== value) problems.push('the config is given twice, with different files');
    else configPath = value;
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
      case '--context': {
        const pair = value();
        if (pair === undefined) break;
        const match = /^([^=]+)=(.*)$/.exec(pair);
        if (!match) problems.push(`${flag} needs key=value, e.g. ${flag} config=config/demo.json`);
        // Other context keys mean something to the CDK app only; ignoring them would hide a typo.
        else if (match[1] !== 'config') problems.push(`unknown context key "${match[1]}": the report reads only config=<file>`);
        else setConfig(match[2], `${flag} config=`);
        break;
      }
      case '--config':
        setConfig(value(), flag);
        break;
      case '--assembly':
        assemblyDir = value() ?? assemblyDir;
        break;
      case '--out':
        outDir = value() ?? outDir;
        break;
      default:
        problems.push(`unknown argument "${arg}"`);
    }
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  const assembly = assemblyDir ?? DEFAULT_ASSEMBLY_DIR;
  return {
    help: false,
    configPath: configPath ?? DEFAULT_CONFIG_PATH,
    assemblyDir: assembly,
    outDir: outDir ?? path.join(assembly, 'report'),
  };
}
