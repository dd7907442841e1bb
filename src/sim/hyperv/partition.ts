/**
 * The simulated hypervisor's state and its synchronous rules: VP registers,
 * SynIC message delivery (after KVM's synic_deliver_msg), event flags,
 * synthetic timers (after KVM's stimer_* functions), the TSC page and the
 * crash registers. Kernel frames around these live in hv_hypercall.ts and stimer.ts.
 */
import type { Machine } from '../core/machine';
import { ScenarioError } from '../scenario/diagnostics';
import { GuestMemory, fromQwords, le, qwords } from './gpa';
import {
  HVMSG_NONE, HVMSG_TIMER_EXPIRED, MESSAGE_SIZE, PAYLOAD_BYTES, QUEUE_DEPTH, S, SINT_COUNT, SINT_MASKED, SINT_POLLING, STIMER_AUTOENABLE,
  STIMER_COUNT, STIMER_DIRECT, STIMER_ENABLE, STIMER_PERIODIC, stimerSint, stimerVector,
} from './tlfs';

/** Two sparse VP-set banks: enough for the VP 65 that KVM's hyperv_ipi selftest sends to. */
export const MAX_VPS = 128;

export interface Message {
  readonly type: bigint;
  readonly size: number;
  readonly sender: bigint;
  readonly payload: readonly bigint[];
}

export interface Stimer {
  config: bigint;
  count: bigint;
  /** Absolute expiry in TIME_REFCOUNT units; 0 when not armed (KVM's exp_time). */
  expTime: bigint;
  /** An expiry that could not be delivered yet (KVM's msg_pending). */
  msgPending: boolean;
  /** How many expiries were delivered (messages or direct interrupts). */
  fired: number;
}

export interface Vp {
  readonly index: number;
  started: boolean;
  sint: bigint[];
  scontrol: bigint;
  simp: bigint;
  siefp: bigint;
  sirbp: bigint;
  /** SYNTHETIC_VBAR_EL1: where the guest takes synthetic exceptions. */
  vbar: bigint;
  stimers: Stimer[];
  /** Messages waiting for a free slot, per SINT, oldest first. */
  queues: Message[][];
  raised: number[];
  /** Interrupts taken, by vector (SINT vectors, IPI vectors, direct timers' ApicVector). */
  irq: Map<number, number>;
  ipis: number;
  eoms: number;
}

export interface Port {
  readonly connection: number;
  readonly vp: number;
  readonly sint: number;
  readonly kind: 'message' | 'event';
  /** An event port's base flag number and how many flags from it the port owns. */
  readonly flag: number;
  readonly flagCount: number;
}

export interface PartitionState {
  vps: Vp[];
  guestOsid: bigint;
  crashP: bigint[];
  crashed: boolean;
  crash: bigint[];
  referenceTsc: bigint;
  tscSequence: number;
  ports: Map<number, Port>;
  hypercalls: number;
  spinWaits: number;
  flushes: number;
  retargets: number;
}

function newVp(index: number): Vp {
  return {
    index,
    started: index === 0,
    sint: Array.from({ length: SINT_COUNT }, () => SINT_MASKED),
    scontrol: 0n,
    simp: 0n,
    siefp: 0n,
    sirbp: 0n,
    vbar: 0n,
    stimers: Array.from({ length: STIMER_COUNT }, () => ({ config: 0n, count: 0n, expTime: 0n, msgPending: false, fired: 0 })),
    queues: Array.from({ length: SINT_COUNT }, () => []),
    raised: new Array<number>(SINT_COUNT).fill(0),
    irq: new Map(),
    ipis: 0,
    eoms: 0,
  };
}

function cloneVp(v: Vp): Vp {
  return {
    ...v,
    sint: v.sint.slice(),
    stimers: v.stimers.map((t) => ({ ...t })),
    queues: v.queues.map((q) => q.slice()),
    raised: v.raised.slice(),
    irq: new Map(v.irq),
  };
}

function clonePartition(p: PartitionState): PartitionState {
  return { ...p, vps: p.vps.map(cloneVp), crashP: p.crashP.slice(), crash: p.crash.slice(), ports: new Map(p.ports) };
}

/** The result of a register access: a status, and the value read. */
export interface RegResult {
  readonly status: number;
  readonly value: bigint;
}

