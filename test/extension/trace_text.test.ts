import { describe, expect, it } from 'vitest';
import { traceText } from '../../src/extension/trace_text';

describe('the DAP trace of a web launch', () => {
  const text = 'hugetlb file f\n'.repeat(1000);

  it('shows the length of the scenario text in launch and restart, not the text', () => {
    const launch = traceText({ seq: 2, type: 'request', command: 'launch', arguments: { program: '/ws/a.kstep', source: text, trace: true } });
    expect(launch).toBe(`{"seq":2,"type":"request","command":"launch","arguments":{"program":"/ws/a.kstep","source":"<${text.length} characters of scenario text>","trace":true}}`);
    const restart = traceText({ seq: 9, type: 'request', command: 'restart', arguments: { arguments: { program: '/ws/a.kstep', source: text } } });
    expect(restart).not.toContain('hugetlb');
    expect(restart).toContain(`<${text.length} characters of scenario text>`);
  });

  it('leaves every other message as JSON.stringify writes it (a breakpoint source is an object)', () => {
    const m = { seq: 3, type: 'request', command: 'setBreakpoints', arguments: { source: { path: '/ws/a.kstep' }, breakpoints: [{ line: 4 }] } };
    expect(traceText(m)).toBe(JSON.stringify(m));
  });
});
