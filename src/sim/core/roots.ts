import type { StateNode } from './state';
import type { MemorySpace, Subsystem } from './subsystem';

/** The state tree's roots by name, the subsystem owning each, and the subsystems' byte-addressed spaces. */
export class StateRoots {
  private readonly roots = new Map<string, StateNode>();
  private readonly owner = new Map<string, Subsystem>();
  /** Every subsystem, in the order they were added: the machine snapshots them in this order. */
  readonly subsystems: Subsystem[] = [];

  add(name: string, node: StateNode, owner?: Subsystem): void {
    this.roots.set(name, node);
    if (owner) this.owner.set(name, owner);
  }

  addSubsystem(s: Subsystem): void {
    this.subsystems.push(s);
    for (const [k, v] of Object.entries(s.roots())) this.add(k, v, s);
  }

  get(name: string): StateNode | undefined {
    return this.roots.get(name);
  }

  /** Whether the mechanism owning a root has been used (undefined: it cannot tell). */
  active(name: string): boolean | undefined {
    return this.owner.get(name)?.active?.();
  }

  /** Root names, in the order they were added. */
  names(): string[] {
    return [...this.roots.keys()];
  }

  memorySpace(name: string): MemorySpace | undefined {
    for (const s of this.subsystems) {
      const sp = s.memory?.[name];
      if (sp) return sp;
    }
    return undefined;
  }

  memorySpaceNames(): string[] {
    return this.subsystems.flatMap((s) => Object.keys(s.memory ?? {}));
  }

  /** Every subsystem's snapshot, in order, and what they cost together. */
  snapshot(): { subsystems: unknown[]; size: number } {
    let size = 0;
    const subsystems = this.subsystems.map((s) => {
      const snap = s.snapshot();
      size += snap.size;
      return snap.data;
    });
    return { subsystems, size };
  }

  restore(data: readonly unknown[]): void {
    this.subsystems.forEach((s, i) => s.restore(data[i]));
  }
}
