/**
 * The core of kaa's public API, which dist/kaa.js compiles at start-up: the
 * notifier (signals, callables, errors, the main loop), the Timer family,
 * and every exported type. src/index.ts exports it with the rest (InProgress,
 * `delay()`, `resultOf()`, AtTimer, `timed()`, coroutines, the combinators,
 * IO, processes, workers), which dist/kaa.js (src/kaa.ts) loads only when
 * first used (src/lazy/). Values
 * come from the modules themselves, not the layers' barrels (src/timers.ts,
 * src/async/index.ts), which would pull the lazy modules into the core.
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
export { Timer, OneShotTimer, WeakTimer, WeakOneShotTimer } from './timers/timer.js';
export type {
    TimerCallback, TimerStartOptions, AtTimerSpec, TimedFunction, TimedOptions, TimedPolicy, TimedWrapper, TimerClass,
} from './timers.js';

// async (types only: InProgress and the rest of the layer load on first use in dist/kaa.js)
export type {
    InProgressOptions, InProgressSignals, TimeoutOptions, InProgressStatusSignals, InProgressStatusSnapshot,
    FinishMode, AnyAllOptions, AnyResult, Waitable, WaitedValues, GioResult, WaitedValue,
    CoroutineOptions, CoroutinePolicy, PassLast,
} from './async/index.js';
export { isDebug, setDebug } from './notifier/debug.js';

