import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../support/dap';
import { Harness, Scenarios } from '../support/dap';
import { R, RESV } from './scenarios';

/**
 * The representative subset run over both transports: launch, breakpoints,
 * stepping, stepBack, variables, evaluate. adapter.test.ts runs it over
 * stdio, tcp.test.ts over TCP.
 */
export function coreSuite(transport: Transport): void {
  describe(`core over ${transport}`, () => {
    const files = new Scenarios();
    let resv: string;
    let h: Harness;
    beforeAll(() => {
      resv = files.write('resv.kstep', RESV);
    });
    afterAll(() => files.dispose());
    beforeEach(async () => {
      h = await Harness.open(transport);
    });
    afterEach(async () => {
      await h.close();
    });

    it('initialize advertises the capabilities the adapter implements', async () => {
      const r = await h.dc.initializeRequest();
      const caps = r.body ?? {};
      for (const c of [
        'supportsConfigurationDoneRequest', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsLogPoints',
        'supportsFunctionBreakpoints', 'supportsStepBack', 'supportsRestartRequest', 'supportsGotoTargetsRequest', 'supportsStepInTargetsRequest',
        'supportsSetVariable', 'supportsDataBreakpoints', 'supportsCompletionsRequest', 'supportsExceptionInfoRequest', 'supportsCancelRequest',
      ] as const) {
        expect(caps[c], c).toBe(true);
      }
      expect(caps.exceptionBreakpointFilters?.find((f) => f.filter === 'expect')?.default).toBe(true);
      expect(caps.exceptionBreakpointFilters?.map((f) => f.filter)).toContain('bug');
    });

    it('stopOnEntry stops at the first statement line with reason entry', async () => {
      await h.launch(resv, { stopOnEntry: true });
      await h.stopped('entry');
      const [top, ...rest] = await h.stack();
      expect(rest).toEqual([]);
      expect(top?.line).toBe(R.file);
      expect(top?.source?.path).toBe(resv);
      expect(await h.ev('len(resv)')).toBe('0');
    });

    it('runs to a line breakpoint, before that statement runs', async () => {
      const { lines } = await h.launch(resv, { lines: [R.chg05] });
      expect(lines?.[0]).toMatchObject({ verified: true, line: R.chg05 });
      const stop = await h.stopped('breakpoint');
      expect(stop.hitBreakpointIds).toEqual([lines?.[0]?.id]);
      expect((await h.top()).line).toBe(R.chg05);
      expect(await h.ev('resv.f.regions')).toBe('[[0, 1], [2, 3], [5, 6]]');
      expect(await h.ev('resv.f.adds_in_progress')).toBe('0');
      await h.go('next');
      expect((await h.top()).line).toBe(R.expectAdds);
      expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
    });

    it('a conditional breakpoint stops only where its kstep expression holds', async () => {
      const cond = 'resv.f.adds_in_progress >= 2';
      const { lines } = await h.launch(resv, { lines: [{ line: R.add01, condition: cond }, { line: R.add05, condition: cond }] });
      expect(lines?.every((b) => b.verified)).toBe(true);
      await h.stopped('breakpoint');
      expect((await h.top()).line).toBe(R.add05);
      expect(await h.go('continue')).toMatchObject({ reason: 'end' });
    });

    it('step in / over / out move by frame depth', async () => {
      await h.launch(resv, { lines: [R.chg01] });
      await h.stopped('breakpoint');
      await h.go('stepIn');
      let st = await h.stack();
      expect(st.map((f) => f.name)).toEqual(['region_chg(resv=f, f=0, t=1)', 'resv.kstep']);
      expect(st[1]?.line).toBe(R.chg01);
      await h.go('stepIn');
      st = await h.stack();
      expect(st.map((f) => f.name)).toEqual(['add_reservation_in_range(resv=f, f=0, t=1, count_only=true)', 'region_chg(resv=f, f=0, t=1)', 'resv.kstep']);
      await h.go('stepOut');
      st = await h.stack();
      expect(st.map((f) => f.name)).toEqual(['region_chg(resv=f, f=0, t=1)', 'resv.kstep']);
      // Back in region_chg after the count: adds_in_progress is raised at the next step point.
      const before = st[0]?.line;
      await h.go('next');
      st = await h.stack();
      expect(st).toHaveLength(2);
      expect(st[0]?.line).not.toBe(before);
      await h.go('stepOut');
      st = await h.stack();
      expect(st.map((f) => `${f.name}@${f.line}`)).toEqual([`resv.kstep@${R.add01}`]);
      expect(await h.ev('last')).toBe('{ret: 1, regions_needed: 1}');
      await h.go('next');
      expect((await h.top()).line).toBe(R.chg23);
      expect(await h.ev('resv.f.regions')).toBe('[[0, 1]]');
    });

    it('stepBack lands on exactly the earlier state, at statement and kernel depth', async () => {
      await h.launch(resv, { lines: [R.chg05] });
      await h.stopped('breakpoint');
      const atStmt = await h.view();
      await h.go('next');
      expect(await h.view()).not.toEqual(atStmt);
      expect(await h.go('stepBack')).toMatchObject({ reason: 'step' });
      expect(await h.view()).toEqual(atStmt);

      await h.go('stepIn'); // region_chg, before the count
      const atCount = await h.view();
      await h.go('next'); // before adds_in_progress += 2
      const atAdds = await h.view();
      await h.go('next'); // after it
      expect(await h.ev('resv.f.adds_in_progress')).toBe('2');
      await h.go('stepBack');
      expect(await h.view()).toEqual(atAdds);
      expect(await h.ev('resv.f.adds_in_progress')).toBe('0');
      await h.go('stepBack');
      expect(await h.view()).toEqual(atCount);
      await h.go('stepBack');
      expect(await h.view()).toEqual(atStmt);
    });

    it('scopes and variables: Locals of a kernel frame, hugetlb, last, time; evaluateName reads the same value back', async () => {
      await h.launch(resv, { lines: [R.chg05] });
      await h.stopped('breakpoint');
      await h.go('stepIn');
      await h.go('next');
      await h.go('next');
      const top = await h.top();
      const scopes = await h.scopes(top.id);
      // The frame's locals, then the mechanism this scenario uses; other mechanisms' scopes follow, `last` and `time` close.
      const names = scopes.map((s) => s.name);
      expect(names.slice(0, 2)).toEqual(['Locals: region_chg', 'hugetlb']);
      expect(names.slice(-2)).toEqual(['last', 'time']);
      const locals = await h.vars(scopes[0]?.variablesReference ?? 0);
      // What the counting walk returned, then resv (the map itself, as in the hugetlb scope), the arguments and locals.
      expect(Object.fromEntries(locals.map((v) => [v.name, v.value]))).toEqual({
        'add_reservation_in_range returned': '{add: 3, needed: 2}',
        resv: '{regions: [[0, 1], [2, 3], [5, 6]], adds_in_progress: 2, region_cache_count: 0}',
        f: '0',
        t: '5',
        chg: '3',
        out_regions_needed: '2',
      });
      const f = await h.child((scopes[1] as { variablesReference: number }).variablesReference, 'resv', 'f');
      expect(f.evaluateName).toBe('resv.f');
      const fields = await h.vars(f.variablesReference);
      expect(fields.map((v) => [v.name, v.value])).toEqual([
        ['regions', '[[0, 1], [2, 3], [5, 6]]'],
        ['adds_in_progress', '2'],
        ['region_cache_count', '0'],
      ]);
      // Every variable of every scope names an expression that evaluates to what the view shows.
      let checked = 0;
      const walk = async (ref: number, depth: number): Promise<void> => {
        for (const v of await h.vars(ref)) {
          expect(v.evaluateName, v.name).toBeTruthy();
          expect(await h.ev(v.evaluateName as string, 'watch', { frameId: top.id }), v.evaluateName).toBe(v.value);
          checked++;
          if (v.variablesReference > 0 && depth > 0) await walk(v.variablesReference, depth - 1);
        }
      };
      for (const s of scopes) await walk(s.variablesReference, 3);
      expect(checked).toBeGreaterThan(15);
    });

    it('evaluate in watch, hover, repl and clipboard contexts; hover on a plain word is an error', async () => {
      await h.launch(resv, { lines: [R.add05] });
      await h.stopped('breakpoint');
      for (const context of ['watch', 'hover', 'repl', 'clipboard']) {
        expect(await h.ev('resv.f.adds_in_progress', context), context).toBe('2');
      }
      expect(await h.ev('len(resv.f.regions) * 10 + resv.f.adds_in_progress', 'watch')).toBe('32');
      expect(await h.ev('resv.f.regions[1]', 'hover')).toBe('[2, 3]');
      const r = await h.dc.evaluateRequest({ expression: 'resv.f', context: 'watch' });
      expect(r.body.variablesReference).toBeGreaterThan(0);
      expect(r.body.namedVariables).toBe(3);
      expect(await h.fails('evaluate', { expression: 'region_add', context: 'hover' })).toMatch(/not a state path/);
      expect(await h.fails('evaluate', { expression: 'resv.f.(', context: 'watch' })).toBeTruthy();
      // The session goes on.
      expect(await h.ev('resv.f.region_cache_count')).toBe('2');
    });
  });
}
