/**
 * The architecture diagram of a planned stack, as Mermaid (GitHub renders it).
 *
 * One box (subgraph) per top-level component, titled with its name, kind and
 * resource count; inside, one node per main kind of resource with its count
 * ("private subnet ×3"), and a nested box for a sub-component that holds main
 * resources (a GPU pool). Arrows come from the plan's real dependencies: an
 * arrow A --> B means a resource of A uses one of B (its id, endpoint, role or
 * credentials), possibly through supporting resources (IAM, namespaces,
 * subnet groups) that are not drawn. Arrows implied by a longer path are left
 * out, so the picture stays readable. Pure: tests call it on any PlanRun.
 */
import type { PlanRun, PlannedResource } from "../../plan/engine";
import { declaredResources, groupByComponent } from "../../plan/report";
import { ResourceView, diagramLabelOf, kindName } from "./purposes";

export interface DiagramNode {
  id: string;
  label: string;
  count: number;
}

export interface DiagramGroup {
  id: string;
  title: string;
  nodes: DiagramNode[];
  groups: DiagramGroup[];
}

export interface Diagram {
  groups: DiagramGroup[];
  /** [from id, to id]: `from` uses `to`. */
  edges: [string, string][];
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Undrawn resources whose own dependencies say nothing about their users': a
 * route table depends on the NAT gateway it routes to, but an S3 endpoint
 * attached to the table does not use the NAT. Edges stop there.
 */
const OPAQUE_TYPES = new Set(["aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation"]);

/** A resource as the purpose dictionary sees it (its role is its name after its parent's). */
export function viewOf(r: PlannedResource, byUrn: Map<string, PlannedResource>): ResourceView {
  const parent = r.parent ? byUrn.get(r.parent) : undefined;
  const parentName = parent && parent.type !== STACK_TYPE ? parent.name : undefined;
  const role = parentName && r.name.startsWith(`${parentName}-`) ? r.name.slice(parentName.length + 1) : r.name;
  return { type: r.type, name: r.name, role, inputs: r.inputs, parentType: parent?.type };
}

/** Mermaid ids: ASCII letters, digits and `_` only. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "") || "x"
  );
}

/** A quoted Mermaid label: double quotes inside become single ones; no Markdown or HTML. */
export function quote(label: string): string {
  return `"${label
    .replace(/"/g, "'")
    .replace(/[<>]/g, "")
    .replace(/[\r\n]+/g, " ")}"`;
}

export function buildDiagram(run: PlanRun): Diagram {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const stackUrn = run.resources.find((r) => r.type === STACK_TYPE)?.urn;
  const prefix = `${run.spec.namePrefix}-`;
  const nodeOf = new Map<string, DiagramNode>();
  /** The top-level component (or top-level resource) a resource belongs to. */
  const topOf = (urn: string): string => {
    let node = byUrn.get(urn);
    while (node?.parent && node.parent !== stackUrn && byUrn.has(node.parent)) node = byUrn.get(node.parent);
    return node?.urn ?? urn;
  };
  const groups: DiagramGroup[] = [];
  const usedIds = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; usedIds.has(id); i++) id = `${base}_${i}`;
    usedIds.add(id);
    return id;
  };

  for (const { component, resources } of groupByComponent(run)) {
    // A top-level resource that is not a component (a plain resource of the stack) is its own box.
    const custom = [component, ...resources].filter((r) => r.custom);
    const shortName = component.name.startsWith(prefix) ? component.name.slice(prefix.length) : component.name;
    const group: DiagramGroup = {
      id: uniqueId(`c_${slug(shortName)}`),
      title: `${component.name}: ${kindName(component.type)}, ${custom.length} resource${custom.length === 1 ? "" : "s"}`,
      nodes: [],
      groups: [],
    };
    const subgroups = new Map<string, DiagramGroup>();
    const nodes = new Map<string, DiagramNode>();
    /** The sub-component (a child component of the top one) a resource sits in, if any. */
    const subOf = (r: PlannedResource): PlannedResource | undefined => {
      let node = r.parent ? byUrn.get(r.parent) : undefined;
      let sub: PlannedResource | undefined;
      while (node && node.urn !== component.urn && node.urn !== stackUrn) {
        if (!node.custom) sub = node;
        node = node.parent ? byUrn.get(node.parent) : undefined;
      }
      return sub;
    };
    for (const r of custom) {
      const label = diagramLabelOf(viewOf(r, byUrn));
      if (!label) continue;
      const sub = subOf(r);
      const key = `${sub?.urn ?? ""}|${label}`;
      let node = nodes.get(key);
      if (!node) {
        let target = group;
        if (sub) {
          const subName = sub.name.startsWith(`${component.name}-`) ? sub.name.slice(component.name.length + 1) : sub.name;
          if (!subgroups.has(sub.urn)) {
            const g: DiagramGroup = { id: uniqueId(`${group.id}_${slug(subName)}`), title: `${subName}: ${kindName(sub.type)}`, nodes: [], groups: [] };
            subgroups.set(sub.urn, g);
            group.groups.push(g);
          }
          target = subgroups.get(sub.urn)!;
        }
        node = { id: uniqueId(`${target.id}_${slug(label)}`), label, count: 0 };
        nodes.set(key, node);
        target.nodes.push(node);
      }
      node.count++;
      nodeOf.set(r.urn, node);
    }
    // A component without any main resource still gets one node, standing for all of it.
    if (!nodes.size) {
      const node: DiagramNode = { id: uniqueId(`${group.id}_all`), label: kindName(component.type), count: 1 };
      group.nodes.push(node);
      for (const r of custom) nodeOf.set(r.urn, node);
    }
    groups.push(group);
  }

  // Edges: from each drawn resource, follow dependencies through undrawn ones to the drawn ones they reach.
  const edgeSet = new Map<string, Set<string>>();
  const addEdges = (from: DiagramNode, r: PlannedResource) => {
    const seen = new Set<string>([r.urn]);
    const stack = [...dependenciesOf(r)];
    while (stack.length) {
      const urn = stack.pop()!;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const to = nodeOf.get(urn);
      if (to) {
        if (to !== from) {
          if (!edgeSet.has(from.id)) edgeSet.set(from.id, new Set());
          edgeSet.get(from.id)!.add(to.id);
        }
        continue;
      }
      const dep = byUrn.get(urn);
      if (dep && !OPAQUE_TYPES.has(dep.type)) stack.push(...dependenciesOf(dep));
    }
  };
  const declared = declaredResources(run);
  for (const r of declared) {
    const from = nodeOf.get(r.urn);
    if (from) addEdges(from, r);
  }
  // An undrawn resource that ties its owner to something else speaks for its owner: the backup
  // selection puts the database under the backup plan, a secret version writes the database's
  // endpoint into the credentials secret. Its owner is the drawn resource of the same name, else the
  // only drawn resource of its own component it depends on.
  for (const r of declared) {
    if (nodeOf.has(r.urn) || !r.custom || OPAQUE_TYPES.has(r.type)) continue;
    const drawnDeps = dependenciesOf(r).filter((u) => nodeOf.has(u) && topOf(u) === topOf(r.urn));
    const sameName = drawnDeps.filter((u) => byUrn.get(u)!.name === r.name);
    const owners = sameName.length ? sameName : drawnDeps;
    if (new Set(owners.map((u) => nodeOf.get(u))).size === 1) addEdges(nodeOf.get(owners[0]!)!, r);
  }
  return { groups, edges: transitiveReduction(edgeSet) };
}

