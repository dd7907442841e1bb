import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedOutput } from '../../src/adapter/batched_output';

/** A stream that records each write it gets. */
function recorder(): { out: Writable; writes: string[] } {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _enc, done): void {
      writes.push(chunk.toString());
      done();
    },
  });
  return { out, writes };
}

describe('the adapter output, one write per turn', () => {
  it('messages written in one turn reach the stream in one write, in order; the next turn writes again', async () => {
    const { out, writes } = recorder();
    const b = new BatchedOutput(out);
    b.write('Content-Length: 2\r\n\r\n{}');
    b.write('Content-Length: 3\r\n\r\n[1]');
    b.write(Buffer.from('Content-Length: 1\r\n\r\n7'));
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]Content-Length: 1\r\n\r\n7']);
    b.write('x');
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([writes[0], 'x']);
  });

  it('an error of the real stream (a client that closed its end) is an error of this one, not an uncaught throw', async () => {
    const out = new Writable({
      write(_chunk, _enc, done): void {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const b = new BatchedOutput(out);
    const seen = new Promise<Error>((resolve) => b.on('error', resolve));
    b.write('Content-Length: 2\r\n\r\n{}');
    expect((await seen).message).toBe('write EPIPE');
    // Destroyed: what is written after is dropped, never thrown at the caller.
    b.write('x');
    await new Promise((r) => setImmediate(r));
  });

  it('end() writes what is pending and ends the real stream (the library ends a session this way)', async () => {
    const { out, writes } = recorder();
    const finished = new Promise<void>((resolve) => out.on('finish', resolve));
    const b = new BatchedOutput(out);
    b.write('last');
    b.end();
    await finished;
    expect(writes).toEqual(['last']);
  });
});
