// The editor latency bench (issue 15): F10 in a real VS Code → Call Stack and Variables updated (and, with the
// state picture open, the picture redrawn), timed inside the page from the key's keydown to the DOM mutation
// that shows the new stop. Measured for kstep and for a floor adapter that answers the same requests at once
// (floor/extension.ts), in interleaved sessions (kstep, floor, kstep, floor, ...), so the ratio holds on a busy
// machine. Prints one JSON line per figure and writes test-artifacts/e2e/latency.json; asserts only that every
// step was seen, never a time.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, REPO_ROOT, startE2E, type E2E, type Workbench } from './code-server';
import { buildFloorVsix } from './floor_vsix';
import { LATENCY_PROBE, type StepTiming } from './latency_probe';

const VSIX = process.env.KSTEP_VSIX ?? join(REPO_ROOT, 'kstep.vsix');
const PAIRS = Number(process.env.KSTEP_LATENCY_PAIRS ?? 5);
const STEPS_PER_SESSION = Number(process.env.KSTEP_LATENCY_STEPS ?? 40);

const PREAMBLE = ['hugetlb file f', 'region_chg f 0 1', 'region_add f 0 1', 'region_chg f 2 3', 'region_add f 2 3'];
const SCENARIO = ['# editor latency bench: one stop per line, time moves on each', ...PREAMBLE, ...Array.from({ length: STEPS_PER_SESSION + 5 }, () => 'advance 1us')].join('\n') + '\n';
/** The first statement's line (stop on entry), 1-based. */
const FIRST = 2;
/** The first `advance`: the timed steps start there, once the preamble has run. */
const TIMED_FROM = FIRST + PREAMBLE.length;

type Variant = 'kstep' | 'floor' | 'kstep, picture open';

interface Figure {
  figure: string;
  unit: 'ms';
  pairs: number;
  steps: number;
  p50: number;
  p99: number;
  floor_p50: number;
  floor_p99: number;
  ratio_p50: { min: number; median: number; max: number };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function startSession(wb: Workbench, variant: Variant): Promise<void> {
  await wb.runCommand(variant === 'floor' ? 'Latency Bench: Debug with the floor adapter' : 'Latency Bench: Debug with kstep');
  await wb.waitForDebugToolbar();
  await wb.waitForStoppedAt(FIRST);
  // The preamble builds what the picture draws; it moves no time, so the timed steps start after it.
  for (let line = FIRST + 1; line <= TIMED_FROM; line++) {
    await wb.press('F10');
    await wb.waitForStoppedAt(line);
  }
  // Open the time scope once the preamble has run (VS Code keeps a scope open by its place in the list, and the
  // list grows as the preamble's mechanisms come into use): its ticks move on each step.
  const page = wb.page;
  const variables = page.locator('.pane').filter({ has: page.locator('.pane-header .title', { hasText: /^\s*Variables\s*$/i }) }).first();
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await wb.viewRows('Variables')).some((r) => /^ticks\b/.test(r))) break;
    await variables.locator('.monaco-list-row').filter({ hasText: /^\s*time\s*$/ }).first().click().catch(() => undefined);
    await wb.waitForViewRows('Variables', (r) => r.some((t) => /^ticks\b/.test(t)), 3_000).catch(() => undefined);
  }
  await wb.waitForViewRows('Variables', (r) => r.some((t) => /^ticks\b/.test(t)));
  // F10 from the editor, as a user presses it, with no hover left open over the Variables view.
  await wb.activeEditor.locator('.view-lines').click({ position: { x: 400, y: 5 } });
  await wb.page.mouse.move(900, 700);
}

async function stopSession(wb: Workbench): Promise<void> {
  await wb.press('Shift+F5');
  await wb.page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
}

/** F10 `steps` times from the entry stop, each timed by the page probe. */
async function timeSteps(wb: Workbench, steps: number, picture: boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const line = TIMED_FROM + i;
    await wb.page.evaluate(`window.__kstepLatency.arm(${line}, ${picture})`);
    if (picture) await armPicture(wb, line);
    await wb.press('F10');
    const t = (await wb.page.evaluate('window.__kstepLatency.result')) as StepTiming;
    if (t.ms < 0) throw new Error(`step ${i} (to line ${line}) was not seen: ${t.why}`);
    let ms = t.ms;
    if (picture) {
      const p = await pictureDone(wb, line);
      ms = Math.max(ms, p - t.t0);
    }
    out.push(ms);
  }
  return out;
}

