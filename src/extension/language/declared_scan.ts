/**
 * The names a document declares, for completion: read on the extension
 * host's main thread, so within bounds of lines and characters, and once per
 * document version rather than on every completion request. The whole
 * document is read (procs are usually defined below their `call`); a longer
 * one, the window of lines around the cursor.
 */
import type { DeclaredNames, VerbTable } from '../../sim';
import { declaredNames } from '../../sim';

/** Lines read for declared names. */
export const DECLARED_SCAN_LINES = 20_000;
/** A line longer than this declares nothing worth completing (a generated blob): skipped. */
export const DECLARED_LINE_CHARS = 1_024;
/** Characters read in all: the scan stops there. */
export const DECLARED_SCAN_CHARS = 2_000_000;
/** A long document's window starts on a multiple of this: the cursor moving a little reuses the scan. */
const WINDOW_STEP = 1_000;

/** The part of a document the scan reads: what vscode.TextDocument gives. */
export interface LineSource {
  readonly lineCount: number;
  lineAt(line: number): { readonly text: string };
}

/** The first line read: 0 for a document within DECLARED_SCAN_LINES, else the window around the cursor. */
export function scanStart(lineCount: number, cursorLine: number): number {
  if (lineCount <= DECLARED_SCAN_LINES) return 0;
  const centred = Math.floor(Math.max(0, cursorLine - DECLARED_SCAN_LINES / 2) / WINDOW_STEP) * WINDOW_STEP;
  return Math.min(centred, lineCount - DECLARED_SCAN_LINES);
}

/** The lines of the window from `first`, short ones only, up to DECLARED_SCAN_CHARS; `read` counts the lines looked at. */
export function* scannedLines(doc: LineSource, first: number, read: (n: number) => void): Generator<string> {
  const end = Math.min(doc.lineCount, first + DECLARED_SCAN_LINES);
  let chars = 0;
  for (let i = first; i < end; i++) {
    const text = doc.lineAt(i).text;
    read(1);
    if (text.length > DECLARED_LINE_CHARS) continue;
    chars += text.length + 1;
    if (chars > DECLARED_SCAN_CHARS) return;
    yield text;
  }
}

/** Declared names of each open document, for the version they were read at. */
export class DeclaredNamesCache {
  private readonly entries = new Map<string, { version: number; first: number; names: DeclaredNames }>();
  private read = 0;

  constructor(private readonly verbs: VerbTable) {}

  /** Lines read since this cache was made: a second request at the same version reads none. */
  get linesRead(): number {
    return this.read;
  }

  namesAt(uri: string, version: number, doc: LineSource, cursorLine: number): DeclaredNames {
    const first = scanStart(doc.lineCount, cursorLine);
    const e = this.entries.get(uri);
    if (e && e.version === version && e.first === first) return e.names;
    const names = declaredNames(scannedLines(doc, first, (n) => (this.read += n)), this.verbs);
    this.entries.set(uri, { version, first, names });
    return names;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
