import type { Change, PointInfo } from '../sim';
import { cappedText, changeText, createSimulation, DEFAULT_MAX_STEPS, escapeControls, formatValue, parseExpression, pointText, REGISTRY, runQuery, whyOf } from '../sim';
import { readProgram } from './load';
import type { Io } from './run';

/** How far back `kstep why` follows the writes: the last one, and the one before it. */
const DEPTH = 2;

/** The listing line a step point stands on, as the kernel's text. */
function cLine(p: PointInfo): string | undefined {
  if (!p.kernel) return undefined;
  const src = REGISTRY.sources.find((s) => s.path === p.kernel?.path);
  return src?.lines[p.kernel.line - 1]?.trim();
}

function describe(c: Change): string[] {
  const out = [`${pointText(c.at)}: ${changeText(c)}`];
  const text = cLine(c.at);
  if (text) out.push(`      ${text}`);
  if (c.at.statement) out.push(`      (scenario line ${c.at.line}: ${c.at.statement})`);
  return out;
}

/**
 * `kstep why <file> <line> <expr>`: runs the scenario to the first time the
 * statement on <line> is about to run (where a line breakpoint stops), and
 * tells where the value of <expr> was last written, and the write before
 * that, by replay. 0: answered; 2: a usage or scenario error, or a line
 * that never runs.
 */
export function whyCommand(args: readonly string[], io: Io): number {
  const [file, lineText, ...exprParts] = args;
  const expr = exprParts.join(' ').trim();
  const line = Number(lineText);
  if (!file || !Number.isSafeInteger(line) || line < 1 || !expr) {
    io.err('kstep why: give a scenario file, a line number and an expression: kstep why t.kstep 12 resv.f.adds_in_progress');
    return 2;
  }
  const e = parseExpression(expr);
  if ('error' in e) {
    io.err(`kstep why: ${escapeControls(e.error)}`);
    return 2;
  }
  const loaded = readProgram(file, io);
  if ('code' in loaded) return loaded.code;
  const { program } = loaded;
  const m = createSimulation(program, { history: true, maxSteps: DEFAULT_MAX_STEPS }).machine;
  if (!m.seekForward((mm) => mm.at === 'stmt' && mm.statement?.line === line) && !(m.step === 0 && m.statement?.line === line)) {
    io.err(`kstep why: line ${line} of ${file} never starts a statement in this run`);
    return 2;
  }
  const r = runQuery(whyOf(m, e, DEPTH));
  const name = file.split('/').pop() ?? file;
  io.out(`${name}:${line}: ${expr} = ${r.value === undefined ? '(no value)' : formatValue(r.value)} (step ${m.step})`);
  const [last, ...earlier] = r.writes;
  if (!last) io.out(`  unchanged since the first step point${cappedText(r) ? ` (${cappedText(r)})` : ''}`);
  else {
    const [head, ...rest] = describe(last);
    io.out(`  last written at ${head}`);
    for (const l of rest) io.out(l);
    for (const w of earlier) {
      const [h, ...more] = describe(w);
      io.out(`  before that, at ${h}`);
      for (const l of more) io.out(l);
    }
    if (r.capped) io.out(`  (${cappedText(r)})`);
  }
  return 0;
}
