import { NodeRef } from '../core/frames';
import type { Task, Vma } from './task';

/**
 * Frame arguments and locals that are mm state (a task's vma, a struct
 * page): the debugger expands them to the node's fields (`task.a.vma[0]`,
 * `page[0x1200]`) instead of showing a number or a range as text.
 */

const hex = (n: number): string => `0x${(n * 4096).toString(16)}`;

/**
 * Each task's last vma linked, kept: handle_mm_fault links one per fault, and a run faults a million times in
 * one vma. Weak, so a finished session's task (and its page tables) is not kept alive by this cache.
 */
const lastVma = new WeakMap<Task, { readonly index: number; readonly ref: NodeRef }>();

/** `vma` as the task's vma node; its label is its range, as the frame used to show it. */
export function vmaRef(t: Task, v: Vma): NodeRef {
  // Vmas are immutable objects, but the list is re-sorted and split in place: the position is checked each time.
  const last = lastVma.get(t);
  if (last && t.vmas[last.index] === v) return last.ref;
  const index = t.vmas.indexOf(v);
  const ref = new NodeRef('task', [t.name, 'vma', index], `[${hex(v.start)}, ${hex(v.end)})`);
  if (index >= 0) lastVma.set(t, { index, ref });
  return ref;
}

/** `page` (a pfn) as its struct page. */
export function pageRef(pfn: number): NodeRef {
  return new NodeRef('page', [BigInt(pfn)], BigInt(pfn));
}
