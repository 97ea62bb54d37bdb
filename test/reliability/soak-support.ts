// What the soak specs share. Each soak runs a warm-up (a tenth of the
// cycles), forces a full GC and reads VmRSS, runs the rest, forces a GC and
// reads VmRSS again: the second figure must stay within 10 % of the first.
// Both are printed. A full GC also runs after every chunk of cycles: RSS read
// after a GC still depends on how high the heap grew since the previous GC
// (SpiderMonkey keeps and decommits empty chunks lazily), which is noise of
// several MiB, not a leak.
import type { InProgress } from '../../src/async/inprogress.js';
import { main } from '../../src/notifier/loop.js';
import { OneShotTimer } from '../../src/timers.js';
import { mono, report, rssAfterGc } from './helpers.js';

export const TOLERANCE = 0.10;

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
export function soak(total: number, chunk: number, cycle: (i: number) => void): { before: number; after: number; seconds: number } {
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
export function soakAsync(total: number, chunk: number, concurrency: number, start: (i: number) => InProgress<unknown>):
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

export function expectBounded(what: string, r: { before: number; after: number; seconds: number }): void {
    const growth = (r.after - r.before) / r.before;
    report(`soak ${what}: RSS ${r.before} KiB after warm-up, ${r.after} KiB at the end ` +
        `(${(growth * 100).toFixed(1)} %), ${r.seconds.toFixed(1)} s`);
    expect(r.after).withContext(`${what}: RSS ${r.before} → ${r.after} KiB`).toBeLessThanOrEqual(r.before * (1 + TOLERANCE));
}
