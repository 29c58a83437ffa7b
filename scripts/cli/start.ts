/**
 * The start shared by `npm run drill` and `npm run teardown`, fail-closed: the arguments and the
 * deployment config are checked first, every problem reported at once; STS tells whose credentials
 * these are; a config pinned to another account is refused. All of these exit 2 having changed nothing.
 */
import { UsageError } from '../../lib/cli/args';
import { ConfigError, loadConfig as loadConfigFile } from '../../lib/config/load';
import type { DeploymentConfig } from '../../lib/config/schema';
import type { CallerIdentity } from '../drill/identity';

/** Exit codes of the start: help printed, or nothing was done (usage, config or credentials). */
export const START_EXIT = { help: 0, refused: 2 } as const;

export interface Command<A extends { readonly configPath: string }> {
  /** As in `Run <name> with credentials ...`. */
  readonly name: string;
  readonly usage: string;
  /** Throws UsageError for a command line that cannot be run. */
  readonly parseArgs: (argv: readonly string[]) => { readonly help: true } | ({ readonly help: false } & A);
}

export interface StartDeps {
  readonly callerIdentity: (region: string) => Promise<CallerIdentity>;
  /** @default lib/config/load loadConfig (relative to the working directory) */
  readonly loadConfig?: (path: string) => DeploymentConfig;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface Started<A> {
  readonly args: A;
  readonly config: DeploymentConfig;
  readonly identity: CallerIdentity;
  /** The primary region of the deployment, where the run starts. */
  readonly region: string;
}

/** Name and message, never a stack: SDK errors carry enough to act on. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

/** Everything a run needs before its first AWS call but STS, or the exit code to stop with. */
export async function startRun<A extends { readonly configPath: string }>(
  argv: readonly string[],
  command: Command<A>,
  deps: StartDeps,
): Promise<Started<A> | { readonly exitCode: number }> {
  let args: A;
  try {
    const parsed = command.parseArgs(argv);
    if (parsed.help) {
      deps.out(command.usage);
      return { exitCode: START_EXIT.help };
    }
    args = parsed;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    deps.err(`${e.message}\n\n${command.usage}`);
    return { exitCode: START_EXIT.refused };
  }

  let config: DeploymentConfig;
  try {
    config = (deps.loadConfig ?? ((p: string) => loadConfigFile(p)))(args.configPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    deps.err(e.message);
    return { exitCode: START_EXIT.refused };
  }

  const region = config.regions.primary;
  let identity: CallerIdentity;
  try {
    identity = await deps.callerIdentity(region);
  } catch (e) {
    deps.err(
      `Cannot tell whose AWS credentials these are (STS GetCallerIdentity in ${region}): ${describeError(e)}. ` +
        `Run ${command.name} with credentials for the account of deployment ${config.name} (for example AWS_PROFILE=<profile> after aws sso login).`,
    );
    return { exitCode: START_EXIT.refused };
  }
  if (config.account !== undefined && identity.account !== config.account) {
    deps.err(
      `Refusing to run: the credentials are for account ${identity.account}, but ${args.configPath} pins deployment ${config.name} to account ${config.account}.`,
    );
    return { exitCode: START_EXIT.refused };
  }
  deps.out(`Caller ${identity.arn}, account ${identity.account}, region ${region}.`);
  return { args, config, identity, region };
}
