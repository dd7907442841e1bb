/**
 * tools/testing/selftests/vm/hmm-tests.c, case by case under its C name,
 * answered as lib/test_hmm.c and mm/hmm.c of v5.18–v6.0 answer them: where
 * hmm-tests asserts a value, that value. One `device_access` is one page of
 * HMM_DMIRROR_READ / _WRITE; `migrate` is HMM_DMIRROR_MIGRATE_TO_DEV / _SYS.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { ev, run, sim } from '../support/kit';

const A = '0x7f0000000000';

/** The kernel frames at the first stop in function `fn`. */
function framesAt(s: Sim, fn: string): string[] {
  s.machine.breakpoints.setFunctions([{ id: 1, name: fn, hits: 0 } as never]);
  const st = s.machine.resume('continue');
  expect(st.reason).toBe('function breakpoint');
  return s.machine.frames.map((f) => f.fn.name);
}

/** Every step point the run is at or passes, as `function@label`, stepping in from here to the end. */
function visited(s: Sim): Set<string> {
  const seen = new Set<string>();
  for (;;) {
    const f = s.machine.frames.at(-1);
    if (f) for (const [label, line] of f.fn.labels) if (line === f.line) seen.add(`${f.fn.name}@${label}`);
    if (s.machine.ended) return seen;
    s.machine.resume('in');
  }
}

describe('hmm-tests anon_read', () => {
  it('reads pte_none, the zero page and written pages of a read-only mapping', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} + 0x2000 2
write ${A} + 0x3000 3
mprotect ${A} 16K r
read ${A} + 0x1000
expect task.init.pte[${A} + 0x1000].pfn == 0xfff
device_access gpu read ${A}
expect last.ret == 0
expect last.faults == [anon]
expect last.value == 0
device_access gpu read ${A} + 0x1000
expect last.ret == 0
expect last.faults == []
device_access gpu read ${A} + 0x3000
expect last.ret == 0
expect last.value == 3
`);
  });
});

describe('hmm-tests anon_read_prot', () => {
  it('a PROT_NONE mapping is -EFAULT (hmm_vma_walk_test) and the device reads nothing', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 8K
write ${A} 7
mprotect ${A} 8K none
device_access gpu read ${A}
expect last.ret == -EFAULT
expect last.value == 0
expect last.faults == []
expect last.signal == none
mprotect ${A} 8K r
read ${A}
expect last.value == 7
`);
  });
});

describe('hmm-tests anon_write', () => {
  it('the device writes private anonymous memory, faulting it in', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 8K
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == [anon]
expect task.init.pte[${A}].write
read ${A}
expect last.value == 1
`);
  });
});

describe('hmm-tests anon_write_prot', () => {
  it('a write needing a fault in a VMA without VM_WRITE is -EPERM (hmm_vma_fault); after mprotect rw the zero page is replaced', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 8K prot=r
device_access gpu read ${A}
expect last.ret == 0
expect last.faults == [anon]
expect task.init.pte[${A}].pfn == 0xfff
device_access gpu write ${A}
expect last.ret == -EPERM
expect last.faults == []
expect last.signal == none
read ${A}
expect last.value == 0
device_access gpu write ${A} + 0x1000
expect last.ret == -EPERM
expect task.init.pte[${A} + 0x1000].kind == none
mprotect ${A} 8K rw
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == [wp]
expect task.init.pte[${A}].pfn != 0xfff
read ${A}
expect last.value == 1
`);
  });

  it('-EPERM is returned from hmm_vma_fault, under dmirror_fault and hmm_range_fault', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${A} 4K prot=r
device_access gpu write ${A}
`);
    expect(framesAt(s, 'hmm_vma_fault')).toEqual(['dmirror_fault', 'hmm_range_fault', 'hmm_vma_handle_pte', 'hmm_vma_fault']);
    const seen = visited(s);
    expect(seen).toContain('hmm_vma_fault@eperm');
    expect(seen).toContain('dmirror_fault@error');
    expect(seen).not.toContain('handle_mm_fault@find_vma');
  });
});

describe('hmm-tests anon_write_child', () => {
  it("the child's device write copies on write; the parent's page does not change", () => {
    run(`
device gpu type=private pages=1
mmap ${A} 8K
write ${A} 5
fork as child
task child
read ${A}
expect last.value == 5
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == [wp]
read ${A}
expect last.value == 6
task init
read ${A}
expect last.value == 5
`);
  });
});

describe('hmm-tests anon_write_child_shared', () => {
  it("the child's device write to a shared mapping is the parent's too", () => {
    run(`
device gpu type=private pages=1
mmap ${A} 8K shared
write ${A} 5
fork as child
task child
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == []
task init
read ${A}
expect last.value == 6
`);
  });
});

describe('hmm-tests migrate', () => {
  it('every page reaches the device: ret 0', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 1
write ${A} + 0x3000 4
migrate ${A} 16K to=gpu
expect last.ret == 0
expect last.migrated == 4
device_access gpu read ${A} + 0x3000
expect last.value == 4
expect last.faults == []
`);
  });
});

