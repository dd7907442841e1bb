/**
 * Runs a web bundle in a fresh V8 context that has only what a web worker
 * extension host offers (timers, MessageChannel, TextEncoder, URL, crypto,
 * performance, structuredClone, atob/btoa, EventTarget): no `require`, `process`, `Buffer`, `setImmediate` or
 * `__filename`. A bundle that reaches for a Node API at run time throws.
 */
import { createContext, runInContext } from 'node:vm';

export interface Sandbox {
  readonly global: Record<string, unknown>;
  /** Every `require` the code made (a web bundle may make only the `allowed` ones). */
  readonly required: string[];
}

export function runBundle(code: string, extra: Record<string, unknown> = {}, allowed: Record<string, unknown> = {}): Sandbox & { exports: Record<string, unknown> } {
  const required: string[] = [];
  const module = { exports: {} as Record<string, unknown> };
  const global: Record<string, unknown> = {
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    MessageChannel,
    TextEncoder,
    TextDecoder,
    URL,
    structuredClone,
    atob,
    btoa,
    AbortController,
    EventTarget,
    Event,
    crypto: globalThis.crypto,
    performance,
    console,
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name in allowed) return allowed[name];
      throw new Error(`the web bundle required '${name}'`);
    },
    ...extra,
  };
  const ctx = createContext(global);
  runInContext(code, ctx, { filename: 'web-bundle.js' });
  return { global, required, exports: module.exports };
}
