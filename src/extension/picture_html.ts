/**
 * The state picture's page. Drawing happens in the webview with plain DOM
 * and SVG, themed with VS Code's CSS variables, so it works the same in the
 * desktop and browser builds. Each mechanism registers a drawer by the
 * section name it reads from the picture data.
 */
export function pictureHtml(nonce: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>kstep state</title>
<style>
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 8px 16px; }
  h2 { font-size: 1.1em; margin: 1em 0 0.3em; }
  .meta { color: var(--vscode-descriptionForeground); }
  .counters span { margin-right: 1.5em; }
  .counters b { font-family: var(--vscode-editor-font-family); }
  svg text { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); font-size: 11px; }
  .axis { stroke: var(--vscode-descriptionForeground); }
  .region0 { fill: var(--vscode-charts-blue); }
  .region1 { fill: var(--vscode-charts-purple); }
  .region { stroke: var(--vscode-editor-background); stroke-width: 1; }
  .empty { color: var(--vscode-descriptionForeground); font-style: italic; }
</style></head>
<body>
<div id="meta" class="meta">Start debugging a .kstep scenario: the picture follows every stop.</div>
<div id="root"></div>
<script nonce="${nonce}">
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = tag === 'svg' || ['rect', 'line', 'text', 'g', 'title'].includes(tag) ? document.createElementNS(SVG, tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const drawers = {
    hugetlb(section, root) {
      if (!section.length) return;
      for (const f of section) {
        root.appendChild(el('h2', {}, 'resv_map of hugetlb file ' + f.file));
        const c = el('div', { class: 'counters' });
        c.innerHTML = '<span>regions <b>' + f.total + '</b></span><span>adds_in_progress <b>' + f.addsInProgress + '</b></span><span>region_cache_count <b>' + f.regionCacheCount + '</b></span>';
        root.appendChild(c);
        if (!f.regions.length) { root.appendChild(el('div', { class: 'empty' }, 'no regions')); continue; }
        const lo = Math.min(0, f.regions[0][0]);
        const hi = Math.max(...f.regions.map((r) => r[1]));
        const width = Math.max(320, document.body.clientWidth - 40);
        const x = (p) => 10 + ((p - lo) / Math.max(1, hi - lo)) * (width - 20);
        const svg = el('svg', { width, height: 64, role: 'img', 'aria-label': 'regions of ' + f.file });
        svg.appendChild(el('line', { class: 'axis', x1: x(lo), x2: x(hi), y1: 40, y2: 40 }));
        f.regions.forEach((r, i) => {
          const rect = el('rect', { class: 'region region' + (i % 2), x: x(r[0]), y: 14, width: Math.max(1, x(r[1]) - x(r[0])), height: 22 });
          rect.appendChild(el('title', {}, '[' + r[0] + ', ' + r[1] + ')'));
          svg.appendChild(rect);
        });
        const ticks = new Set([lo, hi, ...f.regions.slice(0, 24).flat()]);
        let lastX = -100;
        for (const t of [...ticks].sort((a, b) => a - b)) {
          if (x(t) - lastX < 18) continue;
          lastX = x(t);
          svg.appendChild(el('text', { x: x(t), y: 54, 'text-anchor': 'middle' }, String(t)));
        }
        root.appendChild(svg);
        if (f.total > f.regions.length) root.appendChild(el('div', { class: 'meta' }, 'showing the first ' + f.regions.length + ' of ' + f.total + ' regions'));
      }
    },
  };
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    const root = document.getElementById('root');
    const meta = document.getElementById('meta');
    if (msg.type === 'clear') { root.textContent = ''; meta.textContent = msg.text; return; }
    if (msg.type !== 'state') return;
    const d = msg.data;
    meta.textContent = 'step ' + d.step + (d.line ? ' · line ' + d.line : '') + ' · time ' + d.timeNs + ' ns';
    root.textContent = '';
    let drew = false;
    for (const [name, draw] of Object.entries(drawers)) {
      if (d[name] && d[name].length) { draw(d[name], root); drew = true; }
    }
    if (!drew) root.appendChild(el('div', { class: 'empty' }, 'Nothing to draw yet: create a hugetlb file to see its reservation map.'));
  });
  const vscode = acquireVsCodeApi();
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body></html>`;
}