/** Arms every frame that holds the state picture's #meta line (two iframes deep in the webview): it names
 *  the stop's line once the picture is redrawn for it. */
async function armPicture(wb: Workbench, line: number): Promise<void> {
  const frames = wb.page.frames();
  for (const f of frames) {
    await f
      .evaluate(
        `(() => { const m = document.getElementById('meta'); if (!m) return false;
           window.__kstepPic = new Promise((res) => {
             const check = () => { if ((m.textContent || '').includes('line ${line} ')) { o.disconnect(); res(performance.timeOrigin + performance.now()); } };
             const o = new MutationObserver(check); o.observe(m, { childList: true, characterData: true, subtree: true });
             setTimeout(() => { o.disconnect(); res(-1); }, 30000);
           });
           return true; })()`,
      )
      .catch(() => false);
  }
}

async function pictureDone(wb: Workbench, line: number): Promise<number> {
  for (const f of wb.page.frames()) {
    const has = await f.evaluate(`!!window.__kstepPic`).catch(() => false);
    if (!has) continue;
    const t = (await f.evaluate('window.__kstepPic')) as number;
    if (t < 0) throw new Error(`the state picture never showed line ${line}`);
    return t;
  }
  throw new Error('the state picture is not open');
}

describe('editor latency bench', () => {
  let e2e: E2E | undefined;

  beforeAll(async () => {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    const floor = await buildFloorVsix();
    e2e = await startE2E({ files: { 'latency.kstep': SCENARIO }, vsix: [VSIX, floor] });
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('times F10 → Call Stack and Variables updated, kstep against a floor adapter, picture closed and open', async ({ onTestFailed }) => {
    const { wb } = e2e!;
    onTestFailed(() => wb.saveDiagnostics('latency-failure'));
    await wb.openFile('latency.kstep');
    await wb.waitForEditorText('advance 1us');
    await wb.page.evaluate(LATENCY_PROBE);

    const times: Record<Variant, number[][]> = { kstep: [], floor: [], 'kstep, picture open': [] };
    const order: Variant[] = ['kstep', 'floor'];
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const v of order) {
        await startSession(wb, v);
        times[v].push(await timeSteps(wb, STEPS_PER_SESSION, false));
        await stopSession(wb);
      }
    }
    // The picture open: its own sessions, each beside a floor session so that its ratio is paired too.
    const floorForPicture: number[][] = [];
    await wb.runCommand('kstep: Show State Picture');
    for (let pair = 0; pair < PAIRS; pair++) {
      await wb.openFile('latency.kstep');
      await startSession(wb, 'kstep, picture open');
      times['kstep, picture open'].push(await timeSteps(wb, STEPS_PER_SESSION, true));
      await stopSession(wb);
      await startSession(wb, 'floor');
      floorForPicture.push(await timeSteps(wb, STEPS_PER_SESSION, false));
      await stopSession(wb);
    }
    await wb.screenshot(join(ARTIFACTS_DIR, 'latency.png'));

    const figure = (name: string, subject: number[][], floor: number[][]): Figure => {
      const ratios = subject.map((s, i) => quantile(s, 0.5) / quantile(floor[i]!, 0.5)).sort((a, b) => a - b);
      const all = subject.flat();
      const allFloor = floor.flat();
      return {
        figure: name,
        unit: 'ms',
        pairs: subject.length,
        steps: all.length,
        p50: round(quantile(all, 0.5)),
        p99: round(quantile(all, 0.99)),
        floor_p50: round(quantile(allFloor, 0.5)),
        floor_p99: round(quantile(allFloor, 0.99)),
        ratio_p50: { min: round(ratios[0]!), median: round(quantile(ratios, 0.5)), max: round(ratios[ratios.length - 1]!) },
      };
    };
    const figures = [
      figure('editor_step_latency_picture_closed', times.kstep, times.floor),
      figure('editor_step_latency_picture_open', times['kstep, picture open'], floorForPicture),
    ];
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'latency.json'), figures.map((f) => JSON.stringify(f)).join('\n') + '\n');
    for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`);

    for (const f of figures) {
      expect(f.steps).toBe(PAIRS * STEPS_PER_SESSION);
      expect(f.p50).toBeGreaterThan(0);
      expect(f.floor_p50).toBeGreaterThan(0);
    }
    // 800 timed steps and 20 sessions: a few minutes on an idle machine, much longer on a shared one.
  }, 1_500_000);
});
