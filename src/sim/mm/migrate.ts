/**
 * The mm/migrate.c functions kstep runs: `move_pages` (do_pages_move →
 * add_page_for_migration → migrate_pages) and the NUMA hinting fault's
 * migrate_misplaced_page. Two memory nodes: a page is on node 1 when it has
 * PG_NODE1, else on node 0; a page that moves is copied to a new frame on
 * the target node and the PTE (and page cache slot) follow it.
 */
import { EACCES, EBUSY, EFAULT, ENODEV, ENOENT } from '../core/errno';
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { FOLL_DUMP, FOLL_GET, FOLL_LRU } from './foll';
import type { Followed } from './gup_follow';
import { follow_page_pte, ungrab } from './gup_follow';
import { MIGRATE_C } from './migrate_c';
import type { MmModel } from './model';
import { PG_ANON, PG_HUGETLB, PG_LRU, PG_NODE1, PG_USED, vpnHex as hex } from './page';
import { mkpte, PTE_MIGRATION, PTE_PRESENT, pteKind, ptePfn, pteWrite } from './pte';
import type { Task, Vma } from './task';
import { PROT_EXEC } from './task';
import { pageRef } from './frame_refs';

const DO_PAGES_MOVE = fnOf(MIGRATE_C, 'do_pages_move');
const ADD_PAGE_FOR_MIGRATION = fnOf(MIGRATE_C, 'add_page_for_migration');
const MIGRATE_PAGES = fnOf(MIGRATE_C, 'migrate_pages');
const MIGRATE_MISPLACED_PAGE = fnOf(MIGRATE_C, 'migrate_misplaced_page');

/** Nodes with memory: 0 and 1 (MAX_NUMNODES is larger; the others have no N_MEMORY). */
export const NR_NODES = 2;

export const pageToNid = (mm: MmModel, pfn: number): number => (mm.flags.get(pfn) & PG_NODE1 ? 1 : 0);

/** vma_migratable(): not dax, not VM_IO/VM_PFNMAP; hugetlb VMAs would be, but kstep does not move huge pages. */
export function vmaMigratable(v: Vma): boolean {
  return !v.dax;
}

/** rmap_walk: every present PTE of every task that maps `pfn`. */
function mappingsOf(mm: MmModel, pfn: number): { t: Task; vpn: number; write: boolean }[] {
  const out: { t: Task; vpn: number; write: boolean }[] = [];
  for (const t of mm.tasks.values()) {
    t.pt.forEach(0, Number.MAX_SAFE_INTEGER, (vpn, p) => {
      if (pteKind(p) === PTE_PRESENT && ptePfn(p) === pfn) out.push({ t, vpn, write: pteWrite(p) });
    });
  }
  return out;
}

/**
 * The isolated page mapped at `vpn` of `t` moves to a new frame on `node`:
 * try_to_migrate turns every PTE mapping it into a migration entry,
 * move_to_new_page copies it (and its page-cache slot),
 * remove_migration_ptes points them all at the new page, and the old frame
 * is freed. 0 when the page holds references no mapping explains (the
 * PTEs point back at it, the new page is freed).
 */
export function* migrate_pages(m: Machine, mm: MmModel, t: Task, vpn: number, node: number): KGen<number> {
  const old = ptePfn(t.pt.get(vpn));
  const fr = m.enter(MIGRATE_PAGES, { page: pageRef(old), node });
  const np = mm.allocSys();
  mm.flags.set(np, PG_USED | (mm.flags.get(old) & (PG_LRU | PG_ANON)) | (node === 1 ? PG_NODE1 : 0));
  fr.locals.newpage = np;
  yield fr.at('alloc');
  const maps = mappingsOf(mm, old);
  for (const x of maps) x.t.pt.set(x.vpn, mkpte(PTE_MIGRATION, x.write, old));
  yield fr.at('unmap');
  const owner = mm.cache.owner.get(old);
  // migrate_page_move_mapping: any reference besides the mappings and the page cache's (a gup pin, a
  // device-exclusive entry) makes page_count differ from the expected count: -EAGAIN on every pass
  if (mm.refcount.get(old) !== maps.length + (owner ? 1 : 0)) {
    for (const x of maps) x.t.pt.set(x.vpn, mkpte(PTE_PRESENT, x.write, old));
    mm.putPage(np);
    fr.locals.rc = '-EAGAIN';
    yield fr.at('busy');
    fr.locals.nr_failed = 1;
    yield fr.at('out');
    return m.leave(fr, 0);
  }
  mm.copyVals(old, np);
  const f = owner ? mm.cache.files.get(owner.file) : undefined;
  if (owner && f) {
    // migrate_page_move_mapping: the page cache slot holds the new page, with the cache's reference
    mm.cache.remove(f, owner.index);
    mm.cache.add(f, owner.index, np);
    mm.refcount.add(np, 1);
  }
  yield fr.at('copy');
  for (const x of maps) x.t.pt.set(x.vpn, mkpte(PTE_PRESENT, x.write, np));
  mm.mapcount.set(np, mm.mapcount.get(old));
  mm.mapcount.set(old, 0);
  yield fr.at('remap');
  // The old frame's references (mappings, cache, isolation) are all gone; the new one has one per mapping (and the cache's).
  mm.refcount.add(np, maps.length - 1);
  mm.refcount.set(old, 1);
  mm.putPage(old);
  yield fr.at('free');
  fr.locals.nr_failed = 0;
  yield fr.at('out');
  return m.leave(fr, np);
}

