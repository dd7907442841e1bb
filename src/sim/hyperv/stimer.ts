/**
 * The synthetic timers' frames in hypervisor/hv_hypercall.c: a guest's
 * STIMERn_CONFIG or STIMERn_COUNT write, and the expiry the event queue fires.
 */
import type { KGen } from '../core/frames';
import { fnOf } from '../core/frames';
import type { SimEvent } from '../core/events';
import type { Machine } from '../core/machine';
import { HV_HYPERCALL_C } from './hv_hypercall_c';
import type { HyperVState, TimerRef, Vp } from './partition';
import type { HyperV } from './subsystem';
import { writeReg } from './vp_registers';
import { REG_BY_NUM, STIMER_DIRECT, stimerSint, stimerVector } from './tlfs';

const STIMER_EXPIRATION = fnOf(HV_HYPERCALL_C, 'stimer_expiration');
const STIMER_SET_CONFIG = fnOf(HV_HYPERCALL_C, 'stimer_set_config');
const STIMER_SET_COUNT = fnOf(HV_HYPERCALL_C, 'stimer_set_count');

/** STIMERn_CONFIG / STIMERn_COUNT writes as stimer_set_config / stimer_set_count frames. */
export function* stimerWrite(m: Machine, hv: HyperVState, v: Vp, kind: 'stimer_config' | 'stimer_count', k: number, value: bigint): KGen<number> {
  const isConfig = kind === 'stimer_config';
  const fr = m.enter(isConfig ? STIMER_SET_CONFIG : STIMER_SET_COUNT, { vp: BigInt(v.index), timer: BigInt(k), [isConfig ? 'config' : 'count']: value });
  const t = v.stimers[k] as Vp['stimers'][number];
  const fired = t.fired;
  const st = writeReg(hv, v, isConfig ? REG_BY_NUM.get(0xb0000 + 2 * k)! : REG_BY_NUM.get(0xb0001 + 2 * k)!, value);
  Object.assign(fr.locals, { 'config.enable': (t.config & 1n) === 1n, exp_time: t.expTime, msg_pending: t.msgPending, expired_now: t.fired !== fired || t.msgPending });
  yield fr.at(isConfig ? 'config' : 'count');
  if (t.config & 1n || t.fired !== fired) yield fr.at('start');
  return m.leave(fr, st);
}

/** STIMER_EVENT: the timer expires (the message or the direct interrupt) and a periodic one re-arms. */
export function* stimer_expiration(m: Machine, hv: HyperV, e: SimEvent): KGen {
  const { vp: vi, timer } = e.data as TimerRef;
  const st = hv.state;
  const vp = st.vp(vi);
  const t = vp.stimers[timer];
  if (!t) return;
  const fr = m.enter(STIMER_EXPIRATION, { vp: BigInt(vi), timer: BigInt(timer), exp_time: t.expTime, now: st.ticks });
  const direct = (t.config & STIMER_DIRECT) !== 0n;
  const r = st.stimerExpire(vp, timer);
  fr.locals.result = r;
  if (direct) fr.locals.apic_vector = BigInt(stimerVector(t.config));
  else fr.locals.sintx = BigInt(stimerSint(t.config));
  yield fr.at(direct ? 'direct' : 'send');
  fr.locals.enable = (t.config & 1n) === 1n;
  fr.locals.expires_at = t.expTime;
  yield fr.at('rearm');
  m.leave(fr);
}
