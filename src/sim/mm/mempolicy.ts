/**
 * The mm/mempolicy.c functions kstep runs: `mbind` (MPOL_BIND to one node
 * with MPOL_MF_MOVE) and change_prot_numa, the first half of `numa_fault`.
 * mbind_range keeps the policy on the VMAs (Vma.bind): later faults there
 * allocate on that node.
 */
import { EFAULT, EINVAL } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { vm_normal_page } from './memory';
import { MEMPOLICY_C } from './mempolicy_c';
import { migrate_pages, NR_NODES, pageToNid, vmaMigratable } from './migrate';
import type { MmModel } from './model';
import { PG_LRU, vpnHex as hex, ZERO_PFN } from './page';
import { PTE_PRESENT, pteKind, ptePfn } from './pte';
import type { Task, Vma } from './task';

const DO_MBIND = fnOf(MEMPOLICY_C, 'do_mbind');
const QUEUE_PAGES_PTE_RANGE = fnOf(MEMPOLICY_C, 'queue_pages_pte_range');
const CHANGE_PROT_NUMA = fnOf(MEMPOLICY_C, 'change_prot_numa');

export interface MbindResult {
  ret: number;
  /** Present pages vm_normal_lru_page refused (not on an LRU: ZONE_DEVICE), the zero page not counted. */
  skipped: number;
  /** Pages queued and moved to the node. */
  pages: number;
}

/** The vpns of [start, end) in `vma` whose pages leave for `node` (isolated: on an LRU, mapped once). */
function* queue_pages_pte_range(m: Machine, mm: MmModel, t: Task, start: number, end: number, node: number, acc: MbindResult): KGen<number[]> {
  const fr = m.enter(QUEUE_PAGES_PTE_RANGE, { addr: hex(start), end: hex(end), nodes: `${node}`, flags: 'MPOL_MF_MOVE|MPOL_MF_INVERT' });
  const queued: number[] = [];
  const vpns: number[] = [];
  t.pt.forEach(start, end, (i) => vpns.push(i));
  for (const vpn of vpns) {
    const pte = t.pt.get(vpn);
    if (pteKind(pte) !== PTE_PRESENT) continue;
    fr.locals.addr = hex(vpn);
    yield fr.at('walk');
    const page = (yield vm_normal_page(m, mm, pte, true)) as number;
    if (!page) {
      if (ptePfn(pte) !== ZERO_PFN) acc.skipped++;
      yield fr.at('skip');
      continue;
    }
    if (pageToNid(mm, page) === node) {
      yield fr.at('on_node');
      continue;
    }
    // migrate_page_add: only a page mapped once is isolated (no MPOL_MF_MOVE_ALL), and only off an LRU
    if (mm.mapcount.get(page) === 1 && mm.flags.get(page) & PG_LRU) queued.push(vpn);
    fr.locals.queued = queued.length;
    yield fr.at('queued');
  }
  yield fr.at('done');
  return m.leave(fr, queued);
}

export function* do_mbind(m: Machine, mm: MmModel, t: Task, start: number, end: number, node: number): KGen<MbindResult> {
  const fr = m.enter(DO_MBIND, { start: hex(start), len: (end - start) * 4096, mode: 'MPOL_BIND', nmask: `${node}`, flags: 'MPOL_MF_MOVE' });
  const acc: MbindResult = { ret: 0, skipped: 0, pages: 0 };
  const out = function* (ret: number, label: string): KGen<MbindResult> {
    acc.ret = ret;
    fr.locals.err = ret;
    yield fr.at(label);
    return m.leave(fr, acc);
  };
  // mpol_new: a nodemask with no node that has memory is -EINVAL
  yield fr.at('new');
  if (node < 0 || node >= NR_NODES) return yield* out(-EINVAL, 'out');
  yield fr.at('queue');
  // queue_pages_test_walk: a hole before, between or after the VMAs is -EFAULT (no MPOL_MF_DISCONTIG_OK)
  const vmas = t.vmas.filter((v) => v.end > start && v.start < end).sort((a, b) => a.start - b.start);
  let at = start;
  for (const v of vmas) {
    if (v.start > at) break;
    at = v.end;
  }
  if (!vmas.length || at < end) return yield* out(-EFAULT, 'efault');
  const queued: number[] = [];
  for (const v of vmas) {
    // Not migratable (dax) and no MPOL_MF_STRICT: the VMA is skipped; hugetlb VMAs go through queue_pages_hugetlb, not simulated.
    if (!vmaMigratable(v) || v.huge) continue;
    queued.push(...((yield* queue_pages_pte_range(m, mm, t, Math.max(start, v.start), Math.min(end, v.end), node, acc)) as number[]));
  }
  // mbind_range: the range's VMAs (split at its ends) get the policy
  t.splitVmas(start, end, (v) => ({ ...v, bind: node }));
  yield fr.at('range');
  if (queued.length) {
    yield fr.at('migrate');
    for (const vpn of queued) {
      yield* migrate_pages(m, mm, t, vpn, node);
      acc.pages++;
    }
  }
  return yield* out(0, 'out');
}

/** change_pte_range's prot_numa branch for one PTE: whether it became a NUMA hinting (prot-none) PTE; `skipped` when vm_normal_lru_page refused the page. */
export function* change_prot_numa(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<{ marked: boolean; skipped: boolean }> {
  const pte = t.pt.get(vpn);
  const fr = m.enter(CHANGE_PROT_NUMA, { addr: hex(vpn), end: hex(vpn + 1) });
  const done = function* (label: string, marked: boolean, skipped = false): KGen<{ marked: boolean; skipped: boolean }> {
    yield fr.at(label);
    if (label !== 'out') yield fr.at('out');
    return m.leave(fr, { marked, skipped });
  };
  yield fr.at('lru');
  const page = (yield vm_normal_page(m, mm, pte, true)) as number;
  if (!page) return yield* done('skip', false, ptePfn(pte) !== ZERO_PFN);
  if (!vma.shared && mm.refcount.get(page) !== 1) return yield* done('cow_shared', false);
  // A single-threaded task on node 0: private pages already there are left alone.
  if (!vma.shared && pageToNid(mm, page) === 0) return yield* done('on_node', false);
  return yield* done('protnone_set', true);
}
