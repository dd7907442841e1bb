import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/sim';
import { flatItems, scenarioItems } from '../../src/extension/test_items';

const SRC = [
  '# a scenario', //                          1
  'proc reserve {', //                        2
  '  region_chg f 10 11', //                  3
  '  expect last.ret == 1', //                4
  '  region_add f 10 11', //                  5
  '}', //                                     6
  'hugetlb file f', //                        7
  'call reserve', //                          8
  'repeat 2 {', //                            9
  '    expect len(resv.f.regions) >= 1', //   10
  '}', //                                     11
  'expect resv.f.adds_in_progress == 0   ', // 12
  '',
].join('\n');

describe('Test Explorer items of a scenario', () => {
  it('lists procs with the expects of their block as children, and the other expects at top level, with 0-based ranges', () => {
    const items = scenarioItems(loadScenario('t.kstep', SRC).program);
    expect(items.map((i) => [i.kind, i.id, i.label, i.line])).toEqual([
      ['proc', 'proc:reserve', 'proc reserve', 2],
      ['expect', 'expect:10', 'expect len(resv.f.regions) >= 1', 10],
      ['expect', 'expect:12', 'expect resv.f.adds_in_progress == 0', 12],
    ]);
    expect(items[0]?.range).toEqual({ startLine: 1, startCol: 0, endLine: 4, endCol: 20 });
    expect(items[0]?.children.map((c) => [c.id, c.range])).toEqual([['expect:4', { startLine: 3, startCol: 2, endLine: 3, endCol: 22 }]]);
    // Indented inside a repeat; the range ends at the last non-blank character.
    expect(items[1]?.range).toEqual({ startLine: 9, startCol: 4, endLine: 9, endCol: 35 });
    expect(items[2]?.range.endCol).toBe(35);
    expect(flatItems(items).map((i) => i.id)).toEqual(['proc:reserve', 'expect:4', 'expect:10', 'expect:12']);
  });

  it('a file with errors still lists what parsed', () => {
    const items = scenarioItems(loadScenario('t.kstep', 'bogus\nexpect 1 == 1\n').program);
    expect(items.map((i) => i.id)).toEqual(['expect:2']);
  });

  it('a long expect is labelled by its first 79 characters and an ellipsis', () => {
    const long = `expect ${Array.from({ length: 40 }, () => '1').join(' + ')} == 40`;
    const [item] = scenarioItems(loadScenario('t.kstep', long).program);
    expect(item?.label).toHaveLength(80);
    expect(item?.label.endsWith('…')).toBe(true);
  });
});
