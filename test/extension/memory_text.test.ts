import { describe, expect, it } from 'vitest';
import { MEMORY_VIEW_BYTES, memoryViewPath, memoryViewText, parseMemoryViewQuery } from '../../src/extension/memory_text';

describe('built-in memory view (kstep-mem: documents)', () => {
  it('a memoryReference round-trips through the document address', () => {
    const t = { ref: 'gpa:0x20000', count: 256, label: 'vp[0].reg.SIMP' };
    const { path, query } = memoryViewPath(t);
    expect(path).toBe('/vp[0].reg.SIMP.hexdump');
    expect(parseMemoryViewQuery(query)).toEqual(t);
  });

  it('refuses a query without a reference and caps the size it reads', () => {
    expect(parseMemoryViewQuery('count=16')).toBeUndefined();
    expect(parseMemoryViewQuery('ref=gpa:0x0&count=-1')).toBeUndefined();
    expect(parseMemoryViewQuery('ref=gpa:0x0&count=99999999')?.count).toBe(MEMORY_VIEW_BYTES);
  });

  it('shows what readMemory answered as a hexdump at its address', () => {
    const data = new Uint8Array(20);
    data.set([0x2a, 0, 0, 0, 0x10], 0);
    const text = memoryViewText({ ref: 'gpa:0x20200', count: 20, label: 'slot' }, '0x20200', data);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('slot  gpa:0x20200  20 bytes  (read-only; read again at every stop)');
    expect(lines[2]).toMatch(/^00020200 {2}2a 00 00 00 10 00 00 00 {2}00 00 00 00 00 00 00 00 {2}\|\*\.\.\.\.{12}\|$/);
    expect(lines[3]?.startsWith('00020210  00 00 00 00')).toBe(true);
  });
});
