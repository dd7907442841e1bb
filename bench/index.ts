// `npm run bench`: one JSON line per figure, each with its baseline from the same run.
import { benchHistory, benchStatements } from './engine';
import { benchResvMap } from './resv_map';

benchStatements();
benchResvMap();
benchHistory();
