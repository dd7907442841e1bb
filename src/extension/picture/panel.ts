import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DEBUG_TYPE } from '../config';
import { pictureHtml } from './page';
import type { HistoryReply, Series } from './plot_data';
import { plotShape, seriesOf } from './plot_data';

/**
 * The state picture panel: redrawn from the adapter's picture data at every
 * stop, with the plots the user added below it. A plot's series is the
 * expression's history over the whole timeline, so it is read again only
 * when the timeline changes (an `invalidated` event: a Debug Console
 * statement, an edited value); a stop only moves its current-step marker.
 */
export class StatePicture implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: vscode.DebugSession | undefined;
  private readonly plots = new Map<string, Series>();
  private step = 0;

  constructor(private readonly context: vscode.ExtensionContext) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel('kstep.statePicture', 'kstep state', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] });
    panel.webview.html = pictureHtml(randomBytes(16).toString('base64'), panel.webview.cspSource);
    panel.webview.onDidReceiveMessage((m: { type?: string; step?: unknown; expression?: unknown }) => {
      if (m.type === 'ready') void this.refresh(this.session ?? vscode.debug.activeDebugSession);
      if (m.type === 'gotoStep' && typeof m.step === 'number') void this.gotoStep(m.step);
      if (m.type === 'unplot' && typeof m.expression === 'string') {
        this.plots.delete(m.expression);
        this.postPlots();
      }
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
    this.context.subscriptions.push(panel);
  }

  /** At a stop (or `invalidated`: the timeline changed, so the plots are read again). */
  async refresh(session: vscode.DebugSession | undefined, event = 'stopped'): Promise<void> {
    if (!session || session.type !== DEBUG_TYPE) return;
    if (this.session !== session) this.plots.clear();
    this.session = session;
    if (!this.panel) return;
    try {
      const data = (await session.customRequest('kstep/picture')) as { step?: number };
      if (typeof data.step === 'number') this.step = data.step;
      void this.panel.webview.postMessage({ type: 'state', data });
      if (event === 'invalidated') for (const e of [...this.plots.keys()]) await this.readPlot(session, e);
      this.postPlots();
    } catch {
      // The session moved on (running again, or ended) before the picture could be read.
    }
  }

  /** Adds (or reads again) the plot of an expression; an error message names what went wrong. */
  async plot(session: vscode.DebugSession, expression: string): Promise<void> {
    this.show();
    if (this.session !== session) this.plots.clear();
    this.session = session;
    await this.readPlot(session, expression);
    await this.refresh(session);
  }

  private async readPlot(session: vscode.DebugSession, expression: string): Promise<void> {
    const reply = (await session.customRequest('kstep/history', { expression })) as HistoryReply;
    let now: string | null = null;
    if (!reply.changes.length) now = ((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result;
    const s = seriesOf(expression, reply, now);
    if ('error' in s) throw new Error(s.error);
    this.plots.set(expression, s);
  }

  private postPlots(): void {
    void this.panel?.webview.postMessage({ type: 'plots', plots: [...this.plots.values()].map((s) => plotShape(s, this.step)) });
  }

  private async gotoStep(step: number): Promise<void> {
    try {
      await this.session?.customRequest('kstep/gotoStep', { step });
    } catch (e) {
      void vscode.window.showErrorMessage(`kstep: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  clear(text: string): void {
    void this.panel?.webview.postMessage({ type: 'clear', text });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
