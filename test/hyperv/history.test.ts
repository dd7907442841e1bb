import { describe, expect, it } from 'vitest';
import { observe, sim } from '../support/kit';
import { HYPERCALL_BREAKPOINT_NAMES } from '../../src/sim/hyperv/tlfs';
import { REGISTRY } from '../../src/sim';
import { GuestMemory } from '../../src/sim/hyperv/gpa';

const SCENARIO = `partition vps=2
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg SINT2 = 0x10
vpreg SCONTROL = 1
port 1 vp=0 sint=2
port 2 vp=0 sint=2 kind=event
gpa write 0x9000 [1, 2, 3]
hvc HVCALL_POST_MESSAGE connection=1 type=42 payload=[0xdead, 0xbeef]
hvc HVCALL_POST_MESSAGE connection=1 type=43 payload=[1]
hvc HVCALL_SIGNAL_EVENT connection=2 flag=9
vpreg STIMER0_COUNT = 1000
vpreg STIMER0_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (2 << 16)
advance 250us
ack sint=2
gpa write 0x9008 [0xffff]
ack sint=2
advance 150us
vpreg REFERENCE_TSC = 0x30001
vpreg CRASH_CTL = HV_CRASH_CTL_CRASH_NOTIFY
hvc raw control=0x77
`;

describe('history is exact, guest memory included', () => {
  it('goto back and forth gives identical observations at every step point', () => {
    const straight = sim(SCENARIO);
    const m = straight.machine;
    const seen: string[] = [observe(straight)];
    while (!m.ended) {
      m.resume('in');
      seen.push(observe(straight));
    }
    const n = m.step;
    expect(n).toBeGreaterThan(100);
    // backwards, every step
    for (let k = n; k >= 0; k -= 7) {
      m.goto(k);
      expect(observe(straight)).toBe(seen[k]);
    }
    // jumps in both directions
    for (const k of [3, n - 1, 40, 12, n, 0, 77, 76, 78]) {
      m.goto(k);
      expect(observe(straight)).toBe(seen[k]);
    }
    // step back from the end, statement by statement
    m.goto(n);
    for (let i = 0; i < 30; i++) {
      m.stepBack();
      expect(observe(straight)).toBe(seen[m.step]);
    }
  });

  it('restores guest memory bytes exactly (copy-on-write pages)', () => {
    const g = new GuestMemory();
    g.writeU64(0x1000n, 1n);
    const s1 = g.snapshot();
    g.writeU64(0x1000n, 2n);
    g.writeU64(0x5000n, 3n);
    const s2 = g.snapshot();
    g.zeroPage(0x1000n);
    expect(g.readU64(0x1000n)).toBe(0n);
    g.restore(s1);
    expect(g.readU64(0x1000n)).toBe(1n);
    expect(g.readU64(0x5000n)).toBe(0n);
    g.writeU64(0x1000n, 9n);
    g.restore(s2);
    expect(g.readU64(0x1000n)).toBe(2n);
    expect(g.readU64(0x5000n)).toBe(3n);
    g.restore(s1);
    expect(g.readU64(0x1000n)).toBe(1n);
  });

  it('reads and writes across page boundaries', () => {
    const g = new GuestMemory();
    g.write(0xffcn, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect([...g.read(0xffcn, 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(g.readU32(0x1000n)).toBe(0x08070605n);
  });
});

describe('function breakpoints on hypercalls', () => {
  it('knows hypercall names, codes and hvc', () => {
    const known = [...REGISTRY.functionNames];
    for (const n of ['HVCALL_POST_MESSAGE', '0x5c', '0x005c', 'hvc', 'HVCALL_SET_VP_REGISTERS', '0x51', 'hv_set_vpreg', 'hv_do_hvc', 'synic_deliver_msg']) {
      expect(known).toContain(n);
    }
    expect(HYPERCALL_BREAKPOINT_NAMES).toContain('0x99');
  });

  const stopsAt = (name: string, src: string): Array<{ line: number | undefined; frames: string[] }> => {
    const s = sim(src);
    const m = s.machine;
    m.breakpoints.setFunctions([{ id: 1, name, hits: 0 }]);
    const stops: Array<{ line: number | undefined; frames: string[] }> = [];
    for (;;) {
      const st = m.resume('continue');
      if (st.reason !== 'function breakpoint') break;
      stops.push({ line: m.statement?.line, frames: m.frames.map((f) => f.fn.name) });
    }
    return stops;
  };
  const SRC = `partition vps=1
vpreg GUEST_OSID = 0x8100_0000_0000_0000
vpreg SIMP = 0x20001
vpreg SCONTROL = 1
port 1 vp=0 sint=2
hvc HVCALL_POST_MESSAGE connection=1 type=1
hvc raw control=0x5c input=0x1000
hvc HVCALL_SIGNAL_EVENT connection=4
`;

  it('HVCALL_POST_MESSAGE and 0x5c stop in the handler of every post', () => {
    for (const name of ['HVCALL_POST_MESSAGE', '0x5c']) {
      const stops = stopsAt(name, SRC);
      expect(stops.map((s) => s.line)).toEqual([6, 7]);
      expect(stops[0]?.frames).toEqual(['hv_do_hypercall', 'hv_do_hvc', 'hv_hvc_handler', 'hvcall_post_message']);
    }
  });

  it('hvc stops at every hypercall, vpreg included', () => {
    expect(stopsAt('hvc', SRC).map((s) => s.line)).toEqual([2, 3, 4, 6, 7, 8]);
  });

  it('hv_set_vpreg stops at each vpreg write', () => {
    expect(stopsAt('hv_set_vpreg', SRC).map((s) => s.line)).toEqual([2, 3, 4]);
  });

  it('an hv_error exception filter stops on a failing hypercall', () => {
    const s = sim(SRC);
    s.machine.breakpoints.setExceptions([{ kind: 'hv_error' }]);
    const st = s.machine.resume('continue');
    expect(st.reason).toBe('exception');
    expect(st.exception?.kind).toBe('hv_error');
    expect(s.machine.statement?.line).toBe(7);
    expect(st.exception?.message).toContain('HV_STATUS_INVALID_PARAMETER');
  });
});
