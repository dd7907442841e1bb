import type { ExceptionKind } from './breakpoints';
import type { SimException } from './stop';

type Formatter = (a: unknown, b: unknown, c: unknown) => string;

/**
 * The exception raised at the current step point. A fault path raises at
 * every fault and most are never looked at, so a lazy raise keeps its
 * formatter and arguments in plain fields and builds the text for its first
 * reader: a raise allocates nothing.
 */
export class Raised {
  private exc: SimException | undefined;
  private laterKind: ExceptionKind | undefined;
  private laterLine: number | undefined;
  private laterFmt: Formatter | undefined;
  private laterA: unknown;
  private laterB: unknown;
  private laterC: unknown;

  /** The kind, without building the message. */
  get kind(): ExceptionKind | undefined {
    return this.laterKind ?? this.exc?.kind;
  }

  get(): SimException | undefined {
    const kind = this.laterKind;
    if (kind !== undefined) {
      this.laterKind = undefined;
      const line = this.laterLine;
      this.exc = { kind, message: (this.laterFmt as Formatter)(this.laterA, this.laterB, this.laterC), ...(line !== undefined ? { line } : {}) };
      this.laterFmt = this.laterA = this.laterB = this.laterC = undefined;
    }
    return this.exc;
  }

  set(e: SimException | undefined): void {
    this.laterKind = undefined;
    this.exc = e;
  }

  later<A, B, C>(kind: ExceptionKind, line: number | undefined, fmt: (a: A, b: B, c: C) => string, a: A, b: B, c: C): void {
    this.exc = undefined;
    this.laterKind = kind;
    this.laterLine = line;
    this.laterFmt = fmt as Formatter;
    this.laterA = a;
    this.laterB = b;
    this.laterC = c;
  }
}
