/**
 * The entry of dist/kaa-lazy.js: what dist/kaa.js loads the first time one
 * of these names is used — AtTimer and `timed()`, coroutines, the
 * InProgress combinators, InProgressStatus and `inprogress()`, and the IO,
 * process and worker layers. The build (scripts/build.mjs) links every core
 * module they import (notifier, Timer, InProgress…) to the copy already
 * loaded in dist/kaa.js, so there is one scheduler, one loop and one set of
 * registries. src/kaa.ts has a stand-in for each class and function here;
 * the constants are exported for the typecheck of src/lazy/constants.ts.
 * Import the modules, not the layers' barrels (src/timers.ts,
 * src/async/index.ts): those are core modules, linked whole.
 * @module
 */
export { AtTimer, OneShotAtTimer, nextAtTime } from '../timers/at-timer.js';
export { timed, POLICY_MANY, POLICY_ONCE, POLICY_RESTART } from '../timers/timed.js';
export { InProgressStatus } from '../async/status.js';
export {
    InProgressAny, InProgressAll, FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
} from '../async/combinators.js';
export { inprogress } from '../async/adapt.js';
export {
    coroutine, CoroutineInProgress, POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
} from '../async/coroutine.js';
export { IOMonitor, WeakIOMonitor, IOChannel, Socket } from '../io/index.js';
export { Process, watchChild } from '../process/index.js';
export { threaded, ThreadInProgress } from '../workers/threaded.js';
export { ThreadPool } from '../workers/pool.js';
export { registerThreadPool, getThreadPool } from '../workers/registry.js';
export { gobjectSetThreaded } from '../workers/gobject.js';
export { expose, callMain, isMainthread } from '../workers/main-calls.js';
export { workerModule, resolveUri } from '../workers/module.js';
export { setWorkerHost } from '../workers/locate.js';
