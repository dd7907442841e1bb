import type { StatementRef } from './source';
import type { KGen } from './frames';
import type { Machine } from './machine';

/** A statement ready to run: the parsed statement and its executor. */
export interface CStmt {
  readonly stmt: StatementRef;
  readonly exec: (m: Machine) => void | KGen;
}

/**
 * The program's statements as the engine runs them, by index in line order:
 * a block is a range of indexes, and a statement is compiled when it is first
 * fetched, so a big scenario costs no executor per line until it runs.
 */
export interface Code {
  readonly count: number;
  /** Statement i, ready to run. */
  at(i: number): CStmt;
  /** The next index at i's level: past i and, for a block header, its block. */
  next(i: number): number;
  /** A definition (`proc`) is skipped where it stands. */
  isDefinition(i: number): boolean;
}

/**
 * One level of the scenario's own control flow. Kept as plain data (not a
 * generator) so a history snapshot can copy it and replay can resume it.
 */
export interface Block {
  /** The block's statements: indexes start..end of the Code, run at their level. */
  readonly start: number;
  readonly end: number;
  pc: number;
  /** Iterations still to run after this one (`repeat`). */
  left: bigint;
  readonly kind: 'top' | 'repeat' | 'proc';
  /** The `call` that opened a proc block: its line is the caller frame's position. */
  readonly call?: CStmt;
  readonly name?: string;
}

export const MAX_CALL_DEPTH = 200;

export class ControlStack {
  blocks: Block[];
  /** The statement fetched last: where the innermost scenario frame is. */
  current: CStmt | undefined;
  callDepth = 0;

  constructor(readonly code: Code) {
    this.blocks = [{ start: 0, end: code.count, pc: 0, left: 0n, kind: 'top' }];
  }

  /** The next statement to run, or undefined when the scenario is finished. */
  fetch(): CStmt | undefined {
    for (;;) {
      const b = this.blocks[this.blocks.length - 1];
      if (!b) return undefined;
      if (b.pc < b.end) {
        const i = b.pc;
        b.pc = this.code.next(i);
        if (this.code.isDefinition(i)) continue;
        const s = this.code.at(i);
        this.current = s;
        return s;
      }
      if (b.kind === 'repeat' && b.left > 0n) {
        b.left--;
        b.pc = b.start;
        continue;
      }
      this.blocks.pop();
      if (b.kind === 'proc') this.callDepth--;
      if (b.kind === 'top') return undefined;
    }
  }

  /** Runs statements start..end `times` times. */
  pushRepeat(start: number, end: number, times: bigint): void {
    if (times <= 0n || start >= end) return;
    this.blocks.push({ start, end, pc: start, left: times - 1n, kind: 'repeat' });
  }

  pushProc(start: number, end: number, call: CStmt, name: string): void {
    this.blocks.push({ start, end, pc: start, left: 0n, kind: 'proc', call, name });
    this.callDepth++;
  }

  /** Scenario frames, outermost first: the top level and one per `call`, each with the statement it is at. */
  scenarioFrames(): Array<{ name: string; at: CStmt | undefined }> {
    const out: Array<{ name: string; at: CStmt | undefined }> = [{ name: 'scenario', at: undefined }];
    for (const b of this.blocks) {
      if (b.kind !== 'proc') continue;
      (out[out.length - 1] as { at: CStmt | undefined }).at = b.call;
      out.push({ name: b.name ?? 'proc', at: undefined });
    }
    (out[out.length - 1] as { at: CStmt | undefined }).at = this.current;
    return out;
  }

  clone(): ControlStack {
    const c = Object.create(ControlStack.prototype) as ControlStack & { code: Code };
    c.code = this.code;
    c.blocks = this.blocks.map((b) => ({ ...b }));
    c.current = this.current;
    c.callDepth = this.callDepth;
    return c;
  }
}

/** A straight list of statements as Code: no blocks, nothing to compile. */
export function listCode(stmts: readonly CStmt[]): Code {
  return {
    count: stmts.length,
    at: (i) => stmts[i] as CStmt,
    next: (i) => i + 1,
    isDefinition: () => false,
  };
}
