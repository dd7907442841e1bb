import { PAGE_CELL } from '../../sim';
import type { SectionDrawer } from './page';

/** The page's reading of VmaPicture.cells: the simulator's PAGE_CELL turned around, so the two cannot drift apart. */
const PAGE_KIND = Object.fromEntries(Object.entries(PAGE_CELL).map(([kind, cell]) => [cell, kind]));

/** Each task's page tables as a map of page cells, VMA by VMA, then the devices' page counts. */
export const mmDrawer: SectionDrawer = {
  section: 'mm',
  hint: 'VMAs',
  css: `
  .pg-none { fill: var(--vscode-descriptionForeground); opacity: 0.25; }
  .pg-present { fill: var(--vscode-charts-blue); }
  .pg-present_device { fill: var(--vscode-charts-green); }
  .pg-present_huge { fill: var(--vscode-charts-orange); }
  .pg-device_private { fill: var(--vscode-charts-purple); }
  .pg-migration { fill: var(--vscode-charts-yellow); }
  .pg-device_exclusive { fill: var(--vscode-charts-purple); opacity: 0.55; }
  .pg-unknown { fill: var(--vscode-charts-red); }
  .pg-present_file { fill: var(--vscode-charts-foreground); }
  .pg-present_pmem { fill: var(--vscode-charts-green); opacity: 0.55; }
  .legend span { margin-right: 1.2em; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
  .legend i.pg-none { background: var(--vscode-descriptionForeground); opacity: 0.25; }
  .legend i.pg-present { background: var(--vscode-charts-blue); }
  .legend i.pg-present_device { background: var(--vscode-charts-green); }
  .legend i.pg-present_huge { background: var(--vscode-charts-orange); }
  .legend i.pg-device_private { background: var(--vscode-charts-purple); }
  .legend i.pg-migration { background: var(--vscode-charts-yellow); }
  .legend i.pg-device_exclusive { background: var(--vscode-charts-purple); opacity: 0.55; }
  .legend i.pg-present_file { background: var(--vscode-charts-foreground); }
  .legend i.pg-present_pmem { background: var(--vscode-charts-green); opacity: 0.55; }
`,
  setup: `
  const PAGE_KIND = ${JSON.stringify(PAGE_KIND)};
  const PAGE_LABEL = { none: 'none', present: 'present (NORMAL)', present_device: 'present (DEVICE: coherent)', present_huge: 'present (huge page)', device_private: 'device_private', migration: 'migration', device_exclusive: 'device_exclusive (atomic for a device)', present_file: 'present (page cache)', present_pmem: 'present (pmem, devmap)' };
`,
  body: `
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
          root.appendChild(el('div', { class: 'meta' }, '[' + v.start + ', ' + v.end + ') ' + v.prot + (v.mapping ? ' · ' + v.mapping : '') + ' · ' + v.pages + ' pages'));
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
`,
};
