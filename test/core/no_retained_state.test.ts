// A finished session's state must be garbage once the session is dropped: the adapter runs inside the user's
// editor, and a module-level cache that keeps the last million-region resv map (or the last task and its page
// tables) alive holds tens of megabytes for as long as the editor stays open.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sim } from '../support/kit';
import { Hugetlb } from '../../src/sim/hugetlb/subsystem';
import { Mm } from '../../src/sim/mm/subsystem';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `src` to the end with history, and gives back weak references to what `pick` names in it. */
function runAndDrop(src: string, pick: (s: ReturnType<typeof sim>) => object[]): Array<WeakRef<object>> {
  const s = sim(src, { history: true });
  expect(s.machine.resume('continue').reason).toBe('end');
  const picked = pick(s);
  expect(picked.length).toBeGreaterThan(0);
  return picked.map((o) => new WeakRef(o));
}

async function collected(refs: Array<WeakRef<object>>): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    // WeakRef targets live at least until the current job ends: yield, then collect.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    if (refs.every((r) => r.deref() === undefined)) return true;
  }
  return false;
}

describe('no cache keeps a dropped session alive', () => {
  it('the resv map a region_chg/region_add frame linked (hugetlb/region_ops.ts)', async () => {
    const refs = runAndDrop('hugetlb file f\nregion_chg f 0 5\nregion_add f 0 5\n', (s) => [...s.subsystem(Hugetlb).files.values()]);
    expect(await collected(refs)).toBe(true);
  });

  it('the task whose vma a fault frame linked (mm/frame_refs.ts)', async () => {
    const refs = runAndDrop('mmap 0x100000000 16K\nwrite 0x100000000 1\nwrite 0x100001000 2\n', (s) => [...s.subsystem(Mm).tasks.values()]);
    expect(await collected(refs)).toBe(true);
  });
});
