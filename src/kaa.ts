/**
 * The entry of dist/kaa.js: the same names as src/index.ts (the public API
 * and its types), but the IO, process and worker layers are loaded on first
 * use, from dist/kaa-lazy.js (src/lazy/): start-up compiles only the core.
 * Each of their names is a stand-in that loads them and then behaves as the
 * real class or function (src/lazy/stand-in.ts); their constants are real
 * values from the start. test/lazy.spec.ts checks that this file and
 * src/index.ts export the same names.
 * @module
 */
import type * as Part from './lazy/part.js';
import { lazyClass, lazyFunction } from './lazy/stand-in.js';

export * from './core.js';

// io
export { IO_READ, IO_WRITE } from './io/conditions.js';
export const IOMonitor = lazyClass<typeof Part.IOMonitor>('IOMonitor');
export const WeakIOMonitor = lazyClass<typeof Part.WeakIOMonitor>('WeakIOMonitor');
export const IOChannel = lazyClass<typeof Part.IOChannel>('IOChannel');
export const Socket = lazyClass<typeof Part.Socket>('Socket');

// process
export const Process = lazyClass<typeof Part.Process>('Process');
export const watchChild = lazyFunction<typeof Part.watchChild>('watchChild');

// workers
export { MAINTHREAD, GOBJECT } from './workers/targets.js';
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
