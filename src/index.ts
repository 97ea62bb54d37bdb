/**
 * kaa for GJS: the public API. Every export is named here explicitly.
 * @packageDocumentation
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

// io
export { IOMonitor, WeakIOMonitor, IO_READ, IO_WRITE, IOChannel, Socket } from './io/index.js';
export type {
    FileDescriptorLike, IOChannelOptions, IOChannelSignalMap, CloseOptions, WriteData, ChannelSource, Delimiter,
    SocketOptions, ListenOptions, SocketSignalMap, Address, SocketAddressInfo, TlsOptions, TlsClientOptions, TlsServerOptions,
} from './io/index.js';

// process
export { Process, watchChild } from './process/index.js';
export type { ProcessOptions, ProcessSignals, ProcessState, StopCommand, StopOptions, Dumpfile, StreamName } from './process/index.js';

// workers
export { threaded, ThreadInProgress, MAINTHREAD, GOBJECT } from './workers/threaded.js';
export type { ThreadTarget, ThreadedOptions, ThreadedFunction, Threaded, WorkerStatus } from './workers/threaded.js';
export { ThreadPool } from './workers/pool.js';
export { registerThreadPool, getThreadPool } from './workers/registry.js';
export type { ThreadPoolOptions, ThreadPoolStatistics } from './workers/pool.js';
export { gobjectSetThreaded } from './workers/gobject.js';
export type { GObjectWorkerOptions } from './workers/gobject.js';
export { expose, callMain, isMainthread } from './workers/main-calls.js';
export { workerModule, resolveUri } from './workers/module.js';
export type { WorkerModule, WorkerModuleOptions } from './workers/module.js';
export { setWorkerHost } from './workers/locate.js';
