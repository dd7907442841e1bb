/**
 * The time base and the ordered event queue behind `advance`. Events are
 * plain data (kind + payload) so that history snapshots can copy them;
 * subsystems register a handler per kind.
 */
export interface SimEvent {
  /** Due time in nanoseconds of simulated time. */
  readonly due: bigint;
  /** Tie-breaker: events due at the same time fire in the order they were queued. */
  readonly seq: number;
  readonly kind: string;
  readonly data: unknown;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(due: bigint, kind: string, data: unknown): SimEvent {
    const e: SimEvent = { due, seq: this.seq++, kind, data };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as SimEvent, h[p] as SimEvent)) break;
      [h[i], h[p]] = [h[p] as SimEvent, h[i] as SimEvent];
      i = p;
    }
    return e;
  }

  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as SimEvent, h[m] as SimEvent)) m = l;
        if (r < h.length && before(h[r] as SimEvent, h[m] as SimEvent)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as SimEvent, h[i] as SimEvent];
        i = m;
      }
    }
    return top;
  }

  /** Removes every event matching the predicate (a timer reprogrammed before it fired). */
  remove(pred: (e: SimEvent) => boolean): void {
    const keep = this.heap.filter((e) => !pred(e));
    if (keep.length === this.heap.length) return;
    this.heap = [];
    for (const e of keep.sort((a, b) => (before(a, b) ? -1 : 1))) this.heap.push(e);
  }

  /** Events in firing order, for the Variables view. */
  ordered(): SimEvent[] {
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1));
  }

  snapshot(): { heap: SimEvent[]; seq: number } {
    return { heap: this.heap.slice(), seq: this.seq };
  }

  restore(s: { heap: SimEvent[]; seq: number }): void {
    this.heap = s.heap.slice();
    this.seq = s.seq;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
