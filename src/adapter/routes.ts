import type { SessionContext } from './context';

/**
 * An error whose message the client gets as is, under the id the request has
 * always answered it with. `after` runs once the error response is out: a
 * failed launch ends the session only after saying why.
 */
export class UserError extends Error {
  readonly id: number;
  readonly showUser: boolean;
  readonly after: (() => void) | undefined;

  constructor(message: string, opts: { id?: number; showUser?: boolean; after?: () => void } = {}) {
    super(message);
    this.id = opts.id ?? 2000;
    this.showUser = opts.showUser ?? true;
    this.after = opts.after;
  }
}

/**
 * A response body and what must follow the response (a stopped event, a run,
 * an invalidated event): clients read the response first, so whatever it
 * causes goes out after it.
 */
export class Reply {
  constructor(
    readonly body: object | undefined,
    readonly after: () => void,
  ) {}
}

/** What a handler gives back: the response body (undefined for none), or a Reply. */
export type Outcome = object | undefined | Reply;

export interface Route {
  /** Refused while a run is going, and when no scenario is loaded. */
  readonly needsStop: boolean;
  readonly handle: (ctx: SessionContext, args: unknown) => Outcome | Promise<Outcome>;
}

/** Requests by command name. */
export type Routes = Readonly<Record<string, Route>>;

export function andThen(body: object | undefined, after: () => void): Reply {
  return new Reply(body, after);
}

// The casts below are the routing table's one trust boundary: a client may
// send any JSON as arguments, and a handler that reads a missing field fails
// into an error response, never past the wrapper.

/** A request that reads or moves a stopped machine. */
export function whenStopped<A>(handle: (ctx: SessionContext, args: A) => Outcome | Promise<Outcome>): Route {
  return { needsStop: true, handle: handle as Route['handle'] };
}

/** A request answered at any time: before launch, during a run, after disconnect. */
export function always<A>(handle: (ctx: SessionContext, args: A) => Outcome | Promise<Outcome>): Route {
  return { needsStop: false, handle: handle as Route['handle'] };
}
