// Smoke test of the end-to-end setup: code-server opens a workspace in Chromium, Ctrl+P opens a .kstep file,
// and its text shows in the editor. With KSTEP_VSIX=<file.vsix>, that extension is installed first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, startE2E, type E2E } from './code-server';

const HELLO = [
  '# hello: the end-to-end smoke scenario',
  'hugetlb file f',
  'region_chg f 0 10',
  'region_add f 0 10',
  'expect resv.f.regions == [[0,10]]',
  '',
].join('\n');

describe('code-server workbench', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    e2e = await startE2E({
      files: { 'hello.kstep': HELLO },
      vsix: process.env.KSTEP_VSIX || undefined,
      // Lets the glyph-margin test set a breakpoint even without the kstep extension's language.
      settings: { 'debug.allowBreakpointsEverywhere': true },
    });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('opens hello.kstep with Ctrl+P and shows its text', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('smoke-open-failure'));
    await wb.openFile('hello.kstep');
    const text = await wb.waitForEditorText('region_add f 0 10');
    expect(text).toContain('# hello: the end-to-end smoke scenario');
    expect(text).toContain('expect resv.f.regions == [[0,10]]');
    const shot = await wb.screenshot(join(ARTIFACTS_DIR, 'workbench.png'));
    expect(existsSync(shot)).toBe(true);
  });

  it('toggles a breakpoint by clicking the glyph margin', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('smoke-breakpoint-failure'));
    await wb.openFile('hello.kstep');
    await wb.clickGlyphMargin(4);
    expect(await wb.breakpointLines()).toEqual([4]);
    await wb.runCommand('View: Show Run and Debug');
    const rows = await wb.waitForViewRows('Breakpoints', (r) => r.some((t) => t.includes('hello.kstep')));
    expect(rows.join('\n')).toMatch(/hello\.kstep.*4/);
    await wb.screenshot(join(ARTIFACTS_DIR, 'breakpoint.png'));
    await wb.openFile('hello.kstep');
    await wb.clickGlyphMargin(4);
    expect(await wb.breakpointLines()).toEqual([]);
  });
});
