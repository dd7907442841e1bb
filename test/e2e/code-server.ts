// Helpers for the end-to-end tests: a real VS Code (code-server, installed by scripts/e2e-setup.sh into a
// cache folder outside the repo) driven by playwright-core in Debian's Chromium. See shared/E2E.md.
//
// Typical use (see smoke.e2e.ts):
//   const e2e = await startE2E({ files: { 'hello.kstep': '...' }, vsix: process.env.KSTEP_VSIX });
//   try { await e2e.wb.openFile('hello.kstep'); ... } finally { await e2e.dispose(); }
//
// Environment: KSTEP_E2E_CACHE (where e2e-setup.sh installed code-server), KSTEP_CHROMIUM (browser binary,
// default /usr/bin/chromium), KSTEP_E2E_KEEP=1 (keep the temporary user-data/extensions/workspace folders),
// KSTEP_E2E_HEADED=1 (show the browser, for a desktop with a display).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** User settings that keep dialogs, welcome pages and network look-ups from covering or slowing the workbench. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 3000,
  'files.autoSave': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'chat.commandCenter.enabled': false,
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function log(msg: string): void {
  process.stderr.write(`[e2e] ${msg}\n`);
}

/** Retries `fn` until it resolves, up to `attempts` times; `between` runs after each failure (e.g. press Escape). */
export async function retry<T>(
  what: string,
  attempts: number,
  fn: (attempt: number) => Promise<T>,
  between?: () => Promise<void>,
): Promise<T> {
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await fn(i);
    } catch (e) {
      last = e;
      if (i < attempts) {
        log(`${what}: attempt ${i}/${attempts} failed (${firstLine(e)}), retrying`);
        if (between) await between().catch(() => undefined);
      }
    }
  }
  throw new Error(`${what}: failed after ${attempts} attempts: ${firstLine(last)}`, { cause: last });
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

// ------------------------------------------------------------------------------------------------ code-server

