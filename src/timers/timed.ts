/**
 * `timed()`: turns a function or a method into one whose calls start a timer
 * (kaa.base's `@kaa.timed`). Usable as a wrapper, `timed(0.5)(fn)`, and as a
 * standard (TC39, TypeScript 5) method decorator, `@timed(0.5)`.
 *
 * The policy state (the timer a call started) is kept per wrapped function
 * and, for methods, per `this` in a `WeakMap`, so two objects of one class
 * never cancel each other's timers.
 * @module
 */
import { checkOptionsObject } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { Timer, WeakTimer, checkSeconds } from './timer.js';

/** `timed()` policy: every call starts its own timer. */
export const POLICY_MANY = 'many';
/** `timed()` policy: a call while the previous call's timer is active is ignored (returns `false`). */
export const POLICY_ONCE = 'once';
/** `timed()` policy: a call stops the previous call's timer and starts a new one. */
export const POLICY_RESTART = 'restart';

/** The policies of {@link timed}. */
export type TimedPolicy = typeof POLICY_MANY | typeof POLICY_ONCE | typeof POLICY_RESTART;

/**
 * A timer class `timed()` can use: `Timer`, `OneShotTimer`, `WeakTimer`,
 * `WeakOneShotTimer` or a subclass. A weak class holds the method's `this`
 * weakly, so it needs one.
 */
export type TimerClass = abstract new (...args: never[]) => Timer<never>;

/** Options of {@link timed}. */
export interface TimedOptions {
    /**
     * The timer class each call starts: with `Timer` the function repeats
     * every `interval` until it returns `false`; with a one-shot class it
     * runs once.
     * @default Timer
     */
    timer?: TimerClass;
    /**
     * What a call does while the previous call's timer is active.
     * @default POLICY_MANY
     */
    policy?: TimedPolicy;
}

/** What a `timed()` function returns: `true` when the call started a timer. */
export type TimedFunction<This, A extends unknown[]> = (this: This, ...args: A) => boolean;

/** The wrapper `timed()` returns: call it with a function, or use it as a method decorator. */
export interface TimedWrapper {
    /**
     * Wraps `fn`, or decorates a method (with `context`).
     * @param fn - the function or method the timer calls.
     * @param context - the decorator context when used as `@timed(...)`.
     * @throws TypeError when `fn` is not a function, or the decorated member is not a method.
     */
    <This, A extends unknown[]>(
        fn: (this: This, ...args: A) => unknown,
        context?: ClassMethodDecoratorContext<This, (this: This, ...args: A) => boolean | void>,
    ): TimedFunction<This, A>;
}

const POLICIES: readonly string[] = [POLICY_MANY, POLICY_ONCE, POLICY_RESTART];

type AnyTimerClass = new (...args: unknown[]) => Timer<unknown[]>;

function checkOptions(options: TimedOptions): { timerClass: AnyTimerClass; policy: TimedPolicy; weak: boolean } {
    checkOptionsObject('timed()', options, ['timer', 'policy']);
    const { timer = Timer, policy = POLICY_MANY } = options;
    if (typeof timer !== 'function' || !(timer === Timer || timer.prototype instanceof Timer))
        throw new TypeError(`\`timer\` must be Timer or a subclass of it, e.g. OneShotTimer (got ${describeValue(timer)})`);
    if (!POLICIES.includes(policy)) {
        throw new TypeError('`policy` must be POLICY_MANY, POLICY_ONCE or POLICY_RESTART ' +
            `('many', 'once', 'restart') (got ${describeValue(policy)})`);
    }
    const weak = timer === WeakTimer || timer.prototype instanceof WeakTimer;
    return { timerClass: timer as unknown as AnyTimerClass, policy, weak };
}

/**
 * Makes a wrapper whose functions start a timer when called: the timer calls
 * the original function, with the call's `this` and arguments, after
 * `interval` seconds (and, with the default `Timer`, every `interval` until
 * it returns `false`).
 * @param interval - seconds, a finite number >= 0.
 * @param options - `{timer, policy}`: the timer class (default `Timer`) and
 *   the policy (default `POLICY_MANY`).
 * @returns a wrapper: `timed(0.5)(fn)` returns the timed function, and
 *   `@timed(0.5)` decorates a method. Calling the timed function returns
 *   `true` when the call started a timer (`false`: ignored by `POLICY_ONCE`).
 * @throws TypeError for a bad interval, an unknown policy, a timer class
 *   that is not a `Timer`; the timed function throws TypeError when a weak
 *   timer class is used without an object `this`.
 * @example
 * const save = timed(0.5, { timer: OneShotTimer, policy: POLICY_RESTART })(() => writeFile());
 * save(); save(); save();          // writes once, 0.5 s after the last call
 *
 * class View {
 *     @timed(0.1, { timer: OneShotTimer, policy: POLICY_ONCE })
 *     redraw(): void { ... }       // at most one redraw pending per view
 * }
 */
export function timed(interval: number, options: TimedOptions = {}): TimedWrapper {
    checkSeconds('interval', interval);
    const { timerClass, policy, weak } = checkOptions(options);
    return <This, A extends unknown[]>(fn: (this: This, ...args: A) => unknown, context?: unknown): TimedFunction<This, A> => {
        if (typeof fn !== 'function')
            throw new TypeError(`timed(): \`fn\` must be a function (got ${describeValue(fn)})`);
        if (context !== undefined) {
            const kind = (context as { kind?: unknown } | null)?.kind;
            if (kind !== 'method')
                throw new TypeError(`@timed() decorates methods only (got a ${describeValue(kind)} member)`);
        }
        const start = (thisArg: This, args: A): Timer<unknown[]> => {
            let timer: Timer<unknown[]>;
            if (weak) {
                if ((typeof thisArg !== 'object' && typeof thisArg !== 'function') || thisArg === null)
                    throw new TypeError(`timed() with a weak timer class needs an object \`this\` (got ${describeValue(thisArg)})`);
                timer = new timerClass(thisArg, fn, ...args);
            } else {
                timer = new timerClass(() => fn.apply(thisArg, args));
            }
            timer.start(interval);
            return timer;
        };
        if (policy === POLICY_MANY) {
            return function (this: This, ...args: A): boolean {
                start(this, args);
                return true;
            };
        }
        // The timer of the last call, per `this` (objects in a WeakMap, anything else in one slot).
        const perObject = new WeakMap<object, Timer<unknown[]>>();
        let other: Timer<unknown[]> | null = null;
        return function (this: This, ...args: A): boolean {
            const keyed = (typeof this === 'object' && this !== null) || typeof this === 'function';
            const previous = keyed ? perObject.get(this as object) : other;
            if (previous?.active) {
                if (policy === POLICY_ONCE)
                    return false;
                previous.stop();
            }
            const timer = start(this, args);
            if (keyed)
                perObject.set(this as object, timer);
            else
                other = timer;
            return true;
        };
    };
}
