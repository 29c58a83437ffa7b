/** Regenerates config/schema.json from the zod schema: `npm run config:schema`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderConfigJsonSchema } from '../lib/config/json-schema';

const out = path.join(__dirname, '..', 'config', 'schema.json');
fs.writeFileSync(out, renderConfigJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
