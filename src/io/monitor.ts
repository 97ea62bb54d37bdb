/**
 * `IOMonitor` and `WeakIOMonitor`: call a function whenever a file
 * descriptor is readable or writable (kaa.base's `kaa.IOMonitor`), on a
 * GLib fd watch (`g_unix_fd_add_full`) that kaa re-arms if GJS 1.74 drops it
 * (see watch.ts).
 *
 * The callback gets only the arguments bound at construction (not the fd);
 * it returns `false` to unregister. Readiness is level-triggered: a callback
 * that does not read (or write) runs again in the next iteration. A hang-up
 * or error on the fd counts as ready (the next read says what happened). An
 * fd closed while it is watched unregisters the monitor and reports an Error
 * on `kaa.signals.exception`. The monitor never changes the fd's flags and
 * never closes it.
 * @module
 */
import GLib from 'gi://GLib';
import { WeakCallable, requireFunction, type WeakMethod } from '../notifier/callable.js';
import { describeValue } from '../notifier/errors.js';
import { IO_READ, IO_WRITE } from './conditions.js';
import { FdWatch, checkFdOpen, toFd } from './watch.js';

export { IO_READ, IO_WRITE };

/**
 * What `register()` accepts: an fd, or an object with a `fileno()` method.
 * @example
 * monitor.register({ fileno: () => socket.get_fd() });
 */
export type FileDescriptorLike = number | { fileno(): number };

/**
 * Turns `IO_READ | IO_WRITE` flags into a GLib condition.
 * @throws TypeError naming the value for anything but 1, 2 or 3.
 * @internal
 */
export function ioCondition(condition: unknown, what: string): GLib.IOCondition {
    if (condition !== IO_READ && condition !== IO_WRITE && condition !== (IO_READ | IO_WRITE)) {
        throw new TypeError(`${what}: \`condition\` must be IO_READ (1), IO_WRITE (2) or both (3) ` +
            `(got ${describeValue(condition)})`);
    }
    let gcond = 0 as GLib.IOCondition;
    if (condition & IO_READ)
        gcond |= GLib.IOCondition.IN;
    if (condition & IO_WRITE)
        gcond |= GLib.IOCondition.OUT;
    return gcond;
}

/**
 * Calls `callback(...args)` each time a registered fd is ready.
 * @example
 * const monitor = new kaa.IOMonitor(() => {
 *     print('stdin is readable');
 *     return false; // once is enough
 * });
 * monitor.register(0, kaa.IO_READ);
 */
export class IOMonitor<Args extends unknown[] = unknown[]> {
    readonly #fn: (...args: unknown[]) => unknown;
    readonly #args: unknown[];
    #watch: FdWatch | null = null;
    #condition = 0;

    /**
     * Creates an unregistered monitor.
     * @param callback - called with `args` when the fd is ready; return `false` to unregister.
     * @param args - arguments bound to every call.
     * @throws TypeError when `callback` is not a function.
     */
    constructor(callback: (...args: Args) => unknown, ...args: Args) {
        requireFunction('callback', callback);
        this.#fn = callback as (...a: unknown[]) => unknown;
        this.#args = args;
    }

    /** True while registered. */
    get active(): boolean {
        return this.#watch?.active ?? false;
    }

    /** The registered fd, or `null`. */
    get fd(): number | null {
        return this.#watch?.active ? this.#watch.fd : null;
    }

    /**
     * Starts watching `fd` for `condition`. Registering the same fd and
     * condition again is a no-op.
     * @param fd - a file descriptor, or an object with `fileno()`.
     * @param condition - `IO_READ` (default), `IO_WRITE`, or both.
     * @throws TypeError for a non-integer or negative fd or a bad condition; RangeError for an fd above 2**31 - 1;
     *   Error when `fd` is not open, or when the monitor is already
     *   registered for another fd or condition (unregister first).
     * @example
     * new kaa.IOMonitor(onWritable).register(socket, kaa.IO_WRITE);
     */
    register(fd: FileDescriptorLike, condition: number = IO_READ): void {
        const what = 'IOMonitor.register()';
        const n = toFd(fd, what);
        const gcond = ioCondition(condition, what);
        if (this.#watch?.active) {
            if (this.#watch.fd === n && this.#condition === condition)
                return;
            throw new Error(`${what}: already registered for fd ${this.#watch.fd} (condition ${this.#condition}); ` +
                'call unregister() first');
        }
        checkFdOpen(n, what);
        this.#condition = condition;
        this.#watch = new FdWatch(n, gcond, cond => this.#dispatch(n, cond), 'io-monitor');
        this.#watch.start();
    }

    /**
     * Stops watching. Harmless when not registered.
     * @example
     * monitor.unregister();
     */
    unregister(): void {
        this.#watch?.stop();
        this.#watch = null;
    }

    #dispatch(fd: number, condition: GLib.IOCondition): boolean {
        if (condition & GLib.IOCondition.NVAL) {
            this.#watch = null;
            throw new Error(`IOMonitor: fd ${fd} was closed while it was registered; the monitor is unregistered`);
        }
        const keep = this.#fn(...this.#args) !== false;
        if (!keep)
            this.#watch = null;
        return keep;
    }
}

/**
 * An IOMonitor that calls `method` on `target` held weakly (a
 * `WeakCallable`): it unregisters itself when the target is gone (collected
 * where the runtime collects, or a destroyed GObject).
 * @example
 * new kaa.WeakIOMonitor(this, 'onReadable').register(fd);
 */
export class WeakIOMonitor<T extends object = object> extends IOMonitor<[]> {
    /**
     * @param target - the object to call `method` on; held weakly.
     * @param method - a function called with `this = target`, or a method name.
     * @param args - arguments bound to every call.
     * @throws TypeError when `target` is not an object or `method` is not a method of it.
     */
    constructor(target: T, method: WeakMethod<T>, ...args: unknown[]) {
        const callable = new WeakCallable(target, method, ...args);
        super(() => (callable.alive ? callable() : false));
        callable.onDead = () => this.unregister();
    }
}
