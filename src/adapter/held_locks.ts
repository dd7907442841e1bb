import type { Frame, KernelFn } from '../sim';
import { UserError } from './routes';

/*
 * Locks are not simulated state: a kernel function's listing shows where it
 * takes and drops them, and that is what a Debug Console statement must not
 * cut into (it would run another path of the mechanism, which in the kernel
 * would wait for the lock, in the middle of the holder's critical section).
 * A frame holds a lock when the listing, read from the function's first line
 * to the frame's line, took it and has not dropped it on the way there.
 */

const TAKE = /\b(?:spin_lock(?:_irq|_irqsave|_bh)?|mutex_lock(?:_interruptible|_killable)?|down_read|down_write|read_lock|write_lock)\s*\(\s*([^,)]+)/;
const DROP = /\b(?:spin_unlock(?:_irq|_irqrestore|_bh)?|mutex_unlock|up_read|up_write|read_unlock|write_unlock)\s*\(\s*([^,)]+)/;
/** A block whose last statement leaves it: what the block did to locks does not reach the code after it. */
const LEAVES = /^\s*(?:return\b|goto\b|break\s*;|continue\s*;)/;
const GOTO = /\bgoto\s+([A-Za-z_]\w*)/;
const LABEL = /^([A-Za-z_]\w*):\s*$/;

/** The locks a function's listing holds when it stands at `line` (`resv->lock`, `hugetlb_lock`), in the order taken. */
export function heldLocks(fn: KernelFn, line: number): string[] {
  const lines = fn.source.lines;
  let held: string[] = [];
  // The held set at each open brace, and whether the block's last statement so far leaves it.
  const saved: string[][] = [];
  let leaves = false;
  // What the gotos to each label held: the code after a label runs with it.
  const atGoto = new Map<string, string[]>();
  for (let n = fn.line; n < line && n <= lines.length; n++) {
    const text = (lines[n - 1] ?? '').replace(/\/\/.*$|\/\*.*?\*\//g, '');
    const take = TAKE.exec(text)?.[1];
    const drop = DROP.exec(text)?.[1];
    if (take !== undefined) held = [...held.filter((l) => l !== lockName(take)), lockName(take)];
    if (drop !== undefined) held = held.filter((l) => l !== lockName(drop));
    const label = LABEL.exec(text.trim())?.[1];
    if (label !== undefined && label !== 'default') {
      const via = atGoto.get(label) ?? [];
      // Reached by falling through and by its gotos, or (after a return) only by the gotos.
      held = leaves ? via : [...held, ...via.filter((l) => !held.includes(l))];
      leaves = false;
      continue;
    }
    const to = GOTO.exec(text)?.[1];
    if (to !== undefined) atGoto.set(to, [...(atGoto.get(to) ?? []), ...held.filter((l) => !(atGoto.get(to) ?? []).includes(l))]);
    if (text.trim() !== '' && !/^\s*[{}]\s*$/.test(text)) leaves = LEAVES.test(text);
    for (const ch of text) {
      if (ch === '{') {
        saved.push(held);
        leaves = false;
      } else if (ch === '}') {
        const before = saved.pop();
        // A block that ends in return/goto: the code after it runs only when the block did not.
        if (leaves && before) held = before;
        leaves = false;
      }
    }
  }
  return held;
}

function lockName(arg: string): string {
  return arg.trim().replace(/^&\s*/, '');
}

/**
 * Refuses a Debug Console statement while a kernel frame on the stack holds
 * a lock. The innermost holder is named: it is the one the statement would
 * interleave with.
 */
export function refuseUnderLock(frames: readonly Frame[]): void {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (!f) continue;
    const locks = heldLocks(f.fn, f.line);
    if (locks.length === 0) continue;
    const what = locks.join(' and ');
    throw new UserError(`${f.fn.name} holds ${what}: a statement now would interleave with it; step out or continue to the end of the statement first`);
  }
}
