// The editor knows the kernel, in a real VS Code: a misspelt register gets a "did you mean" diagnostic whose
// quick fix (Ctrl+. then Enter) corrects the word, completion after `vpreg ` lists the registers, and F12 on a
// constant opens the reference patch that defines it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, REPO_ROOT, startE2E, type E2E } from './code-server';

const VSIX = process.env.KSTEP_VSIX ?? join(REPO_ROOT, 'kstep.vsix');

describe('an editor that knows the kernel', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    // Suggestions only when asked (Ctrl+Space): a popup opened while typing would take the Enter of the quick fix.
    e2e = await startE2E({
      files: { 'lang.kstep': 'partition vps=1\n' },
      vsix: VSIX,
      settings: { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.suggestOnTriggerCharacters': false, 'editor.parameterHints.enabled': false },
    });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('a misspelt register says "did you mean", and its quick fix corrects it', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('language-quickfix-failure'));
    await wb.openFile('lang.kstep');
    await wb.goToLine(2);
    await wb.page.keyboard.type('vpreg HV_REGISTER_VP_INDX = 1');
    await wb.waitForEditorText('vpreg HV_REGISTER_VP_INDX = 1');
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problems = await wb.waitFor('the did-you-mean diagnostic in Problems', 30_000, async () => {
      const t = await wb.page.locator('.markers-panel').innerText().catch(() => '');
      return t.includes('did you mean HV_REGISTER_VPINDEX') ? t : undefined;
    });
    expect(problems).toContain("unknown register 'HV_REGISTER_VP_INDX'");
    await wb.screenshot(join(ARTIFACTS_DIR, 'language-did-you-mean.png'));
    // The cursor inside the misspelt word, then the quick fix menu and its preferred fix.
    await wb.goToLine(2);
    await wb.press('End');
    await wb.press('Home');
    for (let i = 0; i < 8; i++) await wb.press('ArrowRight');
    // The fix is applied asynchronously after Enter: each try first looks for it, so a slow edit is not taken
    // for a missing menu (a second Ctrl+. on the corrected word has no fix to offer).
    const fixed = await wb.waitFor('the quick fix to correct the register', 60_000, async () => {
      const before = await wb.editorText();
      if (before.includes('vpreg HV_REGISTER_VPINDEX = 1')) return before;
      await wb.press('Control+.');
      const menu = wb.page.locator('.action-widget .monaco-list-row', { hasText: "Change to 'HV_REGISTER_VPINDEX'" }).first();
      if (!(await menu.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) {
        await wb.press('Escape');
        return undefined;
      }
      await wb.page.keyboard.press('Enter');
      return wb.waitForEditorText('vpreg HV_REGISTER_VPINDEX = 1', 5_000).catch(() => undefined);
    });
    expect(fixed).toContain('vpreg HV_REGISTER_VPINDEX = 1');
    await wb.screenshot(join(ARTIFACTS_DIR, 'language-quick-fix.png'));
  });

  it('completion after `vpreg ` lists the registers', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('language-completion-failure'));
    await wb.goToLine(2);
    await wb.press('End');
    await wb.press('Enter');
    await wb.page.keyboard.type('vpreg ');
    const rows = await wb.waitFor('registers in the suggest widget', 30_000, async () => {
      const widget = wb.page.locator('.suggest-widget .monaco-list-row');
      if (!(await widget.first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) {
        await wb.press('Control+Space');
        return undefined;
      }
      const texts = await widget.allInnerTexts();
      // The widget shows the first rows, alphabetically: registers such as CRASH_CTL and GUEST_OSID.
      return texts.some((t) => t.includes('GUEST_OSID')) ? texts : undefined;
    });
    expect(rows.join('\n')).toContain('CRASH_CTL');
    expect(rows.join('\n')).not.toMatch(/\bresv\b/);
    await wb.screenshot(join(ARTIFACTS_DIR, 'language-completion.png'));
    await wb.press('Escape');
  });

  it('the Outline lists sections and procs (from the worker)', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('language-outline-failure'));
    await wb.openFile('lang.kstep');
    await wb.press('Control+A');
    await wb.page.keyboard.type('## Setup\nproc setup {\nhugetlb file f\n}\n## Checks\ncall setup\n');
    await wb.runCommand('Explorer: Focus on Outline View');
    const rows = await wb.waitForViewRows('Outline', (r) => r.some((x) => x.includes('Setup')) && r.some((x) => x.includes('Checks')));
    expect(rows.join('\n')).toContain('Setup');
    await wb.screenshot(join(ARTIFACTS_DIR, 'language-outline.png'));
  });

  it('Go to Definition on a constant opens its line in the shipped reference patch', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('language-definition-failure'));
    await wb.press('Control+A');
    await wb.page.keyboard.type('partition vps=1\nhvc HVCALL_POST_MESSAGE\n');
    await wb.goToLine(2);
    await wb.press('End');
    await wb.press('ArrowLeft');
    const text = await wb.waitFor('the reference patch at #define HVCALL_POST_MESSAGE', 30_000, async () => {
      await wb.press('F12');
      const tab = await wb.page.locator('.part.editor .tab.active').innerText().catch(() => '');
      if (!tab.includes('000_46acee50507540c3.txt')) return undefined;
      const t = await wb.editorText();
      return t.includes('#define HVCALL_POST_MESSAGE') ? t : undefined;
    });
    expect(text).toContain('0x005c');
    await wb.screenshot(join(ARTIFACTS_DIR, 'language-definition.png'));
  });
});
