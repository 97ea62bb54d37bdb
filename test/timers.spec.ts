// The Timer family: Timer, OneShotTimer, WeakTimer, WeakOneShotTimer.
// (AtTimer is in timers/at-timer.spec.ts, timed() in timers/timed.spec.ts.)
// Every spec runs on kaa's fake clock with autojump (no real sleeps), except
// the few that check what the real clock and GLib do: they uninstall it first.
import GObject from 'gi://GObject';
import { main, signals } from '../src/notifier/loop.js';
import { now } from '../src/notifier/clock.js';
import { coarseScheduler, scheduler } from '../src/notifier/scheduler.js';
import { OneShotTimer, Timer, WeakOneShotTimer, WeakTimer } from '../src/timers.js';
import { useFakeClock } from './support/fake-clock.js';

const clock = useFakeClock();

/**
 * Expects `elapsed` seconds to be at least `seconds`, give or take 1 ns of
 * floating point: how much a difference of clock readings rounds depends on
 * where the clock stands (1000 + 0.01 - 1000 < 0.01), and a fake clock
 * starts where the system's monotonic clock stands.
 */
function expectAtLeast(elapsed: number, seconds: number): void {
    expect(elapsed).toBeGreaterThanOrEqual(seconds - 1e-9);
}

/** A long callback: `seconds` of (fake) time pass while it runs. */
function block(seconds: number): void {
    clock().advance(seconds);
}

/** Runs `body` with a `kaa.signals.exception` handler that records and handles every error. */
function catchingExceptions(body: (errors: unknown[]) => void): void {
    const errors: unknown[] = [];
    const handler = signals.exception.connect((error: unknown) => {
        errors.push(error);
        return false;
    });
    try {
        body(errors);
    } finally {
        signals.exception.disconnect(handler);
    }
}

/** A GObject with a `destroy` signal, like a Gtk.Widget, without needing a display. */
const Destroyable = GObject.registerClass({ GTypeName: 'KaaTimersSpecDestroyable', Signals: { destroy: {} } },
    class extends GObject.Object {
        hits: string[] = [];
        hit(tag: string): void {
            this.hits.push(tag);
        }
    });

