/**
 * The entry of the first section of dist/kaa-lazy.js: what dist/kaa.js
 * loads the first time one of these names is used — InProgress and the
 * rest of the async layer (`delay()`, `resultOf()`, `inprogress()`, the
 * combinators, InProgressStatus, coroutines), AtTimer and `timed()`. The
 * second section (part.ts: IO, processes, workers) loads this one first and
 * links to its modules, as both link to the core's (scripts/build.mjs), so
 * there is one copy of each module. src/kaa.ts has a stand-in for each class
 * and function here; the constants are exported for the typecheck of
 * src/lazy/constants.ts. Import the modules, not the layers' barrels
 * (src/timers.ts, src/async/index.ts).
 * @module
 */
import '../async/signal-factory.js';

export { AtTimer, OneShotAtTimer, nextAtTime } from '../timers/at-timer.js';
export { timed, POLICY_MANY, POLICY_ONCE, POLICY_RESTART } from '../timers/timed.js';
export { InProgress } from '../async/inprogress.js';
export { delay } from '../async/delay.js';
export { resultOf } from '../async/result-of.js';
export { InProgressStatus } from '../async/status.js';
export {
    InProgressAny, InProgressAll, FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
} from '../async/combinators.js';
export { inprogress } from '../async/adapt.js';
export {
    coroutine, CoroutineInProgress, POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
} from '../async/coroutine.js';
export { signalInProgress } from '../async/signal-factory.js';
