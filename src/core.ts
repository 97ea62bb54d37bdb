/**
 * The core of kaa's public API: the notifier (signals, callables, errors,
 * the main loop), timers and the async layer. src/index.ts exports it with
 * the IO, process and worker layers; dist/kaa.js (src/kaa.ts) loads those
 * three only when first used (src/lazy/).
 * @module
 */

/** The version of this kaa build. */
export const VERSION = '0.1.0';

// notifier: signals, callables, errors
export { Signal, Signals } from './notifier/signals.js';
export type {
    SignalHandler, SignalMethod, SignalMethodName, SignalChangedHook, SignalMap, SignalsItem,
    SignalsConstructor, EmissionValue, SignalInProgress, InProgressTypes, CombinatorOptions,
} from './notifier/signals.js';
export { Callable, WeakCallable } from './notifier/callable.js';
export type { AnyFunction, MethodName, WeakMethod } from './notifier/callable.js';
export {
    CallableError, SystemExit, InProgressAborted, TimeoutException, WorkerError, SocketError,
} from './notifier/errors.js';
export type { KaaErrorOptions, InProgressAbortedOptions, WorkerErrorOptions } from './notifier/errors.js';

// notifier: the main loop
export { main, signals } from './notifier/loop.js';
export type { RunOptions, LoopStatistics, InitOptions } from './notifier/loop.js';
export type { BackendName, GlobalSignals } from './notifier/state.js';

// timers
export {
    Timer, OneShotTimer, WeakTimer, WeakOneShotTimer, AtTimer, OneShotAtTimer, nextAtTime,
    timed, POLICY_MANY, POLICY_ONCE, POLICY_RESTART,
} from './timers.js';
export type {
    TimerCallback, TimerStartOptions, AtTimerSpec, TimedFunction, TimedOptions, TimedPolicy, TimedWrapper, TimerClass,
} from './timers.js';

// async
export {
    InProgress, InProgressStatus, InProgressAny, InProgressAll, CoroutineInProgress,
    FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
    inprogress, delay, coroutine, resultOf, NotFinished, POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
} from './async/index.js';
export type {
    InProgressOptions, InProgressSignals, TimeoutOptions, InProgressStatusSignals, InProgressStatusSnapshot,
    FinishMode, AnyAllOptions, AnyResult, Waitable, WaitedValues, GioResult, WaitedValue,
    CoroutineOptions, CoroutinePolicy, PassLast,
} from './async/index.js';
export { isDebug, setDebug } from './notifier/debug.js';