const STIMER_EVENT = 'hv_stimer';
export { STIMER_EVENT };

export class HyperVState {
  p: PartitionState | undefined;
  readonly gpa = new GuestMemory();
  /** Set by the mechanism's attach: timers need the clock and the event queue. */
  machine: Machine | undefined;

  // ---- partition -----------------------------------------------------------

  create(n: number): PartitionState {
    if (this.p) throw new ScenarioError(`the partition already exists (${this.p.vps.length} VP${this.p.vps.length === 1 ? '' : 's'})`);
    if (n < 1 || n > MAX_VPS) throw new ScenarioError(`vps must be 1..${MAX_VPS}, not ${n}`);
    this.p = {
      vps: Array.from({ length: n }, (_, i) => newVp(i)),
      guestOsid: 0n,
      crashP: [0n, 0n, 0n, 0n, 0n],
      crashed: false,
      crash: [0n, 0n, 0n, 0n, 0n],
      referenceTsc: 0n,
      tscSequence: 0,
      ports: new Map(),
      hypercalls: 0,
      spinWaits: 0,
      flushes: 0,
      retargets: 0,
    };
    return this.p;
  }

  /** The partition; a 1-VP one is created on first use. */
  part(): PartitionState {
    return this.p ?? this.create(1);
  }

  vp(i: number): Vp {
    const p = this.part();
    const v = p.vps[i];
    if (!v) throw new ScenarioError(`no VP ${i}: the partition has ${p.vps.length} VP${p.vps.length === 1 ? '' : 's'} (vp=0..${p.vps.length - 1})`);
    return v;
  }

  get ticks(): bigint {
    return (this.machine?.now ?? 0n) / 100n;
  }

  snapshot(): { p: PartitionState | undefined; gpa: ReturnType<GuestMemory['snapshot']> } {
    return { p: this.p ? clonePartition(this.p) : undefined, gpa: this.gpa.snapshot() };
  }

  restore(s: { p: PartitionState | undefined; gpa: ReturnType<GuestMemory['snapshot']> }): void {
    this.p = s.p ? clonePartition(s.p) : undefined;
    this.gpa.restore(s.gpa);
  }

  // ---- TSC page --------------------------------------------------------------

  /** The ARM64 generic timer counter the TSC page scales (CNTVCT_EL0): nanoseconds. */
  get counter(): bigint {
    return this.machine?.now ?? 0n;
  }

  // ---- SynIC ---------------------------------------------------------------

  synicActive(v: Vp): boolean {
    return (v.scontrol & 1n) === 1n;
  }

  /** HvCallSignalEvent's target check: the SynIC and its event-flags page are on and the SINT is not masked (polling counts as unmasked). */
  signalable(v: Vp, sint: number): boolean {
    return this.synicActive(v) && (v.siefp & 1n) === 1n && this.sintOpen(v, sint);
  }

  /** HvCallPostMessage's target check: the SynIC and its message page are both on. */
  postable(v: Vp): boolean {
    return this.synicActive(v) && (v.simp & 1n) === 1n;
  }

  slotAddr(v: Vp, sint: number): bigint {
    return (v.simp & ~0xfffn) + BigInt(sint * MESSAGE_SIZE);
  }

  /** Decodes message slot `sint` from the message page in guest memory. */
  readSlot(v: Vp, sint: number): { type: bigint; size: number; pending: boolean; sender: bigint; payload: bigint[] } {
    const a = this.slotAddr(v, sint);
    const hdr = this.gpa.read(a, 16);
    const size = hdr[4] as number;
    const bytes = this.gpa.read(a + 16n, Math.min(size, PAYLOAD_BYTES));
    return { type: le(hdr.subarray(0, 4)), size, pending: ((hdr[5] as number) & 1) === 1, sender: le(hdr.subarray(8, 16)), payload: qwords(bytes) };
  }

