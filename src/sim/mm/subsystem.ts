import type { MemorySpace, Subsystem } from '../core/machine';
import type { StateNode } from '../core/state';
import type { Value } from '../core/values';
import { MmModel } from './model';
import { SYS_BASE } from './page';
import type { NonZeroIndex } from './cow';
import { mmRoots, physSpace, presentPtes, vmaValue } from './state_view';
import type { Task, Vma } from './task';

/**
 * Memory as the machine sees it: the model (model.ts) the kernel functions
 * change, shown through its state-tree view (state_view.ts). Roots: `task`,
 * `page`, `dev`; byte space `phys`.
 */
export class Mm extends MmModel implements Subsystem {
  readonly name = 'mm';
  readonly memory: Readonly<Record<string, MemorySpace>> = { phys: physSpace(this) };

  /** Whether the scenario has used memory yet (the debugger shows the Memory scope first then). */
  active(): boolean {
    const init = this.tasks.get('init');
    return this.devices.size > 0 || this.tasks.size !== 1 || !init || init.vmas.length > 0 || this.sysNext > SYS_BASE || this.current !== 'init';
  }

  roots(): Readonly<Record<string, StateNode>> {
    return mmRoots(this);
  }

  /** The present PTEs of a task in address order (an index: `.length`, `.at(i)`). */
  presentPtes(t: Task): NonZeroIndex {
    return presentPtes(t);
  }

  vmaValue(v: Vma): Value {
    return vmaValue(this.hugetlb, v);
  }
}
