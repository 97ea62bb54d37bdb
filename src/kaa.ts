/**
 * The entry of dist/kaa.js: the same names as src/index.ts (the public API
 * and its types), but only the core (core.ts: the notifier and the Timer
 * family) is compiled at start-up; the rest is loaded from dist/kaa-lazy.js
 * the first time it is used (src/lazy/), in two sections: `async` —
 * InProgress, `delay()`, `resultOf()`, `inprogress()`, the combinators,
 * InProgressStatus, coroutines, AtTimer and `timed()` — and `io` — IO,
 * processes and workers. Each of those classes and functions is a stand-in
 * that loads its section and then behaves as the real one
 * (src/lazy/stand-in.ts); constants are real values from the start.
 * test/lazy.spec.ts checks that dist/kaa.js exports what src/index.ts does,
 * each class and function under its own name.
 * @module
 */
import { setInProgressCombinators, setInProgressFactory, type SignalInProgressHook } from './notifier/signals.js';
import {
    Callable, CallableError, InProgressAborted, OneShotTimer, Signal, Signals, SocketError, SystemExit,
    TimeoutException, Timer, WeakCallable, WeakOneShotTimer, WeakTimer, WorkerError, isDebug, setDebug,
} from './core.js';
import { loadLazyPart } from './lazy/load.js';
import type * as Async from './lazy/async.js';
import type * as Part from './lazy/part.js';
import { lazyClass, lazyFunction } from './lazy/stand-in.js';

export * from './core.js';
export {
    POLICY_MANY, POLICY_ONCE, POLICY_RESTART, FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
    POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
} from './lazy/constants.js';
export { NotFinished } from './async/not-finished.js';
export { IO_READ, IO_WRITE } from './io/conditions.js';
export { MAINTHREAD, GOBJECT } from './workers/targets.js';

// timers
export const AtTimer = lazyClass<typeof Async.AtTimer>('async', 'AtTimer');
export const OneShotAtTimer = lazyClass<typeof Async.OneShotAtTimer>('async', 'OneShotAtTimer');
export const nextAtTime = lazyFunction<typeof Async.nextAtTime>('async', 'nextAtTime');
export const timed = lazyFunction<typeof Async.timed>('async', 'timed');

// async
export const InProgress = lazyClass<typeof Async.InProgress>('async', 'InProgress');
export const delay = lazyFunction<typeof Async.delay>('async', 'delay');
export const resultOf = lazyFunction<typeof Async.resultOf>('async', 'resultOf');
export const InProgressStatus = lazyClass<typeof Async.InProgressStatus>('async', 'InProgressStatus');
export const InProgressAny = lazyClass<typeof Async.InProgressAny>('async', 'InProgressAny');
export const InProgressAll = lazyClass<typeof Async.InProgressAll>('async', 'InProgressAll');
export const CoroutineInProgress = lazyClass<typeof Async.CoroutineInProgress>('async', 'CoroutineInProgress');
export const inprogress = lazyFunction<typeof Async.inprogress>('async', 'inprogress');
export const coroutine = lazyFunction<typeof Async.coroutine>('async', 'coroutine');

// io
export const IOMonitor = lazyClass<typeof Part.IOMonitor>('io', 'IOMonitor');
export const WeakIOMonitor = lazyClass<typeof Part.WeakIOMonitor>('io', 'WeakIOMonitor');
export const IOChannel = lazyClass<typeof Part.IOChannel>('io', 'IOChannel');
export const Socket = lazyClass<typeof Part.Socket>('io', 'Socket');

// process
export const Process = lazyClass<typeof Part.Process>('io', 'Process');
export const watchChild = lazyFunction<typeof Part.watchChild>('io', 'watchChild');

// workers
export const threaded = lazyFunction<typeof Part.threaded>('io', 'threaded');
export const ThreadInProgress = lazyClass<typeof Part.ThreadInProgress>('io', 'ThreadInProgress');
export const ThreadPool = lazyClass<typeof Part.ThreadPool>('io', 'ThreadPool');
export const registerThreadPool = lazyFunction<typeof Part.registerThreadPool>('io', 'registerThreadPool');
export const getThreadPool = lazyFunction<typeof Part.getThreadPool>('io', 'getThreadPool');
export const gobjectSetThreaded = lazyFunction<typeof Part.gobjectSetThreaded>('io', 'gobjectSetThreaded');
export const expose = lazyFunction<typeof Part.expose>('io', 'expose');
export const callMain = lazyFunction<typeof Part.callMain>('io', 'callMain');
export const isMainthread = lazyFunction<typeof Part.isMainthread>('io', 'isMainthread');
export const workerModule = lazyFunction<typeof Part.workerModule>('io', 'workerModule');
export const resolveUri = lazyFunction<typeof Part.resolveUri>('io', 'resolveUri');
export const setWorkerHost = lazyFunction<typeof Part.setWorkerHost>('io', 'setWorkerHost');

// signal.inprogress() and Signals.any()/all() build InProgress objects: until
// the `async` section is loaded (it registers the real builders as it loads:
// async/signal-factory.ts, async/combinators.ts), these load it and build
// what those build.
setInProgressFactory((hook: SignalInProgressHook) =>
    (loadLazyPart('async').signalInProgress as typeof Async.signalInProgress)(hook));
type Combinator = new (...args: unknown[]) => Async.InProgress<unknown>;
const combinator = (kind: 'any' | 'all'): Combinator =>
    loadLazyPart('async')[kind === 'any' ? 'InProgressAny' : 'InProgressAll'] as Combinator;
setInProgressCombinators({
    any: (signals, options) => new (combinator('any'))(signals.slice(), ...(options ? [{ ...options }] : [])),
    all: (signals, options) => new (combinator('all'))(signals.slice(), ...(options ? [{ ...options }] : [])),
});

// dist/kaa.js is minified without esbuild's keepNames, whose ~200 name
// fix-ups cost start-up time and memory (bench startup): the core's public
// classes and functions get their names back here (`Timer.name`). The
// stand-ins answer with the names of the lazy part, which keeps them.
const named: Record<string, object> = {
    Callable, CallableError, InProgressAborted, OneShotTimer, Signal, Signals, SocketError, SystemExit,
    TimeoutException, Timer, WeakCallable, WeakOneShotTimer, WeakTimer, WorkerError, isDebug, setDebug,
};
for (const name in named)
    Object.defineProperty(named[name], 'name', { value: name, configurable: true });
