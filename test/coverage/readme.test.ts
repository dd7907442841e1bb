/**
 * The README's per-patch table is the coverage of the repository's own
 * test/scenarios and examples, computed afresh here; KSTEP_UPDATE_README=1
 * rewrites it. Every scenario of the suite must pass for the figure to count.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchCoverage } from '../../src/sim';
import { ROOT } from '../support/kit';
import { suiteCoverage } from './suite';

const README = join(ROOT, 'README.md');
const START = '<!-- patch-coverage -->';
const END = '<!-- /patch-coverage -->';

function table(): string {
  const rows = patchCoverage(suiteCoverage()).map((p) => {
    const hit = p.lines.filter((l) => l.exercised).length;
    const pct = p.lines.length ? `${Math.floor((hit * 1000) / p.lines.length) / 10}%` : '—';
    return `| ${p.id} | ${p.title.replace(/\|/g, '\\|')} | ${p.codeLines} | ${p.lines.length} | ${hit} | ${pct} |`;
  });
  return ['| patch | title | added code lines | modelled in the listings | exercised | |', '|---|---|---:|---:|---:|---:|', ...rows].join('\n');
}

describe('README', () => {
  it('shows the coverage of the suite per reference patch', () => {
    const text = readFileSync(README, 'utf8');
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    const want = `${text.slice(0, a + START.length)}\n${table()}\n${text.slice(b)}`;
    if (process.env.KSTEP_UPDATE_README) writeFileSync(README, want);
    expect(readFileSync(README, 'utf8')).toBe(want);
  });
});
