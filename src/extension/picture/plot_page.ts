/**
 * The state picture's plots, webview side: each shape (./plot_data) drawn as
 * given, a step chart with its points and the current step marked. Clicking
 * a point asks the extension to go to its step; × removes the plot. Runs in
 * the page's script with `el` and `vscode` in scope.
 */
export const PLOT_CSS = `
  .plot-line { fill: none; stroke: var(--vscode-charts-blue); stroke-width: 1.5; }
  .plot-point { fill: var(--vscode-charts-blue); cursor: pointer; }
  .plot-point:hover { fill: var(--vscode-charts-orange); }
  .plot-now { stroke: var(--vscode-charts-red); stroke-width: 1; stroke-dasharray: 3 2; }
  .plot-remove { cursor: pointer; margin-left: 0.6em; color: var(--vscode-textLink-foreground); }
`;

/** Draws `msg.plots` (PlotShape[]) into the element with id `plots`. */
export const PLOT_SCRIPT = `
  const drawPlots = (plots) => {
    const box = document.getElementById('plots');
    box.textContent = '';
    for (const p of plots) {
      const h = el('h2', {}, 'plot: ' + p.expression);
      const x = el('span', { class: 'plot-remove', role: 'button', title: 'Remove this plot' }, '×');
      x.addEventListener('click', () => vscode.postMessage({ type: 'unplot', expression: p.expression }));
      h.appendChild(x);
      box.appendChild(h);
      box.appendChild(el('div', { class: 'meta' }, (p.current ? 'step ' + p.current.step + ': ' + p.current.text + ' · ' : '') + 'min ' + p.min + ' · max ' + p.max + ' · steps 0..' + p.lastStep + (p.note ? ' · ' + p.note : '') + ' · click a point to go to its step'));
      const svg = el('svg', { viewBox: '0 0 ' + p.width + ' ' + p.height, width: '100%', height: p.height, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'plot of ' + p.expression });
      svg.appendChild(el('text', { x: 2, y: 14 }, String(p.max)));
      svg.appendChild(el('text', { x: 2, y: p.height - 18 }, String(p.min)));
      svg.appendChild(el('path', { class: 'plot-line', d: p.path }));
      if (p.markerX !== undefined) svg.appendChild(el('line', { class: 'plot-now', x1: p.markerX, x2: p.markerX, y1: 0, y2: p.height - 14 }));
      for (const pt of p.points) {
        const c = el('circle', { class: 'plot-point', cx: pt.x, cy: pt.y, r: 4, 'data-step': pt.step });
        c.appendChild(el('title', {}, pt.label));
        c.addEventListener('click', () => vscode.postMessage({ type: 'gotoStep', step: pt.step }));
        svg.appendChild(c);
      }
      box.appendChild(svg);
    }
  };
`;
