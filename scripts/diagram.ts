/**
 * `npm run diagram`: draws the architecture diagram of docs/architecture.md from the synthesized demo
 * app (Mermaid, between `<!-- diagram:start -->` and `<!-- diagram:end -->`). `--check` changes
 * nothing and exits 1 when the file's diagram is not the one of the current code (CI, tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceBlock } from './diagram/document';
import { coverageProblems, diagramDrift, DOCUMENT, expectedBlock } from './diagram/generate';
import { REPO_ROOT, synthesizeModel } from './diagram/synth';

const check = process.argv.includes('--check');
const file = path.join(REPO_ROOT, DOCUMENT);
const model = synthesizeModel();
for (const problem of coverageProblems(model)) console.warn(`warning: ${problem}`);
const document = fs.readFileSync(file, 'utf8');
if (check) {
  const drift = diagramDrift(document, model);
  if (drift) {
    console.error(drift);
    process.exit(1);
  }
  console.log(`${DOCUMENT}: the diagram is up to date.`);
} else {
  const updated = replaceBlock(document, expectedBlock(model));
  fs.writeFileSync(file, updated);
  console.log(`${DOCUMENT}: diagram ${updated === document ? 'unchanged' : 'updated'}.`);
}
