// kstep in a web extension host: a .vsix whose manifest has only the `browser` entry, so code-server runs it in
// the browser's web worker extension host (as vscode.dev and github.dev do). The F5-to-breakpoint steps of
// debug.e2e.ts with the web build, and proof of where it runs: "kstep: About" reports the host it sees.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, QUIET_SETTINGS, startE2E, waitForActiveTab, type E2E } from './code-server';
import { buildWebVsix } from './web_vsix';
import { debugToRegionAdd, FIRST, SCENARIO } from './resv_map_session';


describe('kstep in the web worker extension host', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    e2e = await startE2E({ files: { 'resv_map.kstep': SCENARIO, 'broken.kstep': '# one unknown statement\nfrobnicate 3\n' }, vsix: buildWebVsix() });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('runs in the web worker extension host, with no Node.js', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-host-failure'));
    // Opening a scenario activates the extension (onLanguage:kstep).
    await wb.openFile('resv_map.kstep');
    await wb.waitForEditorText('region_add f 0 5');
    await wb.runCommand('kstep: About');
    const note = await wb.waitFor('the About notification', 30_000, async () => (await wb.notifications()).find((n) => n.includes('kstep 0.')));
    expect(note).toContain('runs in the web worker extension host (no Node.js; workers: Web Workers)');
  });

  it('checks a scenario as it is opened: diagnostics from the Web Worker', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-diagnostics-failure'));
    await wb.openFile('broken.kstep');
    await wb.waitForEditorText('frobnicate 3');
    // The squiggle under the unknown statement: the worker parsed the file and the host drew its diagnostic.
    await wb.waitFor('a diagnostic squiggle', 30_000, async () => ((await wb.page.locator('.view-overlays .squiggly-error').count()) > 0 ? true : undefined));
    // Back to the scenario the next test debugs (Quick Open does not bring back an editor opened before).
    await wb.press('Control+W');
    await waitForActiveTab(wb, 'resv_map.kstep');
  });

  it('stops at a gutter breakpoint after F5 and shows the resv_map in the Variables view', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-debug-failure'));
    await waitForActiveTab(wb, 'resv_map.kstep');
    await debugToRegionAdd(wb);

    const shot = await wb.screenshot(join(ARTIFACTS_DIR, '..', 'web-debugging.png'));
    expect(existsSync(shot)).toBe(true);
  });

  it('draws the resv_map in the state picture at the stop', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-picture-failure'));
    await wb.runCommand('kstep: Show State Picture');
    const frame = wb.page.frameLocator('iframe.webview').frameLocator('iframe');
    await frame.locator('h2', { hasText: 'resv_map of hugetlb file f' }).waitFor({ state: 'visible', timeout: 30_000 });
    expect(await frame.locator('svg rect.region').count()).toBe(3);
    await wb.press('F10');
    await expect.poll(() => frame.locator('svg rect.region').count(), { timeout: 30_000 }).toBe(5);
  });

  it('the Test Explorer lists and runs the scenarios in the Web Worker', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-testing-failure'));
    const rowLabels = async (): Promise<string[]> => {
      const rows = wb.page.locator('.test-explorer .monaco-list-row');
      const out: string[] = [];
      for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText()));
      return out;
    };
    await wb.runCommand('Testing: Focus on Test Explorer View');
    await wb.waitFor('the scenarios in the Test Explorer', 60_000, async () => {
      const rows = await rowLabels();
      return rows.some((r) => r.includes('resv_map.kstep')) && rows.some((r) => r.includes('broken.kstep')) ? rows : undefined;
    });
    await wb.runCommand('Test: Run All Tests');
    const rows = await wb.waitFor('the run to pass resv_map.kstep and fail broken.kstep', 60_000, async () => {
      const r = await rowLabels();
      return r.some((l) => /resv_map\.kstep.*pass/i.test(l)) && r.some((l) => /broken\.kstep.*(fail|error)/i.test(l)) ? r : undefined;
    });
    expect(rows.join('\n')).toMatch(/resv_map\.kstep/);
  });

  it('"kstep.adapter": "process" says it needs desktop VS Code and debugs with the inline adapter', async ({ onTestFailed }) => {
    const { wb, server } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('web-process-adapter-failure'));
    const toolbar = wb.page.locator('.debug-toolbar').first();
    await wb.press('Shift+F5');
    await toolbar.waitFor({ state: 'hidden', timeout: 30_000 });
    writeFileSync(join(server.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, 'kstep.adapter': 'process' }, null, 2));
    await waitForActiveTab(wb, 'resv_map.kstep');
    // The setting reaches the extension host when the settings file changes; F5 until a session starts with it.
    const note = await wb.waitFor('the needs-desktop warning', 60_000, async () => {
      const hit = (await wb.notifications()).find((n) => n.includes('needs desktop VS Code'));
      if (hit) return hit;
      if (await toolbar.isVisible()) {
        // A session started before the setting arrived: end it and try again.
        await wb.press('Shift+F5');
        await toolbar.waitFor({ state: 'hidden', timeout: 30_000 });
        return undefined;
      }
      await wb.press('F5');
      return undefined;
    });
    expect(note).toContain('"kstep.adapter": "process"');
    await wb.waitForDebugToolbar();
    await wb.waitForStoppedAt(FIRST);
  });
});
