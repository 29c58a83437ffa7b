import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One directory per test run for the shared synthesized assemblies (see shipped-assembly.ts). */
export default function globalSetup(): void {
  process.env.HIPAA_CRM_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-crm-test-'));
}
