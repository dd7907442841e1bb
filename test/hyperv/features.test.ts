import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/rng';
import { GuestMemory } from '../../src/sim/hyperv/gpa';
import { decodeControl, encodeControl } from '../../src/sim/hyperv/tlfs';
import { run } from '../support/kit';

describe('hypercalls of KVM selftest hyperv_features that apply to ARM64', () => {
  it('answers each call as the selftest expects with its privileges granted', () => {
    run(`partition vps=2
# an unknown code
hvc raw control=0x8001
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_CODE
# NOTIFY_LONG_SPIN_WAIT, fast
hvc raw control=HVCALL_NOTIFY_LONG_SPIN_WAIT|HV_HYPERCALL_FAST_BIT
expect last.hvc.status == HV_STATUS_SUCCESS
# SEND_IPI with vector 0 to a VP: invalid input
gpa write 0x4000 [0, 1]
hvc raw control=HVCALL_SEND_IPI input=0x4000
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
# SEND_IPI_EX, fast, HV_GENERIC_SET_ALL in the first input register and an empty sparse set: success
hvc raw control=HVCALL_SEND_IPI_EX|HV_HYPERCALL_FAST_BIT input=HV_GENERIC_SET_ALL
expect last.hvc.status == HV_STATUS_SUCCESS
# flushes: a rep call needs a rep count, a simple call must not have one
hvc raw control=HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST input=0x4000
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
hvc raw control=HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE|HV_HYPERCALL_REP_COUNT_1 input=0x4000
expect last.hvc.status == HV_STATUS_INVALID_HYPERCALL_INPUT
gpa write 0x4000 [0, 0, 3]
hvc raw control=HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE input=0x4000
expect last.hvc.status == HV_STATUS_SUCCESS
hvc raw control=HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST|HV_HYPERCALL_REP_COUNT_1 input=0x4000
expect last.hvc.status == HV_STATUS_SUCCESS
expect last.hvc.reps_completed == 1
# POST_MESSAGE and SIGNAL_EVENT to connections nobody opened
hvc raw control=HVCALL_POST_MESSAGE input=0x4000
expect last.hvc.status == HV_STATUS_INVALID_CONNECTION_ID
hvc raw control=HVCALL_SIGNAL_EVENT|HV_HYPERCALL_FAST_BIT input=1
expect last.hvc.status == HV_STATUS_INVALID_CONNECTION_ID
`);
  });
});

describe('randomized', () => {
  it('control words round-trip through decode and encode', () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const code = Math.floor(rnd() * 0x10000);
      const fast = rnd() < 0.5;
      const reps = Math.floor(rnd() * 0x1000);
      const start = Math.floor(rnd() * 0x1000);
      const c = encodeControl(code, fast, reps, start);
      expect(decodeControl(c)).toEqual({ code, fast, repCount: reps, repStart: start, reserved: 0n });
    }
  });

  it('guest memory snapshots equal a plain byte model under random writes and restores', () => {
    const rnd = mulberry32(11);
    const g = new GuestMemory();
    let model = new Map<number, number>();
    const snaps: Array<{ s: ReturnType<GuestMemory['snapshot']>; model: Map<number, number> }> = [];
    for (let i = 0; i < 400; i++) {
      const r = rnd();
      if (r < 0.6) {
        const addr = Math.floor(rnd() * 5 * 4096);
        const len = 1 + Math.floor(rnd() * 40);
        const bytes = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
        g.write(BigInt(addr), bytes);
        bytes.forEach((b, j) => model.set(addr + j, b));
      } else if (r < 0.8) {
        snaps.push({ s: g.snapshot(), model: new Map(model) });
      } else if (snaps.length) {
        const pick = snaps[Math.floor(rnd() * snaps.length)] as (typeof snaps)[number];
        g.restore(pick.s);
        model = new Map(pick.model);
      }
      const probe = Math.floor(rnd() * 5 * 4096);
      const got = g.read(BigInt(probe), 64);
      for (let j = 0; j < 64; j++) expect(got[j]).toBe(model.get(probe + j) ?? 0);
    }
  });
});