describe('hmm-tests migrate_fault', () => {
  it('half faulted back, the mix of system and device pages migrates again with ret 0', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
write ${A} + 0x2000 3
write ${A} + 0x3000 4
migrate ${A} 16K to=gpu
expect last.ret == 0
read ${A}
read ${A} + 0x1000
expect last.value == 2
expect task.init.pte[${A} + 0x2000].kind == device_private
migrate ${A} 16K to=gpu
expect last.ret == 0
expect last.migrated == 2
expect dev.gpu.free == 0
`);
  });
});

describe('hmm-tests migrate_shared', () => {
  it('MAP_SHARED anonymous memory does not move: dmirror_do_read finds no page, -ENOENT', () => {
    const s = sim(`
device gpu type=private pages=4
mmap ${A} 16K shared
migrate ${A} 16K to=gpu
expect last.ret == -ENOENT
expect last.migrated == 0
`);
    expect(framesAt(s, 'dmirror_do_read')).toEqual(['dmirror_migrate_to_device', 'dmirror_do_read']);
    s.machine.resume('continue');
    expect(s.machine.ended).toBe(true);
    expect(ev(s, 'last.ret')).toBe(-2n);
  });
});

describe('hmm-tests migrate_mixed', () => {
  it('-EINVAL for PROT_NONE and holes; a page already on device 1 is -ENOENT for device 0', () => {
    run(`
device gpu0 type=private pages=8
device gpu1 type=private pages=8
mmap ${A} 24K prot=none
migrate ${A} 24K to=gpu1
expect last.ret == -EINVAL
munmap ${A} + 0x1000 4K
migrate ${A} 12K to=gpu1
expect last.ret == -EINVAL
mprotect ${A} + 0x2000 4K r
expect last.ret == 0
read ${A} + 0x2000
expect last.value == 0
mprotect ${A} + 0x3000 4K rw
write ${A} + 0x3000 3
mprotect ${A} + 0x3000 4K r
mprotect ${A} + 0x4000 8K rw
write ${A} + 0x4000 3
write ${A} + 0x5000 3
migrate ${A} + 0x2000 16K to=gpu1
expect last.ret == 0
expect last.migrated == 4
expect task.init.pte[${A} + 0x2000].write == false
expect task.init.pte[${A} + 0x3000].write == false
expect task.init.pte[${A} + 0x5000].write
migrate ${A} + 0x5000 4K to=gpu0
expect last.ret == -ENOENT
expect last.migrated == 0
expect page[task.init.pte[${A} + 0x5000].pfn].device == "gpu1"
`);
  });
});

describe('hmm-tests migrate_multiple', () => {
  it('to the device and back by CPU faults, ten times, every time ret 0', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 1
write ${A} + 0x3000 4
repeat 10 {
  migrate ${A} 16K to=gpu
  expect last.ret == 0
  expect last.migrated == 4
  read ${A}
  read ${A} + 0x1000
  read ${A} + 0x2000
  read ${A} + 0x3000
  expect last.value == 4
  expect dev.gpu.free == 4
}
`);
  });
});

