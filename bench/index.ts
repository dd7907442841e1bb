// `npm run bench`: one JSON line per figure, each with its baseline from the same run.
import { benchDap } from './dap';
import { benchDapPtes } from './dap_pte';
import { benchHistory, benchHistoryBigMap, benchReverseContinue, benchStatements } from './engine';
import { benchResvMap, benchResvMapHistory } from './resv_map';
import { benchHypercalls, benchTimers } from './hyperv';
import { benchMm, benchMmHistory } from './mm';
import { benchLaunch } from './launch';

// The 1M-page run first: a heap the history benches have grown makes it slower and noisier.
benchMm();
benchMmHistory();
benchStatements();
benchResvMap();
benchResvMapHistory();
benchHistory();
benchHistoryBigMap();
benchReverseContinue();
benchHypercalls();
benchTimers();
benchDap()
  .then(benchDapPtes)
  .then(benchLaunch)
  .catch((e: unknown) => ((process.exitCode = 1), console.error(e)));
