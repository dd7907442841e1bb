/**
 * The hugetlb resv_map statements of a scenario, run end to end through
 * `kstep run` (runSource): reference 004's worked example, the region_chg /
 * region_add / region_abort accounting of regions_needed, region_del and
 * region_count, `inject enomem` on every file_region allocation, VM_BUG_ON,
 * and the scenario errors.
 */
import { describe, expect, it } from 'vitest';
import type { CliRun } from '../support/kit';
import { cli, lineOf, scenario } from '../support/kit';

const FILE = 't.kstep';

/** Runs a scenario whose `expect`s must all hold. */
function passes(lines: string): CliRun {
  const r = cli(scenario(lines), { file: FILE });
  expect(r.err).toEqual([]);
  expect(r.code).toBe(0);
  return r;
}

/** The state tree at the end of the run (`kstep run --json`). */
function finalState(lines: string): { code: number; err: string[]; state: Record<string, unknown> } {
  const r = cli(scenario(lines), { file: FILE, json: true });
  expect(r.out.length).toBe(1);
  return { code: r.code, err: r.err, state: JSON.parse(r.out[0] as string) as Record<string, unknown> };
}


// [0,1) [2,3) [5,6), each reserved the way hugetlb_reserve_pages does it.
const THREE_PAGES = `
  hugetlb file f
  region_chg f 0 1
  region_add f 0 1
  region_chg f 2 3
  region_add f 2 3
  region_chg f 5 6
  region_add f 5 6
`;

describe('harness sanity', () => {
  it('a false expect fails the run with exit 1, so the expects below are really checked', () => {
    const r = cli(scenario(`
      hugetlb file f
      expect resv.f.region_cache_count == 2
    `), { file: FILE });
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^t\.kstep:2: /);
  });
});

describe('reference 004: region_add no longer coalesces', () => {
  it('the worked example: [0,1] [2,3] [5,6] + region_chg/add(0, 5)', () => {
    passes(`
      ${THREE_PAGES}
      expect resv.f.regions == [[0,1], [2,3], [5,6]]
      expect resv.f.adds_in_progress == 0
      expect resv.f.region_cache_count == 0
      region_chg f 0 5
      expect last.ret == 3
      expect last.regions_needed == 2
      expect resv.f.adds_in_progress == 2
      expect resv.f.region_cache_count == 2
      expect resv.f.regions == [[0,1], [2,3], [5,6]]
      region_add f 0 5
      expect last.ret == 3
      expect resv.f.regions == [[0,1], [1,2], [2,3], [3,5], [5,6]]
      expect resv.f.adds_in_progress == 0
      expect resv.f.region_cache_count == 0
    `);
  });

  it('the same range again adds nothing and needs no new region', () => {
    passes(`
      ${THREE_PAGES}
      region_chg f 0 5
      region_add f 0 5
      region_chg f 0 6
      expect last.ret == 0
      expect last.regions_needed == 1
      region_add f 0 6
      expect last.ret == 0
      expect len(resv.f.regions) == 5
    `);
  });
});

