/** The shape of the state tree (built in ../state_shape.ts): what a path may go on with. */

export interface ShapeNode {
  /** Fixed members, in the tree's order. */
  readonly members: ReadonlyMap<string, ShapeNode>;
  /** Members named by the scenario (`resv.<file>`): their kind and shape. */
  readonly byName?: { readonly kind: string; readonly node: ShapeNode };
  /** A list's elements (`vp[0]`). */
  readonly item?: ShapeNode;
  /** Other names of members (alias → the member's shape), accepted in paths but not offered. */
  readonly aliases?: ReadonlyMap<string, ShapeNode>;
}

/** A node nothing more is known of: a value, or a list the sample left empty. */
export const EMPTY_SHAPE: ShapeNode = { members: new Map() };

/** The shape at a path (`['resv', 'f']`, `['vp', '[]']`), or undefined where the shape does not go. */
export function shapeAt(shapes: ReadonlyMap<string, ShapeNode>, path: readonly string[]): ShapeNode | undefined {
  let cur = shapes.get(path[0] ?? '');
  for (const p of path.slice(1)) {
    if (!cur) return undefined;
    if (p === '[]') cur = cur.item ?? cur.byName?.node;
    else cur = cur.members.get(p) ?? cur.aliases?.get(p) ?? cur.byName?.node;
  }
  return cur;
}
