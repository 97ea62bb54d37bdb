// kaa.main inside the spec process: nested loops, step, the position check,
// exception routing. (Process-wide behaviour is in lifecycle.spec.ts.)
import GLib from 'gi://GLib';
import { main, signals } from '../../src/notifier/loop.js';
import { defer, entryAt, scheduler, type ScheduledEntry } from '../../src/notifier/scheduler.js';
import { now } from '../../src/notifier/clock.js';

function at(delay: number, fire: () => void): ScheduledEntry {
    const entry = entryAt(now() + delay, fire);
    scheduler.add(entry);
    return entry;
}

describe('kaa.main.loop', () => {
    it('iterates until the condition turns false', () => {
        let ticks = 0;
        const tick = () => {
            ticks++;
            if (ticks < 5)
                defer(tick);
        };
        defer(tick);
        main.loop(() => ticks < 5);
        expect(ticks).toBe(5);
    });

    it('returns at once for loop(false) and a false condition', () => {
        main.loop(false);
        main.loop(() => false);
        expect(main.statistics().depth).toBe(0);
    });

    it('ends after its timeout', () => {
        const t0 = now();
        main.loop(true, 0.05);
        expect(now() - t0).toBeGreaterThanOrEqual(0.05);
        expect(now() - t0).toBeLessThan(1);
    });

    it('nests: a loop inside a timer callback still sees timers and deferred calls fire', () => {
        const log: string[] = [];
        let innerDone = false;
        at(0.001, () => {
            log.push('outer');
            at(0.002, () => log.push('inner timer'));
            defer(() => log.push('inner deferred'));
            main.loop(() => log.length < 3, 2);
            innerDone = true;
        });
        main.loop(() => !innerDone, 2);
        expect(log).toEqual(['outer', 'inner deferred', 'inner timer']);
    });

    it('throws at once, naming runAsync(), when called after an await', async () => {
        await null;
        expect(() => main.loop(true, 0.01)).toThrowError(/promise continuation.*runAsync/);
    });

    it('rethrows an exception a callback raised during the loop', () => {
        defer(() => {
            throw new RangeError('from a deferred call');
        });
        expect(() => main.loop(true, 1)).toThrowError(RangeError, 'from a deferred call');
    });

    it('goes on when an exception handler returns false', () => {
        const seen: unknown[] = [];
        const handler = (e: unknown) => {
            seen.push(e);
            return false;
        };
        signals.exception.connect(handler);
        try {
            defer(() => {
                throw new Error('handled');
            });
            main.loop(true, 0.02);
        } finally {
            signals.exception.disconnect(handler);
        }
        expect(seen.length).toBe(1);
        expect((seen[0] as Error).message).toBe('handled');
    });

    it('rejects a condition that is neither a function nor a boolean', () => {
        expect(() => main.loop(42 as unknown as boolean)).toThrowError(TypeError, /`condition` must be a function or a boolean \(got 42\)/);
        expect(() => main.loop(true, -1)).toThrowError(TypeError, /`timeout` must be a number >= 0 \(got -1\)/);
    });

    it('refuses a timeout beyond 2**32 - 1 seconds with a RangeError, and accepts Infinity', () => {
        expect(() => main.loop(true, 1e300)).toThrowError(RangeError,
            'kaa.main.loop(): `timeout` must be from 0 to 4294967295 seconds, or Infinity (got 1e+300)');
        let done = false;
        at(0.01, () => {
            done = true;
        });
        main.loop(() => !done, Infinity);
        expect(done).toBeTrue();
    });
});

describe('kaa.main option checks', () => {
    // A wrongly accepted run() would run the loop: a raw GLib timeout stops it, so the spec fails instead of hanging.
    function refused(call: () => unknown): unknown {
        let fired = false;
        const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 1000, () => {
            fired = true;
            main.stop();
            return GLib.SOURCE_REMOVE;
        });
        try {
            return call();
        } catch (error) {
            return error;
        } finally {
            if (!fired)
                GLib.source_remove(id);
        }
    }

    it('refuses run() and runAsync() options of the wrong type at once, naming them', () => {
        for (const [options, name] of [[{ sigint: 'no' }, '`sigint`'], [{ threaded: 1 }, '`threaded`'],
            [{ argv: 'a b' }, '`argv`'], [{ application: {} }, '`application`'], [new Date(), 'a Date']] as const) {
            const error = refused(() => main.run(options as never));
            expect(error).withContext(name).toBeInstanceOf(TypeError);
            expect(String(error)).toContain(name);
            expect(() => main.runAsync(options as never)).withContext(name).toThrowError(TypeError, new RegExp(name.replace(/[`]/g, '.')));
        }
    });

    it('refuses an exit code outside 0 to 255 with a RangeError (it would be truncated)', () => {
        expect(() => main.exit(256)).toThrowError(RangeError, 'kaa.main.exit(): `code` must be from 0 to 255 (got 256)');
        expect(() => main.exit(-1)).toThrowError(RangeError, /`code` must be from 0 to 255 \(got -1\)/);
    });
});

describe('kaa.main.step', () => {
    it('performs one iteration and emits step', () => {
        let steps = 0;
        let ran = false;
        const onStep = () => {
            steps++;
        };
        signals.step.connect(onStep);
        defer(() => {
            ran = true;
        });
        main.step();
        signals.step.disconnect(onStep);
        expect(ran).toBeTrue();
        expect(steps).toBeGreaterThanOrEqual(1);
    });

    it('runs the promise reactions to what a dispatch settled before that iteration\'s step', () => {
        // The checkpoint after the dispatch (iteration.ts): not one iteration later, deep in GJS's job source.
        const log: string[] = [];
        const onStep = () => {
            if (log.length)
                log.push('step');
        };
        signals.step.connect(onStep);
        defer(() => {
            log.push('callback');
            void Promise.resolve().then(() => log.push('reaction'));
        });
        main.loop(() => !log.includes('reaction') || !log.includes('step'), 2);
        signals.step.disconnect(onStep);
        expect(log.slice(0, 3)).toEqual(['callback', 'reaction', 'step']);
    });
});

describe('kaa.main.init', () => {
    it('rejects an unknown backend and switching backends', () => {
        expect(() => main.init('qt' as 'gtk')).toThrowError(TypeError, /unknown backend "qt"/);
        main.init('generic');
        expect(main.isInitialized()).toBeTrue();
        expect(() => main.init('thread')).toThrowError(/already initialized with the 'generic' backend; cannot switch to 'thread'/);
        expect(() => main.init('generic')).not.toThrow();
    });

    it('drops queued deferred calls with reset', () => {
        let ran = false;
        defer(() => {
            ran = true;
        });
        main.init('generic', { reset: true });
        main.loop(true, 0.01);
        expect(ran).toBeFalse();
    });
});

describe('kaa.main.statistics', () => {
    it('counts sources, timers, deferred calls and depth', () => {
        const entry = at(10, () => undefined);
        defer(() => undefined);
        const stats = main.statistics();
        expect(stats.timers).toBe(1);
        expect(stats.deferred).toBe(1);
        expect(stats.sources.timers).toBe(1);
        expect(stats.sources.deferred).toBe(1);
        scheduler.remove(entry);
        main.init('generic', { reset: true });
        expect(main.statistics().sources).toEqual({});
    });
});
