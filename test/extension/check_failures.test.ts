import { describe, expect, it } from 'vitest';
import { CheckFailures } from '../../src/extension/check_failures';

describe('a document whose check failed', () => {
  it('gets one status line per failure message, again after a check succeeded, none for other replies', () => {
    const f = new CheckFailures();
    const failed = { kind: 'failed', message: 'the kstep worker failed' } as const;
    expect(f.note('a', 'a.kstep', failed)).toBe('✗ checking a.kstep failed, its diagnostics are not up to date: the kstep worker failed');
    expect(f.note('a', 'a.kstep', failed)).toBeUndefined();
    expect(f.note('b', 'b.kstep', failed)).toMatch(/checking b\.kstep failed/);
    expect(f.note('a', 'a.kstep', { kind: 'failed', message: 'other' })).toMatch(/: other$/);
    expect(f.note('a', 'a.kstep', { kind: 'timeout', ms: 2000 })).toBeUndefined();
    expect(f.note('a', 'a.kstep', { kind: 'parsed', diagnostics: [], formatted: [] })).toBeUndefined();
    expect(f.note('a', 'a.kstep', { kind: 'failed', message: 'other' })).toMatch(/: other$/);
    f.forget('b');
    expect(f.note('b', 'b.kstep', failed)).toMatch(/checking b\.kstep failed/);
  });
});
