/** Renders a diagram as Mermaid flowchart text (pure, deterministic: same diagram, same text). */
import type { Diagram, DiagramNode } from './build';
import type { Shape } from './catalogue';

const SHAPES: Record<Shape, [string, string]> = {
  box: ['["', '"]'],
  store: ['[("', '")]'],
  key: ['{{"', '"}}'],
  function: ['(["', '"])'],
  actor: ['(("', '"))'],
};

/** Mermaid text needs `"` escaped inside quoted labels; `<br/>` stays a line break. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function node(n: DiagramNode, indent: string): string {
  const [open, close] = SHAPES[n.shape];
  return `${indent}${n.id}${open}${escape(n.label)}${close}`;
}

const endId = (end: string) => (end.startsWith('stack:') ? `stack_${end.slice('stack:'.length)}` : end);

export function renderMermaid(diagram: Diagram): string {
  const lines = ['flowchart LR'];
  for (const n of diagram.external) lines.push(node(n, '  '));
  for (const region of diagram.regions) {
    lines.push(`  subgraph region_${region.region.replace(/[^a-zA-Z0-9]/g, '_')}["${region.role} region: ${region.region}"]`);
    for (const stack of region.stacks) {
      lines.push(`    subgraph stack_${stack.id}["${stack.id} stack"]`);
      for (const n of stack.nodes) lines.push(node(n, '      '));
      lines.push('    end');
    }
    lines.push('  end');
  }
  for (const e of diagram.edges) {
    const arrow = e.dotted ? '-.->' : '-->';
    lines.push(`  ${endId(e.from)} ${arrow}${e.label ? `|"${escape(e.label)}"|` : ''} ${endId(e.to)}`);
  }
  return lines.join('\n') + '\n';
}
