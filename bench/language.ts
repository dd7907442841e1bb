// The editor's language features on a million-line scenario: the checker
// with its name and state-path checks against the parser alone (the same
// file, the same run), the Outline against splitting the text into lines,
// and a completion that scans 20,000 lines above the cursor for declared
// names against one that reads the current line only; signature help on a
// 10 MB line against splitting that line into its words.
import { declaredNames, REGISTRY } from '../src/sim';
import { parseScenario } from '../src/sim/scenario/parse_file';
import { completionsAt } from '../src/extension/language/completion';
import { DECLARED_SCAN_LINES } from '../src/extension/language/declared_scan';
import { outline } from '../src/extension/language/outline';
import { signatureAt } from '../src/extension/language/signature';
import { bigScenario } from './launch_scenario';
import { reportPairs, time } from './report';

const LINES = 1_000_000;

export function benchLanguage(): void {
  const text = bigScenario(LINES);
  // The shapes are learnt once per registry: not part of any one check.
  void REGISTRY.stateShapes;
  reportPairs(
    { name: 'language.check_1m_lines', unit: 'ms', baseline: 'parse_without_name_checks', goal: 'ratio ≤ 1.2: did-you-mean costs little beside parsing' },
    3,
    () => time(() => parseScenario('big.kstep', text, REGISTRY.verbs, REGISTRY.checkStatement, REGISTRY)),
    () => time(() => parseScenario('big.kstep', text, REGISTRY.verbs, REGISTRY.checkStatement)),
  );
  reportPairs(
    { name: 'language.outline_1m_lines', unit: 'ms', baseline: 'split_lines', goal: 'well under the worker’s 2 s budget' },
    5,
    () => time(() => outline(text)),
    () => time(() => text.split('\n')),
  );
  const lines = text.split('\n').slice(0, DECLARED_SCAN_LINES);
  reportPairs(
    { name: 'language.completion_declared_scan', unit: 'ms', baseline: 'current_line_only', note: `${DECLARED_SCAN_LINES} lines of the document` },
    20,
    () => time(() => completionsAt('region_add ', REGISTRY, declaredNames(lines, REGISTRY.verbs))),
    () => time(() => completionsAt('region_add ', REGISTRY)),
  );
  const long = `hugetlb reserve f ${'0x1 '.repeat(2_500_000)}`;
  reportPairs(
    { name: 'language.signature_help_10mb_line', unit: 'ms', baseline: 'split_line_into_words', note: `${long.length} characters, 2.5M words` },
    5,
    () => time(() => signatureAt(long)),
    () => time(() => long.trimStart().split(/\s+/)),
  );
}
