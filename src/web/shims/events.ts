// `events` for the web bundles: the EventEmitter that @vscode/debugadapter's ProtocolServer extends.
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private readonly listeners = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    const once: Listener = (...args) => {
      this.removeListener(event, once);
      listener(...args);
    };
    return this.on(event, once);
  }

  removeListener(event: string | symbol, listener: Listener): this {
    const list = this.listeners.get(event);
    const i = list ? list.indexOf(listener) : -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
  }

  off(event: string | symbol, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  listenerCount(event: string | symbol): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.listeners.get(event);
    if (!list?.length) {
      // Node throws an 'error' nobody listens to: so does this, rather than lose it.
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const l of [...list]) l(...args);
    return true;
  }
}

export default { EventEmitter };
