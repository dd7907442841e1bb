import type { KernelSource } from '../core/frames';

/**
 * Reads a reference patch (a mailing-list post: a plain or quoted `> `
 * unified diff) and maps each line it adds to the listing lines that render
 * it, by normalized text. Used to (re)generate patch_lines.ts from the
 * references; kstep itself only reads that table.
 */

export interface AddedLine {
  /** 1-based line of the post. */
  readonly at: number;
  readonly file: string;
  readonly hunk: string;
  /** The kernel function the line is in, as the hunk tells it (may be ''). */
  readonly fn: string;
  readonly text: string;
}

export interface MappedLine extends AddedLine {
  readonly listing: string;
  readonly lines: readonly number[];
}

const DIFF = /^diff --git a\/(\S+) b\/(\S+)/;
const HUNK = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/;
/** A C function's first line: a name followed by `(` at column 0, not a declaration. */
const FN_START = /^(?:[A-Za-z_][\w\s*]*?[\s*])?([A-Za-z_]\w*)\s*\(/;

export function addedLines(post: string): AddedLine[] {
  const out: AddedLine[] = [];
  let file = '';
  let hunk = '';
  let fn = '';
  post.split('\n').forEach((raw, i) => {
    const quoted = /^> ?/.exec(raw);
    const row = quoted ? raw.slice(quoted[0].length) : raw;
    const d = DIFF.exec(row);
    if (d) {
      file = d[2] as string;
      hunk = '';
      return;
    }
    const h = HUNK.exec(row);
    if (h && file) {
      hunk = row;
      fn = FN_START.exec(h[1] ?? '')?.[1] ?? '';
      return;
    }
    if (!hunk || row.startsWith('+++') || row.startsWith('---')) return;
    const tag = row[0];
    if (tag !== '+' && tag !== ' ' && tag !== '-') return;
    const text = row.slice(1);
    if (tag !== '-') {
      const f = FN_START.exec(text);
      if (f && !/;\s*$/.test(text) && !/^(if|while|for|switch|return)\b/.test(text)) fn = f[1] as string;
    }
    if (tag === '+') out.push({ at: i + 1, file, hunk, fn, text });
  });
  return out;
}

/** The line without comments and whitespace, '' when nothing is left that could be matched. */
export function normalize(line: string): string {
  const t = line
    .replace(/\/\*.*?\*\//g, '')
    .replace(/\/\/.*$/, '')
    .replace(/\s+/g, '');
  if (/^(\/\*|\*|#)/.test(t) || /^[{}();,]*$/.test(t)) return '';
  return t;
}

/** Lines that say too little to be placed without the function they are in. */
const DISTINCT = 20;

/** The kernel file a listing renders: `mm/hugetlb.c (pool)` renders mm/hugetlb.c. */
export function kernelPath(listing: string): string {
  return listing.replace(/\s*\(.*\)$/, '');
}

/** Each function's lines: from after the previous function's closing brace (its signature may span lines) to the next one's. */
export function fnRanges(src: KernelSource): Array<{ name: string; from: number; to: number }> {
  const fns = [...src.functions.values()].sort((a, b) => a.line - b.line);
  const starts = fns.map((f) => {
    let k = f.line - 1;
    while (k >= 1 && !(src.lines[k - 1] ?? '').startsWith('}')) k--;
    return k + 1;
  });
  return fns.map((f, i) => ({ name: f.name, from: starts[i] ?? f.line, to: (starts[i + 1] ?? src.lines.length + 1) - 1 }));
}

/**
 * Each added line placed in the listings. A line of a function goes to that
 * function's listing (the same kernel file's, else one that renders the
 * function elsewhere: a header's inline function), to the first line that
 * renders it after the previous line placed there, so repeated text
 * (`return NULL;`) follows the patch's order; a function no listing renders
 * is not modelled. A line outside any function the hunk names is placed
 * only when it is distinctive, in the same kernel file's listings.
 */
export function mapAdded(added: readonly AddedLine[], sources: readonly KernelSource[]): MappedLine[] {
  const norm = new Map(sources.map((s) => [s, s.lines.map(normalize)]));
  const ranges = new Map(sources.map((s) => [s, fnRanges(s)]));
  const cursor = new Map<string, number>();
  const out: MappedLine[] = [];
  for (const a of added) {
    const key = normalize(a.text);
    if (!key) continue;
    const same = sources.filter((s) => kernelPath(s.path) === a.file);
    const withFn = (srcs: readonly KernelSource[]): KernelSource | undefined => srcs.find((s) => ranges.get(s)?.some((r) => r.name === a.fn));
    const src = a.fn ? (withFn(same) ?? withFn(sources)) : undefined;
    let found: { src: KernelSource; lines: number[] } | undefined;
    if (src) {
      const r = ranges.get(src)?.find((x) => x.name === a.fn);
      const lines = (norm.get(src) ?? []).flatMap((n, k) => (n === key && r && k + 1 >= r.from && k + 1 <= r.to ? [k + 1] : []));
      const at = cursor.get(`${src.path}\0${a.fn}`) ?? 0;
      const line = lines.find((l) => l > at) ?? lines[0];
      if (line !== undefined) {
        cursor.set(`${src.path}\0${a.fn}`, line);
        found = { src, lines: [line] };
      }
    } else if (!a.fn && key.length >= DISTINCT) {
      for (const s of same) {
        const lines = (norm.get(s) ?? []).flatMap((n, k) => (n === key ? [k + 1] : []));
        if (lines.length === 1) {
          found = { src: s, lines };
          break;
        }
      }
    }
    if (found) out.push({ ...a, listing: found.src.path, lines: found.lines });
  }
  return out;
}

/** The listing lines that render one reference patch's added lines: what `kstep coverage --patches` reads. */
export interface PatchTable {
  /** The post's number: `004`. */
  readonly id: string;
  readonly post: string;
  readonly title: string;
  /** Added lines that carry code (not blank, comment or preprocessor lines), modelled or not. */
  readonly codeLines: number;
  /** `<file> @@ ... @@ <context>` of each hunk with a modelled line. */
  readonly hunks: readonly string[];
  /** [line of the post, hunk index, listing path, listing line, added text], in the post's order. */
  readonly lines: ReadonlyArray<readonly [number, number, string, number, string]>;
}

export function patchTable(post: string, text: string, sources: readonly KernelSource[]): PatchTable {
  const added = addedLines(text);
  const hunks: string[] = [];
  const lines = mapAdded(added, sources).flatMap((m) => {
    const h = `${m.file} ${m.hunk}`;
    if (!hunks.includes(h)) hunks.push(h);
    return m.lines.map((l) => [m.at, hunks.indexOf(h), m.listing, l, m.text.trim()] as const);
  });
  const title = (text.split('\n').find((l) => l.trim()) ?? post).trim().replace(/^(Re:\s*)+/i, '');
  return { id: post.slice(0, 3), post, title, codeLines: added.filter((a) => normalize(a.text)).length, hunks, lines };
}

/** The generated module's text. */
export function patchTablesSource(tables: readonly PatchTable[]): string {
  const body = tables.map((t) => `  ${JSON.stringify(t)},`).join('\n');
  return [
    '// Generated from the reference patches by test/coverage/patch_lines.test.ts (KSTEP_UPDATE_PATCHES=1): do not edit.',
    "import type { PatchTable } from './patch_map';",
    '',
    '/** Per reference patch, the listing lines that render the lines it adds. */',
    'export const PATCH_TABLES: readonly PatchTable[] = [',
    body,
    '];',
    '',
  ].join('\n');
}
