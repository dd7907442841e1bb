/**
 * mm/memory.c's fault path for VMAs with vm_ops (page-cache files and
 * fsdax): do_fault and the three ways it goes. Kept apart from memory.ts,
 * which calls in here from handle_pte_fault, so that nothing here imports
 * memory.ts back.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import { dax_iomap_pte_fault } from './dax';
import { filemap_fault } from './filemap';
import type { FaultResult } from './memory';
import { MEMORY_C } from './memory_c';
import { put_page } from './mm';
import type { MmModel } from './model';
import { PG_ANON, PG_LRU, PG_USED, policyNodeFlag, vpnHex as hex } from './page';
import { mkpte, PTE_PRESENT } from './pte';
import type { Task, Vma } from './task';
import { PROT_WRITE } from './task';
import { pageRef } from './frame_refs';

const DO_FAULT = fnOf(MEMORY_C, 'do_fault');
const __DO_FAULT = fnOf(MEMORY_C, '__do_fault');
const DO_READ_FAULT = fnOf(MEMORY_C, 'do_read_fault');
const DO_COW_FAULT = fnOf(MEMORY_C, 'do_cow_fault');
const DO_SHARED_FAULT = fnOf(MEMORY_C, 'do_shared_fault');
const FINISH_FAULT = fnOf(MEMORY_C, 'finish_fault');

/** What ->fault gave back: a page with the fault's reference (vmf->page), NOPAGE (dax mapped it itself) or SIGBUS. */
type Fault = { readonly page: number } | 'NOPAGE' | 'SIGBUS';

function* __do_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean): KGen<Fault> {
  const fr = m.enter(__DO_FAULT, { address: hex(vpn) });
  yield fr.at('fault');
  let out: Fault;
  if (vma.dax) {
    const dev = mm.devices.get(vma.dax.name);
    out = dev && (yield* dax_iomap_pte_fault(m, t, vma, dev, vpn, write)) ? 'NOPAGE' : 'SIGBUS';
  } else {
    const f = vma.file ? mm.cache.files.get(vma.file.name) : undefined;
    const page = f ? yield* filemap_fault(m, mm, f, vpn - (vma.file?.base ?? vma.start), vpn) : undefined;
    out = page === undefined ? 'SIGBUS' : { page };
  }
  fr.locals.ret = out === 'SIGBUS' ? 'VM_FAULT_SIGBUS' : out === 'NOPAGE' ? 'VM_FAULT_NOPAGE' : 'VM_FAULT_LOCKED';
  yield fr.at(typeof out === 'object' ? 'out' : 'nopage');
  return m.leave(fr, out);
}

/** do_set_pte for `page`: a COWed anonymous page or the file page itself. */
function* finish_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean, page: number): KGen {
  const fr = m.enter(FINISH_FAULT, { address: hex(vpn), page: pageRef(page) });
  yield fr.at('page');
  const cow = write && !vma.shared;
  if (cow) {
    mm.flags.set(page, PG_USED | PG_LRU | PG_ANON | policyNodeFlag(vma));
    yield fr.at('anon');
  } else yield fr.at('file');
  mm.mapcount.add(page, 1);
  t.rss++;
  t.pt.set(vpn, mkpte(PTE_PRESENT, write && (vma.prot & PROT_WRITE) !== 0, page));
  yield fr.at('set_pte');
  m.leave(fr);
}

function* do_read_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const fr = m.enter(DO_READ_FAULT, { address: hex(vpn) });
  yield fr.at('do_fault');
  const f = (yield* __do_fault(m, mm, t, vma, vpn, false)) as Fault;
  if (typeof f !== 'object') {
    yield fr.at('nopage');
    return m.leave(fr, f === 'SIGBUS' ? 'SIGBUS' : 'ok');
  }
  yield fr.at('finish');
  yield* finish_fault(m, mm, t, vma, vpn, false, f.page);
  yield fr.at('out');
  return m.leave(fr, 'ok');
}

function* do_cow_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const fr = m.enter(DO_COW_FAULT, { address: hex(vpn) });
  const cow = mm.allocSys();
  fr.locals.cow_page = cow;
  yield fr.at('alloc');
  yield fr.at('do_fault');
  const f = (yield* __do_fault(m, mm, t, vma, vpn, true)) as Fault;
  if (typeof f !== 'object') {
    // uncharge_out: the COW page goes back
    yield* put_page(m, mm, cow);
    return m.leave(fr, f === 'SIGBUS' ? 'SIGBUS' : 'ok');
  }
  mm.copyVals(f.page, cow);
  yield fr.at('copy');
  yield fr.at('finish');
  yield* finish_fault(m, mm, t, vma, vpn, true, cow);
  yield fr.at('put');
  yield* put_page(m, mm, f.page);
  return m.leave(fr, 'ok');
}

function* do_shared_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number): KGen<FaultResult> {
  const fr = m.enter(DO_SHARED_FAULT, { address: hex(vpn) });
  yield fr.at('do_fault');
  const f = (yield* __do_fault(m, mm, t, vma, vpn, true)) as Fault;
  if (typeof f !== 'object') {
    yield fr.at('nopage');
    return m.leave(fr, f === 'SIGBUS' ? 'SIGBUS' : 'ok');
  }
  yield fr.at('mkwrite');
  yield fr.at('finish');
  yield* finish_fault(m, mm, t, vma, vpn, true, f.page);
  yield fr.at('dirty');
  return m.leave(fr, 'ok');
}

/** A fault on a none PTE of a VMA with vm_ops: read, COW (private write) or shared write. */
export function* do_fault(m: Machine, mm: MmModel, t: Task, vma: Vma, vpn: number, write: boolean): KGen<FaultResult> {
  const fr = m.enter(DO_FAULT, { address: hex(vpn), write, vm_file: vma.file?.name ?? vma.dax?.name ?? '' });
  let r: FaultResult;
  if (!write) {
    yield fr.at('read');
    r = yield* do_read_fault(m, mm, t, vma, vpn);
  } else if (!vma.shared) {
    yield fr.at('cow');
    r = yield* do_cow_fault(m, mm, t, vma, vpn);
  } else {
    yield fr.at('shared');
    r = yield* do_shared_fault(m, mm, t, vma, vpn);
  }
  fr.locals.ret = r === 'ok' ? 0 : `VM_FAULT_${r}`;
  return m.leave(fr, r);
}
