// timer-chain: 200,000 zero-delay timers run one after another, each one
// started by the callback of the one before, inside a running loop.
//   kaa: a new kaa.OneShotTimer per step, .start(0), under kaa.main.run();
//        the last callback calls kaa.main.stop()
//   raw: a new GLib.timeout_add(PRIORITY_DEFAULT, 0) source per step in a
//        GLib.MainLoop; the last callback quits the loop
// Timed from the start of the first timer to the last callback.
// usage: gjs -m bench/gjs/timer-chain.js kaa|raw [n=200000]
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const n = intArg(1, 200000);

let count = 0;
let t0 = 0;
let cpu0 = 0;
let result = null;

function done() {
    const seconds = now() - t0;
    result = { scenario: 'timer-chain', impl: which, ops: count, seconds,
        cpu_s: cpuSeconds() - cpu0, us_per_op: (seconds / count) * 1e6 };
}

try {
    if (which === 'kaa') {
        const step = () => {
            if (++count === n) {
                done();
                kaa.main.stop();
            } else {
                new kaa.OneShotTimer(step).start(0);
            }
        };
        cpu0 = cpuSeconds();
        t0 = now();
        new kaa.OneShotTimer(step).start(0);
        kaa.main.run();
    } else {
        const loop = new GLib.MainLoop(null, false);
        const step = () => {
            if (++count === n) {
                done();
                loop.quit();
            } else {
                GLib.timeout_add(GLib.PRIORITY_DEFAULT, 0, step);
            }
            return GLib.SOURCE_REMOVE;
        };
        cpu0 = cpuSeconds();
        t0 = now();
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 0, step);
        loop.run();
    }
    if (!result)
        throw new Error(`the loop returned after ${count} of ${n} timers`);
    report(result);
} catch (e) {
    fail('timer-chain', which, e);
}
