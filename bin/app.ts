#!/usr/bin/env node
/**
 * Entry point: `npx cdk synth -c config=config/<name>.json` (default config/demo.json).
 * Validates the config (every problem listed at once), builds the stacks, runs the compliance checks.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from '../lib/config/load';

const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;

/** Builds the checked deployment of the config; the constructs load only once the config is valid. */
function build(): void {
  const config = loadConfig(configPath);
  // Loaded after the config check: a config mistake is reported in a fraction of the time the
  // constructs and the compliance checks take to load.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { useProjectEsbuild } = require('./project-esbuild') as typeof import('./project-esbuild');
  const { buildCheckedDeployment } = require('../lib/app') as typeof import('../lib/app');
  /* eslint-enable @typescript-eslint/no-require-imports */
  useProjectEsbuild();
  buildCheckedDeployment(app, config);
}

try {
  build();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assertNoOpenFindings } = require('../lib/compliance/report') as typeof import('../lib/compliance/report');
assertNoOpenFindings(app.synth().directory);
