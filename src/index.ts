/**
 * kaa for GJS: the public API. Every export is named here or in core.ts
 * explicitly. dist/kaa.js is built from src/kaa.ts, which exports the same
 * names but loads InProgress and the async layer, AtTimer, IO, processes
 * and workers on first use.
 * @packageDocumentation
 */

// notifier, the Timer family and every type of the notifier, timers and async layers
export * from './core.js';

// timers
export { AtTimer, OneShotAtTimer, nextAtTime, timed, POLICY_MANY, POLICY_ONCE, POLICY_RESTART } from './timers.js';

// async
export {
    InProgress, delay, resultOf, InProgressStatus, InProgressAny, InProgressAll, CoroutineInProgress, FINISH_IDX_RESULT, FINISH_IDX, FINISH_RESULT, FINISH_SELF,
    inprogress, coroutine, NotFinished, POLICY_SYNCHRONIZED, POLICY_SINGLETON, POLICY_PASS_LAST,
} from './async/index.js';

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
