/**
 * A generated scenario of about a million lines, the shape a kernel engineer's
 * generated regression files take: comments, blank lines, statements of every
 * mechanism with keys and expressions, expects and prints, and small repeat
 * blocks and procs, so the launch path parses, checks and indexes all of them.
 */
export function bigScenario(lines: number): string {
  const out: string[] = [
    '# generated: a long regression scenario',
    'hugetlb file f',
    'partition vps=2',
    'device gpu type=private pages=8',
    'proc touch {',
    '  write 0x7f0000000000 1',
    '  expect last.fault == none || last.fault == anon',
    '}',
  ];
  for (let i = 0; out.length < lines; i++) {
    const from = (i * 37) % 100_000;
    const to = from + 1 + (i % 4);
    const addr = `0x${(0x7f0000000000 + (i % 4096) * 0x10000).toString(16)}`;
    switch (i % 16) {
      case 0: out.push(`region_chg f ${from} ${to}`); break;
      case 1: out.push(`region_add f ${from} ${to}`); break;
      case 2: out.push(`expect resv.f.adds_in_progress == 0`); break;
      case 3: out.push(`vpreg SINT2 = 0x${(i & 0xff).toString(16)} vp=${i % 2}`); break;
      case 4: out.push(`expect vp[${i % 2}].reg.SINT2.masked == 0 && last.hvc.status == HV_STATUS_SUCCESS`); break;
      case 5: out.push(`mmap ${addr} 64K`); break;
      case 6: out.push(`write ${addr} ${i}`); break;
      case 7: out.push(`print "page", task.init.pte[${addr}].pfn, last.ret`); break;
      case 8: out.push(''); break;
      case 9: out.push(`# step ${i}: a comment the parser skips`); break;
      case 10: out.push(`region_count f 0 ${to}    # count what is left`); break;
      case 11: out.push(`read ${addr}`); break;
      case 12: out.push(`expect last.value == ${i - 6} && len(resv.f.regions) >= 0`); break;
      case 13: out.push(`munmap ${addr} 64K`); break;
      case 14: out.push('repeat 2 {', `  region_count f ${from} ${to}`, '  advance 1us', '}'); break;
      default: out.push('call touch'); break;
    }
  }
  return `${out.join('\n')}\n`;
}
