/**
 * The Outline of a scenario: its sections and its procs. A section is a
 * comment line that starts with `##` (`## Setup`); it holds what follows up
 * to the next section. Runs in the worker: it reads the whole file.
 */

export interface OutlineSymbol {
  readonly name: string;
  readonly kind: 'section' | 'proc';
  /** 0-based lines, end inclusive. */
  readonly line: number;
  readonly endLine: number;
  /** Where the name is written on its line: the selection range. */
  readonly nameCol: number;
  readonly children: OutlineSymbol[];
}

/** Symbols kept for one file: a generated file with a proc on every line is not listed whole. */
export const MAX_SYMBOLS = 5_000;

const SECTION = /^(\s*##\s*)(\S.*?)\s*$/;
const PROC = /^(\s*proc\s+)([A-Za-z_]\w*)\s*\{\s*(#.*)?$/;

interface Open {
  sym: { -readonly [K in keyof OutlineSymbol]: OutlineSymbol[K] };
  depth: number;
}

/** Each line of `text` with its 0-based number, read in place (a huge file is not split into an array first). */
function* linesOf(text: string): Generator<[number, string]> {
  let line = 0;
  for (let at = 0; at <= text.length; line++) {
    const nl = text.indexOf('\n', at);
    yield [line, text.slice(at, nl < 0 ? text.length : nl)];
    at = nl < 0 ? text.length + 1 : nl + 1;
  }
}

export function outline(text: string): OutlineSymbol[] {
  const top: OutlineSymbol[] = [];
  let section: Open['sym'] | undefined;
  let proc: Open | undefined;
  let depth = 0;
  let count = 0;
  let lines = 0;
  for (const [line, l] of linesOf(text)) {
    lines = line + 1;
    const code = l.replace(/#.*$/, '').trim();
    const s = count < MAX_SYMBOLS && depth === 0 ? SECTION.exec(l) : null;
    if (s && !/^\s*###/.test(l)) {
      if (section) section.endLine = line - 1;
      const title = s[2] as string;
      const name = title.replace(/^-+\s*|\s*-+$/g, '') || title;
      // The selection is the name itself: `Checks` in `## ---- Checks ----`, not the dashes before it.
      section = { name, kind: 'section', line, endLine: line, nameCol: (s[1] as string).length + title.indexOf(name), children: [] };
      top.push(section);
      count++;
      continue;
    }
    const p = count < MAX_SYMBOLS && depth === 0 ? PROC.exec(l) : null;
    if (p) {
      const sym: Open['sym'] = { name: p[2] as string, kind: 'proc', line, endLine: line, nameCol: (p[1] as string).length, children: [] };
      (section ? section.children : top).push(sym);
      proc = { sym, depth: 1 };
      count++;
      depth = 1;
      continue;
    }
    if (code.endsWith('{')) depth++;
    else if (code.startsWith('}')) {
      depth = Math.max(0, depth - 1);
      if (proc && depth === 0) {
        proc.sym.endLine = line;
        proc = undefined;
      }
    }
    if (section) section.endLine = line;
  }
  if (proc) proc.sym.endLine = lines - 1;
  return top;
}

/**
 * Where `proc name {` is defined at the top level of `text`: the same reading
 * as the Outline's, without its cap on symbols (Go to Definition must find a
 * proc after thousands of sections). Runs in the worker, within its budget.
 */
export function procDefinition(text: string, name: string): { line: number; nameCol: number } | undefined {
  let depth = 0;
  for (const [line, l] of linesOf(text)) {
    const p = depth === 0 ? PROC.exec(l) : null;
    if (p && p[2] === name) return { line, nameCol: (p[1] as string).length };
    const code = l.replace(/#.*$/, '').trim();
    if (code.endsWith('{')) depth++;
    else if (code.startsWith('}')) depth = Math.max(0, depth - 1);
  }
  return undefined;
}