function dependenciesOf(r: PlannedResource): string[] {
  return [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])].sort();
}

/**
 * Drops an edge u -> w when w is still reachable from u without it: the
 * longer path already says u depends on w. Edges are visited in a stable
 * order and removed one at a time, so reachability never changes.
 */
export function transitiveReduction(adjacency: Map<string, Set<string>>): [string, string][] {
  const adj = new Map([...adjacency].map(([k, v]) => [k, new Set(v)]));
  const reachable = (from: string, to: string, skip: [string, string]): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const u = stack.pop()!;
      for (const v of adj.get(u) ?? []) {
        if (u === skip[0] && v === skip[1]) continue;
        if (v === to) return true;
        if (!seen.has(v)) {
          seen.add(v);
          stack.push(v);
        }
      }
    }
    return false;
  };
  const all = [...adj]
    .flatMap(([u, vs]) => [...vs].map((v) => [u, v] as [string, string]))
    .sort((a, b) => (a[0] + " " + a[1]).localeCompare(b[0] + " " + b[1]));
  for (const edge of all) {
    if (reachable(edge[0], edge[1], edge)) adj.get(edge[0])!.delete(edge[1]);
  }
  return [...adj].flatMap(([u, vs]) => [...vs].map((v) => [u, v] as [string, string])).sort((a, b) => (a[0] + " " + a[1]).localeCompare(b[0] + " " + b[1]));
}

/** The diagram as Mermaid flowchart text (without the ```mermaid fence). */
export function renderMermaid(diagram: Diagram): string {
  const lines = ["flowchart TB"];
  const renderGroup = (g: DiagramGroup, indent: string) => {
    lines.push(`${indent}subgraph ${g.id}[${quote(g.title)}]`);
    for (const n of g.nodes) lines.push(`${indent}  ${n.id}[${quote(n.count > 1 ? `${n.label} ×${n.count}` : n.label)}]`);
    for (const sub of g.groups) renderGroup(sub, `${indent}  `);
    lines.push(`${indent}end`);
  };
  for (const g of diagram.groups) renderGroup(g, "  ");
  for (const [from, to] of diagram.edges) lines.push(`  ${from} --> ${to}`);
  return lines.join("\n");
}
