// spawn: /bin/true spawned 500 times, one after another, each started when
// the previous one has exited.
//   kaa: new kaa.Process(['/bin/true']).start() under kaa.main.run(); the
//        next one starts from the exit callback of the InProgress (the
//        Process has its three pipes, as every kaa.Process does)
//   raw: Gio.Subprocess.new(argv, NONE) + wait_async in a GLib.MainLoop (the
//        peers' `subprocess-wait`: stdio inherited, no pipes)
// Timed from the first spawn to the last exit.
// usage: gjs -m bench/gjs/spawn.js kaa|raw [n=500]
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const n = intArg(1, 500);
const argv = ['/bin/true'];

let count = 0;
let t0 = 0;
let cpu0 = 0;
let result = null;
let error = null;

function done() {
    const seconds = now() - t0;
    result = { scenario: 'spawn', impl: which, ops: count, seconds,
        cpu_s: cpuSeconds() - cpu0, ms_per_op: (seconds / count) * 1e3 };
}

try {
    if (which === 'kaa') {
        const next = () => {
            new kaa.Process(argv).start().connectBoth(code => {
                if (code !== 0) {
                    error = new Error(`/bin/true exited ${code}`);
                    kaa.main.stop();
                } else if (++count === n) {
                    done();
                    kaa.main.stop();
                } else {
                    next();
                }
            }, e => {
                error = e;
                kaa.main.stop();
            });
        };
        new kaa.OneShotTimer(() => {
            cpu0 = cpuSeconds();
            t0 = now();
            next();
        }).start(0);
        kaa.main.run();
    } else {
        const loop = new GLib.MainLoop(null, false);
        const next = () => {
            const proc = Gio.Subprocess.new(argv, Gio.SubprocessFlags.NONE);
            proc.wait_async(null, (p, res) => {
                p.wait_finish(res);
                const code = p.get_exit_status();
                if (code !== 0) {
                    error = new Error(`/bin/true exited ${code}`);
                    loop.quit();
                } else if (++count === n) {
                    done();
                    loop.quit();
                } else {
                    next();
                }
            });
        };
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            cpu0 = cpuSeconds();
            t0 = now();
            next();
            return GLib.SOURCE_REMOVE;
        });
        loop.run();
    }
    if (error)
        throw error;
    if (!result)
        throw new Error(`the loop returned after ${count} of ${n} spawns`);
    report(result);
} catch (e) {
    fail('spawn', which, e);
}
