/**
 * The registry of named thread pools: `registerThreadPool`,
 * `getThreadPool`, and the pools `threaded('name')` creates.
 * @module
 */
import GLib from 'gi://GLib';
import { describeValue } from '../notifier/errors.js';
import { ThreadPool } from './pool.js';

/** The name of the default pool (one worker per core). */
export const DEFAULT_POOL = 'kaa::default';

const registry = new Map<string, ThreadPool>();

/**
 * Registers `pool` under `name` (kaa's convention: `'app::purpose'`), so
 * `threaded('name')` and {@link getThreadPool} find it.
 * @param name - the name.
 * @param pool - the pool.
 * @returns the pool.
 * @throws Error when the name is taken or the pool already has a name; TypeError on bad arguments.
 * @example
 * kaa.registerThreadPool('app::io', new kaa.ThreadPool({ size: 4 }));
 */
export function registerThreadPool(name: string, pool: ThreadPool): ThreadPool {
    if (typeof name !== 'string' || !name)
        throw new TypeError(`registerThreadPool(): \`name\` must be a non-empty string (got ${describeValue(name)})`);
    if (!(pool instanceof ThreadPool))
        throw new TypeError(`registerThreadPool(): \`pool\` must be a ThreadPool (got ${describeValue(pool)})`);
    if (registry.has(name))
        throw new Error(`registerThreadPool(): a pool named ${JSON.stringify(name)} is already registered`);
    if (pool.name !== null)
        throw new Error(`registerThreadPool(): this pool is already registered as ${JSON.stringify(pool.name)}`);
    ThreadPool.setName(pool, name);
    registry.set(name, pool);
    return pool;
}

/**
 * The pool registered (or auto-created by `threaded(name)`) under `name`.
 * The default pool, `'kaa::default'`, is always there: asking for it makes
 * it, as the first `threaded()` call would (no worker starts before a call).
 * @param name - the name.
 * @returns the pool, or null.
 * @throws TypeError when `name` is not a string.
 * @example
 * kaa.getThreadPool('kaa::default')?.statistics();
 */
export function getThreadPool(name: string): ThreadPool | null {
    if (typeof name !== 'string')
        throw new TypeError(`getThreadPool(): \`name\` must be a string (got ${describeValue(name)})`);
    // The default pool always exists (made on first use, as by threaded(); it spawns no worker until a call).
    return name === DEFAULT_POOL ? poolNamed(name) : registry.get(name) ?? null;
}

/**
 * The pool for a `threaded()` target name: registered, or created (the
 * default pool has one worker per core, any other name one worker). @internal
 * @param name - the name.
 * @returns the pool.
 * @example
 * const pool = poolNamed('app::io'); // registered, or a new 1-worker pool
 */
export function poolNamed(name: string): ThreadPool {
    const pool = registry.get(name);
    if (pool)
        return pool;
    const size = name === DEFAULT_POOL ? Math.max(1, GLib.get_num_processors()) : 1;
    return registerThreadPool(name, new ThreadPool({ size }));
}
