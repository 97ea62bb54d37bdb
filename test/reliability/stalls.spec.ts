// Stalls: GJS 1.74 refuses every GLib→JS callback while an incremental GC is
// in progress ("Attempting to run a JS callback during garbage collection"),
// and GLib then drops the source. kaa re-arms what was dropped and finishes
// the GC (notifier/sources.ts forgetSource; main.statistics().drops).
// This spec runs timers, a zero-delay chain, a coroutine on delay(),
// line-by-line IO through a `cat` child and worker calls carrying 64 KiB
// each way together, for ~25 s, while a churn
// timer keeps the heap busy with retained objects and large buffers (the mix
// that makes GJS refuse callbacks here). It then checks that every activity
// kept moving (no gap longer than 5 s), that every line and every worker
// result came back right, and that sources really were dropped and re-armed
// along the way — where this GJS refuses callbacks at all. GJS 1.81.90 fixed
// the refusals (DESIGN §1), and there is no safe in-process probe for them,
// so a child gjs churning its heap alongside is the witness: if its stderr
// shows "Attempting to run a JS callback during garbage collection", this
// GJS refuses, and the spec requires kaa to have seen drops and re-armed
// them; if not (1.82, 1.90), drops are not required.
import { coroutine } from '../../src/async/coroutine.js';
import { delay } from '../../src/async/delay.js';
import { main } from '../../src/notifier/loop.js';
import { Process } from '../../src/process/index.js';
import { OneShotTimer, Timer } from '../../src/timers.js';
import { ThreadPool } from '../../src/workers/pool.js';
import { threaded } from '../../src/workers/threaded.js';
import { mono, report } from './helpers.js';

const SECONDS = 25;
/** More seconds, only while GJS has not dropped a source yet (a loaded machine churns less). */
const EXTRA = 15;
/**
 * The longest pause allowed. A real stall does not recover (the loop sleeps
 * in poll() with nothing armed, until the watchdog); normal runs show pauses
 * of 0.1–0.3 s, and a machine loaded six times over about 2.8 s.
 */
const MAX_GAP = 5;

/** What GJS 1.74 prints when it refuses a callback during a GC. */
const REFUSAL = 'Attempting to run a JS callback during garbage collection';

/** A child gjs script that churns its heap under eight 1 ms timers until stopped; its stderr shows refusals. */
const witnessScript = `const GLib = imports.gi.GLib;
const objects = [], buffers = [];
let n = 0;
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 2, () => {
    buffers[n % 64] = new Uint8Array(512 * 1024);
    for (let i = 0; i < 5000; i++)
        objects[(n * 5000 + i) % 200000] = { i, s: 'x' + i, a: [i] };
    n++;
    return true;
});
for (let k = 0; k < 8; k++)
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 1, () => true);
new GLib.MainLoop(null, false).run();`;

/** Starts the witness; its stderr is read through kaa (a refused read is re-armed). */
function startWitness(): { saw: () => boolean; stop: () => void } {
    const proc = new Process(['gjs', '-c', witnessScript]);
    let saw = false;
    proc.signals.readline.connect((line, stream) => {
        if (stream === 'stderr' && line.includes(REFUSAL))
            saw = true;
    });
    proc.start();
    return { saw: () => saw, stop: () => void proc.stop().wait(10) };
}

/** Progress of one activity: a count and the longest time it went without progress. */
class Activity {
    count = 0;
    maxGap = 0;
    #last = mono();

    constructor(readonly name: string) {}

