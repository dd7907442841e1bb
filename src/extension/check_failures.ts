import type { WorkerReply } from './worker_protocol';

/**
 * The status line of a document whose check failed (the worker answered
 * `failed`): there is no diagnostic to show for it, and saying nothing would
 * leave the old diagnostics standing as if the new text had been checked. A
 * failure is told once per document until the message changes or a check
 * succeeds, not on every keystroke.
 */
export class CheckFailures {
  private readonly shown = new Map<string, string>();

  /** The line to show for this reply, if any. */
  note(key: string, name: string, reply: WorkerReply): string | undefined {
    if (reply.kind !== 'failed') {
      if (reply.kind === 'parsed') this.shown.delete(key);
      return undefined;
    }
    if (this.shown.get(key) === reply.message) return undefined;
    this.shown.set(key, reply.message);
    return `✗ checking ${name} failed, its diagnostics are not up to date: ${reply.message}`;
  }

  forget(key: string): void {
    this.shown.delete(key);
  }
}
