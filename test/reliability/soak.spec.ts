// Soak: the same small piece of work repeated many times must not grow the
// process. Each spec runs a warm-up (a tenth of the cycles), forces a full
// GC and reads VmRSS, runs the rest, forces a GC and reads VmRSS again: the
// second figure must stay within 10 % of the first. Both are printed. A full
// GC also runs after every chunk of cycles: RSS read after a GC still
// depends on how high the heap grew since the previous GC (SpiderMonkey keeps
// and decommits empty chunks lazily), which is noise of several MiB, not a leak.
import type { InProgress } from '../../src/async/inprogress.js';
import { main } from '../../src/notifier/loop.js';
import { Signal } from '../../src/notifier/signals.js';
import { Process } from '../../src/process/index.js';
import { OneShotTimer, Timer } from '../../src/timers.js';
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { mono, report, rssAfterGc } from './helpers.js';

const TOLERANCE = 0.10;

/** Turns the loop until every timer due now and every deferred call has run (a later sentinel fires). */
function settle(): void {
    let reached = false;
    const sentinel = new OneShotTimer(() => {
        reached = true;
    });
    sentinel.start(0.001);
    main.loop(() => !reached, 5);
}

/**
 * Runs `cycle(i)` `total` times in chunks of `chunk`, turning the loop
 * between chunks; returns RSS (KiB) after warm-up and at the end, and seconds.
 */
function soak(total: number, chunk: number, cycle: (i: number) => void): { before: number; after: number; seconds: number } {
    const warmup = Math.floor(total / 10);
    const t0 = mono();
    let before = 0;
    for (let done = 0; done < total;) {
        const end = Math.min(total, done + chunk);
        for (let i = done; i < end; i++)
            cycle(i);
        done = end;
        settle();
        // A full GC per chunk, as a long-running program gets now and then: RSS
        // after a GC depends on the heap's high-water mark since the last one.
        const rss = rssAfterGc();
        if (done === warmup)
            before = rss;
    }
    return { before, after: rssAfterGc(), seconds: mono() - t0 };
}

/**
 * `soak()` for asynchronous work: `start(i)` returns an InProgress; up to
 * `concurrency` run at once; every chunk is driven to its end by the loop.
 * Returns the RSS figures and the failures (at most 5 kept).
 */
function soakAsync(total: number, chunk: number, concurrency: number, start: (i: number) => InProgress<unknown>):
    { before: number; after: number; seconds: number; failures: unknown[]; done: number } {
    const failures: unknown[] = [];
    let done = 0;
    const r = soak(total / chunk, 1, c => {
        let next = c * chunk;
        const end = next + chunk;
        let running = 0;
        const pump = () => {
            while (running < concurrency && next < end) {
                running++;
                start(next++).connectBoth(() => {
                    running--;
                    done++;
                    pump();
                }, error => {
                    running--;
                    if (failures.length < 5)
                        failures.push(error);
                    pump();
                });
            }
        };
        pump();
        main.loop(() => running > 0 || next < end, 60);
    });
    return { ...r, failures, done };
}

function expectBounded(what: string, r: { before: number; after: number; seconds: number }): void {
    const growth = (r.after - r.before) / r.before;
    report(`soak ${what}: RSS ${r.before} KiB after warm-up, ${r.after} KiB at the end ` +
        `(${(growth * 100).toFixed(1)} %), ${r.seconds.toFixed(1)} s`);
    expect(r.after).withContext(`${what}: RSS ${r.before} → ${r.after} KiB`).toBeLessThanOrEqual(r.before * (1 + TOLERANCE));
}

describe('soak', () => {
    it('1,000,000 timer start/stop cycles (every 1000th fires) keep RSS within 10 % of its warm-up value', () => {
        let fired = 0;
        const callback = () => {
            fired++;
        };
        const keep = new Timer(callback);
        const r = soak(1_000_000, 50_000, i => {
            const t = i % 2 ? new Timer(callback) : new OneShotTimer(callback);
            t.start(i % 1000 === 0 ? 0 : 10 + (i % 7));
            if (i % 1000 !== 0)
                t.stop();
            keep.start(i % 3);
            keep.stop();
        });
        expectBounded('timers', r);
        expect(fired).toBe(1000);
        expect(main.statistics().timers).toBe(0);
    }, 60000);

    it('100,000 signal connect/emit/disconnect cycles keep RSS within 10 % of its warm-up value', () => {
        const signal = new Signal<[number]>();
        const target = { sum: 0, add(n: number) {
            this.sum += n;
        } };
        let sum = 0;
        const r = soak(100_000, 10_000, i => {
            const handler = (n: number) => {
                sum += n;
            };
            signal.connect(handler);
            const once = signal.connectOnce(() => undefined);
            signal.connectWeak(target, 'add');
            signal.emit(1);
            signal.disconnect(handler);
            signal.disconnect(once);
            signal.disconnectWeak(target);
            if (i % 100 === 0)
                signal.emitDeferred(0);
        });
        expectBounded('signals', r);
        expect(sum).toBe(100_000);
        expect(target.sum).toBe(100_000);
        expect(signal.count).toBe(0);
    }, 60000);

    it('2,000 process spawns (/bin/true, 4 at a time) keep RSS within 10 % of its warm-up value', () => {
        let nonZero = 0;
        const r = soakAsync(2000, 200, 4, () => {
            const ip = new Process(['true']).start();
            ip.connect(code => {
                if (code !== 0)
                    nonZero++;
            });
            return ip;
        });
        expectBounded('process spawns', r);
        expect(r.failures).toEqual([]);
        expect(r.done).toBe(2000);
        expect(nonZero).toBe(0);
        expect(main.statistics().live.processes).toBe(0);
    }, 60000);

    it('100,000 worker calls (one worker, 16 in flight) keep RSS within 10 % of its warm-up value', () => {
        const pool = new ThreadPool({ size: 1 });
        const add = threaded(pool)((a: number, b: Uint8Array) => a + b.length);
        let wrong = 0;
        const payload = new Uint8Array(64);
        try {
            const r = soakAsync(100_000, 10_000, 16, i => {
                const ip = add(i, payload);
                ip.connect(v => {
                    if (v !== i + 64)
                        wrong++;
                });
                return ip;
            });
            expectBounded('worker calls', r);
            expect(r.failures).toEqual([]);
            expect(r.done).toBe(100_000);
            expect(wrong).toBe(0);
            expect(pool.statistics().spawned).toBe(1);
        } finally {
            pool.stop().wait(10);
        }
    }, 60000);
});
