/**
 * The entry of the second section of dist/kaa-lazy.js: what dist/kaa.js
 * loads the first time one of these names is used — the IO, process and
 * worker layers. Loading it loads the first section (async.ts) first. The
 * build (scripts/build.mjs) links every module of the core (notifier,
 * Timer…) and of the first section (InProgress…) that these import to the
 * copy already loaded, so there is one scheduler, one loop and one set of
 * registries. src/kaa.ts has a stand-in for each class and function here.
 * Import the modules, not the layers' barrels (src/io/index.ts is fine: it
 * holds only IO modules).
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
