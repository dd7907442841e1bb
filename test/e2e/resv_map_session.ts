// The F5-to-breakpoint steps on examples/resv_map.kstep that the desktop (debug.e2e.ts) and the web
// (web.e2e.ts) builds both go through: one sequence, so the two tests check the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT, type Workbench } from './code-server';

export const SCENARIO = readFileSync(join(REPO_ROOT, 'examples', 'resv_map.kstep'), 'utf8');
/** The worked example's region_add f 0 5: before it runs, region_chg has raised adds_in_progress to 2. */
export const LINE = SCENARIO.split('\n').findIndex((l) => l.startsWith('region_add f 0 5')) + 1;
/** The first statement: where F5 with no launch.json stops on entry. */
export const FIRST = SCENARIO.split('\n').findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#')) + 1;

/**
 * With resv_map.kstep in the active editor: a breakpoint by a click in the gutter at LINE, F5 (no launch.json:
 * stops on entry), F5 again to the breakpoint, then the resv_map of file f read from the Variables view.
 */
export async function debugToRegionAdd(wb: Workbench): Promise<void> {
  expect(LINE).toBeGreaterThan(0);
  await wb.waitForEditorText('region_add f 0 5');
  await wb.clickGlyphMargin(LINE);
  expect(await wb.breakpointLines()).toEqual([LINE]);

  await wb.press('F5');
  await wb.waitForDebugToolbar();
  await wb.waitForStoppedAt(FIRST);
  await wb.press('F5');
  await wb.waitForStoppedAt(LINE);

  // The hugetlb scope opens by default (VS Code opens the first scope by itself, a moment after it lists the
  // scopes); expand resv, then the file's map. expandViewRow clicks only rows that are still closed.
  const hasResv = (r: string[]): boolean => r.some((t) => /^resv\b/.test(t));
  await wb.waitForViewRows('Variables', (r) => r.includes('hugetlb') || hasResv(r));
  await wb.expandViewRow('Variables', /^hugetlb$/, hasResv);
  await wb.expandViewRow('Variables', /^resv\b/, (r) => r.some((t) => /^f\b/.test(t)));
  const rows = await wb.expandViewRow('Variables', /^f\b/, (r) => r.some((t) => t.startsWith('adds_in_progress')));
  const text = rows.join('\n');
  expect(text).toMatch(/regions\s*[:=]?\s*\[\[0, 1\], \[2, 3\], \[5, 6\]\]/);
  expect(text).toMatch(/adds_in_progress\s*[:=]?\s*2\b/);
  expect(text).toMatch(/region_cache_count\s*[:=]?\s*2\b/);
  expect((await wb.viewRows('Call Stack')).join('\n')).toContain('resv_map.kstep');
}