describe('region_chg', () => {
  it('resv_map_alloc leaves one descriptor in the cache', () => {
    passes(`
      hugetlb file f
      expect resv.f.region_cache_count == 1
      expect resv.f.adds_in_progress == 0
      expect resv.f.regions == []
    `);
  });

  it('regions_needed is at least 1 even when nothing is missing, and the cache is filled to adds_in_progress', () => {
    passes(`
      hugetlb file f
      region_chg f 0 4
      expect last.ret == 4
      expect last.regions_needed == 1
      expect resv.f.adds_in_progress == 1
      expect resv.f.region_cache_count == 1     # the initial descriptor covers it
      region_add f 0 4
      expect resv.f.region_cache_count == 0

      region_chg f 1 3                          # fully reserved already
      expect last.ret == 0
      expect last.regions_needed == 1
      expect resv.f.adds_in_progress == 1
      expect resv.f.region_cache_count == 1     # one descriptor allocated anyway
      region_add f 1 3
      expect last.ret == 0
      expect resv.f.adds_in_progress == 0
      expect resv.f.region_cache_count == 1     # ...and left in the cache

      region_chg f 7 7                          # empty range
      expect last.ret == 0
      expect last.regions_needed == 1
      region_abort f 7 7
    `);
  });

  it('one region per gap; in-flight region_chgs add up in adds_in_progress and the cache', () => {
    passes(`
      hugetlb file f
      region_chg f 2 4
      region_add f 2 4
      region_chg f 6 8
      region_add f 6 8
      expect resv.f.region_cache_count == 0
      region_chg f 0 10                         # gaps [0,2) [4,6) [8,10)
      expect last.ret == 6
      expect last.regions_needed == 3
      expect resv.f.adds_in_progress == 3
      expect resv.f.region_cache_count == 3
      region_chg f 20 21
      expect last.regions_needed == 1
      expect resv.f.adds_in_progress == 4
      expect resv.f.region_cache_count == 4
      region_chg f 3 7                          # one gap, [4,6)
      expect last.ret == 2
      expect last.regions_needed == 1
      expect resv.f.adds_in_progress == 5
      expect resv.f.region_cache_count == 5
      expect resv.f.regions == [[2,4], [6,8]]   # region_chg never changes the list
    `);
  });

  it('a range starting inside a region counts from its end; an inverted range needs nothing', () => {
    passes(`
      hugetlb file f
      region_chg f 0 10
      region_add f 0 10
      region_chg f 5 15
      expect last.ret == 5
      expect last.regions_needed == 1
      region_abort f 5 15
      region_chg f 12 3
      expect last.ret == 0
      expect last.regions_needed == 1
      region_add f 12 3
      expect last.ret == 0
      expect resv.f.regions == [[0,10]]
      expect resv.f.adds_in_progress == 0
    `);
  });
});

describe('region_add and region_abort: regions_needed', () => {
  it('defaults to the last region_chg on the same file; regions_needed= overrides it', () => {
    passes(`
      hugetlb file f
      hugetlb file g
      region_chg f 2 4
      region_add f 2 4
      region_chg f 6 8
      region_add f 6 8
      region_chg f 0 10
      expect last.regions_needed == 3
      region_chg g 0 1                          # another file's region_chg does not change f's default
      expect last.regions_needed == 1
      region_add f 0 10
      expect last.ret == 6
      expect resv.f.adds_in_progress == 0       # 3 subtracted, not 1
      expect resv.g.adds_in_progress == 1
      region_add g 0 1
      expect resv.g.adds_in_progress == 0

      region_chg f 20 30
      expect resv.f.adds_in_progress == 1
      region_add f 20 30 regions_needed=0
      expect last.ret == 10
      expect resv.f.adds_in_progress == 1       # nothing subtracted
      region_add f 40 45 regions_needed=1       # no region_chg at all
      expect resv.f.adds_in_progress == 0
      region_add f 50 60 regions_needed=2
      expect resv.f.adds_in_progress == -2      # the counter is the code's: it goes negative
    `);
  });

  it('before any region_chg the default is 0', () => {
    passes(`
      hugetlb file f
      region_add f 0 1
      expect last.ret == 1
      expect resv.f.adds_in_progress == 0
      expect resv.f.region_cache_count == 0
      expect resv.f.regions == [[0,1]]
    `);
  });

  it('region_add takes descriptors from the cache, allocating the shortfall for a range of more than one page', () => {
    passes(`
      hugetlb file f
      region_chg f 1 2
      region_add f 1 2
      expect resv.f.region_cache_count == 0
      region_add f 0 4 regions_needed=0         # two gaps, empty cache: two kmallocs, no VM_BUG_ON
      expect last.ret == 3
      expect resv.f.regions == [[0,1], [1,2], [2,4]]
      expect resv.f.region_cache_count == 0
    `);
  });

  it('region_abort returns the regions_needed of its region_chg; the cached descriptors stay', () => {
    passes(`
      hugetlb file f
      region_chg f 2 4
      region_add f 2 4
      region_chg f 0 10
      expect last.regions_needed == 2
      expect resv.f.adds_in_progress == 2
      expect resv.f.region_cache_count == 2
      region_abort f 0 10
      expect resv.f.adds_in_progress == 0
      expect resv.f.region_cache_count == 2
      expect resv.f.regions == [[2,4]]
      region_chg f 20 21
      region_abort f 999 1000 regions_needed=1  # [f, t) is not used by region_abort
      expect resv.f.adds_in_progress == 0
    `);
  });
});

