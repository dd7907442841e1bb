import { lineOf } from '../support/dap';

/**
 * Scenarios for the DAP tests. They live here (written to a temporary
 * directory by each suite) so an edit to examples/ cannot move the lines the
 * tests stop at; the line constants are found by content.
 */

/** The worked example of reference 004, with a region_del and region_count after it. */
export const RESV = `# resv_map walk-through for the DAP tests
hugetlb file f
expect resv.f.region_cache_count == 1

# three single pages
region_chg f 0 1
region_add f 0 1
region_chg f 2 3
region_add f 2 3
region_chg f 5 6
region_add f 5 6
expect resv.f.regions == [[0,1], [2,3], [5,6]]

# the worked example
region_chg f 0 5
expect resv.f.adds_in_progress == 2
region_add f 0 5
expect resv.f.regions == [[0,1], [1,2], [2,3], [3,5], [5,6]]
region_del f 1 3
region_count f 0 6
# trailing comment
`;

export const R = {
  file: lineOf(RESV, 'hugetlb file f'),
  expectCache: lineOf(RESV, 'expect resv.f.region_cache_count'),
  blank: lineOf(RESV, 'expect resv.f.region_cache_count') + 1,
  comment: lineOf(RESV, '# three single pages'),
  chg01: lineOf(RESV, 'region_chg f 0 1'),
  add01: lineOf(RESV, 'region_add f 0 1'),
  chg23: lineOf(RESV, 'region_chg f 2 3'),
  add23: lineOf(RESV, 'region_add f 2 3'),
  chg56: lineOf(RESV, 'region_chg f 5 6'),
  add56: lineOf(RESV, 'region_add f 5 6'),
  expect3: lineOf(RESV, 'expect resv.f.regions == [[0,1], [2,3]'),
  chg05: lineOf(RESV, 'region_chg f 0 5'),
  expectAdds: lineOf(RESV, 'expect resv.f.adds_in_progress == 2'),
  add05: lineOf(RESV, 'region_add f 0 5'),
  expect5: lineOf(RESV, 'expect resv.f.regions == [[0,1], [1,2]'),
  del13: lineOf(RESV, 'region_del f 1 3'),
  count06: lineOf(RESV, 'region_count f 0 6'),
  trailing: lineOf(RESV, '# trailing comment'),
};

/** A proc called from a repeat: five chg/add pairs at offsets 0..4 (time.ns is the iteration). */
export const LOOP = `hugetlb file f
proc reserve {
  region_chg f time.ns time.ns+1
  region_add f time.ns time.ns+1
}
repeat 5 {
  call reserve
  advance 1ns
}
print "regions:", len(resv.f.regions)
`;

export const L = {
  file: lineOf(LOOP, 'hugetlb file f'),
  proc: lineOf(LOOP, 'proc reserve'),
  chg: lineOf(LOOP, 'region_chg'),
  add: lineOf(LOOP, 'region_add'),
  procEnd: lineOf(LOOP, '}'),
  repeat: lineOf(LOOP, 'repeat 5'),
  call: lineOf(LOOP, 'call reserve'),
  advance: lineOf(LOOP, 'advance 1ns'),
  repeatEnd: lineOf(LOOP, '}', lineOf(LOOP, 'advance 1ns')),
  print: lineOf(LOOP, 'print'),
};

/** A failing expect: region_chg of an empty map needs one region, not two. */
export const EXPECT = `hugetlb file f
region_chg f 0 5
expect resv.f.adds_in_progress == 2
region_add f 0 5
print "after the expect"
`;

/** region_add of one page with an empty descriptor cache: VM_BUG_ON(t - f <= 1) in region_add. */
export const BUG = `hugetlb file f
region_add f 0 1 regions_needed=0
region_add f 2 3 regions_needed=0
region_add f 4 5 regions_needed=0
region_count f 0 9
`;

/** A run long enough to pause. */
export const LONG = `hugetlb file f
repeat 100000000 {
  region_count f 0 1
}
print "never"
`;

/** 3000 single-page regions at even offsets. */
export const BIG = `hugetlb file f
repeat 3000 {
  region_chg f time.ns*2 time.ns*2+1
  region_add f time.ns*2 time.ns*2+1
  advance 1ns
}
expect len(resv.f.regions) == 3000
`;

/** A print between kernel statements: output must appear once per real execution. */
export const PRINT = `hugetlb file f
print "hello", len(resv.f.regions)
region_chg f 0 1
region_add f 0 1
`;

/** Two parse errors. */
export const BAD = `hugetlb file f
region_chg f 0
bogus_verb 1 2
`;
