import type { SectionDrawer } from './page';

/** Each memlat memory group: every monitor's freq map as steps with its vote, and cur_khz over the last samples. */
export const memlatDrawer: SectionDrawer = {
  section: 'memlat',
  hint: 'memlat groups',
  css: `
  .step { fill: none; stroke: var(--vscode-charts-blue); stroke-width: 2; }
  .vote { fill: var(--vscode-charts-orange); }
  .cpufreq { stroke: var(--vscode-charts-orange); stroke-dasharray: 2 2; }
  .cur { stroke: var(--vscode-charts-green); stroke-dasharray: 4 3; }
`,
  body: `
      if (!section.length) return;
      section.forEach((g, gi) => {
        root.appendChild(el('h2', {}, 'memlat memory group ' + gi + ' (hw_type ' + g.hwType + ')'));
        root.appendChild(counters([['cur_khz', g.curKhz], ['min_khz', g.minKhz], ['max_khz', g.maxKhz], ['firmware', g.running ? 'running' : 'stopped']]));
        for (const mon of g.monitors) {
          root.appendChild(el('div', { class: 'counters' }, mon.name + ' (' + mon.type + ', cpus ' + mon.cpus.join(',') + ') vote ' + mon.voteKhz + ' kHz' + (mon.voteCpuMhz ? ' at cpu ' + mon.voteCpuMhz + ' MHz' : '')));
          const rows = mon.map;
          if (!rows.length) { root.appendChild(el('div', { class: 'empty' }, 'empty freq map')); continue; }
          const W = 360, H = 120, L = 50, B = 20;
          const xMax = Math.max(mon.voteCpuMhz || 0, ...rows.map((r) => r[0])) * 1.15;
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
          // The vote sits where it was read off the map: at the fastest counted CPU's frequency, on the step above it.
          const cpuMhz = mon.voteCpuMhz || 0;
          const dot = el('circle', { class: 'vote', cx: x(cpuMhz), cy: y(mon.voteKhz / 1000), r: 5 });
          dot.appendChild(el('title', {}, 'vote ' + mon.voteKhz + ' kHz, read off the map at cpu ' + cpuMhz + ' MHz'));
          if (cpuMhz) svg.appendChild(el('line', { class: 'cpufreq', x1: x(cpuMhz), x2: x(cpuMhz), y1: y(0), y2: y(mon.voteKhz / 1000) }));
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
        root.appendChild(el('div', { class: 'meta' }, 'steps: cpu MHz -> mem MHz map; dot: the vote of each monitor, at the CPU frequency it was read off the map at (dotted); dashed: cur_khz; last plot: cur_khz (kHz) at each of the last samples'));
      });
`,
};