describe('region_del', () => {
  it('trims, removes and splits; a split takes a cached descriptor only while region_cache_count > adds_in_progress', () => {
    passes(`
      hugetlb file f
      region_chg f 0 10
      region_add f 0 10
      expect resv.f.region_cache_count == 0
      region_chg f 20 21                        # in flight: its descriptor is reserved
      expect resv.f.region_cache_count == 1
      expect resv.f.adds_in_progress == 1

      inject enomem                             # so the split must kmalloc: it fails
      region_del f 3 4
      expect last.ret == -ENOMEM
      expect resv.f.regions == [[0,10]]
      expect resv.f.region_cache_count == 1
      region_del f 3 4                          # kmalloc succeeds
      expect last.ret == 1
      expect resv.f.regions == [[0,3], [4,10]]
      expect resv.f.region_cache_count == 1

      region_abort f 20 21
      expect resv.f.adds_in_progress == 0
      inject enomem
      region_del f 6 7                          # the cached descriptor is free now: no allocation
      expect last.ret == 1
      expect hugetlb.inject_enomem == 1
      expect resv.f.region_cache_count == 0
      expect resv.f.regions == [[0,3], [4,6], [7,10]]
    `);
  });

  it('f == t inside a region splits it and deletes nothing; at a boundary it does nothing', () => {
    passes(`
      hugetlb file f
      region_chg f 0 10
      region_add f 0 10
      region_del f 4 4
      expect last.ret == 0
      expect resv.f.regions == [[0,4], [4,10]]
      region_del f 4 4
      expect last.ret == 0
      expect resv.f.regions == [[0,4], [4,10]]
    `);
  });

  it('deletes whole regions, trims the edges, and truncates to a big t', () => {
    passes(`
      ${THREE_PAGES}
      region_chg f 0 5
      region_add f 0 5
      region_chg f 8 20
      region_add f 8 20
      expect resv.f.regions == [[0,1], [1,2], [2,3], [3,5], [5,6], [8,20]]
      region_del f 1 4                          # removes [1,2) and [2,3), trims [3,5) to [4,5)
      expect last.ret == 3
      expect resv.f.regions == [[0,1], [4,5], [5,6], [8,20]]
      region_del f 5 10                         # removes [5,6), trims [8,20) to [10,20)
      expect last.ret == 3
      expect resv.f.regions == [[0,1], [4,5], [10,20]]
      region_del f 15 9007199254740991          # truncate from page 15
      expect last.ret == 5
      expect resv.f.regions == [[0,1], [4,5], [10,15]]
      region_del f 0 9007199254740991
      expect last.ret == 7
      expect resv.f.regions == []
    `);
  });
});

describe('region_count', () => {
  it('counts reserved pages of [f, t)', () => {
    passes(`
      ${THREE_PAGES}
      region_chg f 8 20
      region_add f 8 20
      region_count f 0 100
      expect last.ret == 15
      region_count f 1 10
      expect last.ret == 4
      region_count f 3 5
      expect last.ret == 0
      region_count f 9 9
      expect last.ret == 0
      region_count f 12 10                      # inverted inside one region: the code's negative result
      expect last.ret == -2
      expect resv.f.regions == [[0,1], [2,3], [5,6], [8,20]]
    `);
  });
});

