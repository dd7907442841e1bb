/**
 * Inline values in a kernel listing (pure: no vscode, so it is tested
 * alone). The current line of the selected kernel frame shows every argument
 * and local; the lines of the same function above it show the ones they
 * name, as the C/C++ debugger shows a variable beside the lines that use it.
 */

/** What the adapter's kstep/frameLocals answers for a kernel frame. */
export interface ListingFrame {
  readonly path: string;
  readonly fnLine: number;
  readonly line: number;
  readonly locals: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface LineValue {
  /** 1-based line of the listing. */
  readonly line: number;
  readonly text: string;
}

/** At most this many characters of one value: a long list must not push the listing off screen. */
const MAX_VALUE = 60;
/** Pseudo-locals (`region_chg returned`) are not names the C text uses. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function short(v: string): string {
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE - 1)}…` : v;
}

/** Whether the listing document (a `debug:` URI's path, or a file path) is the frame's listing. */
export function isListingOf(docPath: string, frame: Pick<ListingFrame, 'path'>): boolean {
  const p = docPath.replace(/\\/g, '/');
  return p === frame.path || p.endsWith(`/${frame.path}`) || p.endsWith(`:${frame.path}`);
}

/**
 * The values to show: `lines` is the listing's text, `from`..`to` the
 * visible lines (1-based, inclusive).
 */
export function listingInlineValues(lines: readonly string[], frame: ListingFrame, from = 1, to = lines.length): LineValue[] {
  const out: LineValue[] = [];
  const shown = (l: number): boolean => l >= from && l <= to && l >= 1 && l <= lines.length;
  const named = frame.locals.filter((x) => IDENT.test(x.name));
  for (let l = Math.max(frame.fnLine, 1); l < frame.line; l++) {
    if (!shown(l)) continue;
    const words = new Set((lines[l - 1] ?? '').replace(/\/\/.*$|\/\*.*?\*\/|"(?:[^"\\]|\\.)*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
    const here = named.filter((x) => words.has(x.name));
    if (here.length) out.push({ line: l, text: here.map((x) => `${x.name} = ${short(x.value)}`).join(', ') });
  }
  if (shown(frame.line) && frame.locals.length) out.push({ line: frame.line, text: frame.locals.map((x) => `${x.name} = ${short(x.value)}`).join(', ') });
  return out;
}
