// worker-roundtrip: 10,000 sequential no-op calls to a worker process.
//   kaa: kaa.threaded(pool)(() => null) on a 1-worker kaa.ThreadPool,
//        `await` each call, under kaa.main.run()
//   raw: a gjs child over Gio.Subprocess pipes with length-prefixed JSON
//        frames, read_bytes_async/write_bytes_async (bench/gjs/_rpc-raw.js),
//        `await` each call, in a GLib.MainLoop
//   floor: the least GJS can do per call (bench/gjs/_floor.js: one fd
//        watch, a blocking child, one line per message), `await` each
//        call, in a GLib.MainLoop — run by `--peers` as `gjs floor`
// Not timed: the worker's start and 200 warm-up calls.
// usage: gjs -m bench/gjs/worker-roundtrip.js kaa|raw|floor [n=10000]
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { RawRpc } from './_rpc-raw.js';
import { Floor } from './_floor.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl('floor');
const n = intArg(1, 10000);
const warmup = 200;

async function measure(call) {
    for (let i = 0; i < warmup; i++)
        await call();
    const cpu0 = cpuSeconds();
    const t0 = now();
    for (let i = 0; i < n; i++)
        await call();
    const seconds = now() - t0;
    return { scenario: 'worker-roundtrip', impl: which, ops: n, seconds, cpu_s: cpuSeconds() - cpu0,
        us_per_call: (seconds / n) * 1e6 };
}

let result = null;
let error = null;
if (which === 'kaa') {
    const pool = new kaa.ThreadPool({ size: 1 });
    const noop = kaa.threaded(pool)(() => null);
    new kaa.OneShotTimer(() => {
        measure(() => noop()).then(r => (result = r), e => (error = e))
            .finally(() => pool.stop().connectBoth(() => kaa.main.stop()));
    }).start(0);
    kaa.main.run();
} else {
    const loop = new GLib.MainLoop(null, false);
    const rpc = which === 'floor' ? new Floor() : new RawRpc();
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        measure(() => rpc.call('noop')).then(r => (result = r), e => (error = e))
            .finally(() => rpc.stop().then(() => loop.quit()));
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
}
if (error || !result)
    fail('worker-roundtrip', which, error ?? new Error('no result'));
report(result);
