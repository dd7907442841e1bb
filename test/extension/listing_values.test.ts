import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/sim';
import { isListingOf, listingInlineValues } from '../../src/extension/listing_values';
import type { ListingFrame } from '../../src/extension/listing_values';

/*
 * Inline values in a kernel listing (issue 16): the selected kernel frame's
 * locals at its current line, and beside the lines of its function above
 * that name them; nothing outside the function or the visible range.
 */
const HUGETLB = REGISTRY.sources.find((s) => s.path === 'mm/hugetlb.c');
if (!HUGETLB) throw new Error('no mm/hugetlb.c');
const FN = HUGETLB.functions.get('region_add');
if (!FN) throw new Error('no region_add');
const LINES = HUGETLB.lines;
const RETURN = FN.labels.get('return') ?? 0;

const frame: ListingFrame = {
  path: 'mm/hugetlb.c',
  fnLine: FN.line,
  line: RETURN,
  locals: [
    { name: 'add_reservation_in_range returned', value: '3' },
    { name: 'resv', value: '{regions: [[0, 1]], adds_in_progress: 0}' },
    { name: 'f', value: '0' },
    { name: 't', value: '5' },
    { name: 'add', value: '3' },
  ],
};

const uses = (line: number, name: string): boolean => new RegExp(`\\b${name}\\b`).test((LINES[line - 1] ?? '').replace(/\/\/.*$|\/\*.*?\*\//g, ''));

describe('inline values in a kernel listing', () => {
  it('the current line shows every local; lines above in the function show the ones they name', () => {
    const out = listingInlineValues(LINES, frame);
    const at = out.find((x) => x.line === RETURN);
    expect(at?.text).toBe('add_reservation_in_range returned = 3, resv = {regions: [[0, 1]], adds_in_progress: 0}, f = 0, t = 5, add = 3');
    const above = out.filter((x) => x.line !== RETURN);
    expect(above.length).toBeGreaterThan(2);
    for (const x of above) {
      expect(x.line).toBeGreaterThanOrEqual(FN.line);
      expect(x.line).toBeLessThan(RETURN);
      const names = frame.locals.map((l) => l.name).filter((n) => x.text.startsWith(`${n} = `) || x.text.includes(`, ${n} = `));
      expect(names.length, x.text).toBeGreaterThan(0);
      for (const n of names) expect(uses(x.line, n), `${x.line}: ${n}`).toBe(true);
      expect(names).not.toContain('add_reservation_in_range returned');
    }
    // Every line of the function above the current one that names `add` shows it.
    for (let l = FN.line; l < RETURN; l++) if (uses(l, 'add')) expect(out.find((x) => x.line === l)?.text).toContain('add = 3');
  });

  it('keeps to the visible lines, cuts long values, and shows nothing for a frame with no locals', () => {
    const visible = listingInlineValues(LINES, frame, RETURN - 3, RETURN - 1);
    expect(visible.every((x) => x.line >= RETURN - 3 && x.line <= RETURN - 1)).toBe(true);
    const long = listingInlineValues(LINES, { ...frame, locals: [{ name: 'resv', value: 'x'.repeat(500) }] }, RETURN, RETURN);
    expect(long[0]?.text.length).toBeLessThan(80);
    expect(long[0]?.text.endsWith('…')).toBe(true);
    expect(listingInlineValues(LINES, { ...frame, locals: [] })).toEqual([]);
  });

  it('matches the listing document by path: a debug: URI path or a file path', () => {
    expect(isListingOf('/kstep-kernel:/mm/hugetlb.c', frame)).toBe(true);
    expect(isListingOf('kstep-kernel:/mm/hugetlb.c', frame)).toBe(true);
    expect(isListingOf('/mm/hugetlb.c', frame)).toBe(true);
    expect(isListingOf('/kstep-kernel:/mm/memory.c', frame)).toBe(false);
    expect(isListingOf('/x/not_hugetlb.c', frame)).toBe(false);
  });
});
