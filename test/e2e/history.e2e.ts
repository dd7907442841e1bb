// Issue 18 in a real VS Code with the packaged extension: Ctrl+click on adds_in_progress in Variables (its
// valueLocationReference, answered by `locations`) and "Why Is It This Value?" on it after
// region_chg f 0 5 travels back to region_chg's `resv->adds_in_progress += *out_regions_needed` in mm/hugetlb.c;
// "Compare with the Kernel Before Patch…" opens a diff editor over the two kernels' states at the first
// divergence (region_add f 0 5: one coalesced region against five), and "Debug on before=004" starts a session
// on the other kernel stopped at that statement.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/sim';
import { activeTabTitle, ARTIFACTS_DIR, REPO_ROOT, stackFrames, startE2E, waitForActiveTab, type E2E, type Workbench } from './code-server';

const VSIX = process.env.KSTEP_VSIX ?? join(REPO_ROOT, 'kstep.vsix');
const WORKED = readFileSync(join(REPO_ROOT, 'test', 'kernels', 'worked_004.kstep'), 'utf8');
const lineOf = (text: string, stmt: string): number => text.split('\n').findIndex((l) => l.trim() === stmt) + 1;
const FIRST = lineOf(WORKED, 'hugetlb file f');
/** Stopped here, region_chg f 0 5 has raised adds_in_progress to 2. */
const ADD = lineOf(WORKED, 'region_add f 0 5');

const HUGETLB = REGISTRY.sources.find((s) => s.path === 'mm/hugetlb.c');
const RAISE_TEXT = 'resv->adds_in_progress += *out_regions_needed;';
const RAISE = (HUGETLB?.lines.findIndex((l, i) => l.includes(RAISE_TEXT) && i > (HUGETLB.functions.get('region_chg')?.line ?? 0)) ?? -1) + 1;

/** Waits for the quick input showing `text` (its title or prompt), types `value` and presses Enter. */
async function answer(wb: Workbench, text: string | RegExp, value: string): Promise<void> {
  const widget = wb.quickInput.filter({ hasText: text });
  await widget.waitFor({ state: 'visible', timeout: 20_000 });
  const input = widget.locator('input').first();
  await input.fill(value);
  await wb.press('Enter');
}

