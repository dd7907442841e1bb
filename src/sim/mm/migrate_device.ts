/**
 * The mm/migrate_device.c functions kstep runs, and struct migrate_vma. The
 * per-page walks are plain functions the frames call between step points:
 * V8 cannot keep a long loop inside a generator optimized (on-stack
 * replacement of a generator is deoptimized again each time a call takes a
 * path the big range never took), so the loops live outside the generators.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { MIGRATE_DEVICE_C } from './migrate_device_c';
import { put_page } from './mm';
import type { MmModel } from './model';
import { PG_ANON, PG_LRU, PG_USED, ZERO_PFN } from './page';
import { mkpte, PTE_DEVICE_PRIVATE, PTE_MIGRATION, PTE_NONE, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_WRITE, vmaIsAnonymous } from './task';
import { mmu_notifier_invalidate } from './test_hmm_atomic';

/** MIGRATE_PFN_MIGRATE, MIGRATE_PFN_WRITE, and the destination's write bit the driver sets. */
export const MIGRATE = 1;
export const WRITE = 2;
export const DST_WRITE = 4;

/**
 * struct migrate_vma: src/dst pfns (0: none), MIGRATE_PFN_* flags and the pte
 * before migrate_vma_unmap, one slot each per page, in one Int32Array `s`
 * (a pte is an int32 as pte.ts folds it, pfns are below 2^28): `s[src + i]`, `s[dst + i]`...
 * One buffer per migration, where four made a fault's migration allocate four.
 */
export interface Mig {
  readonly start: number;
  readonly n: number;
  readonly vma: Vma;
  readonly s: Int32Array;
  /** Offsets of the four slot arrays in `s`. */
  readonly src: 0;
  readonly dst: number;
  readonly flags: number;
  /** The pte before migrate_vma_unmap, to put back when a page does not move. */
  readonly orig: number;
  cpages: number;
  /** Other mappings of collected pages (forked tasks map them at the same address): try_to_migrate unmaps them all. */
  readonly others: Array<{ readonly task: Task; readonly i: number; readonly orig: number }>;
}

export interface Select {
  readonly system?: boolean;
  readonly coherent?: string;
  readonly private?: string;
  /** Any device-private / coherent page (migrate to=system). */
  readonly anyDevice?: boolean;
  /** args->pgmap_owner: that device's MMU notifier ignores this migration's invalidation. */
  readonly owner?: string;
}

function newMig(vma: Vma, start: number, n: number): Mig {
  return { start, n, vma, s: new Int32Array(4 * n), src: 0, dst: n, flags: 2 * n, orig: 3 * n, cpages: 0, others: [] };
}

// ---- the frames ----------------------------------------------------------------------

const MIGRATE_VMA_SETUP = fnOf(MIGRATE_DEVICE_C, 'migrate_vma_setup');
const MIGRATE_VMA_PAGES = fnOf(MIGRATE_DEVICE_C, 'migrate_vma_pages');
const MIGRATE_VMA_FINALIZE = fnOf(MIGRATE_DEVICE_C, 'migrate_vma_finalize');

export function* migrate_vma_setup(m: Machine, mm: MmModel, t: Task, vma: Vma, start: number, end: number, sel: Select): KGen<Mig> {
  const n = end - start;
  const fr = m.enter(MIGRATE_VMA_SETUP, { start: start * 4096, end: end * 4096, npages: n });
  const mig = newMig(vma, start, n);
  yield fr.at('collect');
  // migrate_vma_collect: mmu_notifier_invalidate_range_start (MMU_NOTIFY_MIGRATE, owner pgmap_owner)
  yield* mmu_notifier_invalidate(m, mm, t, start, end, 'MMU_NOTIFY_MIGRATE', sel.owner ?? sel.private ?? sel.coherent);
  collect(mm, t, mig, sel);
  fr.locals.cpages = mig.cpages;
  if (mig.cpages) {
    yield fr.at('unmap');
    unmap(t, mig);
  }
  return m.leave(fr, mig);
}