export function codeServerDir(): string {
  const cache = process.env.KSTEP_E2E_CACHE || join(homedir(), '.cache', 'kstep-e2e');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry(): string {
  const dir = codeServerDir();
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(dir, '.kstep-e2e-complete')) || !existsSync(entry)) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not installed in ${dir}: run "bash scripts/e2e-setup.sh" ` +
        '(npm run test:e2e runs it first)',
    );
  }
  return entry;
}

/** A free TCP port on 127.0.0.1 (another process may still take it before code-server binds; start retries). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? res(port) : rej(new Error('no port'))));
    });
  });
}

/** Makes a temporary workspace folder holding `files` (relative path → text). */
export function makeWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstep-e2e-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

export interface CodeServerOptions {
  /** Folder to open. */
  workspace: string;
  /** .vsix file(s) to install (with --install-extension) before the server starts. */
  vsix?: string | string[] | undefined;
  /** User settings, on top of QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Where code-server's output goes (default test-artifacts/e2e/code-server.log). */
  logFile?: string;
  /** How long to wait for the server to answer HTTP (default 120 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The workbench URL with the workspace folder opened. */
  workspaceUrl: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Kills code-server's whole process group (SIGTERM, then SIGKILL) and removes its temporary folders. */
  stop(): Promise<void>;
}

/** code-server's environment: none of the host editor's variables (VSCODE_IPC_HOOK_CLI would send
 *  --install-extension to that editor), npm's, or a password; its own config/data folders. */
function serverEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_|npm_)/i.test(k) || k === 'PASSWORD' || k === 'HASHED_PASSWORD' || k === 'PORT') continue;
    env[k] = v;
  }
  env.XDG_CONFIG_HOME = join(root, 'xdg-config');
  env.XDG_DATA_HOME = join(root, 'xdg-data');
  env.CS_DISABLE_FILE_DOWNLOADS = '1';
  return env;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      rej(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // anything it left behind in its group
      res({ code, out });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  const root = mkdtempSync(join(tmpdir(), 'kstep-e2e-cs-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const config = join(root, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(config, 'auth: none\ncert: false\n');
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2),
  );
  const env = serverEnv(root);
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const cleanupRoot = () => {
    if (process.env.KSTEP_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  };

  try {
    const vsixes = opts.vsix === undefined ? [] : Array.isArray(opts.vsix) ? opts.vsix : [opts.vsix];
    for (const vsix of vsixes) {
      const file = resolve(vsix);
      if (!existsSync(file)) throw new Error(`the .vsix to install does not exist: ${file}`);
      log(`installing ${file}`);
      const r = await run(process.execPath, [entry, ...common, '--force', '--install-extension', file], env, 180_000);
      if (r.code !== 0 || !/successfully installed/i.test(r.out)) {
        throw new Error(`installing ${file} into code-server failed (exit ${r.code}):\n${r.out}`);
      }
    }
  } catch (e) {
    cleanupRoot();
    throw e;
  }

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = opts.logFile ?? join(ARTIFACTS_DIR, 'code-server.log');
  const stream: WriteStream = createWriteStream(logFile, { flags: 'w' });
  let output = '';
  const timeout = opts.startTimeoutMs ?? 120_000;

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      entry,
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      opts.workspace,
    ];
    log(`starting code-server on 127.0.0.1:${port} (log: ${logFile})`);
    const child = spawn(process.execPath, args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const onData = (d: Buffer) => {
      const s = d.toString();
      if (output.length < 4_000_000) output += s;
      stream.write(s);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let exited = false;
    const exitedP = new Promise<void>((res) => {
      child.once('exit', () => {
        exited = true;
        res();
      });
      child.once('error', (e) => {
        output += `\n[spawn error] ${e.message}\n`;
        exited = true;
        res();
      });
    });
    // If the test process dies without stop(), don't leave the server behind.
    const onExit = () => killGroup(child, 'SIGKILL');
    process.once('exit', onExit);

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        process.removeListener('exit', onExit);
        if (!exited) {
          killGroup(child, 'SIGTERM');
          await Promise.race([exitedP, sleep(10_000)]);
        }
        killGroup(child, 'SIGKILL'); // the main process and whatever it started (extension host, pty host)
        await Promise.race([exitedP, sleep(5_000)]);
        await new Promise<void>((r) => stream.end(r));
        cleanupRoot();
      })());

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeout;
    let up = false;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
        if (r.status < 500) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    if (up && !exited) {
      log(`code-server answers on ${url}`);
      return {
        port,
        url,
        workspaceUrl: `${url}/?folder=${encodeURIComponent(opts.workspace)}`,
        workspace: opts.workspace,
        userDataDir,
        extensionsDir,
        output: () => output,
        stop,
      };
    }
    const portTaken = /EADDRINUSE/.test(output);
    if (!exited) {
      // It never answered: stop this one for good.
      const tail = output.slice(-4000);
      await stop();
      throw new Error(`code-server did not answer HTTP on ${url} within ${timeout} ms; its output:\n${tail}`);
    }
    if (portTaken && attempt < 3) {
      log(`port ${port} was taken before code-server bound it; trying another`);
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', onExit);
      output += `\n[e2e] retrying on another port\n`;
      continue;
    }
    const tail = output.slice(-4000);
    await stop();
    throw new Error(`code-server exited before answering HTTP (exit ${child.exitCode ?? child.signalCode}); its output:\n${tail}`);
  }
}

// ------------------------------------------------------------------------------------------------ browser

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.KSTEP_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: run "bash scripts/e2e-setup.sh" (installs Debian's chromium)`);
  }
  return retry('launching chromium', 2, () =>
    chromium.launch({
      executablePath,
      headless: process.env.KSTEP_E2E_HEADED !== '1',
      args: CHROMIUM_ARGS,
      timeout: 120_000,
    }),
  );
}

