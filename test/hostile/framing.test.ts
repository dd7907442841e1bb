/**
 * Malformed framing on stdio (issue 14 item 4): a bad Content-Length, a body
 * that is not JSON, JSON that is not a request. Each is reported on stderr,
 * answered with an error response when its seq and command can be read, and
 * the adapter goes on serving the requests after it.
 */
import { describe, expect, it } from 'vitest';
import { frame, messages, request, stdioExchange } from './server';

type Msg = Record<string, unknown>;
const responses = (out: string): Msg[] => messages(out).filter((m) => m.type === 'response');
const answered = (out: string, seq: number): Msg | undefined => responses(out).find((m) => m.request_seq === seq);

describe('malformed DAP framing on stdio', () => {
  it('a body that is not JSON: reported, answered from the seq and command it names, and the next request is served', async () => {
    const r = await stdioExchange(frame('{"seq": 7, "type": "request", "command": "threads", oops}') + request(8, 'threads'));
    expect(r.err).toMatch(/^kstep dap: a message that is not JSON: /m);
    expect(answered(r.out, 7)).toMatchObject({ success: false, command: 'threads', message: expect.stringMatching(/not a request kstep can read: a message that is not JSON/) });
    expect(answered(r.out, 8)).toMatchObject({ success: true, command: 'threads' });
    expect(r.code).toBe(1);
  });

  it('JSON that is not a request: an event, an array, a request without a command', async () => {
    const r = await stdioExchange(
      frame({ seq: 3, type: 'event', event: 'stopped' }) + frame([1, 2, 3]) + frame({ seq: -4, type: 'request', command: 'threads' }) + frame({ seq: 5, type: 'requets', command: 'threads' }) + request(6, 'threads'),
    );
    expect(r.err).toMatch(/a message of type "event", not a request/);
    expect(r.err).toMatch(/JSON that is not a message object/);
    expect(r.err).toMatch(/a request without a whole-number seq/);
    expect(answered(r.out, 5)).toMatchObject({ success: false, command: 'threads', message: expect.stringMatching(/a message of type "requets", not a request/) });
    expect(answered(r.out, 6)).toMatchObject({ success: true });
    expect(r.code).toBe(1);
  });

  it('a bad Content-Length: reported, skipped to the next header, and the next request is served', async () => {
    const body = JSON.stringify({ seq: 1, type: 'request', command: 'threads' });
    const r = await stdioExchange(`Content-Length: twelve\r\n\r\n${body}` + `Content-Length: -5\r\n\r\n${body}` + request(2, 'threads'));
    expect(r.err).toMatch(/a bad Content-Length: "twelve"; skipped to the next header/);
    expect(r.err).toMatch(/a bad Content-Length: "-5"/);
    expect(responses(r.out).map((m) => [m.request_seq, m.success])).toEqual([[2, true]]);
  });

  it('a Content-Length past the limit is refused before its body is buffered', async () => {
    const r = await stdioExchange(`Content-Length: 9999999999\r\n\r\n${'x'.repeat(1000)}` + request(2, 'threads'));
    expect(r.err).toMatch(/a Content-Length of 9999999999 bytes: a message may be at most \d+ bytes/);
    expect(answered(r.out, 2)).toMatchObject({ success: true });
  });

  it('a header without a Content-Length', async () => {
    const r = await stdioExchange(`X-Thing: 1\r\n\r\n` + request(2, 'threads'));
    expect(r.err).toMatch(/a header without Content-Length/);
    expect(answered(r.out, 2)).toMatchObject({ success: true });
  });

  it('well-formed input exits 0 and says nothing on stderr', async () => {
    const r = await stdioExchange(request(1, 'threads'));
    expect(r.err).toBe('');
    expect(answered(r.out, 1)).toMatchObject({ success: true });
    expect(r.code).toBe(0);
  });

  it('a frame split across writes is read whole', async () => {
    const whole = request(1, 'threads');
    const r = await stdioExchange(Buffer.from(whole));
    expect(answered(r.out, 1)).toMatchObject({ success: true });
  });
});
