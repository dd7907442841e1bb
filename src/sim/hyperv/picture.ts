import type { HyperVState, Stimer, Vp } from './partition';
import { HVMSG_NONE, HVMSG_TIMER_EXPIRED, SINT_COUNT, SINT_MASKED, STIMER_ENABLE, STIMER_PERIODIC, stimerSint } from './tlfs';

/** One SynIC message slot: free (type null) or occupied with its message type. */
export interface SlotPicture {
  /** HVMSG_TIMER_EXPIRED by name; any other type in hex (`0x7`), as the scenario posted it. */
  readonly type: string | null;
  readonly size: number;
  readonly pending: boolean;
}

export interface TimerPicture {
  readonly enabled: boolean;
  readonly periodic: boolean;
  readonly sint: number;
  readonly count: string;
  readonly expiresAt: string;
  readonly pending: boolean;
  readonly fired: number;
}

export interface VpPicture {
  readonly vp: number;
  readonly started: boolean;
  /** The 16 message slots of the SIMP, by SINT (all free while the SIMP is disabled). */
  readonly slots: readonly SlotPicture[];
  /** SINTn.masked, by SINT. */
  readonly masked: readonly boolean[];
  readonly timers: readonly TimerPicture[];
}

/** Its sections of the state picture, by name (a type, not an interface: the picture hook returns a Record). */
export type HypervSections = {
  /** One entry per VP, empty before the partition exists. */
  readonly hyperv: readonly VpPicture[];
};

const FREE: SlotPicture = { type: null, size: 0, pending: false };

/** A slot as the guest sees it: what the message page in guest memory holds. */
function slotOf(st: HyperVState, vp: Vp, sint: number): SlotPicture {
  if (!(vp.simp & 1n)) return FREE;
  const d = st.readSlot(vp, sint);
  if (d.type === HVMSG_NONE) return { ...FREE, size: d.size, pending: d.pending };
  return { type: d.type === HVMSG_TIMER_EXPIRED ? 'HVMSG_TIMER_EXPIRED' : `0x${d.type.toString(16)}`, size: d.size, pending: d.pending };
}

function timerOf(t: Stimer): TimerPicture {
  return {
    enabled: (t.config & STIMER_ENABLE) !== 0n,
    periodic: (t.config & STIMER_PERIODIC) !== 0n,
    sint: stimerSint(t.config),
    count: t.count.toString(),
    expiresAt: t.expTime.toString(),
    pending: t.msgPending,
    fired: t.fired,
  };
}

export function hypervPicture(st: HyperVState): HypervSections {
  const vps = st.p?.vps ?? [];
  return {
    hyperv: vps.map((vp) => {
      const slots: SlotPicture[] = [];
      const masked: boolean[] = [];
      for (let s = 0; s < SINT_COUNT; s++) {
        slots.push(slotOf(st, vp, s));
        masked.push(((vp.sint[s] as bigint) & SINT_MASKED) !== 0n);
      }
      return { vp: vp.index, started: vp.started, slots, masked, timers: vp.stimers.map(timerOf) };
    }),
  };
}
