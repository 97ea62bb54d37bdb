// The scheduler: one GLib source behind a timer wheel (a heap for far deadlines).
import GLib from 'gi://GLib';
import system from 'system';
import { main } from '../../src/notifier/loop.js';
import { DEADLINE } from '../../src/notifier/entry.js';
import { MAX_AIM_SECONDS, Scheduler, coarseScheduler, entryAt, scheduler, type ScheduledEntry } from '../../src/notifier/scheduler.js';
import { Timer } from '../../src/timers/timer.js';
import { now } from '../../src/notifier/clock.js';

function entry(delay: number, fire: () => void): ScheduledEntry {
    return entryAt(now() + delay, fire);
}

describe('the scheduler', () => {
    it('fires equal deadlines in the order they were added', () => {
        const order: number[] = [];
        const deadline = now() + 0.01;
        for (let i = 0; i < 20; i++)
            scheduler.add(entryAt(deadline, () => order.push(i)));
        main.loop(() => order.length < 20, 2);
        expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('fires entries due together before promise reactions, and settles reactions before a chained entry', () => {
        const log: string[] = [];
        scheduler.add(entry(0, () => {
            log.push('a');
            void Promise.resolve().then(() => log.push('reaction'));
            scheduler.add(entry(0, () => log.push('c')));
        }));
        scheduler.add(entry(0, () => log.push('b')));
        main.loop(() => log.length < 4, 2);
        expect(log).toEqual(['a', 'b', 'reaction', 'c']);
    });

    it('settles promise reactions between the time slices of a burst of due entries', () => {
        const total = 200000;
        let count = 0;
        let countWhenReactionRan = -1;
        const deadline = now();
        scheduler.add(entryAt(deadline, () => {
            count++;
            void Promise.resolve().then(() => {
                countWhenReactionRan = count;
            });
        }));
        for (let i = 1; i < total; i++)
            scheduler.add(entryAt(deadline, () => count++));
        main.loop(() => count < total, 20);
        main.loop(true, 0.01);
        expect(count).toBe(total);
        expect(countWhenReactionRan).toBeGreaterThan(0);
        expect(countWhenReactionRan).toBeLessThan(total);
    });

    it('fires a burst of due timers in time slices, letting other sources run in between', () => {
        const total = 200000;
        let count = 0;
        let countWhenOtherRan = -1;
        const deadline = now();
        for (let i = 0; i < total; i++)
            scheduler.add(entryAt(deadline, () => count++));
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            countWhenOtherRan = count;
            return GLib.SOURCE_REMOVE;
        });
        main.loop(() => count < total, 20);
        expect(count).toBe(total);
        expect(countWhenOtherRan).toBeGreaterThan(0);
        expect(countWhenOtherRan).toBeLessThan(total);
    });

    it('fires an entry started during a burst after the burst\'s earlier entries, across time slices', () => {
        const total = 200000;
        let count = 0;
        let chainedAt = -1;
        const deadline = now();
        scheduler.add(entryAt(deadline, () => {
            count++;
            scheduler.add(entry(0, () => {
                chainedAt = count;
            }));
        }));
        for (let i = 1; i < total; i++)
            scheduler.add(entryAt(deadline, () => count++));
        main.loop(() => chainedAt < 0, 20);
        expect(chainedAt).toBe(total);
    });

    it('lets other sources run while a long zero-delay chain goes on', () => {
        const total = 200000;
        let count = 0;
        let countWhenOtherRan = -1;
        const chain = () => {
            if (++count < total)
                scheduler.add(entry(0, chain));
        };
        scheduler.add(entry(0, chain));
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
            countWhenOtherRan = count;
            return GLib.SOURCE_REMOVE;
        });
        main.loop(() => count < total, 20);
        expect(count).toBe(total);
        expect(countWhenOtherRan).toBeGreaterThan(0);
        expect(countWhenOtherRan).toBeLessThan(total);
    });

    it('waits for a deadline in GLib\'s poll, not in a spin of 0 ms iterations', () => {
        // 40 entries, one every 0.5 ms: a source kept at 0 ms while the next
        // deadline is under 1 ms ahead (or while the cached clock lags) spins
        // through thousands of iterations; aimed in whole ms rounded up, each
        // deadline costs one dispatch, two when GLib fires a kept source early.
        let fired = 0;
        const start = now() + 0.005;
        for (let i = 0; i < 40; i++)
            scheduler.add(entryAt(start + i * 0.0005, () => fired++));
        const before = main.statistics().iterations;
        main.loop(() => fired < 40, 5);
        expect(fired).toBe(40);
        expect(main.statistics().iterations - before).toBeLessThan(200);
    });

    it('holds one GLib source for many timers and none once they are gone', () => {
        const entries = Array.from({ length: 100 }, (_, i) => entry(10 + i, () => undefined));
        entries.forEach(e => scheduler.add(e));
        expect(main.statistics().sources.timers).toBe(1);
        entries.forEach(e => scheduler.remove(e));
        expect(main.statistics().sources).toEqual({});
        expect(scheduler.sourceId).toBe(0);
    });

    it('fires 10,000 random deadlines exactly once each and never early', () => {
        const fired = new Uint8Array(10000);
        let early = 0;
        let count = 0;
        for (let i = 0; i < fired.length; i++) {
            const e = entry(Math.random() * 0.2, () => {
                fired[i]++;
                count++;
                if (now() < e[DEADLINE])
                    early++;
            });
            scheduler.add(e);
        }
        main.loop(() => count < fired.length, 5);
        expect(fired.every(n => n === 1)).toBeTrue();
        expect(early).toBe(0);
    });

    it('fires a later timer in a loop nested in the callback of the last entry of its slot', () => {
        let laterFired = false;
        let gaveUp = false;
        // A plain GLib timeout ends the nested loop should the scheduler aim at nothing.
        const guard = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 3000, () => {
            gaveUp = true;
            return GLib.SOURCE_REMOVE;
        });
        try {
            scheduler.add(entry(0.001, () => main.loop(() => !laterFired && !gaveUp, 5)));
            scheduler.add(entry(0.05, () => {
                laterFired = true;
            }));
            main.loop(() => !laterFired && !gaveUp, 5);
        } finally {
            if (!gaveUp)
                GLib.source_remove(guard);
        }
        expect(gaveUp).toBeFalse();
        expect(laterFired).toBeTrue();
    });

    it('re-arms its source when GJS drops the callback (simulated)', () => {
        let fired = false;
        scheduler.add(entry(0.01, () => {
            fired = true;
        }));
        // A plain GLib source (not kaa's) waits until the deadline has passed and
        // then removes kaa's source, as GLib does when GJS refuses a callback.
        GLib.timeout_add(GLib.PRIORITY_HIGH, 1, () => {
            GLib.usleep(15000);
            GLib.source_remove(scheduler.sourceId);
            return GLib.SOURCE_REMOVE;
        });
        main.loop(() => !fired, 2);
        expect(fired).toBeTrue();
    });

    it('loses no timer while incremental GCs run under heavy allocation', () => {
        const total = 20000;
        let count = 0;
        let junk: unknown[] = [];
        for (let i = 0; i < total; i++) {
            scheduler.add(entry(Math.random() * 0.5, () => {
                count++;
                for (let j = 0; j < 50; j++)
                    junk.push({ j, s: `garbage ${j}`, a: new Array(8).fill(j) });
                if (junk.length > 100000)
                    junk = [];
            }));
        }
        system.gc();
        main.loop(() => count < total, 10);
        expect(count).toBe(total);
    });

    it('arms its GLib source for at most 2**31 - 1 ms, so a 60-day timer starts (its delay exceeds a guint of ms)', () => {
        const days = 86400;
        const timer = new Timer(() => undefined);
        const coarse = new Timer(() => undefined);
        try {
            timer.start(60 * days);
            coarse.start(60 * days, { coarse: true });
            expect(timer.active).toBeTrue();
            expect(timer.interval).toBe(60 * days);
            expect(scheduler.armedDelay).toBe(2 ** 31 - 1);
            expect(coarseScheduler.armedDelay).toBe(Math.ceil(MAX_AIM_SECONDS));
        } finally {
            timer.stop();
            coarse.stop();
        }
        expect(scheduler.armedDelay).toBe(-1);
    });

    it('re-aims a capped source until the deadline and never fires before it', () => {
        // A scheduler whose source is armed for at most 50 ms: a deadline 250 ms
        // away takes several capped wakeups, each firing nothing.
        const short = new Scheduler(false, 0.05);
        let firedAt = -1;
        const near = entry(0.25, () => {
            firedAt = now();
        });
        let farFired = false;
        const far = entry(1000, () => {
            farFired = true;
        });
        short.add(far);
        expect(short.armedDelay).toBe(50);
        short.add(near);
        expect(short.armedDelay).toBe(50);
        main.loop(() => firedAt < 0, 5);
        expect(firedAt).toBeGreaterThanOrEqual(near[DEADLINE]);
        expect(farFired).toBeFalse();
        expect(short.size).toBe(1);
        expect(short.armedDelay).toBe(50);
        short.remove(far);
        expect(short.armedDelay).toBe(-1);
    });
});