export function* migrate_vma_pages(m: Machine, mig: Mig): KGen {
  const fr = m.enter(MIGRATE_VMA_PAGES, { npages: mig.n });
  fr.locals.migrated = dropUnallocated(mig);
  yield fr.at('loop');
  m.leave(fr);
}

/** remove_migration_ptes for every slot, then the old pages released in order (ZONE_DEVICE ones through put_page frames). */
export function* migrate_vma_finalize(m: Machine, mm: MmModel, t: Task, mig: Mig): KGen<number> {
  const fr = m.enter(MIGRATE_VMA_FINALIZE, { npages: mig.n });
  yield fr.at('remove');
  const frees: number[] = [];
  const moved = removeMigrationPtes(mm, t, mig, frees);
  fr.locals.migrated = moved;
  for (let k = putUntilDevice(mm, frees, 0); k < frees.length; k = putUntilDevice(mm, frees, k + 1)) {
    yield put_page(m, mm, frees[k] as number);
  }
  return m.leave(fr, moved);
}

// ---- the per-page walks -----------------------------------------------------------------

/** migrate_vma_collect: fills src, orig and flags for the pages `sel` picks. */
function collect(mm: MmModel, t: Task, mig: Mig, sel: Select): void {
  const { start, n, vma } = mig;
  const anonVma = !vma.shared;
  const holeFlags = MIGRATE | ((vma.prot & PROT_WRITE) !== 0 ? WRITE : 0);
  for (let i = 0; i < n; i++) {
    const pte = t.pt.get(start + i);
    const kind = pteKind(pte);
    // pte_none (migrate_vma_collect_hole) and the zero page (is_zero_pfn): no source page, anonymous VMAs only
    if (kind === PTE_NONE || (kind === PTE_PRESENT && ptePfn(pte) === ZERO_PFN)) {
      if (sel.system && anonVma && vmaIsAnonymous(vma)) {
        mig.s[mig.flags + i] = holeFlags;
        mig.cpages++;
      }
      continue;
    }
    const pfn = ptePfn(pte);
    if (!selected(mm, sel, anonVma, kind, pfn)) continue;
    // migrate_vma_check_page: every reference must come from a mapping we can find and unmap
    const others = rmap(mm, t, pfn, start + i);
    if (others.length + 1 !== mm.mapcount.get(pfn)) continue;
    // ...and no other reference: (page_count - extra) > page_mapcount refuses a page gup holds (pinned or got)
    if (mm.refcount.get(pfn) - (mm.deviceOf(pfn) ? 1 : 0) > mm.mapcount.get(pfn)) continue;
    for (const o of others) mig.others.push({ task: o.task, i, orig: o.pte });
    mig.s[mig.src + i] = pfn;
    mig.s[mig.orig + i] = pte;
    mig.s[mig.flags + i] = MIGRATE | (pteWrite(pte) ? WRITE : 0);
    mig.cpages++;
  }
}

function selected(mm: MmModel, sel: Select, anonVma: boolean, kind: number, pfn: number): boolean {
  const dev = mm.deviceOf(pfn);
  if (kind === PTE_PRESENT) {
    if (!dev) return !!sel.system && anonVma && (mm.flags.get(pfn) & PG_ANON) !== 0;
    return dev.type === 'coherent' && (sel.coherent === dev.name || !!sel.anyDevice);
  }
  if (kind === PTE_DEVICE_PRIVATE) return sel.private === dev?.name || !!sel.anyDevice;
  return false;
}

type Mapping = { readonly task: Task; readonly pte: number };
const NO_MAPPINGS: readonly Mapping[] = [];