describe('Timer', () => {
    it('is created stopped, with a null interval', () => {
        const timer = new Timer(() => undefined);
        expect(timer.active).toBeFalse();
        expect(timer.interval).toBeNull();
    });

    it('fires every interval, never early, until it is stopped', () => {
        const times: number[] = [];
        const timer = new Timer(() => {
            times.push(now());
            if (times.length === 4)
                timer.stop();
        });
        const t0 = now();
        timer.start(0.02);
        expect(timer.active).toBeTrue();
        expect(timer.interval).toBe(0.02);
        main.loop(() => timer.active, 5);
        expect(times.length).toBe(4);
        times.forEach((t, k) => expectAtLeast(t - t0, 0.02 * (k + 1)));
        expect(timer.interval).toBeNull();
    });

    it('stops when the callback returns false', () => {
        let calls = 0;
        const timer = new Timer(() => ++calls < 3 ? undefined : false);
        timer.start(0);
        main.loop(() => timer.active, 5);
        expect(calls).toBe(3);
    });

    it('keeps going for any return value but false: undefined, 0, null, "", true', () => {
        const results: unknown[] = [undefined, 0, null, '', true];
        let calls = 0;
        const timer = new Timer(() => calls < results.length ? results[calls++] : false);
        timer.start(0);
        main.loop(() => timer.active, 5);
        expect(calls).toBe(results.length);
    });

    it('passes the arguments bound at construction, with an undefined `this`', () => {
        const seen: unknown[][] = [];
        const selves: unknown[] = [];
        const timer = new Timer(function (this: unknown, a: number, b: string) {
            selves.push(this);
            seen.push([a, b]);
            return false;
        }, 1, 'two');
        timer.start(0);
        main.loop(() => timer.active, 5);
        expect(seen).toEqual([[1, 'two']]);
        expect(selves).toEqual([undefined]);
    });

    it('re-schedules from the previous deadline, so a slow callback does not make it drift', () => {
        // 5 periods of 40 ms with a 30 ms callback: ~200 ms without drift, >= 350 ms if
        // each period were counted from the end of the callback.
        let calls = 0;
        const timer = new Timer(() => {
            block(0.03);
            return ++calls < 5;
        });
        const t0 = now();
        timer.start(0.04);
        main.loop(() => timer.active, 5);
        expect(calls).toBe(5);
        expect(now() - t0).toBeLessThan(0.3);
    });

    it('skips missed periods instead of firing them in a burst', () => {
        const times: number[] = [];
        const timer = new Timer(() => {
            times.push(now());
            if (times.length === 1)
                block(0.1); // misses ~10 periods of 10 ms
            return times.length < 4;
        });
        timer.start(0.01);
        main.loop(() => timer.active, 5);
        expect(times.length).toBe(4);
        // A burst would fire the ~10 missed periods back to back. Fires stay on
        // the 10 ms grid, so one late fire may sit close to the next grid
        // point, but three fires always span at least one whole period.
        expect(times[3] - times[1]).toBeGreaterThanOrEqual(0.009);
    });

    it('restarting an active timer re-schedules it with the new interval', () => {
        let fired = 0;
        const timer = new Timer(() => {
            fired++;
            return false;
        });
        timer.start(60);
        const t0 = now();
        timer.start(0.01);
        expect(timer.interval).toBe(0.01);
        expect(main.statistics().timers).toBe(1);
        main.loop(() => timer.active, 5);
        expect(fired).toBe(1);
        expect(now() - t0).toBeLessThan(5);
    });

    it('can be stopped from inside its callback', () => {
        let calls = 0;
        const timer = new Timer(() => {
            calls++;
            timer.stop();
            return true;
        });
        timer.start(0);
        main.loop(() => timer.active, 5);
        main.loop(true, 0.02);
        expect(calls).toBe(1);
    });

    it('can be restarted with a new interval from inside its callback', () => {
        const intervals: (number | null)[] = [];
        const timer = new Timer(() => {
            intervals.push(timer.interval);
            if (intervals.length === 1)
                timer.start(0.005);
            return intervals.length < 3;
        });
        timer.start(0.02);
        main.loop(() => timer.active, 5);
        expect(intervals).toEqual([0.02, 0.005, 0.005]);
    });

    it('keeps a restart its callback made after stopping it, even when the callback then returns false', () => {
        const intervals: (number | null)[] = [];
        const timer = new Timer(() => {
            intervals.push(timer.interval);
            if (intervals.length === 1) {
                timer.stop();
                timer.start(0.005);
                return false; // the restart, not this value, decides
            }
            return intervals.length < 3;
        });
        timer.start(0.02);
        main.loop(() => timer.active, 5);
        expect(intervals).toEqual([0.02, 0.005, 0.005]);
    });

    it('is active, with its interval, while its callback runs', () => {
        const state: [boolean, number | null][] = [];
        const timer = new Timer(() => {
            state.push([timer.active, timer.interval]);
            return false;
        });
        timer.start(0.001);
        main.loop(() => timer.active, 5);
        expect(state).toEqual([[true, 0.001]]);
    });

    it('stop() is harmless twice and on a timer never started', () => {
        const timer = new Timer(() => undefined);
        timer.stop();
        timer.start(1);
        timer.stop();
        timer.stop();
        expect(timer.active).toBeFalse();
        expect(main.statistics().timers).toBe(0);
    });

    describe('start({now: true})', () => {
        it('calls the callback once synchronously, then every interval', () => {
            const log: string[] = [];
            const timer = new Timer(() => {
                log.push('call');
                return log.length < 2;
            });
            timer.start(0.01, { now: true });
            log.push('returned');
            main.loop(() => timer.active, 5);
            expect(log).toEqual(['call', 'returned', 'call']);
        });

        it('leaves the timer stopped when that first call returns false', () => {
            const timer = new Timer(() => false);
            timer.start(0.01, { now: true });
            expect(timer.active).toBeFalse();
            expect(main.statistics().timers).toBe(0);
        });

        it('keeps a restart or a stop that first call made', () => {
            const intervals: (number | null)[] = [];
            const restarted = new Timer(() => {
                intervals.push(restarted.interval);
                if (intervals.length === 1)
                    restarted.start(0.005);
                return intervals.length < 3;
            });
            restarted.start(0.02, { now: true });
            expect(restarted.interval).toBe(0.005);
            main.loop(() => restarted.active, 5);
            expect(intervals).toEqual([0.02, 0.005, 0.005]);
            const stopped = new OneShotTimer(() => {
                stopped.stop();
            });
            stopped.start(0.01, { now: true });
            expect(stopped.active).toBeFalse();
            expect(main.statistics().timers).toBe(0);
        });

        it('throws what the first call throws, and leaves the timer stopped', () => {
            const timer = new Timer(() => {
                throw new Error('boom');
            });
            expect(() => timer.start(0.01, { now: true })).toThrowError('boom');
            expect(timer.active).toBeFalse();
            expect(main.statistics().timers).toBe(0);
        });
    });

    it('a callback that throws stops its timer, and the exception reaches kaa.signals.exception', () => {
        catchingExceptions(errors => {
            const boom = new Error('boom');
            let calls = 0;
            const timer = new Timer(() => {
                calls++;
                throw boom;
            });
            timer.start(0);
            main.loop(() => errors.length === 0, 5);
            main.loop(true, 0.02);
            expect(errors).toEqual([boom]);
            expect(calls).toBe(1);
            expect(timer.active).toBeFalse();
            expect(timer.interval).toBeNull();
        });
    });

    it('rethrows an exception no handler took from main.loop()', () => {
        const timer = new Timer(() => {
            throw new Error('unhandled boom');
        });
        timer.start(0);
        expect(() => main.loop(() => true, 5)).toThrowError('unhandled boom');
        expect(timer.active).toBeFalse();
    });

    it('with {coarse: true} uses one whole-second GLib source, and fires', () => {
        clock().uninstall(); // the real clock: this is about GLib's whole-second source
        let fired = 0;
        const timer = new Timer(() => {
            fired++;
            return false;
        });
        timer.start(1, { coarse: true });
        expect(coarseScheduler.size).toBe(1);
        expect(scheduler.size).toBe(0);
        expect(main.statistics().sources['timers-coarse']).toBe(1);
        main.loop(() => timer.active, 5);
        expect(fired).toBe(1);
        expect(main.statistics().sources['timers-coarse']).toBeUndefined();
    });

    it('moves between the fine and the coarse scheduler on restart', () => {
        const timer = new Timer(() => undefined);
        timer.start(2, { coarse: true });
        timer.start(2);
        expect([coarseScheduler.size, scheduler.size]).toEqual([0, 1]);
        timer.start(2, { coarse: true });
        expect([coarseScheduler.size, scheduler.size]).toEqual([1, 0]);
        timer.stop();
        expect([coarseScheduler.size, scheduler.size]).toEqual([0, 0]);
    });

    it('fires timers due at the same moment in the order they were started (and restarted)', () => {
        const order: number[] = [];
        const timers = Array.from({ length: 200 }, (_, i) => new OneShotTimer(() => order.push(i)));
        timers.forEach(t => t.start(0.005));
        timers[0].start(0.005); // restarted: now the last one due
        main.loop(() => order.length < 200, 5);
        expect(order).toEqual([...Array.from({ length: 199 }, (_, i) => i + 1), 0]);
    });

    it('fires zero-delay timers in start order, including one started from a callback', () => {
        const log: string[] = [];
        new OneShotTimer(() => {
            log.push('a');
            new OneShotTimer(() => log.push('c')).start(0);
        }).start(0);
        new OneShotTimer(() => log.push('b')).start(0);
        main.loop(() => log.length < 3, 5);
        expect(log).toEqual(['a', 'b', 'c']);
    });

    it('settles a promise resolved in a timer callback before the next timer fires', () => {
        const log: string[] = [];
        new OneShotTimer(() => {
            log.push('timer 1');
            void Promise.resolve().then(() => log.push('promise reaction'));
            new OneShotTimer(() => log.push('timer 2')).start(0);
        }).start(0.001);
        main.loop(() => log.length < 3, 5);
        expect(log).toEqual(['timer 1', 'promise reaction', 'timer 2']);
    });

    it('resolves a promise an async spec awaits', async () => {
        const t0 = now();
        const value = await new Promise<string>(resolve => new OneShotTimer(resolve, 'done').start(0.01));
        expect(value).toBe('done');
        expectAtLeast(now() - t0, 0.01);
    });

    describe('rejects bad input with a TypeError that names the value', () => {
        const timer = new Timer(() => undefined);
        for (const [value, shown] of [[-1, '-1'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['1', '"1"'],
            [undefined, 'undefined'], [null, 'null']] as const) {
            it(`interval ${shown}`, () => {
                expect(() => timer.start(value as number)).toThrowMatching(e => e instanceof TypeError &&
                    e.message === `\`interval\` must be a finite number >= 0 (got ${shown})`);
                expect(timer.active).toBeFalse();
            });
        }

        it('a fractional or sub-second interval with {coarse: true}', () => {
            expect(() => timer.start(1.5, { coarse: true })).toThrowError(TypeError,
                '`interval` must be a whole number of seconds >= 1 with {coarse: true} (got 1.5)');
            expect(() => timer.start(0, { coarse: true })).toThrowError(TypeError, /got 0\)/);
        });

        it('options that are not an object', () => {
            expect(() => timer.start(1, null as unknown as object)).toThrowError(TypeError, 'start(): `options` must be an object (got null)');
        });

        it('a callback that is not a function', () => {
            expect(() => new Timer(42 as unknown as () => void)).toThrowError(TypeError, '`callback` must be a function (got 42)');
        });

        it('leaves a running timer running when a restart is refused', () => {
            const running = new Timer(() => undefined);
            running.start(10);
            expect(() => running.start(-1)).toThrowError(TypeError);
            expect(running.interval).toBe(10);
            running.stop();
        });
    });
});

