/**
 * Webview JavaScript shared by drawers (put in a drawer's `setup`): tick
 * positions for a numeric axis. Ticks are multiples of a 1-2-5 step chosen
 * from the range and the widest label, so labels never overlap whatever the
 * range (0..3 or 0..100000) and every label is a distinct round number.
 */
export const AXIS_SETUP = `
  // About 7 px a character at the page's 11 px monospace, plus a gap.
  const labelPx = (text) => String(text).length * 7 + 10;
  const axisTicks = (lo, hi, px) => {
    const span = Math.max(1, hi - lo);
    const most = Math.max(2, Math.floor(px / labelPx(Math.max(Math.abs(lo), Math.abs(hi)))));
    const raw = span / (most - 1);
    let step = 1;
    for (let p = 1; step < raw; p *= 10) step = [p, 2 * p, 5 * p, 10 * p].find((s) => s >= raw) || 10 * p;
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
    return out;
  };
`;