describe('inject enomem', () => {
  it('region_chg: -ENOMEM with regions_needed set, adds_in_progress left raised, the cache unchanged', () => {
    passes(`
      hugetlb file f
      region_chg f 1 2
      region_add f 1 2
      expect resv.f.region_cache_count == 0
      inject enomem count=2
      region_chg f 0 10                         # gaps [0,1) and [2,10)
      expect last.ret == -ENOMEM
      expect last.regions_needed == 2
      expect resv.f.adds_in_progress == 2
      expect resv.f.region_cache_count == 0
      expect hugetlb.inject_enomem == 1
      region_chg f 0 10                         # a retry: raised again, fails again
      expect last.ret == -ENOMEM
      expect resv.f.adds_in_progress == 4
      expect hugetlb.inject_enomem == 0
      region_chg f 0 10                         # allocates up to all of adds_in_progress
      expect last.ret == 9
      expect resv.f.adds_in_progress == 6
      expect resv.f.region_cache_count == 6
      expect resv.f.regions == [[1,2]]
    `);
  });

  it('region_add: -ENOMEM when the shortfall cannot be allocated; nothing added or subtracted; region_abort then balances', () => {
    passes(`
      hugetlb file f
      region_chg f 0 10
      expect last.regions_needed == 1
      region_chg f 4 5                          # a fault inside [0,10) while it is in flight
      region_add f 4 5
      expect resv.f.region_cache_count == 1
      expect resv.f.adds_in_progress == 1
      inject enomem
      region_add f 0 10 regions_needed=1        # now two gaps: one descriptor short
      expect last.ret == -ENOMEM
      expect resv.f.regions == [[4,5]]
      expect resv.f.adds_in_progress == 1
      expect resv.f.region_cache_count == 1
      region_abort f 0 10 regions_needed=1      # hugetlb_reserve_pages' out_err
      expect resv.f.adds_in_progress == 0
      region_add f 0 10 regions_needed=0        # without the fault injected it allocates and succeeds
      expect last.ret == 9
      expect resv.f.regions == [[0,4], [4,5], [5,10]]
    `);
  });

  it('region_add of one page never allocates, so -ENOMEM cannot reach it', () => {
    passes(`
      hugetlb file f
      region_chg f 0 1
      inject enomem
      region_add f 0 1
      expect last.ret == 1
      expect hugetlb.inject_enomem == 1
    `);
  });

  it('resv_map_alloc: the file is not created', () => {
    const r = cli(scenario(`
      inject enomem
      hugetlb file f
      expect len(hugetlb.files) == 0
      expect hugetlb.inject_enomem == 0
      hugetlb file f
      expect resv.f.region_cache_count == 1
    `), { file: FILE });
    expect(r.code).toBe(0);
    expect(r.err).toEqual(["resv_map_alloc: -ENOMEM (-12): hugetlb file 'f' was not created"]);
  });

  it('count must not be negative', () => {
    const r = cli(scenario(`
      hugetlb file f
      inject enomem count=-1
    `), { file: FILE });
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^t\.kstep:2:\d+: error: count must not be negative$/);
  });
});

