import { AXIS_SETUP } from './axis';
import type { SectionDrawer } from './page';

/** The hstate pool: its counters and one bar of the pages in use, reserved and free. */
export const hugetlbPoolDrawer: SectionDrawer = {
  section: 'hugetlbPool',
  css: `
  .pool-used { fill: var(--vscode-charts-orange); }
  .pool-rsvd { fill: var(--vscode-charts-yellow); }
  .pool-free { fill: var(--vscode-charts-green); }
`,
  body: `
      const p = section[0];
      root.appendChild(el('h2', {}, 'hugetlb pool (2M hstate)'));
      root.appendChild(counters([['total', p.total], ['free', p.free], ['rsvd', p.rsvd], ['surp', p.surp], ['in use', p.total - p.free], ['overcommit', p.overcommit]]));
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
      if (p.surp) root.appendChild(el('div', { class: 'meta' }, p.surp + ' of the ' + p.total + ' pages are surplus (nr_overcommit_hugepages ' + p.overcommit + '): freed, they leave the pool'));
      // Each mount's subpool: its limit (size=) and its minimum (min_size=) with what is still reserved for it.
      for (const m of p.mounts) {
        const lim = m.maxHpages === -1 ? 'no size limit' : 'used ' + m.usedHpages + ' of size ' + m.maxHpages;
        const min = m.minHpages === -1 ? 'no min_size' : 'min_size ' + m.minHpages + ', ' + m.rsvHpages + ' still reserved for it';
        root.appendChild(el('div', { class: 'meta subpool' }, 'mount ' + m.name + ': ' + lim + '; ' + min));
      }
`,
};

/** Each file's resv_map: its regions against the file's page range. */
export const resvMapDrawer: SectionDrawer = {
  section: 'hugetlb',
  hint: 'a hugetlb file',
  css: `
  .region0 { fill: var(--vscode-charts-blue); }
  .region1 { fill: var(--vscode-charts-purple); }
  .region { stroke: var(--vscode-editor-background); stroke-width: 1; }
  .bin { fill: var(--vscode-charts-blue); stroke-width: 0; }
`,
  setup: AXIS_SETUP,
  body: `
      if (!section.length) return;
      for (const f of section) {
        root.appendChild(el('h2', {}, 'resv_map of hugetlb file ' + f.file));
        const c = el('div', { class: 'counters' });
        c.innerHTML = '<span>regions <b>' + f.total + '</b></span><span>adds_in_progress <b>' + f.addsInProgress + '</b></span><span>region_cache_count <b>' + f.regionCacheCount + '</b></span>';
        root.appendChild(c);
        if (!f.regions.length) { root.appendChild(el('div', { class: 'empty' }, 'no regions')); continue; }
        // Past MAX_BARS regions the data has bins: one bar per bin, as tall as the share of its pages regions cover.
        const binned = f.bins && f.bins.length > 0;
        const bars = binned ? f.bins : f.regions.map((r) => [r[0], r[1], 1, r[1] - r[0]]);
        const lo = Math.min(0, bars[0][0]);
        const hi = Math.max(bars[bars.length - 1][1], f.regions[f.regions.length - 1][1]);
        const width = Math.max(320, document.body.clientWidth - 40);
        const x = (p) => 10 + ((p - lo) / Math.max(1, hi - lo)) * (width - 20);
        const svg = el('svg', { width, height: 64, role: 'img', 'aria-label': 'regions of ' + f.file });
        svg.appendChild(el('line', { class: 'axis', x1: x(lo), x2: x(hi), y1: 40, y2: 40 }));
        bars.forEach((b, i) => {
          const h = binned ? Math.max(2, 22 * (b[3] / Math.max(1, b[1] - b[0]))) : 22;
          const rect = el('rect', { class: binned ? 'region bin' : 'region region' + (i % 2), x: x(b[0]), y: 36 - h, width: Math.max(1, x(b[1]) - x(b[0])), height: h });
          rect.appendChild(el('title', {}, binned ? '[' + b[0] + ', ' + b[1] + '): ' + b[2] + ' regions start here, ' + b[3] + ' of ' + (b[1] - b[0]) + ' pages reserved' : '[' + b[0] + ', ' + b[1] + ')'));
          svg.appendChild(rect);
        });
        for (const t of axisTicks(lo, hi, width - 20)) svg.appendChild(el('text', { class: 'tick', x: x(t), y: 54, 'text-anchor': 'middle' }, String(t)));
        root.appendChild(svg);
        if (binned) root.appendChild(el('div', { class: 'meta' }, f.total + ' regions drawn as ' + bars.length + ' bars of up to ' + (bars[0][1] - bars[0][0]) + ' pages each (hover a bar for its regions); the axis is the file offset in huge pages'));
        else if (f.total > f.regions.length) root.appendChild(el('div', { class: 'meta' }, 'showing the first ' + f.regions.length + ' of ' + f.total + ' regions'));
      }
`,
};
