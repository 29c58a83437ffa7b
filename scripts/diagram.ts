/**
 * `npm run diagram`: draws the architecture diagram of docs/architecture.md from the synthesized demo
 * app, read through lib/assembly (Mermaid, between `<!-- diagram:start -->` and `<!-- diagram:end -->`).
 * `--check` changes nothing and exits 1 when the file's diagram is not the one of the current code (CI, tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceBlock } from './diagram/document';
import { coverageProblems, diagramDrift, DOCUMENT, expectedBlock } from './diagram/generate';
import { REPO_ROOT, synthesizeSource } from './diagram/synth';

const check = process.argv.includes('--check');
const file = path.join(REPO_ROOT, DOCUMENT);
const source = synthesizeSource();
for (const problem of coverageProblems(source)) console.warn(`warning: ${problem}`);
const document = fs.readFileSync(file, 'utf8');
if (check) {
  const drift = diagramDrift(document, source);
  if (drift) {
    console.error(drift);
    process.exit(1);
  }
  console.log(`${DOCUMENT}: the diagram is up to date.`);
} else {
  const updated = replaceBlock(document, expectedBlock(source));
  fs.writeFileSync(file, updated);
  console.log(`${DOCUMENT}: diagram ${updated === document ? 'unchanged' : 'updated'}.`);
}
