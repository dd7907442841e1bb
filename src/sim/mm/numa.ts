/**
 * `numa_fault`: NUMA balancing on one page. task_numa_work's change_prot_numa
 * makes the PTE a prot-none hinting PTE (the PTE encoding has no protnone
 * state: kstep takes the hinting fault at once), then the access faults into
 * do_numa_page, which reference 003 moves to vm_normal_lru_page.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { vm_normal_page } from './memory';
import { MEMORY_C } from './memory_c';
import { change_prot_numa } from './mempolicy';
import { migrate_misplaced_page, pageToNid, vmaMigratable } from './migrate';
import type { MmModel } from './model';
import { vpnHex as hex } from './page';
import { PTE_PRESENT, pteKind } from './pte';
import type { Task, Vma } from './task';
import { PROT_READ, PROT_WRITE } from './task';

const DO_NUMA_PAGE = fnOf(MEMORY_C, 'do_numa_page');

export interface NumaFault {
  /** Whether a hinting fault happened at all. */
  fault: boolean;
  skipped: number;
  migrated: boolean;
}

/**
 * task_numa_work's VMA filter: migratable, a policy with MPOL_F_MOF (the
 * default's; mbind's MPOL_BIND without MPOL_MF_LAZY has none), not hugetlb,
 * accessible, not a read-only file mapping.
 */
function numaScanned(v: Vma): boolean {
  if (!vmaMigratable(v) || v.bind !== undefined || v.huge || v.prot === 0) return false;
  return !(v.file && (v.prot & (PROT_READ | PROT_WRITE)) === PROT_READ);
}

function* do_numa_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, acc: NumaFault): KGen {
  const pte = t.pt.get(vpn);
  const fr = m.enter(DO_NUMA_PAGE, { address: hex(vpn), orig_pte: pte });
  yield fr.at('entry');
  yield fr.at('lru');
  const page = (yield vm_normal_page(m, mm, pte, true)) as number;
  if (!page) {
    acc.skipped++;
    yield fr.at('no_page');
    yield fr.at('out_map');
  } else {
    // mpol_misplaced with the default (local) policy: the faulting CPU's node, 0
    const target = 0;
    fr.locals.page_nid = pageToNid(mm, page);
    fr.locals.target_nid = pageToNid(mm, page) === target ? 'NUMA_NO_NODE' : target;
    yield fr.at('prep');
    if (pageToNid(mm, page) === target) {
      yield fr.at('local');
      yield fr.at('out_map');
    } else {
      acc.migrated = (yield* migrate_misplaced_page(m, mm, t, vma, vpn, target)) as boolean;
      yield fr.at(acc.migrated ? 'migrated' : 'migrate_fail');
    }
  }
  yield fr.at('out');
  m.leave(fr);
}

export function* numa_fault(m: Machine, mm: MmModel, t: Task, vpn: number): KGen<NumaFault> {
  const acc: NumaFault = { fault: false, skipped: 0, migrated: false };
  const vma = t.findVma(vpn);
  if (!vma || !numaScanned(vma) || pteKind(t.pt.get(vpn)) !== PTE_PRESENT) return acc;
  const r = (yield* change_prot_numa(m, mm, t, vma, vpn)) as { marked: boolean; skipped: boolean };
  if (r.skipped) acc.skipped++;
  if (!r.marked) return acc;
  acc.fault = true;
  // The access to the prot-none PTE is a page fault like any other (the `fault` exception filter).
  m.raise('fault', `NUMA hinting fault at 0x${(BigInt(vpn) << 12n).toString(16)} in task ${t.name}`);
  yield* do_numa_page(m, mm, t, vma, vpn, acc);
  return acc;
}