/** Runs a palette command that goes on to ask in a quick input of its own (runCommand would wait for it to close). */
async function startCommand(wb: Workbench, label: string): Promise<void> {
  await wb.press('F1');
  const input = wb.quickInput.locator('input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${label}`);
  await wb.quickInput.locator('.monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await wb.press('Enter');
}

describe('time travel that answers questions, in VS Code', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    e2e = await startE2E({ files: { 'worked.kstep': WORKED }, vsix: VSIX });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('a Ctrl+click on adds_in_progress and why on it both go to the region_chg line that raised it', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('why-failure'));
    expect(RAISE).toBeGreaterThan(0);
    await wb.openFile('worked.kstep');
    await wb.waitForEditorText('region_add f 0 5');
    await wb.clickGlyphMargin(ADD);
    await wb.press('F5');
    await wb.waitForDebugToolbar();
    await wb.waitForStoppedAt(FIRST);
    await wb.press('F5');
    await wb.waitForStoppedAt(ADD);
    await wb.expandViewRow('Variables', /^resv\b/, (rows) => rows.some((r) => /^f\b/.test(r)));
    await wb.expandViewRow('Variables', /^f\b/, (rows) => rows.some((r) => /^adds_in_progress\b/.test(r)));
    expect((await wb.viewRows('Variables')).find((r) => /^adds_in_progress\b/.test(r))).toMatch(/^adds_in_progress\s*[:=]?\s*2$/);

    // The value is a link (DAP valueLocationReference): Ctrl+click asks `locations` and opens the write's line.
    const value = wb.page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*adds_in_progress/ }).locator('.value').first();
    await value.click({ modifiers: ['Control'] });
    await waitForActiveTab(wb, 'hugetlb.c');
    await wb.waitForEditorText(RAISE_TEXT);
    await expect.poll(async () => (await wb.page.locator('.statusbar-item', { hasText: /^Ln \d+/ }).first().innerText()).trim(), { timeout: 20_000 }).toMatch(new RegExp(`^Ln ${RAISE},`));

    await startCommand(wb, 'kstep: Why Is It This Value?');
    await answer(wb, 'Why does this value hold', 'resv.f.adds_in_progress');
    // The writes, latest first: region_chg's raise from 0 to 2.
    const pick = wb.quickInput.filter({ hasText: 'why resv.f.adds_in_progress = 2' });
    await pick.waitFor({ state: 'visible', timeout: 20_000 });
    const first = pick.locator('.monaco-list-row').first();
    await expect.poll(async () => first.innerText(), { timeout: 10_000 }).toMatch(/0 → 2/);
    await wb.press('Enter');

    await waitForActiveTab(wb, 'hugetlb.c');
    await wb.waitForStoppedAt(RAISE);
    await wb.waitForEditorText(RAISE_TEXT);
    const frames = await wb.waitFor('region_chg on top of the Call Stack', 30_000, async () => {
      const f = await stackFrames(wb);
      return f[0]?.startsWith('region_chg(') ? f : undefined;
    });
    expect(frames[0]).toMatch(/^region_chg\(resv=f\b/);
    // Back at the write, before it: the value it raised is still 0.
    await wb.waitForViewRows('Variables', (rows) => rows.some((r) => /^adds_in_progress\s*[:=]?\s*0$/.test(r)));
    await wb.screenshot(join(ARTIFACTS_DIR, 'why.png'));
    await wb.press('Shift+F5');
    await wb.page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('the compare with the kernel before 004 opens the two states at region_add f 0 5 and debugs the other kernel there', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('kernel-diff-failure'));
    // The scenario's tab is still open from the first test: bring it to the front.
    await wb.page.locator('.part.editor .tab', { hasText: 'worked.kstep' }).first().click();
    await waitForActiveTab(wb, 'worked.kstep');
    await startCommand(wb, 'kstep: Compare with the Kernel Before Patch…');
    await answer(wb, 'Compare with the kernel before which patch?', 'before=004');
    await answer(wb, 'Which state?', 'resv.f.regions');

    // The diff editor: its tab names the divergence; the left side is the kernel before 004.
    const title = `worked.kstep: before=004 ↔ after (patched), first divergence after line ${ADD}: region_add f 0 5`;
    await wb.waitFor('the diff editor', 30_000, async () => ((await activeTabTitle(wb)).includes('first divergence after line') ? true : undefined));
    expect(await activeTabTitle(wb)).toContain(title);
    const diff = wb.page.locator('.part.editor .editor-group-container.active .monaco-diff-editor').first();
    await diff.waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(async () => (await diff.locator('.editor.original .view-lines').innerText()).replace(/\u00a0/g, ' '), { timeout: 20_000 }).toContain('resv.f.regions = [[0,6]]');
    await expect.poll(async () => (await diff.locator('.editor.modified .view-lines').innerText()).replace(/\u00a0/g, ' '), { timeout: 20_000 }).toContain('resv.f.regions = [[0,1],[1,2],[2,3],[3,5],[5,6]]');
    await wb.screenshot(join(ARTIFACTS_DIR, 'kernel-diff.png'));

    // "Debug on before=004": a session on the other kernel, stopped where region_add f 0 5 starts.
    const toast = wb.page.locator('.notification-toast', { hasText: 'first divergence after line' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20_000 });
    await toast.locator('.monaco-button', { hasText: 'Debug on before=004' }).first().click();
    await wb.waitForDebugToolbar();
    await waitForActiveTab(wb, 'worked.kstep');
    await wb.waitForStoppedAt(ADD);
    await wb.press('F11');
    await waitForActiveTab(wb, 'hugetlb.c (before 004)');
    await wb.waitFor('region_add of the kernel before 004', 30_000, async () => ((await stackFrames(wb))[0]?.startsWith('region_add(') ? true : undefined));
  });

  it('plots adds_in_progress over time under the state picture; a click on a point goes to its step', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('plot-failure'));
    // The session "Debug on before=004" started is stopped at region_add f 0 5.
    await startCommand(wb, 'kstep: Plot Expression Over Time');
    await answer(wb, 'Plot which numeric expression over time?', 'resv.f.adds_in_progress');
    const frame = wb.page.frameLocator('iframe.webview').frameLocator('iframe');
    const svg = frame.locator('svg[aria-label="plot of resv.f.adds_in_progress"]');
    await svg.waitFor({ state: 'visible', timeout: 30_000 });
    const points = svg.locator('circle.plot-point');
    await expect.poll(() => points.count(), { timeout: 20_000 }).toBeGreaterThan(2);
    const marker = svg.locator('line.plot-now');
    const before = await marker.getAttribute('x1');
    // Go to the second change: the marker follows the stop there.
    const target = points.nth(2);
    const cx = await target.getAttribute('cx');
    expect(cx).not.toBe(before);
    await target.click();
    await expect.poll(() => marker.getAttribute('x1'), { timeout: 30_000 }).toBe(cx);
    await wb.screenshot(join(ARTIFACTS_DIR, 'plot.png'));
  });
});
