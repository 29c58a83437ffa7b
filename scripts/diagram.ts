/**
 * `npm run diagram`: draws the architecture diagram of docs/architecture.md from the synthesized demo
 * app (between `<!-- diagram:start -->` and `<!-- diagram:end -->`), and the accounts diagram from the
 * synthesized organization example (between `<!-- accounts-diagram:start -->` and `...:end -->`), both
 * read through lib/assembly, in Mermaid.
 * `--check` changes nothing and exits 1 when the file's diagram is not the one of the current code (CI, tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceBlock } from './diagram/document';
import {
  accountsDiagramDrift,
  ACCOUNTS_CONFIG,
  ACCOUNTS_MARKERS,
  coverageProblems,
  diagramDrift,
  DOCUMENT,
  expectedAccountsBlock,
  expectedBlock,
} from './diagram/generate';
import { REPO_ROOT, synthesizeSource } from './diagram/synth';

const check = process.argv.includes('--check');
const file = path.join(REPO_ROOT, DOCUMENT);
const source = synthesizeSource();
const accounts = synthesizeSource(ACCOUNTS_CONFIG);
if (!accounts.config) throw new Error(`${ACCOUNTS_CONFIG}: the synth returned no config`);
const accountsConfig = accounts.config;
for (const problem of coverageProblems(source)) console.warn(`warning: ${problem}`);
const document = fs.readFileSync(file, 'utf8');
if (check) {
  const drift = diagramDrift(document, source) ?? accountsDiagramDrift(document, accounts.assembly, accountsConfig);
  if (drift) {
    console.error(drift);
    process.exit(1);
  }
  console.log(`${DOCUMENT}: the diagram is up to date.`);
} else {
  const updated = replaceBlock(
    replaceBlock(document, expectedBlock(source)),
    expectedAccountsBlock(accounts.assembly, accountsConfig),
    ACCOUNTS_MARKERS,
  );
  fs.writeFileSync(file, updated);
  console.log(`${DOCUMENT}: diagram ${updated === document ? 'unchanged' : 'updated'}.`);
}
