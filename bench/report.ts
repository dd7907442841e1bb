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

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
