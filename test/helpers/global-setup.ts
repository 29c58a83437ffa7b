import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '@jest/types';
import { ALL_SHIPPED_CONFIGS } from './config';
import { startShippedSynth } from './shipped-assembly';

/**
 * One directory per test run for the shared synthesized assemblies (see shipped-assembly.ts). A run of
 * the whole suite starts synthesizing them in the background right away: test files that do not need
 * them run meanwhile, and those that do find them ready (or nearly). A run of selected files leaves it
 * to the first file that asks.
 */
export default function globalSetup(globalConfig: Config.GlobalConfig): void {
  process.env.HIPAA_CRM_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-crm-test-'));
  const wholeSuite =
    !globalConfig.testPathPattern && !globalConfig.onlyChanged && !globalConfig.findRelatedTests && !globalConfig.listTests;
  if (wholeSuite) {
    const pid = startShippedSynth(ALL_SHIPPED_CONFIGS);
    if (pid !== undefined) process.env.HIPAA_CRM_SHIPPED_SYNTH_PID = String(pid);
  }
}
