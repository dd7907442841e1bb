/** One benchmark figure: printed as one JSON line. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, measured in the same run. */
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly goal?: string;
  readonly note?: string;
}

export function report(f: Figure): void {
  const ratio = f.baseline && f.baseline.value !== 0 ? round(f.value / f.baseline.value) : undefined;
  const line = {
    bench: f.name,
    value: round(f.value),
    unit: f.unit,
    ...(f.baseline ? { baseline: f.baseline.name, baseline_value: round(f.baseline.value), ratio } : {}),
    ...(f.goal ? { goal: f.goal } : {}),
    ...(f.note ? { note: f.note } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` and returns elapsed milliseconds. */
export function time(fn: () => void): number {
  const t0 = nowMs();
  fn();
  return nowMs() - t0;
}

/** The p-th percentile (nearest rank) of `xs`. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] as number, median: median(s), max: s[s.length - 1] as number };
}

/**
 * Times a subject and its baseline interleaved (A B A B ...), so load that
 * comes and goes hits both alike; prints one line with both spreads and the
 * spread of the pairwise ratios.
 */
export function reportPairs(f: PairedFigure, pairs: number, subject: () => number, baseline: () => number): void {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pairs; i++) {
    a.push(subject());
    b.push(baseline());
  }
  reportPairSamples(f, a, b);
}

/** reportPairs for requests that are answered asynchronously (a DAP round trip). */
export async function reportPairsAsync(f: PairedFigure, pairs: number, subject: () => Promise<number>, baseline: () => Promise<number>): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pairs; i++) {
    a.push(await subject());
    b.push(await baseline());
  }
  reportPairSamples(f, a, b);
}

export interface PairedFigure {
  name: string;
  unit: string;
  baseline: string;
  goal?: string;
  note?: string;
}

/** Prints pairs measured elsewhere (a[i] and b[i] taken one after the other, as reportPairs takes them). */
export function reportPairSamples(f: PairedFigure, a: number[], b: number[]): void {
  const pairs = a.length;
  const r = a.map((x, i) => (b[i] === 0 ? 0 : x / (b[i] as number)));
  const sa = spread(a);
  const sb = spread(b);
  const sr = spread(r);
  const line = {
    bench: f.name,
    value: round(sa.median),
    unit: f.unit,
    min: round(sa.min),
    max: round(sa.max),
    baseline: f.baseline,
    baseline_value: round(sb.median),
    baseline_min: round(sb.min),
    baseline_max: round(sb.max),
    ratio: round(sr.median),
    ratio_min: round(sr.min),
    ratio_max: round(sr.max),
    pairs,
    ...(f.goal ? { goal: f.goal } : {}),
    ...(f.note ? { note: f.note } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
