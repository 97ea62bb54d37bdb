/**
 * The checks every public entry point shares: an options object, a number
 * of seconds, a number within a range. Each throws at once, before the
 * caller changes any state, with a message that names the argument and the
 * value received (see {@link describeValue}).
 *
 * Why a plain object: an options argument is read by name, so anything that
 * is not a `{…}` literal (an array, a `Date`, an `Error`, a `Uint8Array`, a
 * class instance) has no option fields and was a mistake; so is an option
 * name kaa does not know (a typo such as `{queuesize}` would otherwise be
 * ignored without a word).
 *
 * Why the bounds: GLib takes fds and pids as C `int`s and timeouts as
 * `guint`s; a larger number fails deep inside GI, or is truncated into
 * another one. A wrong type is a `TypeError`; a number of the right type
 * outside the allowed range is a `RangeError` that says the range.
 * @module
 */
import { describeValue } from './errors.js';

/**
 * The longest wait kaa accepts, in seconds: 2**32 - 1 (about 136 years).
 * Timers are re-aimed, so any wait up to this works (see scheduler.ts).
 */
export const MAX_SECONDS = 4294967295;

/** The largest file descriptor or process id: a C `int` (2**31 - 1). */
export const MAX_INT = 2147483647;

/**
 * True for an object literal or `Object.create(null)`; false for arrays,
 * functions, class instances (`Date`, `Error`, typed arrays …) and primitives.
 * @param value - anything.
 * @returns whether `value` is a plain object.
 * @example
 * isPlainObject({ size: 2 }); // true
 * isPlainObject(new Date());  // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (value === null || typeof value !== 'object')
        return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === null || proto === Object.prototype;
}

/**
 * Throws unless `options` is a plain object whose own keys are all in `known`.
 * @param what - the caller, e.g. `'ThreadPool'` (the message starts with it).
 * @param options - the value received.
 * @param known - the option names the caller reads.
 * @param name - the argument's name. @default 'options'
 * @throws TypeError `` ThreadPool: `options` must be a plain object (got a Uint8Array) ``, `` … must be an object (got 5) `` or
 *   `` ThreadPool: unknown option `sise` (expected size, timeout) ``.
 * @example
 * checkOptionsObject('ThreadPool', options, ['size', 'timeout']);
 */
export function checkOptionsObject(what: string, options: unknown, known: readonly string[], name = 'options'): void {
    if (!isPlainObject(options)) {
        const kind = options !== null && typeof options === 'object' ? 'a plain object' : 'an object';
        throw new TypeError(`${what}: \`${name}\` must be ${kind} (got ${describeValue(options)})`);
    }
    for (const key of Object.keys(options)) {
        if (!known.includes(key))
            throw new TypeError(`${what}: unknown option \`${key}\` (expected ${known.join(', ')})`);
    }
}

/**
 * Throws a `RangeError` unless the number `value` lies from `min` to `max`
 * (call it after checking the type).
 * @param what - the caller for the message, or `''`.
 * @param name - the argument's name.
 * @param value - the number received.
 * @param min - the smallest allowed value.
 * @param max - the largest allowed value.
 * @param unit - appended to the range, e.g. `' seconds'`.
 * @throws RangeError `` `pid` must be from 1 to 2147483647 (got 9007199254740992) ``.
 * @example
 * checkRange('watchChild()', 'pid', pid, 1, MAX_INT);
 */
export function checkRange(what: string, name: string, value: number, min: number, max: number, unit = ''): void {
    if (!(value >= min && value <= max))
        throw new RangeError(`${what ? `${what}: ` : ''}\`${name}\` must be from ${min} to ${max}${unit} (got ${describeValue(value)})`);
}

/**
 * Throws unless `value` is a number of seconds from 0 to {@link MAX_SECONDS}.
 * @param name - the argument's name, e.g. `'interval'`.
 * @param value - the value received.
 * @throws TypeError `` `interval` must be a finite number >= 0 (got -1) ``;
 *   RangeError `` `interval` must be from 0 to 4294967295 seconds (got 1e+300) ``.
 * @example
 * checkSeconds('timeout', timeout);
 */
export function checkSeconds(name: string, value: unknown): asserts value is number {
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity)
        throw new TypeError(`\`${name}\` must be a finite number >= 0 (got ${describeValue(value)})`);
    checkRange('', name, value, 0, MAX_SECONDS, ' seconds');
}
