import type { Machine, StateNode, Subsystem, Value } from '../sim';
import { formatValue, isRecordValue, nodeValue, Sym } from '../sim';

/** The hugetlb pool and maps, as far as this drawing reads them. */
interface Hugetlb extends Subsystem {
  readonly pool: { total: number; free: number; rsvd: number; surp: number };
  readonly files: ReadonlyMap<string, { name: string; regions: { slice(a: number, b: number): Array<readonly [number, number]>; length: number }; addsInProgress: number; regionCacheCount: number }>;
}

/** Regions sent to the state picture per file; the picture says when a map holds more. */
const MAX_REGIONS = 4096;
/** Pages drawn per task in the `mm` section; the picture says how many more there are. */
export const MAX_PAGES = 4096;
/** VMAs listed per task once MAX_PAGES are drawn; the rest only count. */
const MAX_VMAS = 64;

/** One SynIC message slot: free (type null) or occupied with its message type. */
export interface SlotPicture {
  readonly type: string | null;
  readonly size: number;
  readonly pending: boolean;
}

export interface TimerPicture {
  readonly enabled: boolean;
  readonly periodic: boolean;
  readonly sint: number;
  readonly count: string;
  readonly expiresAt: string;
  readonly pending: boolean;
  readonly fired: number;
}

export interface VpPicture {
  readonly vp: number;
  readonly started: boolean;
  /** The 16 message slots of the SIMP, by SINT (all free while the SIMP is disabled). */
  readonly slots: readonly SlotPicture[];
  /** SINTn.masked, by SINT. */
  readonly masked: readonly boolean[];
  readonly timers: readonly TimerPicture[];
}

export interface MonitorPicture {
  readonly name: string;
  readonly type: string;
  readonly cpus: readonly number[];
  readonly voteKhz: number;
  /** The freq map as steps: [cpu MHz, mem MHz] rows. */
  readonly map: ReadonlyArray<readonly [number, number]>;
}

export interface MemoryGroupPicture {
  readonly hwType: number;
  readonly minKhz: number;
  readonly maxKhz: number;
  readonly curKhz: number;
  readonly running: boolean;
  readonly monitors: readonly MonitorPicture[];
  /** The last samples, oldest first: [time ms, cur_khz]. */
  readonly history: ReadonlyArray<readonly [number, number]>;
}

/** Page cells of one VMA: one character per page, see PAGE_CELL. */
export interface VmaPicture {
  readonly start: string;
  readonly end: string;
  readonly prot: string;
  readonly pages: number;
  readonly cells: string;
}

export type MmPicture =
  | { readonly kind: 'task'; readonly task: string; readonly rss: number; readonly vmas: readonly VmaPicture[]; readonly vmaCount: number; readonly pages: number; readonly shown: number }
  | { readonly kind: 'device'; readonly device: string; readonly type: string; readonly pages: number; readonly free: number; readonly used: number; readonly failed: boolean };

/**
 * The cell character of each PTE kind in VmaPicture.cells; a present PTE is
 * drawn by the zone of its page: `p` NORMAL, `c` DEVICE (coherent), `h` a huge
 * page. Anything else draws as `?`.
 */
export const PAGE_CELL: Readonly<Record<string, string>> = { none: '.', present: 'p', present_device: 'c', present_huge: 'h', device_private: 'd', migration: 'm' };

/**
 * What the editor's state picture draws at a stop: one section per
 * mechanism (resv_map regions, SynIC slots and timers, memlat votes, page
 * maps). A section the scenario has not used is an empty list, which the page
 * skips. Everything is plain numbers and strings: it goes over DAP as JSON.
 */
export interface PictureData {
  readonly step: number;
  readonly timeNs: string;
  readonly line: number | undefined;
  /** The hstate pool's counters: one entry once the pool has pages or reservations, else none. */
  readonly hugetlbPool: ReadonlyArray<{ readonly total: number; readonly free: number; readonly rsvd: number; readonly surp: number }>;
  readonly hugetlb: ReadonlyArray<{
    readonly file: string;
    readonly regions: ReadonlyArray<readonly [number, number]>;
    readonly total: number;
    readonly addsInProgress: number;
    readonly regionCacheCount: number;
  }>;
  /** One entry per VP, empty before the partition exists. */
  readonly hyperv: readonly VpPicture[];
  /** One entry per memlat memory group. */
  readonly memlat: readonly MemoryGroupPicture[];
  /** Tasks with VMAs, then devices. */
  readonly mm: readonly MmPicture[];
}

