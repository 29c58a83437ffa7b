/** From the synthesized deployment to the text of docs/architecture.md's diagram block, and the drift check (pure). */
import type { CloudAssembly } from '../../lib/assembly/model';
import type { DeploymentConfig } from '../../lib/config/schema';
import { accountParts } from '../../lib/report/accounts';
import { accountsMermaid } from './accounts';
import { buildDiagram, uncoveredResources } from './build';
import { currentBlock, diagramBlock, markersOf } from './document';
import { renderMermaid } from './mermaid';
import type { DiagramSource } from './model';

export const DOCUMENT = 'docs/architecture.md';

/** The block that belongs between the markers for `source`. */
export function expectedBlock(source: DiagramSource): string {
  return diagramBlock(renderMermaid(buildDiagram(source)));
}

/** Why `document` does not hold the diagram of `source`, or undefined when it does. */
export function diagramDrift(document: string, source: DiagramSource): string | undefined {
  if (currentBlock(document) === expectedBlock(source).trim()) return undefined;
  return `the diagram in ${DOCUMENT} is not the one of the synthesized app: run npm run diagram`;
}

/** Resources that should be drawn but no node of the catalogue matches, one line each. */
export function coverageProblems(source: DiagramSource): string[] {
  return uncoveredResources(source).map(
    (r) => `${r}: no node of scripts/diagram/catalogue.ts draws it (add one, or list it in PLUMBING)`,
  );
}

/** The accounts diagram ("Accounts apart"): drawn from the organization example, whose stacks span the accounts. */
export const ACCOUNTS_CONFIG = 'config/organization.example.json';
export const ACCOUNTS_MARKERS = markersOf('accounts-diagram');

/** The block that belongs between the accounts diagram's markers for the assembly of `config`. */
export function expectedAccountsBlock(assembly: CloudAssembly, config: DeploymentConfig): string {
  const mermaid = accountsMermaid({ assembly, parts: accountParts(config), workloadAccount: config.account });
  return diagramBlock(mermaid, `the synthesized ${ACCOUNTS_CONFIG}`);
}

/** Why `document` does not hold the accounts diagram of `assembly`, or undefined when it does. */
export function accountsDiagramDrift(document: string, assembly: CloudAssembly, config: DeploymentConfig): string | undefined {
  if (currentBlock(document, ACCOUNTS_MARKERS) === expectedAccountsBlock(assembly, config).trim()) return undefined;
  return `the accounts diagram in ${DOCUMENT} is not the one of the synthesized ${ACCOUNTS_CONFIG}: run npm run diagram`;
}
