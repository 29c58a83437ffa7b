import * as fs from 'node:fs';

export default function globalTeardown(): void {
  // A run that ended early (bail, interrupted) does not leave the background synth running.
  const pid = Number(process.env.HIPAA_CRM_SHIPPED_SYNTH_PID);
  if (pid) {
    try {
      process.kill(pid);
    } catch {
      // Already done.
    }
  }
  const dir = process.env.HIPAA_CRM_TEST_RUN_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