/** The other tasks mapping `pfn` at `vpn` (one shared empty list when none: the common case costs no allocation). */
function rmap(mm: MmModel, t: Task, pfn: number, vpn: number): readonly Mapping[] {
  // One task, no other mapping: a fault costs no walk over the task table.
  if (mm.tasks.size === 1) return NO_MAPPINGS;
  let out: Mapping[] | undefined;
  for (const o of mm.tasks.values()) {
    if (o === t) continue;
    const p = o.pt.get(vpn);
    if (pteKind(p) !== PTE_NONE && ptePfn(p) === pfn) (out ??= []).push({ task: o, pte: p });
  }
  return out ?? NO_MAPPINGS;
}

/** migrate_vma_unmap: a migration entry in place of every collected page, in every task mapping it. */
function unmap(t: Task, mig: Mig): void {
  for (let i = 0; i < mig.n; i++) {
    const pfn = mig.s[mig.src + i] as number;
    if (pfn) t.pt.set(mig.start + i, mkpte(PTE_MIGRATION, ((mig.s[mig.flags + i] as number) & WRITE) !== 0, pfn));
  }
  for (const o of mig.others) o.task.pt.set(mig.start + o.i, mkpte(PTE_MIGRATION, pteWrite(o.orig), ptePfn(o.orig)));
}

/** migrate_vma_pages' loop: slots without a new page stop migrating; returns the pages that move. */
function dropUnallocated(mig: Mig): number {
  let moved = 0;
  for (let i = 0; i < mig.n; i++) {
    if (!mig.s[mig.dst + i]) mig.s[mig.flags + i] = (mig.s[mig.flags + i] as number) & ~MIGRATE;
    else if ((mig.s[mig.flags + i] as number) & MIGRATE) moved++;
  }
  return moved;
}

/**
 * remove_migration_ptes for every slot: the new page where it moved, the old
 * entry where not. Pushes the pages to release onto `frees`; returns the pages moved.
 */
function removeMigrationPtes(mm: MmModel, t: Task, mig: Mig, frees: number[]): number {
  let moved = 0;
  for (let i = 0; i < mig.n; i++) {
    const f = mig.s[mig.flags + i] as number;
    const src = mig.s[mig.src + i] as number;
    const dst = mig.s[mig.dst + i] as number;
    const vpn = mig.start + i;
    if (!(f & MIGRATE) || !dst) {
      if (dst) frees.push(dst);
      if (src) t.pt.set(vpn, mig.s[mig.orig + i] as number);
      continue;
    }
    moved++;
    const ddev = mm.deviceOf(dst);
    const w = (f & DST_WRITE) !== 0;
    t.pt.set(vpn, mkpte(ddev?.type === 'private' ? PTE_DEVICE_PRIVATE : PTE_PRESENT, w, dst));
    mm.mapcount.set(dst, 1);
    mm.flags.set(dst, PG_USED | PG_ANON | (ddev ? 0 : PG_LRU));
    if (src) {
      mm.mapcount.add(src, -1);
      frees.push(src);
    } else t.rss++;
  }
  for (const o of mig.others) {
    const i = o.i;
    const src = mig.s[mig.src + i] as number;
    const dst = mig.s[mig.dst + i] as number;
    const vpn = mig.start + i;
    if (!((mig.s[mig.flags + i] as number) & MIGRATE) || !dst) {
      o.task.pt.set(vpn, o.orig);
      continue;
    }
    const ddev = mm.deviceOf(dst);
    o.task.pt.set(vpn, mkpte(ddev?.type === 'private' ? PTE_DEVICE_PRIVATE : PTE_PRESENT, pteWrite(o.orig), dst));
    mm.mapcount.add(dst, 1);
    mm.refcount.add(dst, 1);
    mm.mapcount.add(src, -1);
    frees.push(src);
  }
  return moved;
}

/**
 * Releases frees[from..] in order up to the first ZONE_DEVICE page (whose
 * put_page is a frame the caller steps through); returns its index, or the length.
 */
function putUntilDevice(mm: MmModel, frees: readonly number[], from: number): number {
  for (let k = from; k < frees.length; k++) {
    const p = frees[k] as number;
    if (mm.deviceOf(p)) return k;
    mm.putPage(p);
  }
  return frees.length;
}
