// Workers under GC pressure (DESIGN.md §1: GJS 1.74 refuses JS callbacks
// during an incremental GC, and a raw pipe RPC moving 1 MiB frames hung 15
// times in 15). Here 1 MiB frames move both ways through two workers for a
// few seconds, with timers firing and garbage piling up, and every call has
// a stall watchdog: it must finish within 5 s. One case waits in kaa's own
// loop (which re-arms dropped watches after each iteration), the other
// awaits in the spec runner's plain GLib loop.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { Timer } from '../../src/timers.js';
import { InProgress } from '../../src/async/index.js';
import { ThreadPool, threaded, type ThreadInProgress } from '../../src/index.js';
import { stopWorkers } from './support.js';

const SECONDS = 6;
const MIB = 1 << 20;

function payload(seed: number): Uint8Array {
    const data = new Uint8Array(MIB);
    for (let i = 0; i < data.length; i += 4096)
        data[i] = (seed + i / 4096) & 0xff;
    data[MIB - 1] = seed & 0xff;
    return data;
}

/** Checks an echoed, inverted payload. */
function intact(sent: Uint8Array, back: Uint8Array): boolean {
    if (!(back instanceof Uint8Array) || back.length !== sent.length)
        return false;
    for (let i = 0; i < sent.length; i += 4096) {
        if (back[i] !== 255 - sent[i])
            return false;
    }
    return back[MIB - 1] === 255 - sent[MIB - 1];
}

function rssMiB(): number {
    const [, status] = GLib.file_get_contents('/proc/self/status');
    return Number(/VmRSS:\s+(\d+)/.exec(new TextDecoder().decode(status))?.[1] ?? 0) / 1024;
}

function invertIn(pool: ThreadPool): (data: Uint8Array) => ThreadInProgress<Uint8Array> {
    return threaded(pool)((data: Uint8Array) => {
        for (let i = 0; i < data.length; i += 4096)
            data[i] = 255 - data[i];
        data[data.length - 1] = 255 - data[data.length - 1];
        // garbage on the worker side too
        const junk = [];
        for (let i = 0; i < 2000; i++)
            junk.push({ i, s: `x${i}` });
        return data;
    });
}

/** Timers and garbage in the main process while the frames move. */
function churn(): Timer<[]> {
    let junk: unknown[] = [];
    const timer = new Timer(() => {
        junk = Array.from({ length: 5000 }, (_, i) => ({ i, s: `y${i}`, a: [i] }));
        return junk.length > 0;
    });
    timer.start(0.002);
    return timer;
}

describe('workers under GC pressure', () => {
    afterEach(() => stopWorkers());

    it('move 1 MiB frames both ways without a stall while waiting in kaa\'s loop', () => {
        const invert = invertIn(new ThreadPool({ size: 2 }));
        const timer = churn();
        const rss0 = rssMiB();
        let calls = 0, bad = 0, maxRss = 0;
        const t0 = GLib.get_monotonic_time();
        try {
            while (GLib.get_monotonic_time() - t0 < SECONDS * 1e6) {
                const sent = [payload(calls), payload(calls + 1)];
                const ips = sent.map(d => invert(d));
                ips.forEach((ip, i) => {
                    bad += intact(sent[i], ip.wait(5)) ? 0 : 1; // throws TimeoutException on a stall
                });
                calls += 2;
                maxRss = Math.max(maxRss, rssMiB());
            }
        } finally {
            timer.stop();
        }
        expect(bad).toBe(0);
        expect(calls).toBeGreaterThan(20);
        expect(maxRss - rss0).withContext('RSS growth in MiB').toBeLessThan(400);
        print(`kaa loop: ${calls} calls of 1 MiB each way, ${main.statistics().drops} dropped sources re-armed, RSS +${Math.round(maxRss - rss0)} MiB`);
    });

    it('move 1 MiB frames both ways without a stall while awaiting in a plain GLib loop', async () => {
        const invert = invertIn(new ThreadPool({ size: 2 }));
        const timer = churn();
        let calls = 0, bad = 0;
        const t0 = GLib.get_monotonic_time();
        try {
            while (GLib.get_monotonic_time() - t0 < SECONDS * 1e6) {
                const sent = [payload(calls), payload(calls + 1)];
                // the watchdog: a call that has not finished after 5 s fails with TimeoutException
                const backs = await InProgress.all(sent.map(d => invert(d).timeout(5)));
                backs.forEach((back, i) => {
                    bad += intact(sent[i], back as Uint8Array) ? 0 : 1;
                });
                calls += 2;
            }
        } finally {
            timer.stop();
        }
        expect(bad).toBe(0);
        expect(calls).toBeGreaterThan(20);
        print(`GLib loop: ${calls} calls of 1 MiB each way`);
    });
});
