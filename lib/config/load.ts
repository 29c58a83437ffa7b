import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
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

const EXPECTED_IN_PLAIN_WORDS: Record<string, string> = {
  string: 'text in quotes',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object ({ ... })',
  array: 'a list ([ ... ])',
};

/** A config value as a reader of the file would name it, briefly. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Plain-words messages for zod's generic type, enum and fixed-value failures. Messages written on a field
 * in the schema take precedence over these (zod's error precedence), so only the generic ones change.
 */
export function plainConfigMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED_IN_PLAIN_WORDS[issue.expected];
    if (issue.input === undefined) return expected ? `is required (${expected})` : 'is required';
    if (expected) return `must be ${expected}, not ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => JSON.stringify(v));
    const rule = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
    return issue.input === undefined ? `is required (${rule})` : `must be ${rule}, not ${describeValue(issue.input)}`;
  }
  return undefined;
}

/** Validates an already-parsed config object, collecting every problem before throwing. */
export function parseConfig(raw: unknown, file = '<inline>'): DeploymentConfig {
  const result = configSchema.safeParse(raw, { error: plainConfigMessage });
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
