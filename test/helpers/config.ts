import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../lib/config/load';
import type { DeploymentConfig } from '../../lib/config/schema';

export const REPO_ROOT = path.join(__dirname, '..', '..');
/** The shipped configs of the production profile: whole-app tests of the documented controls run on each. */
export const SHIPPED_CONFIGS = ['config/demo.json', 'config/production.example.json'] as const;
/**
 * The shipped evaluation config (profile sandbox, lib/config/profile.ts). Its controls differ on purpose,
 * so it is not in SHIPPED_CONFIGS: test/sandbox-deployment.test.ts checks it, and the tests that hold for
 * every deployment (the schema, compliance) use ALL_SHIPPED_CONFIGS.
 */
export const SANDBOX_CONFIG = 'config/sandbox.json';
/**
 * The shipped accounts-apart example (config `organization`): the production example with the
 * organization block, the detective services deferred to the organisation's security-tooling account, the
 * guardrails stack of the management account and the two-person rule for crypto-erasure.
 */
export const ORGANIZATION_CONFIG = 'config/organization.example.json';
/** Every shipped config: the suite synthesizes each once per run (test/helpers/shipped-assembly.ts). */
export const ALL_SHIPPED_CONFIGS = [...SHIPPED_CONFIGS, SANDBOX_CONFIG, ORGANIZATION_CONFIG] as const;
/** Every file in config/ that is a deployment config: test/config/load.test.ts checks none is missing. */
export const EVERY_CONFIG_FILE = ALL_SHIPPED_CONFIGS;

/** The raw JSON of a shipped config (before validation), for tests that break it on purpose. */
export function rawConfig(file: string = 'config/demo.json'): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
}

/** A validated shipped config, optionally with fields overridden (shallow per top-level key). */
export function shippedConfig(file: string = 'config/demo.json', overrides: Record<string, unknown> = {}): DeploymentConfig {
  return parseConfig({ ...rawConfig(file), ...overrides }, file);
}

/** The problems the config loader reports for `raw`, all at once; [] when it loads. */
export function configProblems(raw: unknown): string[] {
  return problemsOfLoading(() => parseConfig(raw, 'test.json'));
}

/** The same for `raw` written to `dir/name` and loaded from there, as a user's file is (`loadConfig`). */
export function configFileProblems(raw: unknown, dir: string, name: string): string[] {
  fs.writeFileSync(path.join(dir, name), JSON.stringify(raw));
  return problemsOfLoading(() => loadConfig(name, dir));
}

function problemsOfLoading(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}
