import type { HistoryReply, PlotShape, Series } from './plot_data';
import { PLOT_HEIGHT, PLOT_WIDTH, plotShape, seriesOf } from './plot_data';

/*
 * The plots of each debug session, by session id. A plot's series is the
 * expression's whole history: reading it slices the timeline (up to millions
 * of step points), and while it runs the session counts as running and
 * refuses stepping. So it is read again only when the adapter's timeline
 * generation (in kstep/picture) moved, not at every `invalidated` (the hex
 * toggle sends one too), and one plot at a time.
 */

/** The part of a debug session the plots use (vscode.DebugSession has it). */
export interface PlotSession {
  readonly id: string;
  customRequest(command: string, args?: unknown): PromiseLike<unknown>;
}

type Plot = { readonly expression: string; readonly series: Series } | { readonly expression: string; readonly error: string };

interface SessionPlots {
  /** The timeline generation the plots were read for (undefined: not known yet). */
  timeline: number | undefined;
  readonly plots: Map<string, Plot>;
}

/** Reads an expression's series; throws with the reason when it cannot be plotted. */
async function readSeries(session: PlotSession, expression: string): Promise<Series> {
  const reply = (await session.customRequest('kstep/history', { expression })) as HistoryReply;
  let now: string | null = null;
  if (!reply.changes.length) now = ((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result;
  const s = seriesOf(expression, reply, now);
  if ('error' in s) throw new Error(s.error);
  return s;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class PlotStore {
  private readonly sessions = new Map<string, SessionPlots>();

  private of(id: string): SessionPlots {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = { timeline: undefined, plots: new Map() }));
    return s;
  }

  /**
   * Adds (or reads again) a plot, under the timeline generation kstep/picture gave just before (the
   * other plots are brought up to it first); throws, adding nothing, when it cannot be plotted.
   */
  async add(session: PlotSession, expression: string, timeline: number | undefined): Promise<void> {
    await this.sync(session, timeline);
    const series = await readSeries(session, expression);
    this.of(session.id).plots.set(expression, { expression, series });
  }

  remove(sessionId: string, expression: string): void {
    this.sessions.get(sessionId)?.plots.delete(expression);
  }

  /** The session ended: its plots go with it. */
  drop(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /**
   * At a stop or `invalidated`, with the timeline generation kstep/picture
   * gave: the plots are read again only when it moved. A plot that cannot be
   * read keeps its place and says why, rather than showing the old series.
   * A read overtaken by a newer generation leaves the plot to that one.
   */
  async sync(session: PlotSession, timeline: number | undefined): Promise<void> {
    const s = this.of(session.id);
    if (timeline === s.timeline) return;
    s.timeline = timeline;
    for (const expression of [...s.plots.keys()]) {
      let plot: Plot;
      try {
        plot = { expression, series: await readSeries(session, expression) };
      } catch (e) {
        plot = { expression, error: messageOf(e) };
      }
      if (this.sessions.get(session.id) !== s || s.timeline !== timeline) return;
      if (s.plots.has(expression)) s.plots.set(expression, plot);
    }
  }

  /** The session's plots, laid out with `step` marked. */
  shapes(sessionId: string, step: number): PlotShape[] {
    return [...(this.sessions.get(sessionId)?.plots.values() ?? [])].map((p) => ('series' in p ? plotShape(p.series, step) : errorShape(p.expression, p.error)));
  }
}

/** A plot that could not be read again: no chart, the reason as its note. */
function errorShape(expression: string, error: string): PlotShape {
  return { expression, width: PLOT_WIDTH, height: PLOT_HEIGHT, path: '', points: [], min: 0, max: 0, lastStep: 0, note: `could not be read again: ${error}` };
}
