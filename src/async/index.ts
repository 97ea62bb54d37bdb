/**
 * The async layer: InProgress, its combinators, `inprogress()`, `delay()`
 * and coroutines. Loading it registers `signal.inprogress()` and
 * `Signals.any()/all()` with the notifier (DESIGN.md §2: the lower layer
 * never imports this one).
 * @module
 */
import './signal-factory.js';

export { InProgress, type InProgressOptions, type InProgressSignals, type TimeoutOptions } from './inprogress.js';
export { InProgressStatus, type InProgressStatusSignals, type InProgressStatusSnapshot } from './status.js';
export {
    InProgressAny, InProgressAll, FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
    type FinishMode, type AnyAllOptions, type AnyResult, type Waitable, type WaitedValues,
} from './combinators.js';
export { inprogress, type GioResult, type WaitedValue } from './adapt.js';
export { delay } from './delay.js';
export { resultOf } from './result-of.js';
export {
    coroutine, CoroutineInProgress, NotFinished, POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
    type CoroutineOptions, type CoroutinePolicy, type PassLast,
} from './coroutine.js';
