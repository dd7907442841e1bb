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
  if (n.kind === 'list') return n.length() > 0 ? { members: new Map(), item: shapeOf(n.item(0), kindOf, depth + 1) } : EMPTY;
  const members = new Map<string, ShapeNode>();
  let byName: ShapeNode['byName'];
  for (const k of n.keys().slice(0, MAX_MEMBERS)) {
    const c = n.child(k);
    if (!c) continue;
    const kind = kindOf.get(k);
    if (kind !== undefined) byName ??= { kind, node: shapeOf(c, kindOf, depth + 1) };
    else members.set(k, shapeOf(c, kindOf, depth + 1));
  }
  return byName ? { members, byName } : { members };
}