  /** Set flag numbers of event-flags slot `sint`. */
  eventFlags(v: Vp, sint: number): bigint[] {
    const base = (v.siefp & ~0xfffn) + BigInt(sint * 256);
    const bytes = this.gpa.read(base, 256);
    const out: bigint[] = [];
    for (let i = 0; i < 256; i++) {
      const b = bytes[i] as number;
      if (b) for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) out.push(BigInt(i * 8 + bit));
    }
    return out;
  }

  /** SINTx as a source: unmasked, or masked with the polling bit, which "has the effect of unmasking" it (TLFS). */
  sintOpen(v: Vp, sint: number): boolean {
    const s = v.sint[sint] as bigint;
    return !(s & SINT_MASKED) || (s & SINT_POLLING) !== 0n;
  }

  /** Raises SINT `sint` (KVM's synic_set_irq) unless it is masked or polled: a polled source generates no interrupt. */
  raise(v: Vp, sint: number): boolean {
    const s = v.sint[sint] as bigint;
    if (s & (SINT_MASKED | SINT_POLLING)) return false;
    v.raised[sint] = (v.raised[sint] as number) + 1;
    const vec = Number(s & 0xffn);
    v.irq.set(vec, (v.irq.get(vec) ?? 0) + 1);
    return true;
  }

  waiting(v: Vp, sint: number): boolean {
    return (v.queues[sint] as Message[]).length > 0 || v.stimers.some((t) => t.msgPending && !(t.config & STIMER_DIRECT) && stimerSint(t.config) === sint);
  }

  /**
   * synic_deliver_msg for whatever waits on SINT `sint`: a pending stimer
   * expiry first (KVM retries stimers inside the EOM write), then the queue.
   * A busy slot gets msg_pending; a delivered message carries msg_pending
   * when more wait behind it. Returns what happened.
   */
  deliver(v: Vp, sint: number): 'none' | 'busy' | 'inactive' | 'delivered' {
    if (!this.waiting(v, sint)) return 'none';
    if (!this.synicActive(v) || !(v.simp & 1n)) return 'inactive';
    const a = this.slotAddr(v, sint);
    if (this.gpa.readU32(a) !== HVMSG_NONE) {
      this.gpa.writeU8(a + 5n, this.gpa.readU8(a + 5n) | 1);
      return 'busy';
    }
    const k = v.stimers.findIndex((t) => t.msgPending && !(t.config & STIMER_DIRECT) && stimerSint(t.config) === sint);
    let msg: Message;
    if (k >= 0) {
      const t = v.stimers[k] as Stimer;
      msg = { type: HVMSG_TIMER_EXPIRED, size: 24, sender: 0n, payload: [BigInt(k), t.expTime, this.ticks] };
    } else msg = (v.queues[sint] as Message[]).shift() as Message;
    this.writeSlot(a, msg, false);
    if (k >= 0) this.stimerDelivered(v, k);
    if (this.waiting(v, sint)) this.gpa.writeU8(a + 5n, 1);
    this.raise(v, sint);
    return 'delivered';
  }

  private writeSlot(a: bigint, msg: Message, pending: boolean): void {
    const bytes = new Uint8Array(MESSAGE_SIZE);
    const hdr = new DataView(bytes.buffer);
    hdr.setUint32(0, Number(msg.type), true);
    bytes[4] = msg.size;
    bytes[5] = pending ? 1 : 0;
    hdr.setBigUint64(8, BigInt.asUintN(64, msg.sender), true);
    bytes.set(fromQwords(msg.payload).subarray(0, Math.min(msg.size, PAYLOAD_BYTES)), 16);
    this.gpa.write(a, bytes);
  }

  deliverAll(v: Vp): void {
    for (let s = 0; s < SINT_COUNT; s++) this.deliver(v, s);
  }

  /** Queues a message for a VP's SINT and tries to deliver it: the status of HvPostMessage. */
  enqueue(v: Vp, sint: number, msg: Message): number {
    const q = v.queues[sint] as Message[];
    if (q.length >= QUEUE_DEPTH) return S.INSUFFICIENT_BUFFERS;
    q.push(msg);
    this.deliver(v, sint);
    return S.SUCCESS;
  }

  /** HV_REGISTER_EOM: every SINT whose slot is free takes its next message. */
  eom(v: Vp): void {
    v.eoms++;
    this.deliverAll(v);
  }

  /** Sets an event flag (HvSignalEvent): raises the SINT only if the bit was clear. */
  setEventFlag(v: Vp, sint: number, flag: number): 'set' | 'already' {
    const a = (v.siefp & ~0xfffn) + BigInt(sint * 256 + (flag >> 3));
    const b = this.gpa.readU8(a);
    const bit = 1 << (flag & 7);
    if (b & bit) return 'already';
    this.gpa.writeU8(a, b | bit);
    this.raise(v, sint);
    return 'set';
  }

  // ---- synthetic timers ------------------------------------------------------

  private cancelTimer(v: Vp, k: number): void {
    const t = v.stimers[k] as Stimer;
    this.machine?.events.remove((e) => e.kind === STIMER_EVENT && (e.data as TimerRef).vp === v.index && (e.data as TimerRef).timer === k);
    t.msgPending = false;
    t.expTime = 0n;
  }

  /** stimer_set_config. */
  stimerSetConfig(v: Vp, k: number, config: bigint): void {
    const t = v.stimers[k] as Stimer;
    this.cancelTimer(v, k);
    let c = config;
    if (c & STIMER_ENABLE && !(c & STIMER_DIRECT) && stimerSint(c) === 0) c &= ~STIMER_ENABLE;
    t.config = c;
    if (c & STIMER_ENABLE) this.stimerStart(v, k);
  }

  /** stimer_set_count. */
  stimerSetCount(v: Vp, k: number, count: bigint): void {
    const t = v.stimers[k] as Stimer;
    this.cancelTimer(v, k);
    t.count = count;
    if (count === 0n) t.config &= ~STIMER_ENABLE;
    else if (t.config & STIMER_AUTOENABLE) t.config |= STIMER_ENABLE;
    if (t.config & STIMER_ENABLE) this.stimerStart(v, k);
  }

  /** stimer_start: arms the timer; a one-shot whose time has passed expires at once. */
  stimerStart(v: Vp, k: number): void {
    const t = v.stimers[k] as Stimer;
    if (!(t.config & STIMER_ENABLE) || t.count === 0n) return;
    const now = this.ticks;
    if (t.config & STIMER_PERIODIC) {
      if (t.expTime) {
        if (now >= t.expTime) t.expTime = now + (t.count - ((now - t.expTime) % t.count));
      } else t.expTime = now + t.count;
    } else {
      t.expTime = t.count;
      if (now >= t.count) {
        this.stimerExpire(v, k);
        return;
      }
    }
    this.machine?.events.push(t.expTime * 100n, STIMER_EVENT, { vp: v.index, timer: k } satisfies TimerRef);
  }

  /** stimer_expiration: deliver the expiry message (or the direct interrupt); what kvm_hv_process_stimers does after it. */
  stimerExpire(v: Vp, k: number): 'delivered' | 'waiting' | 'direct' {
    const t = v.stimers[k] as Stimer;
    if (t.config & STIMER_DIRECT) {
      // stimer_notify_direct: the timer's own ApicVector, so a guest tells its direct timers apart by vector.
      const vec = stimerVector(t.config);
      v.irq.set(vec, (v.irq.get(vec) ?? 0) + 1);
      t.fired++;
      this.afterExpiry(v, k);
      return 'direct';
    }
    if (t.msgPending) return 'waiting'; // at most one undelivered expiry
    t.msgPending = true;
    const r = this.deliver(v, stimerSint(t.config));
    // deliver() calls stimerDelivered when the expiry went out.
    return r === 'delivered' && !t.msgPending ? 'delivered' : 'waiting';
  }

  /** The expiry message of timer k reached its slot. */
  private stimerDelivered(v: Vp, k: number): void {
    const t = v.stimers[k] as Stimer;
    t.msgPending = false;
    t.fired++;
    this.afterExpiry(v, k);
  }

  private afterExpiry(v: Vp, k: number): void {
    const t = v.stimers[k] as Stimer;
    if (!(t.config & STIMER_PERIODIC)) {
      t.config &= ~STIMER_ENABLE;
      t.expTime = 0n;
      return;
    }
    if (t.config & STIMER_ENABLE && t.count) this.stimerStart(v, k);
  }

  // ---- event flags, ports --------------------------------------------------

  port(id: number): Port | undefined {
    return this.part().ports.get(id);
  }
}

export interface TimerRef {
  readonly vp: number;
  readonly timer: number;
}
