// Rewrites syntaxes/kstep.tmLanguage.json's derived rules from the mechanisms (run by the build).
import { readFileSync, writeFileSync } from 'node:fs';
import { REGISTRY } from '../src/sim';
import { grammarText } from '../src/extension/grammar';

export function writeGrammar(file: string): boolean {
  const current = readFileSync(file, 'utf8');
  const next = grammarText(current, REGISTRY);
  if (next === current) return false;
  writeFileSync(file, next);
  return true;
}
