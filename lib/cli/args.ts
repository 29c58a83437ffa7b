/**
 * The command line shared by `npm run drill`, `npm run teardown` and `npm run report`: node:util
 * parseArgs splits the arguments; this module adds what the three have in common (`-h/--help`, the
 * CDK CLI's `-c/--context config=<file>` or `--config <file>`, one config file only) and refuses what
 * they refuse. Each tool declares only its own options and checks.
 *
 * parseArgs runs non-strict with tokens: strict mode throws at the first problem, and the tools report
 * every problem at once. The strict checks (unknown options and positionals, missing values, values
 * given to flags) are made here on the tokens instead.
 */
import { parseArgs as splitArgs, type ParseArgsConfig } from 'node:util';

/** A command line that cannot be run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionType = 'string' | 'boolean';

export interface CommandLineSpec<O extends string> {
  /** Who reads the config, for `unknown context key "x": <reader> reads only config=<file>`. */
  readonly reader: string;
  /** The tool's own long options (without `--`), besides help and the config. */
  readonly options: { readonly [name in O]: OptionType };
  /**
   * Used when no config is given.
   * @default none: the config is required (a tool that acts on AWS never falls back to the demo config)
   */
  readonly defaultConfigPath?: string;
}

/** The tool's own options as given, for its checks. */
export interface CommandLine<O extends string> {
  /** The values given to a string option, in order (a missing value is reported, not listed). */
  values(name: O): readonly string[];
  /** The last value given to a string option. */
  last(name: O): string | undefined;
  /** The option was given: a string option even without its value, a flag only without a value. */
  has(name: O): boolean;
}

export type ParsedCommandLine<T> = { readonly help: true } | ({ readonly help: false; readonly configPath: string } & T);

/** The options every tool has; tool options must not reuse these names. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  context: { type: 'string', short: 'c', multiple: true },
  config: { type: 'string', multiple: true },
} as const;

type Token =
  | { kind: 'option'; index: number; name: string; rawName: string; value?: string; inlineValue?: boolean }
  | { kind: 'positional'; index: number; value: string }
  | { kind: 'option-terminator'; index: number };

/**
 * Parses the arguments after `--` (process.argv.slice(2)). `check` reads the tool's options, pushes its
 * own problems and returns the tool's arguments; throws UsageError with every problem found.
 */
export function parseCommandLine<O extends string, T>(
  argv: readonly string[],
  spec: CommandLineSpec<O>,
  check: (line: CommandLine<O>, problems: string[]) => T,
): ParsedCommandLine<T> {
  const types: Record<string, OptionType> = { ...spec.options };
  const options: Record<string, { type: OptionType; short?: string; multiple?: boolean }> = { ...COMMON_OPTIONS };
  for (const [name, type] of Object.entries(types)) {
    if (name in COMMON_OPTIONS) throw new Error(`--${name} is a common option`);
    options[name] = { type, multiple: true };
  }
  const tokens = tokenize(argv, options);
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true };

  const problems: string[] = [];
  const values = new Map<string, string[]>();
  const given = new Set<string>();
  const unknown = new Set<number>();
  let configPath: string | undefined;
  let configGiven = false;

  const setConfig = (value: string, flag: string) => {
    if (!value) problems.push(`${flag} needs a file path`);
    else if (configPath !== undefined && configPath !== value) problems.push('the config is given twice, with different files');
    else configPath = value;
  };

  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in options)) {
      // A short-option group like -xy is one argument: report it once.
      if (!unknown.has(token.index)) problems.push(`unknown argument "${argv[token.index]}"`);
      unknown.add(token.index);
      continue;
    }
    const { name, rawName: flag, value } = token;
    const type = name === 'context' || name === 'config' ? 'string' : types[name];
    if (type === 'boolean') {
      // --yes=false must not be read as --yes, nor silently ignored.
      if (value !== undefined) problems.push(`${flag} takes no value`);
      else given.add(name);
      continue;
    }
    if (name === 'context' || name === 'config') configGiven = true;
    else given.add(name);
    if (value === undefined) {
      problems.push(`${flag} needs a value`);
    } else if (name === 'config') {
      setConfig(value, flag);
    } else if (name === 'context') {
      const match = /^([^=]+)=(.*)$/.exec(value);
      if (!match) problems.push(`${flag} needs key=value, e.g. ${flag} config=config/demo.json`);
      // Other context keys mean something to the CDK app only; ignoring them would hide a typo.
      else if (match[1] !== 'config') problems.push(`unknown context key "${match[1]}": ${spec.reader} reads only config=<file>`);
      else setConfig(match[2], `${flag} config=`);
    } else {
      values.set(name, [...(values.get(name) ?? []), value]);
    }
  }

  if (!configGiven && spec.defaultConfigPath === undefined) {
    problems.push('the deployment config is required: -c config=config/<name>.json');
  }
  const line: CommandLine<O> = {
    values: (name) => values.get(name) ?? [],
    last: (name) => values.get(name)?.at(-1),
    has: (name) => given.has(name),
  };
  const args = check(line, problems);
  configPath ??= spec.defaultConfigPath;
  if (problems.length > 0 || configPath === undefined) throw new UsageError(problems.join('\n'));
  return { help: false, configPath, ...args };
}

/**
 * parseArgs tokens, except that a string option never takes a flag as its value: parseArgs would take
 * `--config --yes` as the config "--yes"; here --config has no value and --yes is read as a flag.
 */
function tokenize(argv: readonly string[], options: ParseArgsConfig['options']): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  while (start < argv.length) {
    const parsed = splitArgs({ args: argv.slice(start), options, strict: false, allowPositionals: true, tokens: true })
      .tokens as Token[];
    const cut = parsed.findIndex((t) => t.kind === 'option' && t.inlineValue === false && t.value?.startsWith('-'));
    const kept = cut < 0 ? parsed : parsed.slice(0, cut + 1);
    tokens.push(...kept.map((t) => ({ ...t, index: t.index + start })));
    if (cut < 0) break;
    const swallowing = tokens[tokens.length - 1] as Extract<Token, { kind: 'option' }>;
    swallowing.value = undefined;
    start = swallowing.index + 1;
  }
  return tokens;
}
