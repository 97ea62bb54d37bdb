/**
 * The entry of dist/kaa-lazy.js: the IO, process and worker layers, which
 * dist/kaa.js loads the first time one of these names is used. The build
 * (scripts/build.mjs) links every core module they import (notifier,
 * timers, async) to the copy already loaded in dist/kaa.js, so there is one
 * scheduler, one loop and one set of registries whichever part loads first.
 * src/kaa.ts has one stand-in for each name exported here.
 * @module
 */
export { IOMonitor, WeakIOMonitor, IOChannel, Socket } from '../io/index.js';
export { Process, watchChild } from '../process/index.js';
export { threaded, ThreadInProgress } from '../workers/threaded.js';
export { ThreadPool } from '../workers/pool.js';
export { registerThreadPool, getThreadPool } from '../workers/registry.js';
export { gobjectSetThreaded } from '../workers/gobject.js';
export { expose, callMain, isMainthread } from '../workers/main-calls.js';
export { workerModule, resolveUri } from '../workers/module.js';
export { setWorkerHost } from '../workers/locate.js';
