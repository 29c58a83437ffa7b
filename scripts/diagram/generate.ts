/** From the synthesized deployment to the text of docs/architecture.md's diagram block, and the drift check (pure). */
import { buildDiagram, uncoveredResources } from './build';
import { currentBlock, diagramBlock } from './document';
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
