// `npm run bench`: one JSON line per figure, each with its baseline from the same run.
// `node --expose-gc dist/bench.js --only=overhead` runs only the debugger-against-headless figures.
// `--only=language` the editor's checker, Outline and completion figures.
import { benchDap } from './dap';
import { benchDapPtes } from './dap_pte';
import { benchDebuggerOverhead, HEADLESS_CHILD, headlessChild } from './debugger_overhead';
import { benchHistory, benchHistoryBigMap, benchReverseContinue, benchStatements } from './engine';
import { benchResvMap, benchResvMapHistory } from './resv_map';
import { benchHypercalls, benchTimers } from './hyperv';
import { benchMm } from './mm';
import { benchStepInTargets } from './step_in_targets';
import { benchCoverage } from './coverage';
import { benchLaunch } from './launch';
import { benchStepBackInStatement } from './step_back_statement';
import { benchDapStepPairs } from './dap_step_pairs';
import { benchHistoryGrowth } from './history_growth';
import { benchDapStepExpanded } from './dap_step_expanded';
import { benchLanguage } from './language';
import { benchWebAdapter } from './web_adapter';

const fail = (e: unknown): void => {
  process.exitCode = 1;
  console.error(e);
};

function all(): void {
  // The 1M-page run first: a heap the history benches have grown makes it slower and noisier.
  benchMm();
  benchStepBackInStatement();
  benchHistoryGrowth();
  benchStatements();
  benchResvMap();
  benchResvMapHistory();
  benchHistory();
  benchHistoryBigMap();
  benchReverseContinue();
  benchHypercalls();
  benchTimers();
  benchCoverage();
  benchLanguage();
  benchDap().then(benchDapPtes).then(benchDapStepExpanded).then(benchStepInTargets).then(benchDebuggerOverhead).then(benchLaunch).then(benchWebAdapter).then(() => benchDapStepPairs()).catch(fail);
}

if (process.argv[2] === HEADLESS_CHILD) headlessChild(process.argv[3] as string);
else if (process.argv[2] === '--only=overhead') benchDebuggerOverhead().catch(fail);
else if (process.argv[2] === '--only=step_back') benchStepBackInStatement();
else if (process.argv[2] === '--only=growth') benchHistoryGrowth();
else if (process.argv[2] === '--only=expanded') benchDapStepExpanded().catch(fail);
else if (process.argv[2] === '--only=dap_step') benchDapStepPairs(process.argv[3]).catch(fail);
else if (process.argv[2] === '--only=language') benchLanguage();
else if (process.argv[2] === '--only=web') benchWebAdapter().catch(fail);
else all();
