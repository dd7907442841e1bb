import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** The largest DAP message kstep reads; a larger Content-Length is refused before any of it is buffered. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** A header block longer than this without its blank line is not a DAP header. */
const MAX_HEADER_BYTES = 8 * 1024;
const SEPARATOR = Buffer.from('\r\n\r\n');
const HEADER_START = Buffer.from('Content-Length:');

/** A frame kstep could not take as a request; `seq` and `command` when they could be read from it. */
export interface FramingProblem {
  readonly message: string;
  readonly seq?: number;
  readonly command?: string;
}

/** What a readable excerpt of bad input may show. */
function excerpt(text: string): string {
  const one = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(one);
}

/** seq and command from a body that is not JSON, or JSON that is not a request: what an error response needs. */
function recover(body: unknown, text: string): { seq?: number; command?: string } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as { seq?: unknown; command?: unknown };
    return {
      ...(Number.isSafeInteger(b.seq) && (b.seq as number) >= 0 ? { seq: b.seq as number } : {}),
      ...(typeof b.command === 'string' ? { command: b.command } : {}),
    };
  }
  const seq = /"seq"\s*:\s*(\d{1,15})\b/.exec(text)?.[1];
  const command = /"command"\s*:\s*"([A-Za-z_/][\w/.-]{0,63})"/.exec(text)?.[1];
  return { ...(seq !== undefined ? { seq: Number(seq) } : {}), ...(command !== undefined ? { command } : {}) };
}

/**
 * Checks DAP framing before @vscode/debugadapter sees it. The library takes
 * a bad Content-Length for none (and then reads the body as headers), drops
 * a message that is JSON but no request without a word, and turns a body
 * that is not JSON into an `error` event on which a stdio adapter exits 0.
 *
 * Here each well-formed message goes to `deliver` as the object this guard
 * already parsed (the library's handleMessage: framing it again for the
 * library to parse a second time was a tenth of the adapter's time per
 * step); the guard's readable side carries no data, only the input's end.
 * Each bad message is reported to `problem` (which answers it when its seq
 * and command can be read) and skipped: after a bad header, up to the next
 * `Content-Length:`.
 */
export class FrameGuard extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  /** The body length of the frame being read; -1 while reading a header. */
  private want = -1;
  /** After a bad header: bytes are dropped until the next header starts. */
  private resync = false;

  constructor(
    private readonly problem: (p: FramingProblem) => void,
    private readonly deliver: (msg: DebugProtocol.ProtocolMessage) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.drain();
    } catch (e) {
      // A bug here must not end the adapter: drop what is buffered and say so.
      this.buf = Buffer.alloc(0);
      this.want = -1;
      this.problem({ message: `the input could not be read: ${e instanceof Error ? e.message : String(e)}` });
    }
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.resync) {
        const at = this.buf.indexOf(HEADER_START);
        if (at < 0) {
          // Keep a tail that may be the start of a header split across chunks.
          this.buf = this.buf.subarray(Math.max(0, this.buf.length - HEADER_START.length));
          return;
        }
        this.buf = this.buf.subarray(at);
        this.resync = false;
      }
      if (this.want < 0) {
        const end = this.buf.indexOf(SEPARATOR);
        if (end < 0) {
          if (this.buf.length <= MAX_HEADER_BYTES) return;
          // Not a header: never take its own start for the next one.
          this.buf = this.buf.subarray(1);
          this.badHeader(`no header end within ${MAX_HEADER_BYTES} bytes`);
          continue;
        }
        const header = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end + SEPARATOR.length);
        const length = this.contentLength(header);
        if (typeof length === 'string') {
          this.badHeader(length);
          continue;
        }
        this.want = length;
      }
      if (this.buf.length < this.want) return;
      const body = this.buf.subarray(0, this.want);
      this.buf = this.buf.subarray(this.want);
      this.want = -1;
      this.body(body);
    }
  }

  /** The Content-Length of a header block, or why it has none that can be used. */
  private contentLength(header: string): number | string {
    let found: string | undefined;
    for (const line of header.split('\r\n')) {
      const m = /^Content-Length:\s*(.*)$/i.exec(line);
      if (m) found = (m[1] ?? '').trim();
    }
    if (found === undefined) return `a header without Content-Length: ${excerpt(header)}`;
    if (!/^\d{1,10}$/.test(found)) return `a bad Content-Length: ${excerpt(found)}`;
    const n = Number(found);
    if (n > MAX_MESSAGE_BYTES) return `a Content-Length of ${n} bytes: a message may be at most ${MAX_MESSAGE_BYTES} bytes`;
    return n;
  }

  private badHeader(why: string): void {
    this.problem({ message: `${why}; skipped to the next header` });
    this.want = -1;
    this.resync = true;
  }

  private body(bytes: Buffer): void {
    const text = bytes.toString('utf8');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.problem({ message: `a message that is not JSON: ${excerpt(text)}`, ...recover(undefined, text) });
      return;
    }
    const m = msg as { type?: unknown; seq?: unknown; command?: unknown } | null;
    const isObject = typeof m === 'object' && m !== null && !Array.isArray(m);
    // Responses answer requests the adapter sent (runInTerminal): the library matches them.
    if (isObject && m.type === 'response') {
      this.pass(msg as DebugProtocol.ProtocolMessage);
      return;
    }
    // A request whose command is not a string still has a seq to answer: the session says it is unrecognized.
    if (isObject && m.type === 'request' && Number.isSafeInteger(m.seq) && (m.seq as number) >= 0) {
      this.pass(msg as DebugProtocol.ProtocolMessage);
      return;
    }
    const what = !isObject ? `JSON that is not a message object: ${excerpt(text)}` : m.type !== 'request' ? `a message of type ${excerpt(String(m.type))}, not a request` : 'a request without a whole-number seq';
    this.problem({ message: what, ...recover(msg, text) });
  }

  private pass(msg: DebugProtocol.ProtocolMessage): void {
    try {
      this.deliver(msg);
    } catch (e) {
      // One request's failure must not cost the messages buffered behind it.
      const r = msg as { seq?: number; command?: string };
      this.problem({ message: `the message could not be handled: ${e instanceof Error ? e.message : String(e)}`, ...(typeof r.command === 'string' ? { seq: r.seq as number, command: r.command } : {}) });
    }
  }
}
