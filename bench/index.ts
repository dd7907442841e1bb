// `npm run bench`: one JSON line per figure, each with its baseline from the same run.
import { benchDap } from './dap';
import { benchDapPtes } from './dap_pte';
import { benchHistory, benchHistoryBigMap, benchStatements } from './engine';
import { benchResvMap } from './resv_map';
import { benchHypercalls, benchTimers } from './hyperv';
import { benchMm } from './mm';

benchStatements();
benchResvMap();
benchHistory();
benchHistoryBigMap();
benchHypercalls();
benchTimers();
benchMm();
benchDap()
  .then(benchDapPtes)
  .catch((e: unknown) => ((process.exitCode = 1), console.error(e)));
