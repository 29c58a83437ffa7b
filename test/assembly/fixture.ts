/**
 * The small fixture assembly under test/fixtures/report-assembly: stacks Keys (separate metadata file)
 * and Data (inline metadata) of deployment crm-demo, a cross-stack key reference, one acknowledged finding.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/config';

export const FIXTURE_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'report-assembly');

/** A copy of the fixture assembly in a temporary directory, changed by `change` (file name -> JSON). */
export function fixtureCopy(change: (file: string, json: Record<string, unknown>) => void = () => undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-fixture-'));
  for (const file of fs.readdirSync(FIXTURE_DIR)) {
    const json = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as Record<string, unknown>;
    change(file, json);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
  }
  return dir;
}
