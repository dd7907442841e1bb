import { readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { CallGraph } from '../src/sim/core/call_graph';
import { REGISTRY } from '../src/sim';
it('cmp', () => {
  const g = new CallGraph(REGISTRY.sources);
  const stat = new Set<string>();
  for (const f of g.byName.values()) for (const c of g.callSites(f)) stat.add(`${f.name}\t${c.callee.name}`);
  const obs = readFileSync('/tmp/s21/edges.tsv', 'utf8').split('\n').filter(Boolean);
  const missing = new Map<string, Set<string>>();
  for (const l of obs) {
    const [p, c] = l.split('\t');
    if (p!.startsWith('verb:')) continue;
    const [pf, line] = p!.split('@');
    if (!stat.has(`${pf}\t${c}`)) { const k = `${pf}\t${c}`; if (!missing.has(k)) missing.set(k, new Set()); missing.get(k)!.add(line!); }
  }
  const out: string[] = [];
  for (const [k, ls] of missing) { const [pf] = k.split('\t'); const f = g.byName.get(pf!)!; const labels = [...f.labels].filter(([, n]) => ls.has(String(n))).map(([l]) => l); out.push(`${k}\t${labels.join(',')}\t${[...ls].map((n) => f.source.lines[Number(n) - 1]?.trim()).join(' | ')}`); }
  writeFileSync('/tmp/s21/missing.tsv', out.sort().join('\n') + '\n');
  writeFileSync('/tmp/s21/static.tsv', [...stat].sort().join('\n') + '\n');
});
