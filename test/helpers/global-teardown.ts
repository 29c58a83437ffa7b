import * as fs from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.HIPAA_CRM_TEST_RUN_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
