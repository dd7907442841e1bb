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
  .cell { stroke: var(--vscode-editor-background); stroke-width: 1; }
  .free { fill: var(--vscode-editorWidget-background, transparent); stroke: var(--vscode-descriptionForeground); }
  .occupied { fill: var(--vscode-charts-blue); }
  .pendingmark { fill: var(--vscode-charts-orange); }
  .maskedmark { fill: var(--vscode-charts-red); }
  .unmasked { fill: var(--vscode-charts-green); }
  .step { fill: none; stroke: var(--vscode-charts-blue); stroke-width: 2; }
  .vote { fill: var(--vscode-charts-orange); }
  .cur { stroke: var(--vscode-charts-green); stroke-dasharray: 4 3; }
  .pg-none { fill: var(--vscode-descriptionForeground); opacity: 0.25; }
  .pg-present { fill: var(--vscode-charts-blue); }
  .pool-used { fill: var(--vscode-charts-orange); }
  .pool-rsvd { fill: var(--vscode-charts-yellow); }
  .pool-free { fill: var(--vscode-charts-green); }
  .pg-present_device { fill: var(--vscode-charts-green); }
  .pg-present_huge { fill: var(--vscode-charts-orange); }
  .pg-device_private { fill: var(--vscode-charts-purple); }
  .pg-migration { fill: var(--vscode-charts-yellow); }
  .pg-unknown { fill: var(--vscode-charts-red); }
  .legend span { margin-right: 1.2em; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
  .legend i.pg-none { background: var(--vscode-descriptionForeground); opacity: 0.25; }
  .legend i.pg-present { background: var(--vscode-charts-blue); }
  .legend i.pg-present_device { background: var(--vscode-charts-green); }
  .legend i.pg-present_huge { background: var(--vscode-charts-orange); }
  .legend i.pg-device_private { background: var(--vscode-charts-purple); }
  .legend i.pg-migration { background: var(--vscode-charts-yellow); }
  table.timers { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
  table.timers td, table.timers th { padding: 1px 10px 1px 0; text-align: left; }
</style></head>
<body>
<div id="meta" class="meta">Start debugging a .kstep scenario: the picture follows every stop.</div>
<div id="root"></div>
<script nonce="${nonce}">
(function () {
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
  const PAGE_KIND = { '.': 'none', p: 'present', c: 'present_device', h: 'present_huge', d: 'device_private', m: 'migration' };
  const PAGE_LABEL = { none: 'none', present: 'present (NORMAL)', present_device: 'present (DEVICE: coherent)', present_huge: 'present (huge page)', device_private: 'device_private', migration: 'migration' };
  const drawers = {
    hugetlbPool(section, root) {
      const p = section[0];
      root.appendChild(el('h2', {}, 'hugetlb pool (2M hstate)'));
      root.appendChild(counters([['total', p.total], ['free', p.free], ['rsvd', p.rsvd], ['surp', p.surp], ['in use', p.total - p.free]]));
      // One bar: pages in use, free pages held by reservations, free pages anyone may take.
      const width = Math.max(320, document.body.clientWidth - 40);
      const parts = [['in use', p.total - p.free, 'pool-used'], ['free, reserved', Math.min(p.rsvd, p.free), 'pool-rsvd'], ['free', Math.max(0, p.free - p.rsvd), 'pool-free']];
      const svg = el('svg', { width, height: 30, role: 'img', 'aria-label': 'hugetlb pool' });
      let x = 10;
      for (const [name, n, cls] of parts) {
        const w = p.total ? (n / p.total) * (width - 20) : 0;
        if (w <= 0) continue;
        const r = el('rect', { class: cls, x, y: 4, width: w, height: 20 });
        r.appendChild(el('title', {}, name + ': ' + n));
        svg.appendChild(r);
        x += w;
      }
      root.appendChild(svg);
      if (p.rsvd > p.free) root.appendChild(el('div', { class: 'meta' }, 'rsvd is above free: ' + (p.rsvd - p.free) + ' reservations have no page behind them'));
    },
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
    hyperv(section, root) {
      if (!section.length) return;
      for (const v of section) {
        root.appendChild(el('h2', {}, 'SynIC of VP ' + v.vp + (v.started ? '' : ' (not started)')));
        const busy = v.slots.filter((s) => s.type !== null).length;
        root.appendChild(counters([['occupied slots', busy], ['msg_pending', v.slots.filter((s) => s.pending).length], ['masked SINTs', v.masked.filter((x) => x).length]]));
        const cw = 34;
        const svg = el('svg', { width: 16 * cw + 20, height: 70, role: 'img', 'aria-label': 'SynIC message slots of VP ' + v.vp });
        v.slots.forEach((s, i) => {
          const x = 10 + i * cw;
          const g = el('g', {});
          const rect = el('rect', { class: 'cell ' + (s.type === null ? 'free' : 'occupied'), x, y: 12, width: cw - 4, height: 24 });
          rect.appendChild(el('title', {}, 'SINT' + i + ': ' + (s.type === null ? 'free' : s.type + ', ' + s.size + ' bytes') + (s.pending ? ', msg_pending' : '') + (v.masked[i] ? ', masked' : '')));
          g.appendChild(rect);
          if (s.pending) g.appendChild(el('rect', { class: 'pendingmark', x: x + cw - 12, y: 12, width: 8, height: 8 }));
          g.appendChild(el('rect', { class: v.masked[i] ? 'maskedmark' : 'unmasked', x, y: 40, width: cw - 4, height: 4 }));
          g.appendChild(el('text', { x: x + (cw - 4) / 2, y: 58, 'text-anchor': 'middle' }, String(i)));
          if (s.type !== null) {
            const label = s.type.replace(/^HVMSG_/, '');
            g.appendChild(el('text', { x: x + (cw - 4) / 2, y: 28, 'text-anchor': 'middle' }, label.length > 4 ? label.slice(0, 4) : label));
          }
          svg.appendChild(g);
        });
        root.appendChild(svg);
        root.appendChild(el('div', { class: 'meta' }, 'cells: SINT0..15 message slots (filled: occupied, corner: msg_pending); bar: red masked, green unmasked'));
        if (v.timers.length) {
          const tab = el('table', { class: 'timers' });
          const head = el('tr', {});
          for (const h of ['timer', 'enabled', 'periodic', 'sint', 'count', 'expires_at', 'pending', 'fired']) head.appendChild(el('th', {}, h));
          tab.appendChild(head);
          v.timers.forEach((t, k) => {
            const tr = el('tr', {});
            for (const c of ['STIMER' + k, t.enabled ? 'yes' : 'no', t.periodic ? 'yes' : 'no', t.sint, t.count, t.enabled ? t.expiresAt : '-', t.pending ? 'yes' : 'no', t.fired]) tr.appendChild(el('td', {}, String(c)));
            tab.appendChild(tr);
          });
          root.appendChild(tab);
        }
      }
    },
    memlat(section, root) {
      if (!section.length) return;
      section.forEach((g, gi) => {
        root.appendChild(el('h2', {}, 'memlat memory group ' + gi + ' (hw_type ' + g.hwType + ')'));
        root.appendChild(counters([['cur_khz', g.curKhz], ['min_khz', g.minKhz], ['max_khz', g.maxKhz], ['firmware', g.running ? 'running' : 'stopped']]));
        for (const mon of g.monitors) {
          root.appendChild(el('div', { class: 'counters' }, mon.name + ' (' + mon.type + ', cpus ' + mon.cpus.join(',') + ') vote ' + mon.voteKhz + ' kHz'));
          const rows = mon.map;
          if (!rows.length) { root.appendChild(el('div', { class: 'empty' }, 'empty freq map')); continue; }
          const W = 360, H = 120, L = 50, B = 20;
          const xMax = Math.max(...rows.map((r) => r[0])) * 1.15;
          const yMax = Math.max(g.maxKhz / 1000, g.curKhz / 1000, mon.voteKhz / 1000, ...rows.map((r) => r[1])) * 1.1 || 1;
          const x = (mhz) => L + (mhz / xMax) * (W - L - 10);
          const y = (mhz) => H - B - (mhz / yMax) * (H - B - 10);
          const svg = el('svg', { width: W, height: H, role: 'img', 'aria-label': 'freq map of ' + mon.name });
          svg.appendChild(el('line', { class: 'axis', x1: L, x2: W - 10, y1: y(0), y2: y(0) }));
          svg.appendChild(el('line', { class: 'axis', x1: L, x2: L, y1: 10, y2: y(0) }));
          // A CPU frequency up to a row's cpu MHz votes that row's mem MHz; above every row, the last row.
          let pts = '';
          let prev = 0;
          for (const r of rows) { pts += x(prev) + ',' + y(r[1]) + ' ' + x(r[0]) + ',' + y(r[1]) + ' '; prev = r[0]; }
          pts += x(prev) + ',' + y(rows[rows.length - 1][1]) + ' ' + x(xMax) + ',' + y(rows[rows.length - 1][1]);
          const line = el('polyline', { class: 'step', points: pts });
          line.appendChild(el('title', {}, rows.map((r) => '<= ' + r[0] + ' MHz -> ' + r[1] + ' MHz').join('; ')));
          svg.appendChild(line);
          for (const r of rows) svg.appendChild(el('text', { x: x(r[0]), y: H - 4, 'text-anchor': 'middle' }, String(r[0])));
          svg.appendChild(el('line', { class: 'cur', x1: L, x2: W - 10, y1: y(g.curKhz / 1000), y2: y(g.curKhz / 1000) }));
          svg.appendChild(el('text', { x: L - 4, y: y(g.curKhz / 1000) + 4, 'text-anchor': 'end' }, 'cur'));
          const vi = rows.findIndex((r) => r[1] * 1000 === mon.voteKhz);
          const vx = vi >= 0 ? (x(vi ? rows[vi - 1][0] : 0) + x(rows[vi][0])) / 2 : L;
          const dot = el('circle', { class: 'vote', cx: vx, cy: y(mon.voteKhz / 1000), r: 5 });
          dot.appendChild(el('title', {}, 'vote ' + mon.voteKhz + ' kHz'));
          svg.appendChild(dot);
          svg.appendChild(el('text', { x: L - 4, y: 14, 'text-anchor': 'end' }, 'mem'));
          root.appendChild(svg);
        }
        const hist = g.history || [];
        if (hist.length > 1) {
          // cur_khz over the last samples: the firmware's DDR votes over time.
          const W = 360, H = 90, L = 50, B = 18;
          const t0 = hist[0][0], t1 = hist[hist.length - 1][0];
          const kMax = Math.max(g.maxKhz, ...hist.map((p) => p[1])) || 1;
          const tx = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - 10);
          const ky = (k) => H - B - (k / kMax) * (H - B - 8);
          const svg = el('svg', { width: W, height: H, role: 'img', 'aria-label': 'cur_khz over time' });
          svg.appendChild(el('line', { class: 'axis', x1: L, x2: W - 10, y1: ky(0), y2: ky(0) }));
          let pts = '';
          for (let i = 0; i < hist.length; i++) pts += (i ? tx(hist[i][0]) + ',' + ky(hist[i - 1][1]) + ' ' : '') + tx(hist[i][0]) + ',' + ky(hist[i][1]) + ' ';
          svg.appendChild(el('polyline', { class: 'step history', points: pts }));
          svg.appendChild(el('text', { x: L - 4, y: ky(kMax) + 4, 'text-anchor': 'end' }, String(kMax)));
          svg.appendChild(el('text', { x: L, y: H - 4, 'text-anchor': 'start' }, t0 + ' ms'));
          svg.appendChild(el('text', { x: W - 10, y: H - 4, 'text-anchor': 'end' }, t1 + ' ms'));
          root.appendChild(svg);
        }
        root.appendChild(el('div', { class: 'meta' }, 'steps: cpu MHz -> mem MHz map; dot: the vote of each monitor; dashed: cur_khz; last plot: cur_khz (kHz) at each of the last samples'));
      });
    },
    mm(section, root) {
      if (!section.length) return;
      const tasks = section.filter((e) => e.kind === 'task');
      const devs = section.filter((e) => e.kind === 'device');
      if (tasks.length) {
        const lg = el('div', { class: 'legend' });
        for (const k of Object.keys(PAGE_LABEL)) { const sp = el('span', {}); sp.appendChild(el('i', { class: 'pg-' + k })); sp.appendChild(document.createTextNode(PAGE_LABEL[k])); lg.appendChild(sp); }
        root.appendChild(el('h2', {}, 'page tables'));
        root.appendChild(lg);
      }
      const width = Math.max(320, document.body.clientWidth - 40);
      const cs = 8;
      const perRow = Math.max(16, Math.floor((width - 20) / cs));
      for (const t of tasks) {
        root.appendChild(el('h2', {}, 'task ' + t.task));
        root.appendChild(counters([['vmas', t.vmaCount], ['pages', t.pages], ['rss', t.rss]]));
        for (const v of t.vmas) {
          root.appendChild(el('div', { class: 'meta' }, '[' + v.start + ', ' + v.end + ') ' + v.prot + ' · ' + v.pages + ' pages'));
          if (!v.cells.length) continue;
          const rowsN = Math.ceil(v.cells.length / perRow);
          const svg = el('svg', { width: Math.min(v.cells.length, perRow) * cs + 20, height: rowsN * cs + 6, role: 'img', 'aria-label': 'pages of ' + v.start });
          for (let i = 0; i < v.cells.length; i++) {
            const kind = PAGE_KIND[v.cells[i]] || 'unknown';
            if (kind === 'none' && v.cells.length > 1024) continue;
            const r = el('rect', { class: 'cell pg-' + kind, x: 10 + (i % perRow) * cs, y: 3 + Math.floor(i / perRow) * cs, width: cs, height: cs });
            r.appendChild(el('title', {}, '0x' + (BigInt(v.start) + BigInt(i) * 4096n).toString(16) + ' ' + (PAGE_LABEL[kind] || kind)));
            svg.appendChild(r);
          }
          root.appendChild(svg);
        }
        if (t.pages > t.shown) root.appendChild(el('div', { class: 'meta' }, 'showing ' + t.shown + ' pages; ' + (t.pages - t.shown) + ' more not drawn' + (t.vmaCount > t.vmas.length ? ', ' + (t.vmaCount - t.vmas.length) + ' more VMAs not listed' : '')));
      }
      if (devs.length) {
        root.appendChild(el('h2', {}, 'devices'));
        for (const d of devs) root.appendChild(counters([[d.device, d.type], ['pages', d.pages], ['free', d.free], ['used', d.used]].concat(d.failed ? [['failed', 'yes']] : [])));
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
    if (!drew) root.appendChild(el('div', { class: 'empty' }, 'Nothing to draw yet: create a hugetlb file, a Hyper-V partition, memlat groups or VMAs to see them here.'));
  });
  const vscode = acquireVsCodeApi();
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body></html>`;
}
