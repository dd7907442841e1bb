/**
 * The Test Explorer's items of one scenario (pure: no vscode): its `proc`s
 * and `expect`s, found through the parser's statement index, each with a
 * stable id and a range. An expect inside a proc is that proc's child; the
 * rest are the file's.
 */
import type { Program } from '../sim';

/** 0-based, as the editor counts. */
export interface ItemRange {
  readonly startLine: number;
  readonly startCol: number;
  readonly endLine: number;
  readonly endCol: number;
}

export interface ScenarioItem {
  readonly kind: 'proc' | 'expect';
  /** Unique in its file: `proc:<name>` or `expect:<line>`. */
  readonly id: string;
  readonly label: string;
  /** 1-based scenario line of its statement. */
  readonly line: number;
  readonly range: ItemRange;
  readonly children: readonly ScenarioItem[];
}

/** At most this many items a file: a generated scenario with a million expects still lists quickly. */
export const MAX_ITEMS = 5_000;
const MAX_LABEL = 80;

export function scenarioItems(program: Program): ScenarioItem[] {
  const { index } = program;
  const top: ScenarioItem[] = [];
  let count = 0;
  // Walks one level: procs take the expects of their whole block (a `repeat` inside included).
  const level = (from: number, to: number, out: ScenarioItem[], inProc: boolean): void => {
    for (let i = from; i < to && count < MAX_ITEMS; i++) {
      const text = program.lineText(i);
      const col = program.column(i) - 1;
      const line = index.line(i);
      if (program.isDefinition(i) && !inProc) {
        const name = /^\s*proc\s+([A-Za-z_][\w]*)/.exec(text)?.[1];
        const end = index.next(i);
        if (!name || program.procIndex.get(name) !== i) continue;
        const children: ScenarioItem[] = [];
        count++;
        level(i + 1, end, children, true);
        const lastLine = end > i + 1 ? index.line(end - 1) : line;
        const lastText = end > i + 1 ? program.lineText(end - 1) : text;
        out.push({ kind: 'proc', id: `proc:${name}`, label: `proc ${name}`, line, range: { startLine: line - 1, startCol: col, endLine: lastLine - 1, endCol: trimmedEnd(lastText) }, children });
        i = end - 1;
        continue;
      }
      if (/^\s*expect\b/.test(text)) {
        count++;
        out.push({ kind: 'expect', id: `expect:${line}`, label: label(text.trim()), line, range: { startLine: line - 1, startCol: col, endLine: line - 1, endCol: trimmedEnd(text) }, children: [] });
      }
    }
  };
  level(0, index.count, top, false);
  return top;
}

/** Every item of the tree, parents before children. */
export function flatItems(items: readonly ScenarioItem[]): ScenarioItem[] {
  return items.flatMap((i) => [i, ...flatItems(i.children)]);
}

function label(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

function trimmedEnd(text: string): number {
  return text.replace(/\s+$/, '').length;
}
