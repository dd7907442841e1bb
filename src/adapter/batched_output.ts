import { Writable } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/**
 * The adapter's output, written once per turn of the event loop: what one
 * request produces (a step's response, its stopped event, an output event)
 * goes out in one write, where each message was a write and a system call of
 * its own. Order is kept; nothing waits longer than the current turn.
 */
export class BatchedOutput extends Writable {
  private parts: Array<string | Buffer> = [];
  private scheduled = false;

  constructor(private readonly out: NodeJS.WritableStream) {
    super({ decodeStrings: false });
    // The library listens for errors on the stream it writes to, which is this one: a client that closed its
    // end (EPIPE) must reach that listener, not end the process with an unhandled 'error' event.
    out.on('error', (e: Error) => this.destroy(e));
  }

  override _final(done: (e?: Error | null) => void): void {
    this.flush();
    this.out.end();
    done();
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.parts.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    done();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const parts = this.parts;
    this.parts = [];
    if (this.destroyed || parts.length === 0) return;
    if (parts.length === 1) this.out.write(parts[0] as string | Buffer);
    else if (parts.every((p) => typeof p === 'string')) this.out.write(parts.join(''), 'utf8');
    else this.out.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))));
  };
}
