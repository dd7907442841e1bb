/**
 * Work proportional to a requested size (issue 14 item 3): a terabyte
 * migrate or mlock, a `repeat` of forks or device-tree nodes, a 300-range
 * list, huge lengths to munmap / mprotect / madvise. Each ends at once with
 * the kernel's own return or a scenario error at its line naming the limit,
 * never a RangeError, a multi-GB allocation or a run of minutes.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../support/kit';

/** Runs a scenario and measures it: it must be quick whatever it asks for. */
function quick(source: string): ReturnType<typeof cli> {
  const t0 = performance.now();
  const r = cli(source);
  expect(performance.now() - t0).toBeLessThan(10_000);
  return r;
}

const TIB = 'mmap 0x10000 (1 << 40) prot=rw';

describe('sizes past what a statement can do at once', () => {
  it('migrate of a terabyte: a scenario error naming the limit', () => {
    const r = quick(`device gpu type=private pages=16\n${TIB}\nmigrate 0x10000 (1 << 40) to=gpu\n`);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['t.kstep:3:17: error: migrate covers 268435456 pages: a scenario may migrate at most 4194304 pages (16G) at once, a fixed limit: split the range across statements']);
  });

  it('mlock of a terabyte: a scenario error naming the limit', () => {
    const r = quick(`${TIB}\nmlock 0x10000 (1 << 40)\n`);
    expect(r.err).toEqual(['t.kstep:2:15: error: mlock covers 268435456 pages: a scenario may mlock at most 4194304 pages (16G) at once, a fixed limit: split the range across statements']);
  });

  it('a gigabyte is within the limit and runs', () => {
    const r = quick(`device gpu type=private pages=16\n${TIB}\nmigrate 0x10000 (1 << 30) to=gpu\nmlock 0x10000 (1 << 30)\nexpect last.ret == 0\n`);
    expect(r).toMatchObject({ code: 0 });
  });

  it('munmap, mprotect and madvise over 2^40 bytes are what the kernel does: VMA by VMA, at once', () => {
    const r = quick(
      [TIB, 'mprotect 0x10000 (1 << 40) r', 'expect last.ret == 0', 'madvise 0x10000 (1 << 40) MADV_COLD', 'expect last.ret == 0',
        'mprotect 0x10000 (1 << 46) r', 'expect last.ret == -ENOMEM', 'numa_stats 0x10000 (1 << 40)', 'munmap 0x10000 (1 << 40)', 'expect len(task.init.vma) == 0', ''].join('\n'),
    );
    expect(r.err).toEqual([expect.stringMatching(/^mprotect: -ENOMEM \(-12\): .* is not fully mapped/)]);
    expect(r.code).toBe(0);
  });

  it('a repeat of forks stops at the task limit, at its line', () => {
    const r = quick('mmap 0x10000 64K prot=rw\nrepeat (1 << 40) {\n  fork\n}\n');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['t.kstep:3:3: error: fork: a scenario may have at most 1024 tasks, a fixed limit: exit tasks it no longer needs']);
  });

  it('a repeat of device-tree memory nodes or monitors stops at the node limit, at its line', () => {
    expect(quick('repeat (1 << 40) {\n  memlat memory 0 min=1 max=2\n}\n').err).toEqual(['t.kstep:2:3: error: a device tree may have at most 64 memory nodes, a fixed limit']);
    expect(quick('memlat memory 0 min=1 max=2\nrepeat (1 << 40) {\n  memlat monitor 0 cpus=[0] map=[[1, 2]]\n}\n').err).toEqual(['t.kstep:3:3: error: a memory node may have at most 64 monitor nodes, a fixed limit']);
  });
});
