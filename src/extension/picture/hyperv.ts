import type { SectionDrawer } from './page';

/** Each VP's SynIC: the 16 message slots with msg_pending and the SINT masks, then its synthetic timers. */
export const hypervDrawer: SectionDrawer = {
  section: 'hyperv',
  hint: 'a Hyper-V partition',
  css: `
  .free { fill: var(--vscode-editorWidget-background, transparent); stroke: var(--vscode-descriptionForeground); }
  .occupied { fill: var(--vscode-charts-blue); }
  .pendingmark { fill: var(--vscode-charts-orange); }
  .maskedmark { fill: var(--vscode-charts-red); }
  .unmasked { fill: var(--vscode-charts-green); }
  table.timers { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
  table.timers td, table.timers th { padding: 1px 10px 1px 0; text-align: left; }
`,
  body: `
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
`,
};