describe('OneShotTimer', () => {
    it('fires once, and is stopped before its callback runs', () => {
        const seen: [boolean, number | null][] = [];
        const timer = new OneShotTimer(() => {
            seen.push([timer.active, timer.interval]);
            return true; // ignored
        });
        timer.start(0.005);
        main.loop(() => timer.active, 5);
        main.loop(true, 0.03);
        expect(seen).toEqual([[false, null]]);
    });

    it('can restart itself from its own callback', () => {
        let calls = 0;
        const timer = new OneShotTimer(() => {
            if (++calls < 3)
                timer.start(0.001);
        });
        timer.start(0.001);
        main.loop(() => timer.active, 5);
        expect(calls).toBe(3);
    });

    it('stays stopped when its callback throws after restarting it', () => {
        catchingExceptions(errors => {
            const timer = new OneShotTimer(() => {
                timer.start(0.001);
                throw new Error('boom');
            });
            timer.start(0);
            main.loop(() => errors.length === 0, 5);
            expect(timer.active).toBeFalse();
        });
    });

    it('with {now: true} fires now and once more after the interval', () => {
        let calls = 0;
        const timer = new OneShotTimer(() => {
            calls++;
        });
        timer.start(0.001, { now: true });
        expect(calls).toBe(1);
        main.loop(() => timer.active, 5);
        expect(calls).toBe(2);
    });

    it('fires 10,000 concurrent timers with random delays exactly once each, never early', () => {
        clock().uninstall(); // the real clock and GLib's real timeouts
        const n = 10000;
        const fired = new Uint8Array(n);
        let count = 0;
        let early = 0;
        for (let i = 0; i < n; i++) {
            const delay = Math.random() * 0.2;
            const due = now() + delay;
            new OneShotTimer(() => {
                fired[i]++;
                count++;
                if (now() < due)
                    early++;
            }).start(delay);
        }
        expect(main.statistics().sources.timers).toBe(1);
        main.loop(() => count < n, 10);
        main.loop(true, 0.01);
        expect(count).toBe(n);
        expect(fired.every(x => x === 1)).toBeTrue();
        expect(early).toBe(0);
    });
});

