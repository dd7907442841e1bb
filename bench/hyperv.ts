import { createSimulation, loadScenario } from '../src/sim';
import type { Machine } from '../src/sim/core/machine';
import { report, time } from './report';

const N = 200_000;

function machineFor(source: string): Machine {
  const { program, diagnostics } = loadScenario('bench.kstep', source);
  if (diagnostics.length) throw new Error(diagnostics[0]?.message);
  return createSimulation(program).machine;
}

/** Runs to the statement on `line` (1-based), then times that statement alone. */
function timeStatement(m: Machine, line: number): number {
  while (m.statement?.line !== line) m.resume('over');
  return time(() => m.resume('over'));
}

/**
 * Hypercalls per second: `vpreg TIME_REFCOUNT` is hv_get_vpreg, a fast
 * HVCALL_GET_VP_REGISTERS through hv_do_hvc and the handler; the baseline is
 * the same number of statements that enter no kernel function.
 */
export function benchHypercalls(): void {
  const hv = machineFor(`partition vps=1\nrepeat ${N} {\n  vpreg TIME_REFCOUNT\n}\n`);
  const hvMs = timeStatement(hv, 2) + time(() => hv.resume('continue'));
  const floor = machineFor(`partition vps=1\nrepeat ${N} {\n  expect time.ns == 0\n}\n`);
  const floorMs = timeStatement(floor, 2) + time(() => floor.resume('continue'));
  report({
    name: 'hypercalls_per_second',
    value: (N / hvMs) * 1000,
    unit: 'hypercalls/s',
    baseline: { name: 'statements/s of an expect (no kernel frames)', value: (N / floorMs) * 1000 },
    note: 'vpreg TIME_REFCOUNT: hv_get_vpreg -> hv_do_hvc -> hv_hvc_handler -> HVCALL_GET_VP_REGISTERS',
  });
}

/**
 * Timer expiries per second: 4 VPs x 4 periodic synthetic timers every
 * 1 ms (direct mode, so no message slot stalls them) over 10 simulated
 * seconds; baseline: one timer on one VP over the same 10 s.
 */
export function benchTimers(): void {
  const setup = (vps: number, timers: number): string => {
    const lines = [`partition vps=${vps}`, 'vpreg GUEST_OSID = 0x8100_0000_0000_0000'];
    for (let v = 0; v < vps; v++) {
      for (let k = 0; k < timers; k++) {
        lines.push(`vpreg vp=${v} STIMER${k}_COUNT = 10000`);
        lines.push(`vpreg vp=${v} STIMER${k}_CONFIG = HV_STIMER_ENABLE | HV_STIMER_PERIODIC | (1 << 12) | (0x20 << 4)`);
      }
    }
    lines.push('advance 10s');
    return `${lines.join('\n')}\n`;
  };
  const run = (vps: number, timers: number): { ms: number; fired: number } => {
    const src = setup(vps, timers);
    const m = machineFor(src);
    const ms = timeStatement(m, src.split('\n').length - 1);
    let fired = 0;
    const vp = m.root('vp');
    if (vp?.kind === 'list') {
      for (let v = 0; v < vps; v++) {
        const st = vp.item(v);
        const timersNode = st.kind === 'record' ? st.child('stimer') : undefined;
        for (let k = 0; k < timers && timersNode?.kind === 'list'; k++) {
          const t = timersNode.item(k);
          const f = t.kind === 'record' ? t.child('fired') : undefined;
          if (f?.kind === 'leaf') fired += Number(f.get());
        }
      }
    }
    return { ms, fired };
  };
  const all = run(4, 4);
  const one = run(1, 1);
  report({
    name: 'timer_expiries_per_second[4 VPs x 4 periodic timers, 10 s]',
    value: (all.fired / all.ms) * 1000,
    unit: 'expiries/s',
    baseline: { name: 'one periodic timer on one VP, same 10 s', value: (one.fired / one.ms) * 1000 },
    note: `${all.fired} expiries in ${Math.round(all.ms)} ms (each its own stimer_expiration frame); the baseline fired ${one.fired}`,
  });
}
