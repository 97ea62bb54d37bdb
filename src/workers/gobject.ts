/**
 * The GObject worker: one long-lived worker process whose GLib loop keeps
 * running between calls, so GObjects one `threaded(GOBJECT)` call makes (a
 * GStreamer pipeline, a `Gio.FileMonitor`) live on for the next — keep them
 * in worker globals (`globalThis.monitor = …`). Unlike a pool worker it
 * takes any number of calls at once (its loop interleaves async ones), it
 * never idles out, and aborting a running call only drops its result (the
 * worker and its objects stay).
 *
 * `gobjectSetThreaded({module})` starts it. The module (a `file://` URI or
 * an absolute path) is imported in the worker first; if it exports
 * `start()`, that is called (after the worker said it is ready) and may run
 * its own loop on the default main context until `stop()` is called, which
 * happens when the main process stops the worker. Calls made before the
 * worker is ready wait in its pipe. Until `gobjectSetThreaded()` is called,
 * `threaded(GOBJECT)` runs on the main loop (as kaa.base did).
 * @module
 */
import { checkOptionsObject } from '../notifier/check.js';
import { WorkerError } from '../notifier/errors.js';
import { InProgress } from '../async/inprogress.js';
import { moduleUri } from './locate.js';
import { createPool, type PoolConfig, type ThreadPool } from './pool.js';
import { registerThreadPool } from './registry.js';

/** The registered name of the GObject worker's pool. */
export const GOBJECT_POOL = 'kaa::gobject';

/** Options of {@link gobjectSetThreaded}. */
export interface GObjectWorkerOptions {
    /**
     * A module imported in the GObject worker before any call (a `file://`
     * URI or an absolute path); it may export `start()` and `stop()`.
     */
    module?: string;
}

let pool: ThreadPool | null = null;
let ready: InProgress<void> | null = null;
const config: PoolConfig = {
    hostArgs: ['--gobject'],
    concurrent: true,
    ready: error => {
        if (!ready || ready.finished)
            return;
        if (error === null)
            ready.finish(undefined);
        else
            ready.throw(new WorkerError(`the GObject worker could not start: ${error}`));
    },
    exited: () => {
        if (ready && !ready.finished)
            ready.throw(new WorkerError('the GObject worker ended before it was ready'));
    },
};

/**
 * The GObject worker's pool, or null until `gobjectSetThreaded()`. @internal
 * @returns the pool.
 * @example
 * const pool = gobjectPool() ?? runOnMainLoop();
 */
export function gobjectPool(): ThreadPool | null {
    return pool;
}

/**
 * Starts the GObject worker (once: while it runs, later calls return the
 * same InProgress and ignore their options — stop its pool,
 * `getThreadPool('kaa::gobject').stop()`, to restart it with another module). `threaded(GOBJECT)` calls then run in it; calls made
 * before it is ready are queued.
 * @param options - `{module}`: a module to import there first (may export `start()`/`stop()`).
 * @returns an InProgress that finishes when the worker is ready (fails with
 *   a WorkerError when the module cannot be loaded or the worker cannot start).
 * @throws TypeError when `module` is not an absolute path, a file:// URI or a resource:/// URI.
 * @example
 * await kaa.gobjectSetThreaded();
 * const watch = kaa.threaded(kaa.GOBJECT)((path: string) => {
 *     globalThis.monitor = Gio.File.new_for_path(path).monitor(Gio.FileMonitorFlags.NONE, null);
 * });
 * await watch('/tmp');
 */
export function gobjectSetThreaded(options: GObjectWorkerOptions = {}): InProgress<void> {
    checkOptionsObject('gobjectSetThreaded()', options, ['module']);
    const args = ['--gobject'];
    if (options.module !== undefined)
        args.push('--module', moduleUri(options.module));
    if (pool && ready && (!ready.finished || pool.statistics().workers > 0))
        return ready;
    config.hostArgs = args;
    ready = new InProgress<void>({ name: 'gobjectSetThreaded()' });
    const starting = ready;
    pool ??= registerThreadPool(GOBJECT_POOL, createPool({ size: 1, timeout: Infinity }, config));
    pool.warmUp();
    if (pool.statistics().workers === 0 && !starting.finished)
        starting.throw(new WorkerError('the GObject worker could not be started'));
    return starting;
}
