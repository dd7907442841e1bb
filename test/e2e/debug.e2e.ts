// The packaged extension in a real VS Code: open examples/resv_map.kstep, set a breakpoint by clicking the
// gutter, press F5 with no launch.json, wait for the stop, and read the resv_map in the Variables view.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, REPO_ROOT, startE2E, type E2E } from './code-server';
import { debugToRegionAdd, SCENARIO } from './resv_map_session';


const VSIX = process.env.KSTEP_VSIX ?? join(REPO_ROOT, 'kstep.vsix');
describe('debugging a scenario in VS Code', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    e2e = await startE2E({ files: { 'resv_map.kstep': SCENARIO }, vsix: VSIX });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('stops at a gutter breakpoint after F5 and shows the resv_map in the Variables view', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('debug-failure'));
    await wb.openFile('resv_map.kstep');
    await debugToRegionAdd(wb);

    const shot = await wb.screenshot(join(ARTIFACTS_DIR, 'debugging.png'));
    expect(existsSync(shot)).toBe(true);
    if (process.env.KSTEP_E2E_README_SHOT) copyFileSync(shot, process.env.KSTEP_E2E_README_SHOT);
  });

  it('draws the resv_map in the state picture at the stop', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('picture-failure'));
    await wb.runCommand('kstep: Show State Picture');
    // The webview's page sits two iframes deep.
    const frame = wb.page.frameLocator('iframe.webview').frameLocator('iframe');
    const title = frame.locator('h2', { hasText: 'resv_map of hugetlb file f' });
    await title.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await frame.locator('svg rect.region').count()).toBe(3);
    expect(await frame.locator('.counters').first().innerText()).toMatch(/regions\s*3\s*adds_in_progress\s*2\s*region_cache_count\s*2/);
    // One step later region_add has filled the two gaps: five regions.
    await wb.press('F10');
    await expect.poll(() => frame.locator('svg rect.region').count(), { timeout: 30_000 }).toBe(5);
    await wb.screenshot(join(ARTIFACTS_DIR, 'state-picture.png'));
  });
});