export function pictureOf(m: Machine): PictureData {
  const h = m.subsystems.find((s) => s.name === 'hugetlb') as Hugetlb | undefined;
  return {
    step: m.step,
    timeNs: m.now.toString(),
    line: m.statement?.line,
    hugetlbPool: h && (h.pool.total || h.pool.rsvd) ? [{ ...h.pool }] : [],
    hugetlb: h
      ? [...h.files.values()].map((r) => ({
          file: r.name,
          regions: r.regions.slice(0, Math.min(MAX_REGIONS, r.regions.length)),
          total: r.regions.length,
          addsInProgress: r.addsInProgress,
          regionCacheCount: r.regionCacheCount,
        }))
      : [],
    hyperv: hypervOf(m),
    memlat: memlatOf(m),
    mm: mmOf(m),
  };
}

function child(n: StateNode | undefined, ...path: Array<string | number>): StateNode | undefined {
  let cur = n;
  for (const k of path) {
    if (!cur) return undefined;
    if (typeof k === 'number') cur = cur.kind === 'list' && k < cur.length() ? cur.item(k) : undefined;
    else cur = cur.kind === 'record' ? cur.child(k) : undefined;
  }
  return cur;
}

function val(n: StateNode | undefined): Value | undefined {
  return n ? nodeValue(n) : undefined;
}

function num(v: Value | undefined): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Sym) return v.num !== undefined ? Number(v.num) : 0;
  if (typeof v === 'string') return Number(v) || 0;
  return 0;
}

function big(v: Value | undefined): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof Sym && v.num !== undefined) return v.num;
  return 0n;
}

function str(v: Value | undefined): string {
  if (v === undefined) return '';
  if (v instanceof Sym) return v.name;
  if (typeof v === 'string') return v;
  return formatValue(v);
}

function hypervOf(m: Machine): VpPicture[] {
  const partition = m.root('partition');
  if (val(child(partition, 'created')) !== true) return [];
  const vps = m.root('vp');
  if (!vps || vps.kind !== 'list') return [];
  const out: VpPicture[] = [];
  for (let i = 0; i < vps.length(); i++) {
    const vp = vps.item(i);
    const msg = child(vp, 'synic', 'msg');
    const slots: SlotPicture[] = [];
    const masked: boolean[] = [];
    for (let s = 0; s < 16; s++) {
      const slot = val(child(msg, s));
      const rec = slot !== undefined && isRecordValue(slot) ? slot : {};
      const type = rec['type'];
      const free = type === undefined || big(type) === 0n;
      slots.push({
        type: free ? null : type instanceof Sym ? type.name : typeof type === 'bigint' ? `0x${type.toString(16)}` : str(type),
        size: num(rec['payload_size']),
        pending: rec['pending'] === true,
      });
      masked.push(val(child(vp, 'reg', `SINT${s}`, 'masked')) === true);
    }
    const timers: TimerPicture[] = [];
    const st = child(vp, 'stimer');
    const nt = st && st.kind === 'list' ? st.length() : 0;
    for (let k = 0; k < nt; k++) {
      const t = val(child(st, k));
      const rec = t !== undefined && isRecordValue(t) ? t : {};
      const config = big(rec['config']);
      timers.push({
        enabled: rec['enabled'] === true,
        periodic: (config & 2n) !== 0n,
        sint: Number((config >> 16n) & 0xfn),
        count: big(rec['count']).toString(),
        expiresAt: big(rec['expires_at']).toString(),
        pending: rec['pending'] === true,
        fired: num(rec['fired']),
      });
    }
    out.push({ vp: num(val(child(vp, 'index'))), started: val(child(vp, 'started')) === true, slots, masked, timers });
  }
  return out;
}

