import type { EditorDiagnostic } from './language_info';

/** What the extension asks its worker: the diagnostics of a file, or a headless run of it. */
export interface WorkerRequest {
  readonly kind: 'diagnostics' | 'run';
  readonly file: string;
  readonly text: string;
  readonly maxSteps: number;
}

export type WorkerReply =
  | { readonly kind: 'parsed'; readonly diagnostics: EditorDiagnostic[]; readonly formatted: string[] }
  | { readonly kind: 'ran'; readonly output: string[]; readonly code: number; readonly steps: number; readonly line?: number; readonly message?: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'timeout'; readonly ms: number };
