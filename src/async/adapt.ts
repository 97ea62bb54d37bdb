/**
 * `inprogress(x)`: turns what kaa can wait for into an InProgress
 * (kaa.base's `kaa.inprogress()`), including a Gio `*_async`/`*_finish`
 * pair, whose `Gio.Cancellable` is cancelled by `abort()`.
 *
 * Gio's async methods all end with `(…, io_priority?, cancellable, callback)`:
 * `file.load_contents_async(cancellable, callback)`,
 * `stream.read_bytes_async(count, io_priority, cancellable, callback)`.
 * The pair form passes the caller's arguments, then kaa's cancellable and
 * callback. As GJS's `Gio._promisify` does, a finish result `[true, a, b]`
 * becomes `[a, b]`. The callback comes from GLib, so the InProgress's
 * callbacks run in a GLib callback (where `wait()` works on GJS 1.74).
 * @module
 */
import type Gio from 'gi://Gio';
import { InProgressAborted, describeValue } from '../notifier/errors.js';
import type { EmissionValue, Signal } from '../notifier/signals.js';
import { reportException } from '../notifier/sources.js';
import { InProgress } from './inprogress.js';
import { onAbort } from './internal.js';
import { isThenable } from './support.js';

/** What a Gio finish method's result becomes: `[true, a, b]` → `[a, b]` (as `Gio._promisify`). */
export type GioResult<R> = R extends [boolean, unknown, ...unknown[]] ? (R extends [boolean, ...infer Rest] ? Rest : R) : R;

/** The names of `O`'s methods. */
type MethodKeys<O> = { [K in keyof O]-?: O[K] extends (...args: never[]) => unknown ? K : never }[keyof O] & string;

/** What a `{inprogress()}` object (a Signal, a Process…) or thenable finishes with. */
export type WaitedValue<X> = X extends PromiseLike<infer T> ? T
    : X extends Signal<infer A> ? EmissionValue<A>
        : X extends { inprogress(): PromiseLike<infer T> } ? T : unknown;

/**
 * Adapts `x` to an InProgress: an InProgress is returned as it is; a
 * Promise or other thenable is followed (settling from a GLib callback); a
 * Signal (or any object with an `inprogress()` method, like a Process) gives
 * its `inprogress()`; an InProgressAborted gives the InProgress it aborted.
 * @param x - what to wait for.
 * @returns the InProgress.
 * @throws TypeError when `x` is none of these.
 * @example
 * const line = await kaa.inprogress(channel.signals.readline);
 */
export function inprogress<X extends InProgress<unknown>>(x: X): X;
export function inprogress<X extends PromiseLike<unknown> | { inprogress(): PromiseLike<unknown> } | InProgressAborted>(x: X): InProgress<WaitedValue<X>>;
/**
 * Calls the Gio async method `asyncName` of `obj` with `args`, a
 * `Gio.Cancellable` and a callback that calls `finishName`; the InProgress
 * finishes with that result (`[true, a, b]` becomes `[a, b]`) or fails with
 * its `GLib.Error`. `abort()` cancels the cancellable.
 * @param obj - a GObject (a `Gio.File`, a stream, a `Gio.Subprocess`…).
 * @param asyncName - the `*_async` method.
 * @param finishName - the matching `*_finish` method.
 * @param args - the arguments before the cancellable (e.g. `count, io_priority`).
 * @returns the InProgress.
 * @throws TypeError when a name is not a method of `obj`.
 * @example
 * const file = Gio.File.new_for_path('/etc/hostname');
 * const [bytes] = await kaa.inprogress(file, 'load_contents_async', 'load_contents_finish');
 */
export function inprogress<O extends object, F extends MethodKeys<O>>(obj: O, asyncName: MethodKeys<O>, finishName: F,
    ...args: unknown[]): InProgress<O[F] extends (...a: never[]) => infer R ? GioResult<R> : unknown>;
export function inprogress(x: unknown, ...rest: unknown[]): InProgress<unknown> {
    if (rest.length > 0)
        return gioCall(x, rest[0], rest[1], rest.slice(2));
    if (x instanceof InProgress)
        return x;
    if (x instanceof InProgressAborted && x.inprogress instanceof InProgress)
        return x.inprogress;
    if (isThenable(x))
        return new InProgress().waitFor(x);
    if (typeof x === 'object' && x !== null && typeof (x as { inprogress?: unknown }).inprogress === 'function') {
        const ip: unknown = (x as { inprogress(): unknown }).inprogress();
        if (ip instanceof InProgress)
            return ip;
        if (isThenable(ip))
            return new InProgress().waitFor(ip);
        throw new TypeError(`inprogress(): ${describeValue(x)}.inprogress() returned ${describeValue(ip)}, not a thenable`);
    }
    throw new TypeError('inprogress(): expected an InProgress, a Promise, a Signal, an object with an inprogress() ' +
        `method, or (object, 'method_async', 'method_finish', ...args) (got ${describeValue(x)})`);
}

type GioCallback = (source: unknown, result: Gio.AsyncResult) => void;

function gioCall(obj: unknown, asyncName: unknown, finishName: unknown, args: unknown[]): InProgress<unknown> {
    if (typeof obj !== 'object' || obj === null)
        throw new TypeError(`inprogress(): \`obj\` must be an object with Gio async methods (got ${describeValue(obj)})`);
    const methods = obj as Record<string, unknown>;
    for (const [what, name] of [['asyncName', asyncName], ['finishName', finishName]] as const) {
        if (typeof name !== 'string' || typeof methods[name] !== 'function')
            throw new TypeError(`inprogress(): \`${what}\` must name a method of ${describeValue(obj)} (got ${describeValue(name)})`);
    }
    const start = methods[asyncName as string] as (...a: unknown[]) => unknown;
    const finish = methods[finishName as string] as (result: Gio.AsyncResult) => unknown;
    const ip = new InProgress<unknown>({ name: `${asyncName as string}()` });
    // Gio through the legacy importer: a program that never calls inprogress() never loads its typelib.
    const cancellable = new imports.gi.Gio.Cancellable();
    const settle = (result: Gio.AsyncResult) => {
        let value: unknown;
        try {
            value = finish.call(obj, result);
        } catch (e) {
            if (!ip.finished)
                ip.throw(e);
            return;
        }
        if (ip.finished)
            return;
        if (Array.isArray(value) && value.length > 1 && value[0] === true)
            value.shift();
        ip.finish(value);
    };
    // Called by GJS, not through kaa's sources: what escapes (a SystemExit) is routed as kaa's callbacks are.
    const callback: GioCallback = (_source, result) => {
        try {
            settle(result);
        } catch (e) {
            reportException(e);
        }
    };
    onAbort(ip, () => cancellable.cancel());
    let returned: unknown;
    try {
        returned = start.call(obj, ...args, cancellable, callback);
    } catch (e) {
        ip.throw(e);
        return ip;
    }
    if (isThenable(returned) && !ip.finished) // a method wrapped by Gio._promisify, called with the wrong arity
        ip.waitFor(returned);
    return ip;
}
