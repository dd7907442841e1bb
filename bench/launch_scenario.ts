/**
 * A generated scenario of about a million lines, the shape a kernel engineer's
 * generated regression files take: comments, blank lines, statements of
 * several mechanisms with keys and expressions, expects and prints, small
 * repeat blocks and a proc, in lines short enough that a million of them fit
 * under MAX_SCENARIO_BYTES, as a real file read by the adapter must. About
 * one line in four is distinct (offsets, addresses and values vary); the
 * rest repeat, as in a generated file.
 */
export function bigScenario(lines: number): string {
  const out: string[] = [
    '# generated: a long regression scenario',
    'hugetlb file f',
    'partition vps=2',
    'proc touch {',
    '  write 0x10000 1',
    '  expect last.fault == none || last.fault == anon',
    '}',
  ];
  for (let i = 0; out.length < lines; i++) {
    const from = i % 100_000;
    const to = from + 1 + (i % 4);
    const addr = `0x${(0x10000 + (i % 4096) * 0x1000).toString(16)}`;
    switch (i % 18) {
      case 0: out.push(`region_chg f ${from} ${to}`); break;
      case 1: out.push(`region_add f ${from} ${to}`); break;
      case 2: out.push('expect last.ret >= 0'); break;
      case 3: out.push(`vpreg SINT2 = ${i % 200}`); break;
      case 4: out.push(`mmap ${addr} 4K`); break;
      case 5: out.push(`write ${addr} ${i % 1000}`); break;
      case 6: out.push('print last.value'); break;
      case 7: out.push(''); break;
      case 8: out.push(`# step ${i}`); break;
      case 9: out.push(`region_count f 0 ${to}`); break;
      case 10: out.push(`read ${addr}`); break;
      case 11: out.push(`expect last.value == ${(i - 6) % 1000}`); break;
      case 12: out.push(`munmap ${addr} 4K`); break;
      case 13: out.push('repeat 2 {', '  advance 1us', '}'); break;
      case 14: out.push(''); break;
      case 15: out.push(`vpreg SINT${i % 16} vp=${i % 2}`); break;
      case 16: out.push(`expect vp[0].reg.SINT2.masked == 0`); break;
      default: out.push('call touch'); break;
    }
  }
  return `${out.join('\n')}\n`;
}