describe('WeakTimer', () => {
    it('calls a method, by function or by name, with this = target and the bound args', () => {
        const target = new Destroyable();
        const byName = new WeakTimer(target, 'hit', 'by name');
        const byFunction = new WeakTimer(target, function (this: InstanceType<typeof Destroyable>, tag: string) {
            this.hit(tag);
            return false;
        }, 'by function');
        byName.start(0);
        byFunction.start(0);
        main.loop(() => target.hits.length < 3, 5);
        byName.stop();
        expect(target.hits.slice(0, 2)).toEqual(['by name', 'by function']);
        expect(target.hits.slice(2).every(h => h === 'by name')).toBeTrue();
    });

    it('stops by itself when its GObject target emits destroy', () => {
        const target = new Destroyable();
        const timer = new WeakTimer(target, 'hit', 'tick');
        timer.start(0.001);
        main.loop(() => target.hits.length < 2, 5);
        target.emit('destroy');
        expect(timer.active).toBeFalse();
        expect(main.statistics().timers).toBe(0);
        const hits = target.hits.length;
        main.loop(true, 0.02);
        expect(target.hits.length).toBe(hits);
    });

    it('stays stopped when started after its target was destroyed', () => {
        const target = new Destroyable();
        const timer = new WeakTimer(target, 'hit', 'tick');
        target.emit('destroy');
        timer.start(0);
        expect(timer.active).toBeFalse();
        expect(main.statistics().timers).toBe(0);
    });

    it('is disconnected from the target when destroyed while waiting, even from another timer callback', () => {
        const target = new Destroyable();
        const weak = new WeakTimer(target, 'hit', 'weak');
        weak.start(0.01);
        new OneShotTimer(() => target.emit('destroy')).start(0.001);
        main.loop(() => weak.active, 5);
        main.loop(true, 0.02);
        expect(target.hits).toEqual([]);
    });

    it('rejects a target that is not an object and a method the target lacks', () => {
        expect(() => new WeakTimer(null as unknown as object, 'x' as never)).toThrowError(TypeError, /`target` must be an object/);
        expect(() => new WeakTimer(new Destroyable(), 'nope' as never)).toThrowError(TypeError, /`method`.*"nope"/);
    });
});

describe('WeakOneShotTimer', () => {
    it('fires once, with this = target', () => {
        const target = new Destroyable();
        const timer = new WeakOneShotTimer(target, 'hit', 'once');
        timer.start(0.001);
        main.loop(() => timer.active, 5);
        main.loop(true, 0.02);
        expect(target.hits).toEqual(['once']);
    });

    it('never fires when its target is destroyed first', () => {
        const target = new Destroyable();
        const timer = new WeakOneShotTimer(target, 'hit', 'once');
        timer.start(0.005);
        target.emit('destroy');
        main.loop(true, 0.02);
        expect(target.hits).toEqual([]);
        expect(timer.active).toBeFalse();
    });
});
