/**
 * The entry of dist/kaa.js: the same names as src/index.ts (the public API
 * and its types), but only the core (core.ts) is compiled at start-up; the
 * rest — AtTimer and `timed()`, coroutines, the InProgress combinators,
 * InProgressStatus, `inprogress()`, IO, processes and workers — is loaded
 * from dist/kaa-lazy.js the first time it is used (src/lazy/). Each of those
 * classes and functions is a stand-in that loads it and then behaves as the
 * real one (src/lazy/stand-in.ts); constants are real values from the start.
 * test/lazy.spec.ts checks that dist/kaa.js exports what src/index.ts does,
 * each class and function under its own name.
 * @module
 */
import { setInProgressCombinators } from './notifier/signals.js';
import { registerCombine } from './async/internal.js';
import {
    Callable, CallableError, InProgress, InProgressAborted, OneShotTimer, Signal, Signals, SocketError, SystemExit,
    TimeoutException, Timer, WeakCallable, WeakOneShotTimer, WeakTimer, WorkerError, delay, isDebug, resultOf, setDebug,
} from './core.js';
import { loadLazyPart } from './lazy/load.js';
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
export const AtTimer = lazyClass<typeof Part.AtTimer>('AtTimer');
export const OneShotAtTimer = lazyClass<typeof Part.OneShotAtTimer>('OneShotAtTimer');
export const nextAtTime = lazyFunction<typeof Part.nextAtTime>('nextAtTime');
export const timed = lazyFunction<typeof Part.timed>('timed');

// async
export const InProgressStatus = lazyClass<typeof Part.InProgressStatus>('InProgressStatus');
export const InProgressAny = lazyClass<typeof Part.InProgressAny>('InProgressAny');
export const InProgressAll = lazyClass<typeof Part.InProgressAll>('InProgressAll');
export const CoroutineInProgress = lazyClass<typeof Part.CoroutineInProgress>('CoroutineInProgress');
export const inprogress = lazyFunction<typeof Part.inprogress>('inprogress');
export const coroutine = lazyFunction<typeof Part.coroutine>('coroutine');

// io
export const IOMonitor = lazyClass<typeof Part.IOMonitor>('IOMonitor');
export const WeakIOMonitor = lazyClass<typeof Part.WeakIOMonitor>('WeakIOMonitor');
export const IOChannel = lazyClass<typeof Part.IOChannel>('IOChannel');
export const Socket = lazyClass<typeof Part.Socket>('Socket');

// process
export const Process = lazyClass<typeof Part.Process>('Process');
export const watchChild = lazyFunction<typeof Part.watchChild>('watchChild');

// workers
export const threaded = lazyFunction<typeof Part.threaded>('threaded');
export const ThreadInProgress = lazyClass<typeof Part.ThreadInProgress>('ThreadInProgress');
export const ThreadPool = lazyClass<typeof Part.ThreadPool>('ThreadPool');
export const registerThreadPool = lazyFunction<typeof Part.registerThreadPool>('registerThreadPool');
export const getThreadPool = lazyFunction<typeof Part.getThreadPool>('getThreadPool');
export const gobjectSetThreaded = lazyFunction<typeof Part.gobjectSetThreaded>('gobjectSetThreaded');
export const expose = lazyFunction<typeof Part.expose>('expose');
export const callMain = lazyFunction<typeof Part.callMain>('callMain');
export const isMainthread = lazyFunction<typeof Part.isMainthread>('isMainthread');
export const workerModule = lazyFunction<typeof Part.workerModule>('workerModule');
export const resolveUri = lazyFunction<typeof Part.resolveUri>('resolveUri');
export const setWorkerHost = lazyFunction<typeof Part.setWorkerHost>('setWorkerHost');

// InProgress.any()/all() and Signals.any()/all() build InProgressAny/All:
// until combinators.ts is loaded (it registers the real ones as it loads),
// these load it. They build what combinators.ts's own registrations build.
type Combinator = new (...args: unknown[]) => InProgress<unknown>;
const combinator = (kind: 'any' | 'all'): Combinator =>
    loadLazyPart()[kind === 'any' ? 'InProgressAny' : 'InProgressAll'] as Combinator;
registerCombine((kind, args) => new (combinator(kind))(...args));
setInProgressCombinators({
    any: (signals, options) => new (combinator('any'))(signals.slice(), ...(options ? [{ ...options }] : [])),
    all: (signals, options) => new (combinator('all'))(signals.slice(), ...(options ? [{ ...options }] : [])),
});

// dist/kaa.js is minified without esbuild's keepNames, whose ~200 name
// fix-ups cost start-up time and memory (bench startup): the core's public
// classes and functions get their names back here (`Timer.name`, and
// InProgress's toString() reads `constructor.name`). The stand-ins answer
// with the names of the lazy part, which keeps them.
const named: Record<string, object> = {
    Callable, CallableError, InProgress, InProgressAborted, OneShotTimer, Signal, Signals, SocketError, SystemExit,
    TimeoutException, Timer, WeakCallable, WeakOneShotTimer, WeakTimer, WorkerError, delay, isDebug, resultOf, setDebug,
};
for (const name in named)
    Object.defineProperty(named[name], 'name', { value: name, configurable: true });
