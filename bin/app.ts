#!/usr/bin/env node
/**
 * Entry point: `npx cdk synth -c config=config/<name>.json` (default config/demo.json).
 * Validates the config (every problem listed at once), builds the stacks, runs the compliance checks.
 */
import { App } from 'aws-cdk-lib';
import { buildCheckedDeployment } from '../lib/app';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from '../lib/config/load';
import { assertNoOpenFindings } from '../lib/compliance/report';
import { useProjectEsbuild } from './project-esbuild';

useProjectEsbuild();
const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;
try {
  buildCheckedDeployment(app, loadConfig(configPath));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const assembly = app.synth();
assertNoOpenFindings(assembly.directory);
