import { coreSuite } from './core_suite';

// The representative subset again, over `kstep dap --server=0` (the server is killed after each test).
coreSuite('tcp');