describe('VM_BUG_ON ends the run with exit 1', () => {
  function bug(lines: string, at: string, condition: string, fn: string): CliRun {
    const r = cli(scenario(lines), { file: FILE });
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(`${FILE}:${lineOf(scenario(lines), at)}: BUG: ${condition}`);
    expect(r.err[1]).toMatch(new RegExp(`^\\s+at ${fn} \\(mm/hugetlb\\.c:\\d+\\)$`));
    return r;
  }

  it('t - f <= 1: a one-page region_add with no region_chg once the cache is empty', () => {
    const lines = `
      hugetlb file f
      region_add f 0 1
      region_add f 2 3
      print "not reached"
    `;
    const r = bug(lines, 'region_add f 2 3', 't - f <= 1', 'region_add');
    expect(r.out).toEqual([]);
  });

  it('t - f <= 1 with regions_needed from region_chg: a range region_add takes the descriptor another in-flight add reserved (v7)', () => {
    bug(
      `
      hugetlb file f
      region_chg f 0 10
      region_chg f 5 6
      region_add f 5 6
      region_chg f 20 21
      region_add f 0 10 regions_needed=1
      expect resv.f.region_cache_count == 0
      expect resv.f.adds_in_progress == 1
      region_add f 20 21
    `,
      'region_add f 20 21',
      't - f <= 1',
      'region_add',
    );
  });

  it('!resv->region_cache_count: region_abort with the cache empty', () => {
    bug(
      `
      hugetlb file f
      region_add f 0 1
      region_abort f 0 1 regions_needed=0
    `,
      'region_abort',
      '!resv->region_cache_count',
      'region_abort',
    );
  });

  it('!resv->region_cache_count via vma_end_reservation after the same v7 descriptor stealing', () => {
    bug(
      `
      hugetlb file f
      region_chg f 0 10
      region_chg f 5 6
      region_add f 5 6
      region_chg f 20 21
      region_add f 0 10 regions_needed=1
      region_abort f 20 21
    `,
      'region_abort',
      '!resv->region_cache_count',
      'region_abort',
    );
  });

  it('the state at the BUG is the state before the failed call', () => {
    const { code, state } = finalState(`
      hugetlb file f
      region_add f 0 1
      region_add f 2 3
    `);
    expect(code).toBe(1);
    expect(state.resv).toEqual({ f: { regions: [[0, 1]], adds_in_progress: 0, region_cache_count: 0 } });
  });
});

describe('scenario errors (exit 2)', () => {
  it('an unknown file', () => {
    let r = cli(scenario(`
      hugetlb file f
      region_chg g 0 1
    `), { file: FILE });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`${FILE}:2:12: warning: no hugetlbfs file 'g' is declared in this scenario`, `${FILE}:2:12: error: no hugetlb file 'g' (files: f)`]);
    r = cli('region_count f 0 1\n', { file: FILE });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`${FILE}:1:14: warning: no hugetlbfs file 'f' is declared in this scenario (hugetlb file <name>)`, `${FILE}:1:14: error: no hugetlb file 'f' (create one with: hugetlb file <name>)`]);
  });

  it('f > t for region_del (and only for region_del)', () => {
    const r = cli(scenario(`
      hugetlb file f
      region_chg f 0 10
      region_add f 0 10
      region_del f 7 3
    `), { file: FILE });
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^t\.kstep:4:\d+: error: <f> \(7\) is above <t> \(3\)/);
  });

  it('a duplicate hugetlb file', () => {
    const r = cli(scenario(`
      hugetlb file f
      region_chg f 0 1
      hugetlb file f
    `), { file: FILE });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`${FILE}:3:14: error: hugetlb file 'f' already exists`]);
  });
});

describe('offsets are C longs', () => {
  // The scenario accepts offsets in [-(2^53 - 1), 2^53 - 1], but the page
  // counts are computed in JS numbers: a difference above 2^53 is rounded,
  // where the kernel's long arithmetic is exact. Either the result must be
  // exact or the offsets must be refused; a silently wrong count is a bug.
  it('region_chg over [-(2^53 - 1), 2^53 - 2) returns 2^54 - 3 exactly (or the range is refused)', () => {
    const r = cli(scenario(`
      hugetlb file f
      region_chg f -9007199254740991 9007199254740990
      expect last.ret == 18014398509481981
    `), { file: FILE });
    if (r.code === 2) expect(r.err[0]).toMatch(/^t\.kstep:2:\d+: error: /);
    else expect(r).toEqual({ code: 0, out: [], err: [] });
  });

  it('region_count sums overlaps exactly (or the range is refused)', () => {
    const r = cli(scenario(`
      hugetlb file f
      region_add f -9007199254740991 0 regions_needed=0
      region_add f 1 9007199254740991 regions_needed=0
      region_count f -9007199254740991 9007199254740991
      expect last.ret == 18014398509481981
    `), { file: FILE });
    if (r.code === 2) expect(r.err[0]).toMatch(/^t\.kstep:\d+:\d+: error: /);
    else expect(r).toEqual({ code: 0, out: [], err: [] });
  });
});
