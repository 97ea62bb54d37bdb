// timed(): functions and methods whose calls start timers, and its policies.
import { main } from '../../src/notifier/loop.js';
import {
    AtTimer, OneShotTimer, POLICY_MANY, POLICY_ONCE, POLICY_RESTART, Timer, WeakOneShotTimer, timed,
    type TimedPolicy,
} from '../../src/timers.js';
import { useFakeClock } from '../support/fake-clock.js';

/** Iterates until no timer is scheduled (no loop timeout: it would be a scheduled timer itself). */
function runTimers(): void {
    main.loop(() => main.statistics().timers > 0);
}

// Every spec runs on kaa's fake clock with autojump (no real sleeps).
useFakeClock();

describe('timed', () => {
    it('exports the policies as strings', () => {
        expect([POLICY_MANY, POLICY_ONCE, POLICY_RESTART]).toEqual(['many', 'once', 'restart']);
    });

    it('repeats with the default Timer until the function returns false, passing the call arguments', () => {
        const calls: unknown[][] = [];
        const poll = timed(0.001)((a: number, b: string) => {
            calls.push([a, b]);
            return calls.length < 3;
        });
        expect(poll(1, 'x')).toBeTrue();
        expect(calls).toEqual([]);
        runTimers();
        expect(calls).toEqual([[1, 'x'], [1, 'x'], [1, 'x']]);
    });

    it('POLICY_MANY (the default): every call starts its own timer', () => {
        const calls: number[] = [];
        const f = timed(0.001, { timer: OneShotTimer })((n: number) => {
            calls.push(n);
        });
        expect([f(1), f(2), f(3)]).toEqual([true, true, true]);
        expect(main.statistics().timers).toBe(3);
        runTimers();
        expect(calls).toEqual([1, 2, 3]);
    });

    it('POLICY_ONCE: ignores a call (and its arguments) while the previous timer is active', () => {
        const calls: number[] = [];
        const f = timed(0.001, { timer: OneShotTimer, policy: POLICY_ONCE })((n: number) => {
            calls.push(n);
        });
        expect([f(1), f(2)]).toEqual([true, false]);
        runTimers();
        expect(calls).toEqual([1]);
        expect(f(3)).toBeTrue();
        runTimers();
        expect(calls).toEqual([1, 3]);
    });

    it('POLICY_RESTART: a call stops the previous timer and starts one with its own arguments', () => {
        const calls: number[] = [];
        const f = timed(0.005, { timer: OneShotTimer, policy: POLICY_RESTART })((n: number) => {
            calls.push(n);
        });
        expect([f(1), f(2), f(3)]).toEqual([true, true, true]);
        expect(main.statistics().timers).toBe(1);
        runTimers();
        expect(calls).toEqual([3]);
    });

    it('keeps the policy state per `this`: two objects never cancel each other', () => {
        const calls: string[] = [];
        const ping = timed(0.001, { timer: OneShotTimer, policy: POLICY_ONCE })(function (this: { name: string } | void) {
            calls.push(this ? this.name : 'no this');
        });
        const a = { name: 'a', ping }, b = { name: 'b', ping };
        expect([a.ping(), b.ping(), a.ping(), ping(), b.ping(), ping()]).toEqual([true, true, false, true, false, false]);
        runTimers();
        expect(calls).toEqual(['a', 'b', 'no this']);
    });

    it('keeps the policy state per wrapped function', () => {
        const wrap = timed(0.001, { timer: OneShotTimer, policy: POLICY_ONCE });
        const f = wrap(() => undefined), g = wrap(() => undefined);
        expect([f(), g(), f(), g()]).toEqual([true, true, false, false]);
        runTimers();
    });

    it('decorates methods (TC39 decorators), with this = the instance', () => {
        class Counter {
            count = 0;
            @timed(0.001, { timer: OneShotTimer, policy: POLICY_ONCE })
            bump(by: number): boolean | void {
                this.count += by;
            }
        }
        const x = new Counter(), y = new Counter();
        expect([x.bump(2), x.bump(5), y.bump(3)]).toEqual([true, false, true]);
        runTimers();
        expect([x.count, y.count]).toEqual([2, 3]);
    });

    it('with a weak timer class holds `this` weakly and calls the method on it', () => {
        const seen: unknown[] = [];
        const target = { tag: 'target' };
        const f = timed(0.001, { timer: WeakOneShotTimer })(function (this: object, n: number) {
            seen.push([this, n]);
        });
        expect(f.call(target, 7)).toBeTrue();
        runTimers();
        expect(seen).toEqual([[target, 7]]);
        expect(() => f.call(undefined as unknown as object, 1)).toThrowError(TypeError, /weak timer class needs an object `this` \(got undefined\)/);
    });

    describe('rejects bad input with a TypeError', () => {
        it('an unknown policy', () => {
            expect(() => timed(1, { policy: 'twice' as TimedPolicy })).toThrowError(TypeError,
                "`policy` must be POLICY_MANY, POLICY_ONCE or POLICY_RESTART ('many', 'once', 'restart') (got \"twice\")");
        });

        it('a bad interval', () => {
            expect(() => timed(-1)).toThrowError(TypeError, '`interval` must be a finite number >= 0 (got -1)');
        });

        it('a timer class that is not a Timer', () => {
            expect(() => timed(1, { timer: AtTimer as unknown as typeof Timer })).toThrowError(TypeError, /`timer` must be Timer or a subclass/);
            expect(() => timed(1, { timer: Object as unknown as typeof Timer })).toThrowError(TypeError, /\(got a function\)/);
        });

        it('a function that is not a function', () => {
            expect(() => timed(1)(5 as unknown as () => void)).toThrowError(TypeError, 'timed(): `fn` must be a function (got 5)');
        });

        it('a decorated member that is not a method', () => {
            const context = { kind: 'getter' } as unknown as ClassMethodDecoratorContext<unknown, () => void>;
            expect(() => timed(1)(() => undefined, context)).toThrowError(TypeError, '@timed() decorates methods only (got a "getter" member)');
        });
    });
});
