/*
 * A plot of one expression over the timeline, from the kstep/history reply:
 * the value as a step function of the step point (it holds its value until
 * the next change), laid out for the state picture's SVG. The geometry is
 * computed here so the webview only draws what it is given.
 */

/** The parts of a kstep/history reply a plot reads. */
export interface HistoryReply {
  readonly changes: ReadonlyArray<{ readonly step: number; readonly before: string | null; readonly after: string | null; readonly statement?: string }>;
  readonly lastStep: number;
  readonly capped?: string;
}

/** The value from step `from` until the next run begins (null: the expression had no value there). */
export interface Run {
  readonly from: number;
  readonly value: number | null;
  /** The value's text as the debugger shows it. */
  readonly text: string;
}

export interface Series {
  readonly expression: string;
  readonly runs: readonly Run[];
  readonly lastStep: number;
  readonly capped?: string;
}

/** An integer (`_` only between digits), or a named constant with its number in parentheses: both, or neither. */
const INTEGER = '-?(?:0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|\\d(?:_?\\d)*)';
const NUMBER_TEXT = new RegExp(`^(?:[A-Za-z_][A-Za-z0-9_]* \\((${INTEGER})\\)|(${INTEGER}))$`);

/**
 * A value's text as a number: decimal or hex integers, booleans as 0/1, a
 * named constant by its number (`HV_STATUS_SUCCESS (0)`), null for no value;
 * undefined when the text is no number (a list, a record, a string).
 */
export function numberOf(text: string | null): number | null | undefined {
  if (text === null) return null;
  const t = text.trim();
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  const m = NUMBER_TEXT.exec(t);
  if (!m) return undefined;
  const s = (m[1] ?? m[2] ?? '').replace(/_/g, '');
  const neg = s.startsWith('-');
  const n = Number(BigInt(neg ? s.slice(1) : s));
  return neg ? -n : n;
}

/**
 * The series of an expression: one run from step 0, then one per change.
 * A change reported at step point s is written by the move from s, so the
 * new value holds from s + 1. An error names the first value that is no
 * number.
 */
export function seriesOf(expression: string, reply: HistoryReply, valueNow: string | null): Series | { error: string } {
  const runs: Run[] = [];
  const first = reply.changes[0];
  const start = first ? first.before : valueNow;
  const add = (from: number, text: string | null): string | undefined => {
    const v = numberOf(text);
    if (v === undefined) return `${expression} is not a number (${text} at step ${from}): plot a number, a count or a flag`;
    runs.push({ from, value: v, text: text ?? '(no value)' });
    return undefined;
  };
  const err = add(0, start) ?? reply.changes.reduce<string | undefined>((e, c) => e ?? add(c.step + 1, c.after), undefined);
  if (err) return { error: err };
  return { expression, runs, lastStep: Math.max(reply.lastStep, runs[runs.length - 1]?.from ?? 0), ...(reply.capped ? { capped: reply.capped } : {}) };
}

/** One clickable point of the chart: the start of a run. */
export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  readonly step: number;
  readonly label: string;
}

export interface PlotShape {
  readonly expression: string;
  readonly width: number;
  readonly height: number;
  /** The SVG path of the step chart (gaps where there is no value). */
  readonly path: string;
  readonly points: readonly PlotPoint[];
  /** The current step's x, or undefined when it is off the timeline. */
  readonly markerX?: number;
  readonly current?: { readonly step: number; readonly text: string };
  readonly min: number;
  readonly max: number;
  readonly lastStep: number;
  readonly note?: string;
}

export const PLOT_WIDTH = 600;
export const PLOT_HEIGHT = 120;
const PAD = { left: 48, right: 10, top: 8, bottom: 18 };

/** Where the run holding at `step` begins. */
export function runAt(runs: readonly Run[], step: number): Run | undefined {
  let r: Run | undefined;
  for (const x of runs) if (x.from <= step) r = x;
  return r;
}

/** The chart's geometry in a PLOT_WIDTH × PLOT_HEIGHT viewBox, with the current step marked. */
export function plotShape(s: Series, currentStep: number): PlotShape {
  const values = s.runs.flatMap((r) => (r.value === null ? [] : [r.value]));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 0;
  const span = Math.max(1, s.lastStep);
  const x = (step: number): number => PAD.left + (Math.min(step, span) / span) * (PLOT_WIDTH - PAD.left - PAD.right);
  const y = (v: number): number => PLOT_HEIGHT - PAD.bottom - (max === min ? 0.5 : (v - min) / (max - min)) * (PLOT_HEIGHT - PAD.top - PAD.bottom);
  const r1 = (n: number): number => Math.round(n * 10) / 10;
  let path = '';
  const points: PlotPoint[] = [];
  s.runs.forEach((r, i) => {
    const end = s.runs[i + 1]?.from ?? s.lastStep;
    if (r.value === null) return;
    const yy = r1(y(r.value));
    // A vertical riser from the previous run's level when it had a value: the chart stays one line.
    const prev = s.runs[i - 1];
    path += prev && prev.value !== null ? ` L${r1(x(r.from))},${yy}` : ` M${r1(x(r.from))},${yy}`;
    path += ` L${r1(x(Math.max(end, r.from)))},${yy}`;
    points.push({ x: r1(x(r.from)), y: yy, step: r.from, label: `step ${r.from}: ${r.text}` });
  });
  // A capped series ends where the search stopped: past it, the last run's value is a guess, not history.
  const past = s.capped !== undefined && currentStep > s.lastStep;
  const cur = past ? undefined : runAt(s.runs, currentStep);
  const on = currentStep >= 0 && currentStep <= s.lastStep;
  return {
    expression: s.expression,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    path: path.trim(),
    points,
    ...(on ? { markerX: r1(x(currentStep)) } : {}),
    ...(cur ? { current: { step: currentStep, text: cur.text } } : {}),
    min,
    max,
    lastStep: s.lastStep,
    ...(s.capped ? { note: `capped: the history stops at step ${s.lastStep} (${s.capped})${past ? `; step ${currentStep} is past it` : ''}` } : {}),
  };
}