function memlatOf(m: Machine): MemoryGroupPicture[] {
  const memlat = m.root('memlat');
  const groups = child(memlat, 'memory');
  if (!groups || groups.kind !== 'list') return [];
  const running = val(child(memlat, 'running')) === true;
  const out: MemoryGroupPicture[] = [];
  for (let g = 0; g < groups.length(); g++) {
    const grp = groups.item(g);
    const mons = child(grp, 'monitor');
    const monitors: MonitorPicture[] = [];
    for (let i = 0; mons && mons.kind === 'list' && i < mons.length(); i++) {
      const mon = mons.item(i);
      const map = val(child(mon, 'map'));
      const cpus = val(child(mon, 'cpus'));
      monitors.push({
        name: str(val(child(mon, 'name'))),
        type: str(val(child(mon, 'mon_type'))),
        cpus: Array.isArray(cpus) ? cpus.map((c) => num(c as Value)) : [],
        voteKhz: num(val(child(mon, 'vote_khz'))),
        map: Array.isArray(map)
          ? map.map((r) => {
              const row = Array.isArray(r) ? (r as readonly Value[]) : [];
              return [num(row[0]), num(row[1])] as const;
            })
          : [],
      });
    }
    out.push({
      hwType: num(val(child(grp, 'hw_type'))),
      minKhz: num(val(child(grp, 'min_khz'))),
      maxKhz: num(val(child(grp, 'max_khz'))),
      curKhz: num(val(child(grp, 'cur_khz'))),
      running,
      monitors,
      history: ((): Array<readonly [number, number]> => {
        const h = val(child(grp, 'history'));
        return Array.isArray(h) ? h.map((p) => (Array.isArray(p) ? ([num(p[0] as Value), num(p[1] as Value)] as const) : ([0, 0] as const))) : [];
      })(),
    });
  }
  return out;
}

function mmOf(m: Machine): MmPicture[] {
  const out: MmPicture[] = [];
  const tasks = m.root('task');
  if (tasks && tasks.kind === 'record') {
    for (const name of tasks.keys()) {
      const t = tasks.child(name);
      const vmaNode = child(t, 'vma');
      const vmaList = val(vmaNode);
      if (!Array.isArray(vmaList) || vmaList.length === 0) continue;
      const pte = child(t, 'pte');
      // Drawn pages are looked up by address, so a task with a million PTEs costs MAX_PAGES lookups per stop.
      const pages = m.root('page');
      const kindAt = (vpn: bigint): string => {
        if (!pte || pte.kind !== 'list' || !pte.lookup) return 'none';
        const e = pte.lookup(vpn << 12n);
        const kind = str(val(child(e, 'kind'))) || 'none';
        if (kind !== 'present' || !pages || pages.kind !== 'list' || !pages.lookup) return kind;
        const page = pages.lookup(big(val(child(e, 'pfn'))));
        if (val(child(page, 'hugetlb')) === true) return 'present_huge';
        return str(val(child(page, 'zone'))) === 'DEVICE' ? 'present_device' : 'present';
      };
      let budget = MAX_PAGES;
      let npages = 0;
      const vmas: VmaPicture[] = [];
      for (const v of vmaList as readonly Value[]) {
        if (!isRecordValue(v)) continue;
        const start = big(v['start']) >> 12n;
        const end = big(v['end']) >> 12n;
        const count = Number(end - start);
        npages += count;
        if (budget === 0 && vmas.length >= MAX_VMAS) continue;
        const take = Math.max(0, Math.min(budget, count));
        budget -= take;
        let cells = '';
        for (let k = 0; k < take; k++) cells += PAGE_CELL[kindAt(start + BigInt(k))] ?? '?';
        vmas.push({ start: `0x${(start << 12n).toString(16)}`, end: `0x${(end << 12n).toString(16)}`, prot: str(v['prot']), pages: count, cells });
      }
      out.push({ kind: 'task', task: name, rss: num(val(child(t, 'rss'))), vmas, vmaCount: vmaList.length, pages: npages, shown: MAX_PAGES - budget });
    }
  }
  const devs = m.root('dev');
  if (devs && devs.kind === 'record') {
    for (const name of devs.keys()) {
      const d = devs.child(name);
      out.push({
        kind: 'device',
        device: name,
        type: str(val(child(d, 'type'))),
        pages: num(val(child(d, 'pages'))),
        free: num(val(child(d, 'free'))),
        used: num(val(child(d, 'used'))),
        failed: val(child(d, 'failed')) === true,
      });
    }
  }
  return out;
}

/** The latest `last` results by line, for inline values. */
export function recentResults(m: Machine): Array<{ line: number; text: string }> {
  return m.recent.map((r) => ({ line: r.line, text: `last = ${formatValue(r.last)}` }));
}