describe('hmm-tests double_map', () => {
  it('two devices read the same memory; after a migration to device 1, device 0 faults it back', () => {
    run(`
device gpu0 type=private pages=8
device gpu1 type=private pages=8
mmap ${A} 24K
write ${A} 1
write ${A} + 0x5000 6
mprotect ${A} 24K r
device_access gpu0 read ${A}
expect last.ret == 0
device_access gpu1 read ${A}
expect last.ret == 0
migrate ${A} 24K to=gpu1
expect last.ret == 0
expect last.migrated == 6
device_access gpu0 read ${A} + 0x5000
expect last.ret == 0
expect last.faults == [device_private]
expect last.value == 6
`);
  });
});

describe('hmm-tests hmm_cow_in_device', () => {
  it('after fork the parent writes its device-private COW pages: migrated back first, then copied', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
migrate ${A} 16K to=gpu
fork as child
write ${A} 10
expect last.faults == [device_private, wp]
expect task.init.pte[${A}].write
task child
read ${A}
expect last.value == 1
`);
  });
});

describe("hmm_range_fault on the device's own private pages", () => {
  it('a writable one is used in place: no fault, the store lands on the device page', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 5
migrate ${A} 4K to=gpu
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == []
expect task.init.pte[${A}].kind == device_private
read ${A}
expect last.value == 6
`);
  });

  it('a read-only one is reported without HMM_PFN_WRITE: dmirror_do_fault refuses the write (-EFAULT)', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 5
mprotect ${A} 4K r
mprotect ${A} 4K rw
migrate ${A} 4K to=gpu
expect task.init.pte[${A}].write == false
device_access gpu read ${A}
expect last.ret == 0
expect last.value == 5
device_access gpu write ${A}
expect last.ret == -EFAULT
expect last.faults == []
expect task.init.pte[${A}].kind == device_private
read ${A}
expect last.value == 5
`);
    const seen = visited(s);
    expect(seen).toContain('hmm_vma_handle_pte@own');
    expect(seen).toContain('dmirror_fault@no_write');
    expect(seen).not.toContain('hmm_vma_fault@fault');
  });

  it('a VMA without read permission is -EFAULT before the entry is looked at', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 5
migrate ${A} 4K to=gpu
mprotect ${A} 4K none
device_access gpu read ${A}
expect last.ret == -EFAULT
expect last.value == 0
expect task.init.pte[${A}].kind == device_private
device_access gpu read 0x1000
expect last.ret == -EFAULT
`);
  });

  it("after fork a parent's device write does not reach the child (COW isolation)", () => {
    run(`
device gpu type=private pages=2
mmap ${A} 4K
write ${A} 5
migrate ${A} 4K to=gpu
fork as child
device_access gpu write ${A}
expect last.ret == -EFAULT
task child
read ${A}
expect last.value == 5
device_access gpu write ${A}
expect last.ret == 0
expect last.faults == [wp]
task init
read ${A}
expect last.value == 5
`);
  });
});

describe("migrate to=<device> returns dmirror_migrate_to_device's -ENOENT", () => {
  it('device memory exhausted: the pages that moved stay moved, ret -ENOENT', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 12K
write ${A} 1
migrate ${A} 12K to=gpu
expect last.ret == -ENOENT
expect last.migrated == 2
expect task.init.pte[${A} + 0x2000].kind == none
`);
  });

  it('a page on a coherent device does not move to another device; on its own device it counts', () => {
    run(`
device cxl type=coherent pages=2
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
write ${A} + 0x1000 2
migrate ${A} 4K to=cxl
expect last.ret == 0
migrate ${A} 8K to=gpu
expect last.ret == -ENOENT
expect last.migrated == 1
expect page[task.init.pte[${A}].pfn].pgmap == coherent
migrate ${A} 4K to=cxl
expect last.ret == 0
expect last.migrated == 0
`);
  });

  it('a zero-length migrate does nothing and returns 0', () => {
    run(`
device gpu type=private pages=2
migrate ${A} 0 to=gpu
expect last.ret == 0
expect last.migrated == 0
migrate ${A} 0 to=system
expect last.ret == 0
`);
  });
});
