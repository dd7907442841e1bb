// The page side of the editor latency bench: evaluated once in the workbench page. `arm(line)` starts watching
// for the next F10 keydown and for the DOM mutation after it that shows the Call Stack on `line` and the
// Variables view's `ticks` row changed; `result` then resolves with the milliseconds between the two. Both
// times are the page's own clock (performance.now), so the figure leaves out the test's round trips to the page.

export interface StepTiming {
  /** Milliseconds from the keydown to the update; -1 when it was not seen within 30 s. */
  ms: number;
  /** The keydown, as performance.timeOrigin + performance.now() (comparable across the webview's frames). */
  t0: number;
  why?: string;
}

export const LATENCY_PROBE = `(() => {
  const rowsOf = (title) => {
    for (const pane of document.querySelectorAll('.pane')) {
      const t = pane.querySelector('.pane-header .title');
      if (!t || (t.textContent || '').trim().toLowerCase() !== title) continue;
      return [...pane.querySelectorAll('.pane-body .monaco-list-row')].map((r) => (r.textContent || '').replace(/\\s+/g, ' ').trim());
    }
    return [];
  };
  const ticksRow = () => rowsOf('variables').find((t) => /^ticks\\b/.test(t)) || '';
  window.__kstepLatency = {
    result: Promise.resolve({ ms: -1, t0: 0, why: 'not armed' }),
    arm(line) {
      const before = ticksRow();
      let t0 = 0;
      this.result = new Promise((resolve) => {
        let timer;
        const finish = (r) => {
          observer.disconnect();
          removeEventListener('keydown', onKey, true);
          clearTimeout(timer);
          resolve(r);
        };
        const onKey = (e) => {
          if (e.key === 'F10' && !t0) t0 = performance.now();
        };
        const check = () => {
          if (!t0) return;
          const stackOk = rowsOf('call stack').some((t) => new RegExp('(^|\\\\D)' + line + ':\\\\d+$').test(t));
          const ticks = ticksRow();
          if (stackOk && ticks && ticks !== before) {
            finish({ ms: performance.now() - t0, t0: performance.timeOrigin + t0 });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        addEventListener('keydown', onKey, true);
        timer = setTimeout(() => finish({ ms: -1, t0: 0, why: 'call stack ' + JSON.stringify(rowsOf('call stack')) + ', ticks ' + ticksRow() }), 30000);
      });
      return true;
    },
  };
  return true;
})()`;
