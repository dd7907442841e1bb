/**
 * The shape of the state tree: which members a path has (`resv.<file>.regions`,
 * `vp[].sint`), learnt from the tree itself after each mechanism's sample
 * lines ran, so completion follows the state as the mechanisms build it.
 * Members named after a name the sample declared (`resv.f`) stand for every
 * name of that kind (`resv.<hugetlbfs file>`).
 */
import type { Registry } from './registry';
import type { StateNode } from './core/state';
import { declaredNames } from './scenario/declared';
import { parseScenario } from './scenario/parse_file';
import type { ShapeNode } from './scenario/shape';
import { EMPTY_SHAPE as EMPTY } from './scenario/shape';

export type { ShapeNode } from './scenario/shape';
export { shapeAt } from './scenario/shape';

const MAX_DEPTH = 6;
const MAX_MEMBERS = 256;

/** The shape of every root, from the registry's mechanisms' sample lines. */
export function stateShape(registry: Registry): ReadonlyMap<string, ShapeNode> {
  const lines = registry.mechanisms.flatMap((d) => d.sample ?? []);
  const text = lines.join('\n');
  const { program, diagnostics } = parseScenario('<sample>', text, registry.verbs, registry.checkStatement, registry);
  if (diagnostics.length) throw new Error(`the mechanisms' sample lines do not parse: ${diagnostics[0]?.message}`);
  const sim = registry.createSimulation(program, { maxSteps: 1_000_000 });
  sim.machine.resume('continue');
  const kindOf = new Map<string, string>();
  for (const [kind, names] of declaredNames(lines, registry.verbs)) for (const n of names) kindOf.set(n, kind);
  for (const [kind, set] of registry.nameSets) if (set.declared) for (const n of set.names) kindOf.set(n, kind);
  const out = new Map<string, ShapeNode>();
  for (const r of registry.roots) {
    const node = sim.machine.root(r.name);
    out.set(r.name, node ? shapeOf(node, kindOf, 0) : EMPTY);
  }
  // `last` holds what the latest statement set: every verb's `sets`, not the sample's last line.
  const sets = [...new Set(registry.verbs.specs.flatMap((v) => v.sets ?? []))].sort();
  out.set('last', { members: new Map(sets.map((k) => [k, EMPTY])) });
  return out;
}

function shapeOf(n: StateNode, kindOf: ReadonlyMap<string, string>, depth: number): ShapeNode {
  if (depth >= MAX_DEPTH || n.kind === 'leaf') return EMPTY;
  if (n.kind === 'list') {
    // Elements differ by what they are (an anonymous VMA, a hugetlb one with its `resv`): the item is what any has.
    let item: ShapeNode | undefined;
    for (let i = 0; i < Math.min(n.length(), MAX_MEMBERS); i++) {
      const s = shapeOf(n.item(i), kindOf, depth + 1);
      item = item ? mergeShapes(item, s) : s;
    }
    return item ? { members: new Map(), item } : EMPTY;
  }
  const members = new Map<string, ShapeNode>();
  let byName: ShapeNode['byName'];
  for (const k of n.keys().slice(0, MAX_MEMBERS)) {
    const c = n.child(k);
    if (!c) continue;
    const kind = kindOf.get(k);
    // Every name of the kind stands for all of them: `task.init` has no VMA, the sample's own task has.
    if (kind !== undefined && (!byName || byName.kind === kind)) byName = { kind, node: byName ? mergeShapes(byName.node, shapeOf(c, kindOf, depth + 1)) : shapeOf(c, kindOf, depth + 1) };
    else if (kind === undefined) members.set(k, shapeOf(c, kindOf, depth + 1));
  }
  const aliases = n.aliases ? new Map([...n.aliases].flatMap(([a, k]) => (members.has(k) ? [[a, members.get(k) as ShapeNode] as const] : []))) : undefined;
  return { members, ...(byName ? { byName } : {}), ...(aliases?.size ? { aliases } : {}) };
}

/** What either shape has: members of both (a's order first), their items and named members merged. */
function mergeShapes(a: ShapeNode, b: ShapeNode): ShapeNode {
  const members = new Map(a.members);
  for (const [k, v] of b.members) {
    const m = members.get(k);
    members.set(k, m ? mergeShapes(m, v) : v);
  }
  const item = a.item && b.item ? mergeShapes(a.item, b.item) : (a.item ?? b.item);
  const byName = a.byName && b.byName && a.byName.kind === b.byName.kind ? { kind: a.byName.kind, node: mergeShapes(a.byName.node, b.byName.node) } : (a.byName ?? b.byName);
  const aliases = a.aliases && b.aliases ? new Map([...a.aliases, ...b.aliases]) : (a.aliases ?? b.aliases);
  return { members, ...(item ? { item } : {}), ...(byName ? { byName } : {}), ...(aliases ? { aliases } : {}) };
}

