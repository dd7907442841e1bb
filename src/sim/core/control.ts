import type { StatementRef } from './source';
import type { KGen } from './frames';
import type { Machine } from './machine';

/** A statement ready to run: the parsed statement and its executor. */
export interface CStmt {
  readonly stmt: StatementRef;
  readonly exec: (m: Machine) => void | KGen;
}

/**
 * One level of the scenario's own control flow. Kept as plain data (not a
 * generator) so a history snapshot can copy it and replay can resume it.
 */
export interface Block {
  readonly body: readonly CStmt[];
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

  constructor(top: readonly CStmt[]) {
    this.blocks = [{ body: top, pc: 0, left: 0n, kind: 'top' }];
  }

  /** The next statement to run, or undefined when the scenario is finished. */
  fetch(): CStmt | undefined {
    for (;;) {
      const b = this.blocks[this.blocks.length - 1];
      if (!b) return undefined;
      if (b.pc < b.body.length) {
        const s = b.body[b.pc++] as CStmt;
        this.current = s;
        return s;
      }
      if (b.kind === 'repeat' && b.left > 0n) {
        b.left--;
        b.pc = 0;
        continue;
      }
      this.blocks.pop();
      if (b.kind === 'proc') this.callDepth--;
      if (b.kind === 'top') return undefined;
    }
  }

  pushRepeat(body: readonly CStmt[], times: bigint): void {
    if (times <= 0n || body.length === 0) return;
    this.blocks.push({ body, pc: 0, left: times - 1n, kind: 'repeat' });
  }

  pushProc(body: readonly CStmt[], call: CStmt, name: string): void {
    this.blocks.push({ body, pc: 0, left: 0n, kind: 'proc', call, name });
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
    const c = Object.create(ControlStack.prototype) as ControlStack;
    c.blocks = this.blocks.map((b) => ({ ...b }));
    c.current = this.current;
    c.callDepth = this.callDepth;
    return c;
  }
}
