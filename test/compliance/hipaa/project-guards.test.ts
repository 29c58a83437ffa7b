import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_GUARDS } from '../../../lib/compliance/hipaa/project-guards';
import { REPO_ROOT } from '../../helpers/config';

describe('the project guards', () => {
  test('every project guard names a file and an export that exist, so the report cannot cite a removed guard', () => {
    for (const g of PROJECT_GUARDS) {
      expect([g.name, fs.existsSync(path.join(REPO_ROOT, g.source))]).toEqual([g.name, true]);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(REPO_ROOT, g.source)) as Record<string, unknown>;
      expect([g.name, g.symbol, mod[g.symbol] !== undefined]).toEqual([g.name, g.symbol, true]);
    }
  });
});
