/**
 * The state picture's page. Drawing happens in the webview with plain DOM
 * and SVG, themed with VS Code's CSS variables, so it works the same in the
 * desktop and browser builds. Each section of the picture data has a drawer
 * of its own (./hugetlb, ./hyperv, ./memlat, ./mm); the page is their styles
 * and scripts put together, in the order of DRAWERS.
 */
import type { PictureData } from '../../sim';
import { hugetlbPoolDrawer, resvMapDrawer } from './hugetlb';
import { hypervDrawer } from './hyperv';
import { memlatDrawer } from './memlat';
import { mmDrawer } from './mm';
import { PLOT_CSS, PLOT_SCRIPT } from './plot_page';

/**
 * What draws one section: webview JavaScript run with `section` (that
 * section of the picture data, never empty) and `root` (the element to draw
 * into), with the page's `el(tag, attrs, text)` and `counters(pairs)` in scope.
 */
export interface SectionDrawer {
  readonly section: Exclude<keyof PictureData, 'step' | 'timeNs' | 'line' | 'inUse'>;
  /** What a scenario creates to get this section, for the page's message while nothing is drawn. */
  readonly hint?: string;
  /** Its style rules. */
  readonly css: string;
  /** Constants it shares between draws, set up once when the page loads. */
  readonly setup?: string;
  /** The body of its draw function. */
  readonly body: string;
}

/** Sections are drawn in this order. */
const DRAWERS: readonly SectionDrawer[] = [hugetlbPoolDrawer, resvMapDrawer, hypervDrawer, memlatDrawer, mmDrawer];

/** Drawers write their code as template literals that open and close on a line break of their own. */
const block = (text: string): string => text.replace(/^\n/, '').trimEnd();

/** The page's message while no section has anything to draw: what to create, from the drawers' hints. */
function nothingYet(): string {
  const hints = DRAWERS.flatMap((d) => (d.hint ? [d.hint] : []));
  return `Nothing to draw yet: create ${hints.slice(0, -1).join(', ')} or ${hints[hints.length - 1] as string} to see them here.`;
}

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
  .empty { color: var(--vscode-descriptionForeground); font-style: italic; }
  .cell { stroke: var(--vscode-editor-background); stroke-width: 1; }
${DRAWERS.map((d) => `${block(d.css)}\n`).join('')}${block(PLOT_CSS)}
</style></head>
<body>
<div id="meta" class="meta">Start debugging a .kstep scenario: the picture follows every stop.</div>
<div id="root"></div>
<div id="plots"></div>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = tag === 'svg' || ['rect', 'line', 'text', 'g', 'title', 'path', 'circle', 'polyline'].includes(tag) ? document.createElementNS(SVG, tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const counters = (pairs) => {
    const c = el('div', { class: 'counters' });
    for (const [k, v] of pairs) {
      const sp = el('span', {}, k + ' ');
      sp.appendChild(el('b', {}, String(v)));
      c.appendChild(sp);
    }
    return c;
  };
${DRAWERS.map((d) => (d.setup ? `${block(d.setup)}\n` : '')).join('')}  const drawers = {
${DRAWERS.map((d) => `    ${d.section}(section, root) {\n${block(d.body)}\n    },\n`).join('')}  };
${block(PLOT_SCRIPT)}
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'plots') { drawPlots(msg.plots); return; }
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
    // "Nothing to draw" only when no mechanism holds state; otherwise say whose state has no drawing yet.
    if (!drew && d.inUse && d.inUse.length) root.appendChild(el('div', { class: 'empty' }, 'No drawing yet for the state of ' + d.inUse.join(', ') + ' at this step (for instance a memlat memory declared but not probed, or a task with no VMA): the Variables view shows all of it.'));
    else if (!drew) root.appendChild(el('div', { class: 'empty' }, ${JSON.stringify(nothingYet())}));
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body></html>`;
}
