import * as fs from 'node:fs';
import * as path from 'node:path';
export function assertNoOpenFindings(dir: string): void {
  const f = path.join(dir, 'validation-report.json');
  console.error('report exists', fs.existsSync(f));
}
