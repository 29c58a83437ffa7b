/** Regenerates config/schema.json and docs/configuration.md from the zod schema: `npm run config:schema`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderConfigJsonSchema } from '../lib/config/json-schema';
import { renderConfigReference } from '../lib/config/reference-doc';

const root = path.join(__dirname, '..');
const outputs: [string, string][] = [
  ['config/schema.json', renderConfigJsonSchema()],
  ['docs/configuration.md', renderConfigReference()],
];
for (const [file, content] of outputs) {
  fs.writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file}`);
}