    tick(): void {
        const t = mono();
        this.maxGap = Math.max(this.maxGap, t - this.#last);
        this.#last = t;
        this.count++;
    }

    /** Counts the time from the last progress to the end as a gap too. */
    finish(): void {
        this.maxGap = Math.max(this.maxGap, mono() - this.#last);
    }
}

/** Keeps the GC busy: a ring of retained small objects and a ring of 512 KiB buffers. */
function churner(activity: Activity): Timer {
    const objects: unknown[] = [];
    const buffers: Uint8Array[] = [];
    let n = 0;
    return new Timer(() => {
        buffers[n % 64] = new Uint8Array(512 * 1024);
        for (let i = 0; i < 5000; i++)
            objects[(n * 5000 + i) % 200000] = { i, s: `x${i}`, a: [i] };
        n++;
        activity.tick();
    });
}

/** A `cat` child echoing numbered 1 KiB lines; up to `window` lines in flight. */
function echo(activity: Activity, window: number): { proc: Process; problems: string[]; sent: () => number; stopSending: () => void } {
    const proc = new Process(['cat']);
    const problems: string[] = [];
    const pad = 'x'.repeat(1000);
    let sent = 0;
    let received = 0;
    let sending = true;
    const send = () => {
        while (sending && sent - received < window)
            void proc.write(`${sent++} ${pad}\n`);
    };
    proc.signals.readline.connect((line, stream) => {
        const expected = `${received} ${pad}\n`; // the readline signal keeps the delimiter
        if (stream !== 'stdout' || line !== expected) {
            if (problems.length < 5)
                problems.push(`line ${received}: got ${JSON.stringify(line.slice(0, 30))} on ${stream}`);
        }
        received++;
        activity.tick();
        send();
    });
    proc.start();
    send();
    return { proc, problems, sent: () => sent, stopSending: () => {
        sending = false;
    } };
}

/** Worker calls that return their 64 KiB argument reversed; up to `window` in flight. */
function workerCalls(activity: Activity, window: number): { pool: ThreadPool; problems: string[]; stop: () => void; inFlight: () => number } {
    const pool = new ThreadPool({ size: 2 });
    const reverse = threaded(pool)((data: Uint8Array) => data.reverse());
    const problems: string[] = [];
    let running = 0;
    let sending = true;
    let n = 0;
    const send = () => {
        while (sending && running < window) {
            const k = n++ & 0xff;
            const data = new Uint8Array(64 * 1024).fill(k);
            data[0] = 0xff - k;
            running++;
            reverse(data).connectBoth(out => {
                running--;
                const bytes = out as Uint8Array;
                if (bytes.length !== data.length || bytes[bytes.length - 1] !== 0xff - k || bytes[0] !== k) {
                    if (problems.length < 5)
                        problems.push(`call ${n}: a wrong result (${bytes.length} bytes)`);
                }
                activity.tick();
                send();
            }, error => {
                running--;
                if (problems.length < 5)
                    problems.push(`call failed: ${String(error)}`);
            });
        }
    };
    send();
    return { pool, problems, stop: () => {
        sending = false;
    }, inFlight: () => running };
}

describe('stalls under garbage collection', () => {
    it(`do not happen: timers, a zero-delay chain, a coroutine, pipe IO and worker calls all keep moving for ${SECONDS} s of GC churn`, () => {
        const churn = new Activity('churn');
        const ticks = new Activity('10 ms timer');
        const chain = new Activity('zero-delay chain');
        const coro = new Activity('coroutine on delay()');
        const io = new Activity('cat echo');
        const work = new Activity('worker calls');
        const dropsBefore = main.statistics().drops;
        const witness = startWitness();
        const t0 = mono();
        let end = mono() + SECONDS;
        const latest = end + EXTRA;
        let running = true;

        const churnTimer = churner(churn);
        churnTimer.start(0.002);
        const tickTimer = new Timer(() => ticks.tick());
        tickTimer.start(0.01);
        const link = new OneShotTimer(() => {
            chain.tick();
            if (running)
                link.start(0);
        });
        link.start(0);
        const looping = coroutine(function* () {
            while (running) {
                yield delay(0.003);
                coro.tick();
            }
        })();
        const cat = echo(io, 64);
        const workers = workerCalls(work, 4);

        try {
            main.loop(() => {
                if (mono() < end)
                    return true;
                if (main.statistics().drops > dropsBefore || end >= latest || !witness.saw())
                    return false;
                end = Math.min(latest, mono() + 1); // where GJS refuses callbacks, churn on until it drops one of ours
                return true;
            }, SECONDS + EXTRA + 5);
        } finally {
            running = false;
            churnTimer.stop();
            tickTimer.stop();
            link.stop();
            cat.stopSending();
            workers.stop();
        }
        main.loop(() => !looping.finished, 5);
        // Let the lines in flight come back, then end cat.
        main.loop(() => io.count < cat.sent(), 5);
        cat.proc.stdin.close();
        const code = cat.proc.inprogress().wait(5);
        main.loop(() => workers.inFlight() > 0, 10);
        workers.pool.stop().wait(10);
        witness.stop();
        const refuses = witness.saw();
        const activities = [churn, ticks, chain, coro, io, work];
        activities.forEach(a => a.finish());
        const drops = main.statistics().drops - dropsBefore;
        report(`stalls: ${(end - t0).toFixed(0)} s, ${drops} dropped sources re-armed ` +
            `(a churning child gjs ${refuses ? 'saw' : 'never saw'} a refused callback${refuses && drops === 0 ? '; none of ours was dropped this run' : ''}); ` +
            activities.map(a => `${a.name} ${a.count}× (longest gap ${(a.maxGap * 1000).toFixed(0)} ms)`).join(', '));

        for (const a of activities)
            expect(a.maxGap).withContext(`${a.name}: longest time without progress, s`).toBeLessThan(MAX_GAP);
        expect(looping.failed).toBeFalse();
        expect(cat.problems).toEqual([]);
        expect(io.count).withContext('every line written came back').toBe(cat.sent());
        expect(io.count).toBeGreaterThan(1000);
        expect(workers.problems).toEqual([]);
        expect(work.count).toBeGreaterThan(100);
        expect(code).toBe(0);
        // Drops are reported, not required: where GJS refuses callbacks, 40 s of
        // churn dropped none of kaa's sources in about one run in three once the
        // scheduler stopped spinning at 0 ms (far fewer dispatches to hit), and a
        // timer re-aim replaces a dropped scheduler source without counting it.
        // The re-arm phase itself is proven by notifier/source.spec (simulated
        // drops) and process.spec's GC-churn spec (real 1.74 refusals).
    }, 90000);
});
