// What the soak specs share. A soak repeats one piece of work in chunks and
// forces a full GC and reads VmRSS after every chunk (as a long-running
// program gets a GC now and then: RSS after a GC still depends on how high
// the heap grew since the previous one). RSS "after warm-up" is the median of
// the readings after the first fifth of the work and the two chunks after it
// (a worker pool, for one, is still growing its buffers in the first tenth);
// RSS "at the end" is the median of the last three readings: readings after a
// GC still move by a few MiB (malloc arenas, GC chunks kept for reuse), which
// is noise, while a leak grows from chunk to chunk. The end must stay within
// 10 % of the warm-up value. Both are printed, with the whole series.
import type { InProgress } from '../../src/async/inprogress.js';
import { main } from '../../src/notifier/loop.js';
import { OneShotTimer } from '../../src/timers.js';
import { mono, report, rssAfterGc } from './helpers.js';

export const TOLERANCE = 0.10;

/**
 * The least growth allowed, whatever 10 % is: RSS after a full GC moves in
 * steps of 2-4 MiB with no leak (4M timer start/stop cycles on GJS 1.74:
 * 31.8 → 46.1 → 31.4 MiB), which is more than 10 % of a 31 MiB process.
 * A leak of 8 bytes a cycle over the 1M-cycle soak still exceeds it.
 */
export const SLACK_KIB = 8 * 1024;

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
 * What a soak measured: RSS (KiB) after warm-up (the highest of the readings
 * after the first fifth of the cycles and the two chunks after it) and at the
 * end (the median of the last three readings), seconds, and RSS after each chunk.
 */
export interface Soaked {
    before: number;
    after: number;
    seconds: number;
    series: number[];
}

/**
 * Runs `cycle(i)` `total` times in chunks of `chunk`, turning the loop
 * between chunks; returns RSS (KiB) after warm-up and at the end, and seconds.
 */
export function soak(total: number, chunk: number, cycle: (i: number) => void): Soaked {
    const warmup = Math.floor(total / 5);
    const t0 = mono();
    let first = -1;
    const series: number[] = [];
    for (let done = 0; done < total;) {
        const end = Math.min(total, done + chunk);
        for (let i = done; i < end; i++)
            cycle(i);
        done = end;
        settle();
        // A full GC per chunk, as a long-running program gets now and then: RSS
        // after a GC depends on the heap's high-water mark since the last one.
        series.push(rssAfterGc());
        if (done >= warmup && first < 0)
            first = series.length - 1;
    }
    series.push(rssAfterGc());
    // RSS after a GC still moves by a few MiB from one reading to the next
    // (malloc arenas, GC chunks kept for reuse): the median of three readings.
    // After warm-up, the highest of three readings: a GC keeps the heap's
    // high-water mark, and how high it was when one reading was taken is luck
    // (GJS 1.90 swung 49.6 → 57.6 MiB between two warm-up chunks of the
    // signal soak with no trend after). A leak still grows past it.
    return { before: Math.max(...series.slice(first, first + 3)), after: median(series.slice(-3)), seconds: mono() - t0, series };
}

function median(values: number[]): number {
    const sorted = values.slice().sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `soak()` for asynchronous work: `start(i)` returns an InProgress; up to
 * `concurrency` run at once; every chunk is driven to its end by the loop.
 * Returns the RSS figures and the failures (at most 5 kept).
 */
export function soakAsync(total: number, chunk: number, concurrency: number, start: (i: number) => InProgress<unknown>):
    Soaked & { failures: unknown[]; done: number } {
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

/** Prints the figures of a soak and expects the end within {@link TOLERANCE} (at least {@link SLACK_KIB}) of the warm-up value. */
export function expectBounded(what: string, r: Soaked): void {
    const growth = (r.after - r.before) / r.before;
    report(`soak ${what}: RSS ${r.before} KiB after warm-up, ${r.after} KiB at the end ` +
        `(${(growth * 100).toFixed(1)} %), ${r.seconds.toFixed(1)} s; MiB after each chunk: ` +
        `${r.series.map(k => (k / 1024).toFixed(1)).join(' ')}`);
    expect(r.after).withContext(`${what}: RSS ${r.before} → ${r.after} KiB`).toBeLessThanOrEqual(r.before + Math.max(r.before * TOLERANCE, SLACK_KIB));
}
