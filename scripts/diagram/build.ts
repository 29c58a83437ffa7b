/** Turns the synthesized deployment into the nodes and edges of the diagram (pure). */
import type { AssemblyStack, TemplateResource } from '../../lib/assembly/model';
import { EDGES, NODES, PLUMBING, STACK_ORDER, type EdgeSpec, type Matcher, type NodeSpec, type Shape } from './catalogue';
import { regionOf, type DiagramSource } from './model';

export interface DiagramNode {
  readonly id: string;
  readonly label: string;
  readonly shape: Shape;
  /** Stack construct id; undefined for nodes drawn outside the stacks. */
  readonly stack?: string;
}

export interface DiagramStack {
  readonly id: string;
  readonly region: string;
  readonly nodes: readonly DiagramNode[];
}

export interface DiagramRegion {
  readonly region: string;
  /** `primary`, `DR` or `other`. */
  readonly role: string;
  readonly stacks: readonly DiagramStack[];
}

export interface DiagramEdge {
  readonly from: string;
  /** A node id, or `stack:<id>`. */
  readonly to: string;
  readonly label?: string;
  readonly dotted: boolean;
}

export interface Diagram {
  readonly external: readonly DiagramNode[];
  readonly regions: readonly DiagramRegion[];
  readonly edges: readonly DiagramEdge[];
}

function matchesLogicalId(pattern: string | RegExp | undefined, logicalId: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === logicalId : pattern.test(logicalId);
}

function matches(m: Matcher, r: TemplateResource): boolean {
  return r.type === m.type && matchesLogicalId(m.logicalId, r.logicalId) && (m.where?.(r.properties) ?? true);
}

function stackOrder(id: string): number {
  const i = (STACK_ORDER as readonly string[]).indexOf(id);
  return i === -1 ? STACK_ORDER.length : i;
}

/** Whether `spec` draws resources of `stack`. */
const inStack = (spec: NodeSpec, stack: AssemblyStack) => spec.stack === '*' || spec.stack === stack.id;

function drawNode(spec: NodeSpec, stacks: readonly AssemblyStack[]): DiagramNode | undefined {
  const resources = stacks.filter((s) => inStack(spec, s)).flatMap((s) => s.resources);
  const matched = resources.filter((r) => matches(spec.match, r));
  if (matched.length === 0) return undefined;
  const parts = resources.filter((r) => spec.parts?.some((p) => matches(p, r)));
  const label = typeof spec.label === 'string' ? spec.label : spec.label(matched, parts);
  return { id: spec.id, label, shape: spec.shape, stack: spec.external ? undefined : spec.stack };
}

/** The diagram of `source`: nodes for what the catalogue finds in it, edges whose ends are both drawn. */
export function buildDiagram(
  source: DiagramSource,
  nodes: readonly NodeSpec[] = NODES,
  edges: readonly EdgeSpec[] = EDGES,
): Diagram {
  const { stacks } = source.assembly;
  const drawn = nodes.flatMap((spec) => drawNode(spec, stacks) ?? []);
  const drawnIds = new Set(drawn.map((n) => n.id));
  const drawnStacks = new Set(drawn.flatMap((n) => (n.stack ? [n.stack] : [])));
  const present = (end: string) => (end.startsWith('stack:') ? drawnStacks.has(end.slice('stack:'.length)) : drawnIds.has(end));

  const drawRegion = (role: string, region: string): DiagramRegion => ({
    region,
    role,
    stacks: stacks
      .filter((s) => regionOf(s) === region && drawnStacks.has(s.id))
      .sort((a, b) => stackOrder(a.id) - stackOrder(b.id) || a.id.localeCompare(b.id))
      .map((s) => ({ id: s.id, region, nodes: drawn.filter((n) => n.stack === s.id) })),
  });
  const { primary, dr } = source.regions;
  const others = [...new Set(stacks.map(regionOf))].filter((r) => r !== primary && r !== dr);
  const regions = [
    drawRegion('primary', primary),
    drawRegion('DR', dr),
    ...others.sort().map((r) => drawRegion('other', r)),
  ].filter((r) => r.stacks.length > 0);

  return {
    external: drawn.filter((n) => n.stack === undefined),
    regions,
    edges: edges
      .filter((e) => present(e.from) && present(e.to) && !(e.unless ?? []).some((u) => drawnIds.has(u)))
      .map((e) => ({ from: e.from, to: e.to, label: e.label, dotted: e.dotted ?? false })),
  };
}

/**
 * Resources the diagram neither draws nor lists as plumbing, as `Stack/LogicalId (Type)`: a new key,
 * bucket, function or service that should get a node (or a place in PLUMBING).
 */
export function uncoveredResources(source: DiagramSource, nodes: readonly NodeSpec[] = NODES): string[] {
  return source.assembly.stacks.flatMap((stack) =>
    stack.resources
      .filter((r) => !PLUMBING.some((m) => matches(m, r)))
      .filter((r) => !nodes.some((n) => inStack(n, stack) && [n.match, ...(n.parts ?? [])].some((m) => matches(m, r))))
      .map((r) => `${stack.id}/${r.logicalId} (${r.type})`),
  );
}
