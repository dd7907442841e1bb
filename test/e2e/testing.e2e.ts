// The Test Explorer in a real VS Code: the packaged extension lists the workspace's scenarios, "Run All Tests"
// marks every failed expect of a failing scenario, and "Run All Tests with Coverage" shows the kernel listings.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, REPO_ROOT, startE2E, type E2E } from './code-server';

const VSIX = process.env.KSTEP_VSIX ?? join(REPO_ROOT, 'kstep.vsix');
const PASS = 'hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nexpect resv.f.regions == [[0,1]]\n';
// Two failed expects (one in a proc) and one that holds: all three are reported.
const FAIL = 'proc check {\n  expect resv.f.adds_in_progress == 7\n}\nhugetlb file f\nregion_chg f 0 1\nexpect last.ret == 5\ncall check\nexpect 1 == 1\n';

describe('kstep scenarios in the Test Explorer', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    e2e = await startE2E({ files: { 'pass.kstep': PASS, 'fail.kstep': FAIL }, vsix: VSIX });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  const rowLabels = async (): Promise<string[]> => {
    const rows = e2e!.wb.page.locator('.test-explorer .monaco-list-row');
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText()));
    return out;
  };

  it('lists the scenarios, and a run marks every failed expect', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('testing-failure'));
    await wb.openFile('fail.kstep');
    await wb.runCommand('Testing: Focus on Test Explorer View');
    await wb.waitFor('the scenarios in the Test Explorer', 60_000, async () => {
      const rows = await rowLabels();
      return rows.some((r) => r.includes('fail.kstep')) && rows.some((r) => r.includes('pass.kstep')) ? rows : undefined;
    });
    await wb.runCommand('Test: Run All Tests');
    const rows = await wb.waitFor('the run to mark fail.kstep failed', 60_000, async () => {
      const r = await rowLabels();
      return r.some((l) => /fail\.kstep.*fail/i.test(l)) && r.some((l) => /pass\.kstep.*pass/i.test(l)) ? r : undefined;
    });
    await wb.screenshot(join(ARTIFACTS_DIR, 'test-explorer-run.png'));
    expect(rows.join('\n')).toMatch(/fail\.kstep/);
    // Both failed expects show at their lines in the editor, actual against expected.
    const text = await wb.waitFor('both failures in the editor', 30_000, async () => {
      const t = await wb.page.locator('.part.editor').innerText();
      return /1 != 7/.test(t) && /1 != 5/.test(t) ? t : undefined;
    });
    expect(text).toMatch(/1 != 7/);
    expect(text).toMatch(/1 != 5/);
  });

  it('Run with Coverage shows the kernel listings the scenarios reached', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('testing-coverage-failure'));
    await wb.runCommand('Test: Run All Tests with Coverage');
    const cov = await wb.waitFor('hugetlb.c in the Test Coverage view', 60_000, async () => {
      const t = await wb.page.locator('.test-coverage-list, .pane').allInnerTexts();
      return t.some((x) => x.includes('hugetlb.c')) ? t : undefined;
    });
    expect(cov.join('\n')).toContain('hugetlb.c');
    // Opening the listing from the Test Coverage view paints its step points in the gutter.
    await wb.page.locator('.pane-body .monaco-list-row', { hasText: 'hugetlb.c' }).first().click();
    await wb.waitForEditorText(/region_chg|region_add|hugetlb/);
    const painted = await wb.waitFor('coverage in the listing’s gutter', 30_000, async () => {
      const n = await wb.page.locator('.part.editor [class*="coverage-deco"]').count();
      return n > 0 ? n : undefined;
    });
    expect(painted).toBeGreaterThan(0);
    await wb.screenshot(join(ARTIFACTS_DIR, 'test-coverage.png'));
  });
});
