import type { EditorDiagnostic } from './language_info';
import type { CompareResult } from './kernel_compare_view';
import type { ScenarioTestResult } from './scenario_tests';
import type { ScenarioItem } from './test_items';
import type { OutlineSymbol } from './language/outline';

/** What the extension asks its worker: the diagnostics of a file, a headless run of it, its Test Explorer items, a test run, a kernel compare, its Outline, or where a proc is defined. */
export interface WorkerRequest {
  readonly kind: 'diagnostics' | 'run' | 'items' | 'test' | 'kernelDiff' | 'outline' | 'procDefinition';
  readonly file: string;
  readonly text: string;
  readonly maxSteps: number;
  /** A test run that counts kernel coverage. */
  readonly coverage?: boolean;
  /** kernelDiff: the other kernel (`before=004`). */
  readonly kernel?: string;
  /** kernelDiff: the state paths compared (by prefix); none: all of it. */
  readonly only?: readonly string[];
  /** kernelDiff: statement starts compared before giving up (default MAX_DIFF_STATEMENTS). */
  readonly maxStatements?: number;
  /** procDefinition: the proc looked for. */
  readonly proc?: string;
}

export type WorkerReply =
  | { readonly kind: 'parsed'; readonly diagnostics: EditorDiagnostic[]; readonly formatted: string[] }
  | { readonly kind: 'ran'; readonly output: string[]; readonly code: number; readonly steps: number; readonly line?: number; readonly message?: string }
  | { readonly kind: 'items'; readonly items: ScenarioItem[] }
  | { readonly kind: 'outline'; readonly symbols: OutlineSymbol[] }
  | { readonly kind: 'procDefinition'; readonly at?: { readonly line: number; readonly nameCol: number } }
  | { readonly kind: 'tested'; readonly result: ScenarioTestResult }
  /** outOfSteps: a side ran out of the request's step budget (set only then). */
  | { readonly kind: 'compared'; readonly result: CompareResult; readonly outOfSteps?: true }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'timeout'; readonly ms: number };
