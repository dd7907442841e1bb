import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/sim';
import type { StateNode } from '../../src/sim/core/state';
import { run, show, sim } from '../support/kit';

/** Every Hyper-V hypercall but the early register accesses needs the guest's identity first (TLFS, ARM64). */
const OSID = 'vpreg GUEST_OSID = 0x8100_0000_0000_0000\n';

function framesSeen(src: string): string[][] {
  const s = sim(src);
  const m = s.machine;
  const seen: string[][] = [];
  while (!m.ended) {
    m.resume('in');
    if (m.at === 'kernel') seen.push(m.frames.map((f) => f.fn.name));
  }
  return seen;
}

function node(root: StateNode | undefined, path: Array<string | number>): StateNode {
  let n = root as StateNode;
  for (const p of path) {
    if (typeof p === 'number' && n.kind === 'list') n = n.item(p);
    else if (n.kind === 'record') n = n.child(String(p)) as StateNode;
    else throw new Error(`bad path at ${p}`);
  }
  return n;
}

describe('kernel frames and listings', () => {
  it('ships both listings with every function the frames use', () => {
    const paths = REGISTRY.sources.map((s) => s.path);
    expect(paths).toContain('arch/arm64/hyperv/hv_core.c');
    expect(paths).toContain('hypervisor/hv_hypercall.c');
  });

  it('fires a timer during advance as its own stimer_expiration frame', () => {
    const seen = framesSeen(`${OSID}vpreg SIMP = 0x20001
vpreg SCONTROL = 1
vpreg STIMER0_CONFIG = 0x20001
vpreg STIMER0_COUNT = 100
advance 20us
`);
    expect(seen).toContainEqual(['stimer_expiration']);
    expect(seen).toContainEqual(['hv_set_vpreg', 'hv_do_hvc', 'hv_hvc_handler', 'hvcall_set_vp_registers', 'stimer_set_count']);
  });

  it('steps EOM through hv_synic_eom and ack through vmbus_signal_eom', () => {
    const seen = framesSeen(`${OSID}vpreg SIMP = 0x20001
vpreg SCONTROL = 1
hostmsg sint=1 type=1
hostmsg sint=1 type=2
ack sint=1
`);
    expect(seen).toContainEqual(['vmbus_signal_eom']);
    expect(seen).toContainEqual(['vmbus_signal_eom', 'hv_set_vpreg', 'hv_do_hvc', 'hv_hvc_handler', 'hvcall_set_vp_registers', 'hv_synic_eom']);
    expect(seen).toContainEqual(['hv_host_post_message']);
  });

  it('gives the hypercall handler frame its arguments and locals', () => {
    const s = sim(`${OSID}hvc HVCALL_GET_VP_REGISTERS names=[VPINDEX]\n`);
    const m = s.machine;
    for (;;) {
      m.resume('in');
      const top = m.frames[m.frames.length - 1];
      if (top?.fn.name === 'hvcall_get_vp_registers' && top.locals.reg === 'VPINDEX') break;
    }
    const h = m.frames.find((f) => f.fn.name === 'hv_hvc_handler');
    expect(h?.args.control).toBe(0x1_0000_0050n);
    expect(h?.locals.rep_cnt).toBe(1n);
    expect(h?.aliases).toEqual(['hvc']);
    const top = m.frames[m.frames.length - 1];
    expect(top?.aliases).toContain('HVCALL_GET_VP_REGISTERS');
    expect(top?.aliases).toContain('0x50');
  });
});

describe('state tree for the debugger', () => {
  it('puts memory references on SIMP, SIEFP, the message slots and the TSC page', () => {
    const s = run(`${OSID}vpreg SIMP = 0x20001
vpreg SIEFP = 0x21001
vpreg REFERENCE_TSC = 0x30001
`);
    const m = s.machine;
    expect(node(m.root('vp'), [0, 'reg', 'SIMP']).memory).toEqual({ space: 'gpa', base: 0x20000n, size: 4096 });
    expect(node(m.root('vp'), [0, 'reg', 'SIEFP']).memory).toEqual({ space: 'gpa', base: 0x21000n, size: 4096 });
    expect(node(m.root('vp'), [0, 'synic', 'msg']).memory?.base).toBe(0x20000n);
    expect(node(m.root('vp'), [0, 'synic', 'msg', 3]).memory).toEqual({ space: 'gpa', base: 0x20300n, size: 256 });
    expect(node(m.root('partition'), ['tsc']).memory?.base).toBe(0x30000n);
    expect(node(m.root('vp'), [0, 'reg']).hint).toBe('registers');
    expect(m.memorySpaceNames()).toContain('gpa');
  });

  it('setVariable on a register applies the hypervisor rules', () => {
    const s = run('partition vps=1\nvpreg GUEST_OSID = 0x8100_0000_0000_0000\n');
    const m = s.machine;
    const sint = node(m.root('vp'), [0, 'reg', 'SINT4', 'value']);
    if (sint.kind !== 'leaf' || !sint.set) throw new Error('not settable');
    sint.set(0x44n);
    expect(show(m, 'vp[0].reg.SINT4.vector')).toBe('68');
    expect(() => sint.set?.(0x4n)).toThrow(/INVALID_PARAMETER/);
    const vpi = node(m.root('vp'), [0, 'reg', 'VPINDEX']);
    expect(() => (vpi.kind === 'leaf' ? vpi.set?.(3n) : undefined)).toThrow(/INVALID_PARAMETER/);
  });

  it('shows no partition before one is created', () => {
    const s = run('print 1\n');
    expect(show(s.machine, 'partition.created')).toBe('false');
    expect(show(s.machine, 'len(vp)')).toBe('0');
  });
});
