/**
 * `workerModule()`: a module of functions run in workers, for code too big
 * for one `threaded()` function. The module is imported in each worker the
 * first time one of its functions is called there (so it must not start an
 * app at import time); the proxy returned here turns `proxy.name(...args)`
 * into a call of that export in the pool. The proxy answers no `then`, so
 * `await`ing it (or returning it from an async function) is harmless; nor
 * `toJSON` or the names of `Object.prototype` (`toString`, `constructor`…).
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { checkOptionsObject } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { moduleUri } from './locate.js';
import { ThreadPool } from './pool.js';
import { DEFAULT_POOL, poolNamed } from './registry.js';
import { submit, type ThreadInProgress, type ThreadedOptions } from './threaded.js';

/** Names the proxy never turns into calls: `then` (so `await` is safe), `toJSON`, and Object.prototype's (kept as they are). */
const NOT_EXPORTS = new Set(['then', 'toJSON', ...Object.getOwnPropertyNames(Object.prototype)]);

/** Options of {@link workerModule}. */
export interface WorkerModuleOptions {
    /** The pool (or pool name) its functions run in. @default 'kaa::default' */
    pool?: ThreadPool | string;
    /** Queue priority of its calls. @default 0 */
    priority?: number;
}

/** The proxy of a worker module: each exported function returns a ThreadInProgress of its result. */
export type WorkerModule<T> = {
    readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => ThreadInProgress<Awaited<R>> : never;
};

/**
 * Resolves `relative` against `base` (usually `import.meta.url`) into a
 * `file://` URI — GJS 1.74 has no `URL`. As with `URL`, a base that ends
 * in `/` is a directory (`'file:///srv/app/'` → `file:///srv/app/tasks.js`),
 * any other base names a file whose directory is used. Absolute paths and
 * URIs are returned as URIs unchanged.
 * @param relative - `'./tasks.js'`, `'../lib/x.js'`, an absolute path or a URI.
 * @param base - the URI (or path) of the file it is relative to.
 * @returns the `file://` URI (or the URI given).
 * @throws TypeError when an argument is not a string.
 * @example
 * const tasks = kaa.workerModule<typeof import('./tasks.js')>(kaa.resolveUri('./tasks.js', import.meta.url));
 */
export function resolveUri(relative: string, base: string): string {
    if (typeof relative !== 'string' || typeof base !== 'string')
        throw new TypeError(`resolveUri(): arguments must be strings (got ${describeValue(relative)}, ${describeValue(base)})`);
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative))
        return relative;
    if (GLib.path_is_absolute(relative))
        return GLib.filename_to_uri(relative, null);
    const baseFile = /^[a-z][a-z0-9+.-]*:/i.test(base) ? Gio.File.new_for_uri(base) : Gio.File.new_for_path(base);
    // As `URL` does: a base ending in '/' is a directory, anything else names a file in one.
    const dir = base.endsWith('/') ? baseFile : baseFile.get_parent() ?? baseFile;
    return dir.resolve_relative_path(relative).get_uri();
}

/**
 * Loads a module of exported functions in the workers of a pool and returns
 * a typed proxy: `proxy.fn(...args)` runs `fn` in a worker and returns a
 * ThreadInProgress. Functions may be async; arguments and results follow
 * the rules of `threaded()`.
 * @param url - the module: a `file://` URI, an absolute path, or a `resource:///`
 *   URI in the GResource that holds kaa (a GNOME app's: docs/gnome-app.md).
 * @param options - `{pool = 'kaa::default', priority = 0}`.
 * @returns the proxy.
 * @throws TypeError for a relative path, another kind of URI or a bad option.
 * @example
 * // tasks.js: export function wordCount(text) { return text.split(/\s+/).length; }
 * const tasks = kaa.workerModule<typeof import('./tasks.js')>(kaa.resolveUri('./tasks.js', import.meta.url));
 * print(await tasks.wordCount('a b c')); // 3
 */
export function workerModule<T extends object>(url: string, options: WorkerModuleOptions = {}): WorkerModule<T> {
    const uri = moduleUri(url);
    checkOptionsObject('workerModule()', options, ['pool', 'priority']);
    const { pool = DEFAULT_POOL, priority = 0 } = options;
    if (typeof priority !== 'number' || !Number.isFinite(priority))
        throw new TypeError(`workerModule(): \`priority\` must be a finite number (got ${describeValue(priority)})`);
    if (!(pool instanceof ThreadPool) && (typeof pool !== 'string' || !pool))
        throw new TypeError(`workerModule(): \`pool\` must be a ThreadPool or a pool name (got ${describeValue(pool)})`);
    const callOptions: ThreadedOptions = { priority };
    const functions = new Map<string, (...args: unknown[]) => ThreadInProgress<unknown>>();
    const target = {} as WorkerModule<T>;
    return new Proxy(target, {
        get(proxied, name) {
            if (name === 'then' || name === 'toJSON')
                return undefined;
            if (typeof name !== 'string' || NOT_EXPORTS.has(name))
                return Reflect.get(proxied, name);
            let fn = functions.get(name);
            if (!fn) {
                const shipped = { key: `m:${uri}#${name}`, label: `worker module ${name}` };
                fn = (...args: unknown[]) => submit(pool instanceof ThreadPool ? pool : poolNamed(pool), shipped, args, callOptions);
                functions.set(name, fn);
            }
            return fn;
        },
        has: (_target, name) => typeof name === 'string' && !NOT_EXPORTS.has(name),
    });
}
