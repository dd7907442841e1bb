/**
 * lib/test_hmm.c's atomic (device-exclusive) mirror entries and its MMU
 * interval notifier. The mirror's page table is modelled only where a
 * statement can observe it: entries tagged DPT_XA_TAG_ATOMIC, which
 * `device_check_exclusive` reads. Every mmu_notifier_invalidate_range_start
 * on a task's range reaches dmirror_interval_invalidate, which drops the
 * entries of that range; the frame is shown only when it drops something, so
 * the many invalidations without atomic entries cost nothing.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { Machine } from '../core/machine';
import type { Device, MmModel } from './model';
import { vpnHex as hex } from './page';
import type { Task } from './task';
import { TEST_HMM_C } from './test_hmm_c';

const DMIRROR_INTERVAL_INVALIDATE = fnOf(TEST_HMM_C, 'dmirror_interval_invalidate');

export const atomicKey = (t: Task, vpn: number): string => `${t.name}:${vpn}`;

/** Whether device `d`'s mirror holds an atomic entry for `vpn` of task `t`. */
export function isAtomic(d: Device, t: Task, vpn: number): boolean {
  return d.atomic?.has(atomicKey(t, vpn)) === true;
}

/** The atomic entries of `d` for task `t` inside [start, end). */
function inRange(d: Device, t: Task, start: number, end: number): string[] {
  const out: string[] = [];
  if (!d.atomic?.size) return out;
  const prefix = `${t.name}:`;
  for (const k of d.atomic) {
    if (!k.startsWith(prefix)) continue;
    const vpn = Number(k.slice(prefix.length));
    if (vpn >= start && vpn < end) out.push(k);
  }
  return out;
}

/** Drops keys from d's atomic entries (a new set: snapshots keep the old one). */
export function dropAtomic(d: Device, keys: readonly string[]): void {
  if (!keys.length || !d.atomic) return;
  const n = new Set(d.atomic);
  for (const k of keys) n.delete(k);
  d.atomic = n;
}

/** Adds keys to d's atomic entries. */
export function addAtomic(d: Device, keys: readonly string[]): void {
  if (!keys.length) return;
  const n = new Set(d.atomic ?? []);
  for (const k of keys) n.add(k);
  d.atomic = n;
}

/**
 * mmu_notifier_invalidate_range_start over [start, end) of task t, `event`
 * as the caller names it; `owner` is the range's owner device for
 * MMU_NOTIFY_MIGRATE, which that device's own notifier ignores.
 */
export function* mmu_notifier_invalidate(m: Machine, mm: MmModel, t: Task, start: number, end: number, event: string, owner?: string): KGen {
  for (const d of mm.devices.values()) {
    if (!d.atomic?.size) continue;
    if (event === 'MMU_NOTIFY_MIGRATE' && owner === d.name) continue;
    const keys = inRange(d, t, start, end);
    if (!keys.length) continue;
    const fr = m.enter(DMIRROR_INTERVAL_INVALIDATE, { device: d.name, event, start: hex(start), end: hex(end) });
    dropAtomic(d, keys);
    fr.locals.erased = keys.length;
    yield fr.at('update');
    m.leave(fr);
  }
}
