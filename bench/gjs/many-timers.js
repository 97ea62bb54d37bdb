// many-timers: 100,000 timers armed at once from inside the running loop,
// with integer delays of 0..100 ms from a seeded PRNG (the same sequence for
// kaa and raw). Measures the seconds from the start of arming until the last
// one fired, and lateness = fire time - (arm time + delay), where the arm
// time is read once every 256 timers. No timer can fire while the arming
// callback runs, so the earliest ones are late by up to the arming time
// (`arm_s`); `max_lateness_after_arm_ms` = max of fire time - max(due time,
// end of arming) shows the scheduler's own lateness.
//   kaa: new kaa.OneShotTimer(cb).start(delay / 1000) per timer, armed from a
//        zero-delay OneShotTimer under kaa.main.run()
//   raw: one GLib.timeout_add(PRIORITY_DEFAULT, delay) per timer, armed from
//        a GLib.idle_add in a GLib.MainLoop
// usage: gjs -m bench/gjs/many-timers.js kaa|raw [n=100000] [maxDelayMs=100]
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail, seededRandom } from './_util.js';

const which = impl();
const n = intArg(1, 100000);
const maxDelayMs = intArg(2, 100);

const lateMs = new Float64Array(n);
let fired = 0;
let t0 = 0;
let cpu0 = 0;
let armSeconds = 0;
let armEnd = Infinity;
let lateAfterArm = 0;
let result = null;

function quantile(sorted, q) {
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function allFired(t) {
    const sorted = lateMs.slice().sort();
    result = {
        scenario: 'many-timers', impl: which, ops: n, seconds: t - t0, arm_s: armSeconds,
        cpu_s: cpuSeconds() - cpu0,
        max_lateness_ms: sorted[n - 1], p50_lateness_ms: quantile(sorted, 0.5), p99_lateness_ms: quantile(sorted, 0.99),
        max_lateness_after_arm_ms: lateAfterArm * 1000,
    };
}

/** Arms every timer through `arm(delayMs, callback)`, then `stop()` once all fired. */
function armAll(arm, stop) {
    const random = seededRandom(42);
    cpu0 = cpuSeconds();
    t0 = now();
    let stamp = t0;
    for (let i = 0; i < n; i++) {
        if ((i & 255) === 0)
            stamp = now();
        const delayMs = Math.floor(random() * (maxDelayMs + 1));
        const due = stamp + delayMs / 1000;
        arm(delayMs, () => {
            const t = now();
            lateMs[fired++] = (t - due) * 1000;
            const late = t - Math.max(due, armEnd);
            if (late > lateAfterArm)
                lateAfterArm = late;
            if (fired === n) {
                allFired(t);
                stop();
            }
        });
    }
    armEnd = now();
    armSeconds = armEnd - t0;
}

try {
    if (which === 'kaa') {
        new kaa.OneShotTimer(() => {
            armAll((ms, cb) => new kaa.OneShotTimer(cb).start(ms / 1000), () => kaa.main.stop());
        }).start(0);
        kaa.main.run();
    } else {
        const loop = new GLib.MainLoop(null, false);
        GLib.idle_add(GLib.PRIORITY_HIGH, () => {
            armAll((ms, cb) => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
                cb();
                return GLib.SOURCE_REMOVE;
            }), () => loop.quit());
            return GLib.SOURCE_REMOVE;
        });
        loop.run();
    }
    if (!result)
        throw new Error(`the loop returned after ${fired} of ${n} timers`);
    report(result);
} catch (e) {
    fail('many-timers', which, e);
}
