import * as fs from 'node:fs';
import * as path from 'node:path';
import { configSchema, type DeploymentConfig } from './schema';

/** The config used when `-c config=...` is not given. */
export const DEFAULT_CONFIG_PATH = 'config/demo.json';

/** Thrown when a config file cannot be used; `problems` lists every one, each with its field path. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Configuration ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Validates an already-parsed config object, collecting every problem before throwing. */
export function parseConfig(raw: unknown, file = '<inline>'): DeploymentConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(file, problems);
}

/** Reads and validates a config file. */
export function loadConfig(file: string = DEFAULT_CONFIG_PATH, cwd: string = process.cwd()): DeploymentConfig {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch {
    throw new ConfigError(file, [`cannot read the file (${full}); pass an existing one with -c config=<path>`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`is not valid JSON: ${(e as Error).message}`]);
  }
  return parseConfig(raw, file);
}