/** 1 (queued: isolated from its LRU), 0 (already on node) or a negative errno for status[]. */
function* add_page_for_migration(m: Machine, mm: MmModel, t: Task, vpn: number, node: number): KGen<number> {
  const fr = m.enter(ADD_PAGE_FOR_MIGRATION, { addr: hex(vpn), node, migrate_all: false });
  const out = function* (err: number, label: string): KGen<number> {
    fr.locals.err = err;
    yield fr.at(label);
    if (label !== 'out') yield fr.at('out');
    return m.leave(fr, err);
  };
  yield fr.at('vma');
  const vma = t.findVma(vpn);
  if (!vma || !vmaMigratable(vma)) return yield* out(-EFAULT, 'efault');
  const flags = FOLL_GET | FOLL_DUMP | FOLL_LRU;
  fr.locals.follflags = 'FOLL_GET|FOLL_DUMP|FOLL_LRU';
  yield fr.at('follow');
  const r = (yield* follow_page_pte(m, mm, t, vma, vpn, flags)) as Followed;
  if (r && 'err' in r) return yield* out(r.err, 'err');
  if (!r) return yield* out(-ENOENT, 'enoent');
  const page = r.page;
  fr.locals.page = page;
  let err: number;
  if (pageToNid(mm, page) === node) {
    err = 0;
    yield fr.at('same_node');
  } else if (mm.mapcount.get(page) > 1) {
    err = -EACCES;
    yield fr.at('eacces');
  } else if (!(mm.flags.get(page) & PG_LRU) || mm.flags.get(page) & PG_HUGETLB) {
    // isolate_lru_page: only a page on an LRU list can be taken off it (an fsdax page the devmap branch returned is not)
    err = -EBUSY;
    yield fr.at('ebusy');
  } else {
    err = 1;
    yield fr.at('isolated');
  }
  ungrab(mm, page, flags);
  return yield* out(err, 'put');
}

/** move_pages(2) of one page: the syscall's return and status[0] (undefined when the call failed before storing it). */
export function* do_pages_move(m: Machine, mm: MmModel, t: Task, vpn: number, node: number): KGen<{ ret: number; status?: number }> {
  const fr = m.enter(DO_PAGES_MOVE, { mm: t.name, nr_pages: 1, pages: `[${hex(vpn)}]`, nodes: `[${node}]` });
  let ret = 0;
  let status: number | undefined;
  if (node < 0 || node >= NR_NODES) {
    ret = -ENODEV;
    yield fr.at('enodev');
  } else {
    yield fr.at('add');
    const err = (yield* add_page_for_migration(m, mm, t, vpn, node)) as number;
    if (err > 0) {
      yield fr.at('queued');
      yield fr.at('move');
      // status[] was stored as the node when the page was queued; pages left unmigrated are the positive return
      if (!(yield* migrate_pages(m, mm, t, vpn, node))) ret = 1;
      status = node;
    } else {
      status = err || node;
      fr.locals.status = status;
      yield fr.at('store');
    }
  }
  fr.locals.err = ret;
  yield fr.at('out');
  return m.leave(fr, status === undefined ? { ret } : { ret, status });
}

/** Whether the page mapped at vpn moved to `node`. */
export function* migrate_misplaced_page(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, node: number): KGen<boolean> {
  const page = ptePfn(t.pt.get(vpn));
  const fr = m.enter(MIGRATE_MISPLACED_PAGE, { page: pageRef(page), node });
  let ok = false;
  if (mm.mapcount.get(page) !== 1 && !(mm.flags.get(page) & PG_ANON) && vma.prot & PROT_EXEC) yield fr.at('shared_exec');
  else {
    yield fr.at('isolate');
    yield fr.at('migrate');
    ok = ((yield* migrate_pages(m, mm, t, vpn, node)) as number) !== 0;
  }
  fr.locals.isolated = ok ? 1 : 0;
  if (!ok) yield fr.at('out');
  return m.leave(fr, ok);
}
