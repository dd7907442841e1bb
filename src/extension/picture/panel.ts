import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DEBUG_TYPE } from '../config';
import { pictureHtml } from './page';
import { PlotStore } from './plot_store';

/**
 * The state picture panel: redrawn from the adapter's picture data at every
 * stop, with the plots the user added below it (those of the session shown;
 * PlotStore keeps them per session and reads them again only when the
 * timeline changed).
 */
export class StatePicture implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private session: vscode.DebugSession | undefined;
  private readonly plots = new PlotStore();
  private step = 0;

  constructor(private readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.plots.drop(s.id);
        if (this.session?.id === s.id) this.session = undefined;
      }),
    );
  }

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
      if (m.type === 'unplot' && typeof m.expression === 'string' && this.session) {
        this.plots.remove(this.session.id, m.expression);
        this.postPlots();
      }
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
    this.context.subscriptions.push(panel);
  }

  /** The picture data of a stop, posted to the page; its timeline generation. */
  private async picture(session: vscode.DebugSession): Promise<number | undefined> {
    const data = (await session.customRequest('kstep/picture')) as { step?: number; timeline?: number };
    if (this.session?.id !== session.id) return data.timeline;
    if (typeof data.step === 'number') this.step = data.step;
    void this.panel?.webview.postMessage({ type: 'state', data });
    return data.timeline;
  }

  /**
   * At a stop or `invalidated` (which event does not matter: the timeline generation tells whether the
   * plots must be read again, and a hex toggle's `invalidated` leaves it as it was).
   */
  async refresh(session: vscode.DebugSession | undefined): Promise<void> {
    if (!session || session.type !== DEBUG_TYPE) return;
    this.session = session;
    if (!this.panel) return;
    try {
      const timeline = await this.picture(session);
      await this.plots.sync(session, timeline);
      this.postPlots();
    } catch {
      // The session moved on (running again, or ended) before the picture could be read.
    }
  }

  /** Adds (or reads again) the plot of an expression; an error message names what went wrong. */
  async plot(session: vscode.DebugSession, expression: string): Promise<void> {
    this.show();
    this.session = session;
    await this.plots.add(session, expression, await this.picture(session));
    this.postPlots();
  }

  private postPlots(): void {
    if (this.session) void this.panel?.webview.postMessage({ type: 'plots', plots: this.plots.shapes(this.session.id, this.step) });
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