/** Opens the workbench for `server`'s workspace in a new browser context and waits for it to be usable. */
export async function openWorkbench(browser: Browser, server: CodeServer): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const wb = new Workbench(context, page);
  try {
    await retry(
      'opening the workbench',
      3,
      async () => {
        await page.goto(server.workspaceUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
        await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 120_000 });
      },
      () => sleep(2_000),
    );
    // The remote connection is up once the explorer lists the workspace.
    await page
      .locator('.explorer-folders-view .monaco-list-row')
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 })
      .catch(() => {
        throw new Error('the workbench opened but the explorer never listed the workspace folder');
      });
  } catch (e) {
    await wb.saveDiagnostics('open-workbench-failure').catch(() => undefined);
    await context.close().catch(() => undefined);
    throw e;
  }
  return wb;
}

// ------------------------------------------------------------------------------------------------ workbench

/** Key names as Playwright spells them: 'F5', 'F10', 'Shift+F5', 'Control+Shift+D', 'Escape', ... */
export type Key = string;

export class Workbench {
  /** Messages the page logged as errors, and uncaught page errors, for failure reports. */
  readonly consoleErrors: string[] = [];

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error' && this.consoleErrors.length < 500) this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => {
      if (this.consoleErrors.length < 500) this.consoleErrors.push(`pageerror: ${e.message}`);
    });
  }

  async press(key: Key): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** The quick input (Ctrl+P, F1) box. */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** The editor in the active editor group. */
  get activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  }

  private async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /** Opens `name` (a file name or workspace-relative path) with Ctrl+P, and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    const base = name.split('/').pop()!;
    await retry(
      `opening ${name} with Ctrl+P`,
      4,
      async () => {
        await this.closeQuickInput();
        await this.press('Control+P');
        const input = this.quickInput.locator('input').first();
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(name);
        // File search goes through the server (ripgrep); wait for the match before Enter.
        await this.quickInput
          .locator('.monaco-list-row', { hasText: base })
          .first()
          .waitFor({ state: 'visible', timeout: 20_000 });
        await this.press('Enter');
        await this.page
          .locator('.part.editor .tab.active', { hasText: base })
          .first()
          .waitFor({ state: 'visible', timeout: 20_000 });
        await this.activeEditor.locator('.view-line').first().waitFor({ state: 'visible', timeout: 20_000 });
      },
      () => this.closeQuickInput(),
    );
  }

  /** Runs a command from the command palette by its label (e.g. 'View: Toggle Breakpoints'... ). */
  async runCommand(label: string): Promise<void> {
    await retry(
      `running command "${label}"`,
      3,
      async () => {
        await this.closeQuickInput();
        await this.press('F1');
        const input = this.quickInput.locator('input').first();
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${label}`);
        await this.quickInput
          .locator('.monaco-list-row', { hasText: label })
          .first()
          .waitFor({ state: 'visible', timeout: 10_000 });
        await this.press('Enter');
        await this.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
      },
      () => this.closeQuickInput(),
    );
  }

  /** The text of the active editor's rendered lines, top to bottom (only what is on screen). */
  async editorText(): Promise<string> {
    return this.activeEditor.locator('.view-lines').evaluate((root) => {
      const el = root as unknown as DomEl;
      const lines = Array.from(el.querySelectorAll('.view-line')).map((l) => ({
        top: parseFloat(l.style.top || '0'),
        text: (l.textContent ?? '').replace(/\u00a0/g, ' '),
      }));
      lines.sort((a, b) => a.top - b.top);
      return lines.map((l) => l.text).join('\n');
    });
  }

  /** Waits until the active editor shows `text` (a substring, or a pattern). */
  async waitForEditorText(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    return this.waitFor(`the editor to show ${String(text)}`, timeoutMs, async () => {
      const t = await this.editorText();
      return (typeof text === 'string' ? t.includes(text) : text.test(t)) ? t : undefined;
    });
  }

  /** Moves the cursor to `line` (Ctrl+G), which also scrolls it into view. */
  async goToLine(line: number): Promise<void> {
    await retry(
      `going to line ${line}`,
      3,
      async () => {
        await this.closeQuickInput();
        // Focus the editor's input area: a click at the top of .view-lines lands off screen once the editor
        // has scrolled (the element is as tall as the file).
        await this.activeEditor
          .locator('textarea')
          .first()
          .focus({ timeout: 5_000 })
          .catch(() => this.activeEditor.click({ position: { x: 200, y: 20 } }));
        await this.press('Control+G');
        const input = this.quickInput.locator('input').first();
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`:${line}`);
        await this.press('Enter');
        await this.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
      },
      () => this.closeQuickInput(),
    );
  }

  /** The on-screen box of `line`'s line number in the active editor, or undefined when it is not rendered. */
  async lineBox(line: number): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
    const nums = this.activeEditor.locator('.margin-view-overlays .line-numbers');
    const n = await nums.count();
    for (let i = 0; i < n; i++) {
      const el = nums.nth(i);
      if ((await el.textContent())?.trim() === String(line)) return (await el.boundingBox()) ?? undefined;
    }
    return undefined;
  }

  /** Line numbers in the active editor that carry a glyph-margin decoration whose class contains `cls`
   *  ('codicon-debug-breakpoint' for breakpoints, 'codicon-debug-stackframe' for where execution stopped). */
  async glyphLines(cls: string): Promise<number[]> {
    return this.activeEditor.evaluate((root, cls) => {
      const ed = root as unknown as DomEl;
      const nums = Array.from(ed.querySelectorAll('.margin-view-overlays .line-numbers')).map((el) => {
        const r = el.getBoundingClientRect();
        return { line: Number((el.textContent ?? '').trim()), mid: r.top + r.height / 2 };
      });
      const out = new Set<number>();
      for (const g of Array.from(ed.querySelectorAll('.margin [class*="codicon-"]'))) {
        if (!Array.from(g.classList).some((c) => c.includes(cls))) continue;
        const r = g.getBoundingClientRect();
        for (const n of nums) if (n.mid >= r.top && n.mid <= r.bottom) out.add(n.line);
      }
      return [...out].sort((a, b) => a - b);
    }, cls);
  }

  /** The lines with a breakpoint in the active editor. */
  breakpointLines(): Promise<number[]> {
    return this.glyphLines('codicon-debug-breakpoint');
  }

  /** Clicks the glyph margin at `line` in the active editor (toggles a breakpoint there), and waits for the
   *  breakpoint glyph to appear (or disappear) on that line. */
  async clickGlyphMargin(line: number): Promise<void> {
    let box = await this.lineBox(line);
    if (!box) {
      await this.goToLine(line);
      box = await this.lineBox(line);
    }
    if (!box) throw new Error(`line ${line} is not rendered in the active editor`);
    const glyph = await this.activeEditor.locator('.margin .glyph-margin').first().boundingBox();
    if (!glyph) throw new Error('the active editor has no glyph margin');
    const had = (await this.breakpointLines()).includes(line);
    const y = box.y + box.height / 2;
    await this.page.mouse.move(glyph.x + glyph.width / 2, y);
    await this.page.mouse.click(glyph.x + glyph.width / 2, y);
    await this.waitFor(`the breakpoint on line ${line} to be ${had ? 'removed' : 'set'}`, 10_000, async () =>
      (await this.breakpointLines()).includes(line) !== had ? true : undefined,
    );
    // Move away so the hover hint doesn't linger over the margin.
    await this.page.mouse.move(glyph.x + 400, y + 200);
  }

  /** Sets a breakpoint on `line` of the active editor unless one is there. */
  async setBreakpoint(line: number): Promise<void> {
    if (!(await this.breakpointLines()).includes(line)) await this.clickGlyphMargin(line);
  }

  /** The lines of the active editor where a debug session is stopped (the yellow stack-frame arrow; with the
   *  breakpoint glyph when the line has one too). */
  stoppedLines(): Promise<number[]> {
    return this.glyphLines('stackframe');
  }

  /** Waits until the debugger shows the active editor stopped on `line` (after F5, F10, F11, ...). */
  async waitForStoppedAt(line: number, timeoutMs = 30_000): Promise<void> {
    let last: number[] = [];
    await this.waitFor(`the debugger to stop on line ${line}`, timeoutMs, async () => {
      last = await this.stoppedLines();
      return last.includes(line) ? true : undefined;
    }).catch((e: unknown) => {
      throw new Error(`${firstLine(e)}; stopped on ${last.length ? last.join(', ') : 'no line'}`);
    });
  }

  /** Waits for the floating debug toolbar (a debug session has started). */
  async waitForDebugToolbar(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.debug-toolbar').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** The rows of every debug view (Variables, Watch, Call Stack, Breakpoints), as text. */
  async debugPaneRows(): Promise<string[]> {
    return (await this.page.locator('.debug-pane .monaco-list-row').allInnerTexts()).map(tidy);
  }

  /** The rows of the side-bar view titled `title` ('Variables', 'Call Stack', 'Breakpoints', 'Watch'), as text;
   *  empty when that view is collapsed or not shown. */
  async viewRows(title: string): Promise<string[]> {
    const pane = this.page
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`, 'i') }) })
      .first();
    if (!(await pane.count())) return [];
    return (await pane.locator('.pane-body .monaco-list-row').allInnerTexts()).map(tidy);
  }

  /** Polls `viewRows(title)` until `pred` holds, and returns the rows. */
  async waitForViewRows(title: string, pred: (rows: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
    let last: string[] = [];
    return this.waitFor(`the ${title} view`, timeoutMs, async () => {
      last = await this.viewRows(title);
      return pred(last) ? last : undefined;
    }).catch((e: unknown) => {
      throw new Error(`${firstLine(e)}; its rows were: ${JSON.stringify(last)}`);
    });
  }

  /** Expands the first row of view `title` whose text matches `name`, until `opened(rows)` holds. A click can be
   *  lost while the tree re-renders (its children arriving, VS Code auto-expanding a scope), and a second click
   *  on a row that did open would close it again: so each attempt reads the row's aria-expanded first, clicks only
   *  a closed row, and gives the children a few seconds to arrive before it tries again. */
  async expandViewRow(title: string, name: RegExp, opened: (rows: string[]) => boolean, attempts = 4): Promise<string[]> {
    const pane = this.page
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`, 'i') }) })
      .first();
    const row = pane.locator('.pane-body .monaco-list-row').filter({ hasText: name }).first();
    for (let attempt = 0; attempt < attempts; attempt++) {
      const done = await this.waitForViewRows(title, opened, attempt === 0 ? 1_500 : 5_000).then(
        (r) => r,
        () => undefined,
      );
      if (done) return done;
      const expanded = await row.getAttribute('aria-expanded', { timeout: 10_000 }).catch(() => null);
      if (expanded !== 'true') await row.click({ timeout: 10_000 }).catch(() => undefined);
    }
    return this.waitForViewRows(title, opened);
  }

  /** The texts of the notification toasts on screen (errors from the extension show up here). */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notification-toast').allInnerTexts()).map(tidy);
  }

  /** Polls `probe` every 250 ms until it returns something other than undefined. */
  async waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastErr: unknown;
    while (true) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (e) {
        lastErr = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (${firstLine(lastErr)})` : ''}`);
      }
      await sleep(250);
    }
  }

  async screenshot(path: string): Promise<string> {
    const file = resolve(REPO_ROOT, path);
    mkdirSync(dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, timeout: 30_000 });
    return file;
  }

  /** Saves a screenshot, the notifications and the page's console errors under test-artifacts/e2e/<name>.* */
  async saveDiagnostics(name: string): Promise<void> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const safe = name.replace(/[^\w.-]+/g, '_');
    await this.screenshot(join(ARTIFACTS_DIR, `${safe}.png`)).catch((e: unknown) => log(`screenshot failed: ${firstLine(e)}`));
    const notes = await this.notifications().catch(() => []);
    writeFileSync(
      join(ARTIFACTS_DIR, `${safe}.txt`),
      `url: ${this.page.url()}\n\nnotifications:\n${notes.join('\n---\n')}\n\nconsole errors:\n${this.consoleErrors.join('\n')}\n`,
    );
    log(`saved diagnostics to ${join(ARTIFACTS_DIR, safe)}.{png,txt}`);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** The little of the DOM that the page-side functions above use (the project compiles without lib.dom). */
interface DomEl {
  textContent: string | null;
  style: { top: string };
  classList: Iterable<string>;
  getBoundingClientRect(): { top: number; bottom: number; height: number };
  querySelectorAll(selector: string): ArrayLike<DomEl>;
}

function tidy(s: string): string {
  return s.replace(/\u00a0/g, ' ').replace(/\s*\n\s*/g, ' ').trim();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ------------------------------------------------------------------------------------------------ all together

export interface E2EOptions {
  /** Files of a fresh temporary workspace (relative path → text); or use `workspace`. */
  files?: Record<string, string>;
  workspace?: string;
  vsix?: string | string[] | undefined;
  settings?: Record<string, unknown>;
}

export interface E2E {
  workspace: string;
  server: CodeServer;
  browser: Browser;
  wb: Workbench;
  /** Closes the browser and kills code-server; never throws, safe to call twice. */
  dispose(): Promise<void>;
}

/** Workspace + code-server + Chromium + an open workbench; on failure, whatever started is stopped again. */
export async function startE2E(opts: E2EOptions): Promise<E2E> {
  const ownWorkspace = opts.workspace === undefined;
  const workspace = opts.workspace ?? makeWorkspace(opts.files ?? {});
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await wb?.close().catch((e: unknown) => log(`closing the page: ${firstLine(e)}`));
    await browser?.close().catch((e: unknown) => log(`closing chromium: ${firstLine(e)}`));
    await server?.stop().catch((e: unknown) => log(`stopping code-server: ${firstLine(e)}`));
    if (ownWorkspace && process.env.KSTEP_E2E_KEEP !== '1') rmSync(workspace, { recursive: true, force: true });
  };
  try {
    server = await startCodeServer({ workspace, vsix: opts.vsix, settings: opts.settings ?? {} });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, server);
    return { workspace, server, browser, wb, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------ listings

/** The title of the active editor tab (e.g. 'hugetlb.c' once F11 opened a kernel listing). */
export async function activeTabTitle(wb: Workbench): Promise<string> {
  const tab = wb.page.locator('.part.editor .editor-group-container.active .tab.active').first();
  return (await tab.count()) ? tidy(await tab.innerText()) : '';
}

/** Waits until the active editor tab is `name`. */
export async function waitForActiveTab(wb: Workbench, name: string, timeoutMs = 30_000): Promise<void> {
  let last = '';
  await wb
    .waitFor(`the active tab to be ${name}`, timeoutMs, async () => {
      last = await activeTabTitle(wb);
      return last.startsWith(name) ? true : undefined;
    })
    .catch((e: unknown) => {
      throw new Error(`${firstLine(e)}; the active tab is "${last}"`);
    });
}

/** Puts the cursor on `line` of the active editor and presses F9 (works in read-only listings too), then
 *  waits for the breakpoint glyph to appear there. */
export async function toggleBreakpointWithF9(wb: Workbench, line: number): Promise<void> {
  const had = (await wb.breakpointLines()).includes(line);
  // No retry around F9 itself: a second press would toggle the breakpoint back.
  await wb.goToLine(line);
  await wb.press('F9');
  await wb.waitFor(`the breakpoint on line ${line} to be ${had ? 'removed' : 'set'}`, 10_000, async () =>
    (await wb.breakpointLines()).includes(line) !== had ? true : undefined,
  );
}

/** Lines of the active editor whose breakpoint glyph says it did not bind (greyed, hollow). */
export function unverifiedBreakpointLines(wb: Workbench): Promise<number[]> {
  return wb.glyphLines('unverified');
}

/** The Call Stack's frame rows (those that read `name(args)`), top first. */
export async function stackFrames(wb: Workbench): Promise<string[]> {
  return (await wb.viewRows('Call Stack')).filter((r) => /^[\w.]+\(/.test(r));
}
