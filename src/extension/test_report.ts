/**
 * What a test run means for each Test Explorer item (pure: no vscode): an
 * expect fails at its line, passes when it ran without failing, and is
 * skipped when the run never reached it; a proc follows its expects; the
 * file fails on any failure.
 */
import type { FailureFrame, ScenarioTestResult, TestFailure } from './scenario_tests';
import type { ScenarioItem } from './test_items';

export type ItemState = 'passed' | 'failed' | 'errored' | 'skipped';

export interface ItemOutcome {
  readonly state: ItemState;
  /** The failures to show on this item, each at its own line. */
  readonly failures: readonly TestFailure[];
}

export interface FileOutcome extends ItemOutcome {
  /** Per item id. */
  readonly items: ReadonlyMap<string, ItemOutcome>;
}

export function fileOutcome(items: readonly ScenarioItem[], r: ScenarioTestResult): FileOutcome {
  const out = new Map<string, ItemOutcome>();
  const reached = new Set(r.reached);
  const expectFailures = r.failures.filter((f) => f.kind === 'expect');
  const visit = (item: ScenarioItem): ItemOutcome => {
    let o: ItemOutcome;
    if (item.kind === 'expect') {
      const failures = expectFailures.filter((f) => f.line === item.line);
      o = { state: failures.length ? 'failed' : reached.has(item.line) ? 'passed' : 'skipped', failures };
    } else {
      const kids = item.children.map(visit);
      const name = item.id.slice('proc:'.length);
      // A BUG or error inside the proc (its frame is on the failure's stack) is the proc's too.
      const own = r.failures.filter((f) => f.kind !== 'expect' && f.stack.some((s) => !s.kernel && s.name === name));
      const state: ItemState = own.length
        ? 'errored'
        : kids.some((k) => k.state === 'failed')
          ? 'failed'
          : kids.some((k) => k.state === 'passed') || (!kids.length && r.code === 0)
            ? 'passed'
            : 'skipped';
      o = { state, failures: own };
    }
    out.set(item.id, o);
    return o;
  };
  items.forEach(visit);
  // The file shows what no expect item shows: a BUG, a scenario error, an internal error.
  const failures = r.failures.filter((f) => f.kind !== 'expect');
  const state: ItemState = r.code === 0 ? 'passed' : r.code === 1 ? 'failed' : 'errored';
  return { state, failures, items: out };
}

/** The text of a failure's message: the engine's own, which already names both sides of a failed comparison. */
export function failureText(f: TestFailure): string {
  return f.kind === 'bug' ? `kernel BUG: ${f.message}` : f.message;
}

/** One line per frame, as `kstep run` prints a BUG's stack, for hosts without TestMessage.stackTrace. */
export function stackText(stack: readonly FailureFrame[]): string {
  return stack.map((f) => `    at ${f.name} (${f.path}:${f.line})`).join('\n');
}
