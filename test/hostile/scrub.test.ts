/**
 * DAP error responses carry a message, never a JavaScript stack or a path
 * into kstep's installation (issue 14 item 4), whoever built the response:
 * a handler, or the library's own catch in dispatchRequest (which sends
 * `e.stack` as the `_stack` variable).
 */
import { describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { scrubErrorResponse, scrubMessage } from '../../src/adapter/scrub';
import { ROOT } from '../support/kit';
import { messages, request, STACK, stdioExchange } from './server';

describe('scrubMessage', () => {
  it('drops the lines of a stack and names no install path', () => {
    const e = new TypeError('x is undefined');
    const text = `${e.message}\n${e.stack ?? ''}\nread ${ROOT}/dist/adapter.js`;
    const clean = scrubMessage(text, ROOT);
    expect(clean).not.toMatch(STACK);
    expect(clean).not.toContain(ROOT);
    expect(clean.split('\n')[0]).toBe('x is undefined');
    expect(clean).toContain('<kstep>/dist/adapter.js');
  });

  it('an error response is reduced to its id and its message', () => {
    const response = {
      success: false,
      message: `TypeError: boom\n    at f (${ROOT}/dist/adapter.js:1:2)`,
      body: { error: { id: 1104, format: '{_stack}', variables: { _exception: 'boom', _stack: `    at f (${ROOT}/x.js:1:2)` } } },
    };
    scrubErrorResponse(response);
    expect(response).toEqual({ success: false, message: 'TypeError: boom', body: { error: { id: 1104, format: '{_message}', variables: { _message: 'TypeError: boom' }, showUser: false } } });
  });
});

describe('the adapter', () => {
  it('answers an initialize without arguments (a TypeError in the library) with a message, no stack', async () => {
    const r = await stdioExchange(request(1, 'initialize', null) + request(2, 'initialize', 5) + request(3, 'threads'));
    const rs = messages(r.out).filter((m) => m.type === 'response') as unknown as DebugProtocol.Response[];
    expect(rs.map((m) => [m.request_seq, m.success])).toEqual([[1, false], [2, false], [3, true]]);
    for (const m of rs) {
      const text = JSON.stringify(m);
      expect(text).not.toMatch(STACK);
      expect(text).not.toContain(ROOT);
    }
    expect(rs[0]?.message).toBe('initialize: needs its arguments: an object with adapterID');
  });
});
