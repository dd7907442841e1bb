import { flattenState } from './state_diff';

/**
 * A state tree as text for a side of the editor's diff: one `path = value`
 * line per leaf (short lists whole), in the tree's order, so the diff editor
 * lines the two kernels' states up path by path.
 */
export function renderState(state: unknown, title: string): string {
  const lines = [`# ${title}`, ''];
  for (const [path, value] of flattenState(state)) lines.push(`${path} = ${value}`);
  return `${lines.join('\n')}\n`;
}
