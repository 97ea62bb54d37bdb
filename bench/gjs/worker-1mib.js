// worker-1mib: 200 sequential calls carrying 1 MiB to a worker and 1 MiB back.
//   kaa: kaa.threaded(pool)((data) => data) on a 1-worker kaa.ThreadPool with
//        a 1 MiB Uint8Array argument, `await` each call, under kaa.main.run()
//   raw: the same echo through bench/gjs/_rpc-raw.js (the payload raw after a
//        JSON header, read_bytes_async/write_bytes_async, System.gc() every
//        16 payload frames so that GJS 1.74 does not stall)
// mb_per_s counts the 1 MiB of each call once (MiB/s of calls); both ways it
// is twice that (mb_per_s_both_ways).
// Not timed: the worker's start and 5 warm-up calls.
// usage: gjs -m bench/gjs/worker-1mib.js kaa|raw [n=200] [bytes=1048576]
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { RawRpc } from './_rpc-raw.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const n = intArg(1, 200);
const bytes = intArg(2, 1048576);
const warmup = 5;

const payload = new Uint8Array(bytes);
for (let i = 0; i < payload.length; i++)
    payload[i] = (i * 7) & 0xff;

function check(reply) {
    if (!(reply instanceof Uint8Array) || reply.length !== bytes || reply[bytes - 1] !== payload[bytes - 1] || reply[bytes >> 1] !== payload[bytes >> 1])
        throw new Error(`bad reply: ${reply?.length} bytes`);
}

async function measure(call) {
    for (let i = 0; i < warmup; i++)
        check(await call());
    const cpu0 = cpuSeconds();
    const t0 = now();
    for (let i = 0; i < n; i++)
        check(await call());
    const seconds = now() - t0;
    const mib = (n * bytes) / 1048576;
    return { scenario: 'worker-1mib', impl: which, ops: n, seconds, cpu_s: cpuSeconds() - cpu0,
        ms_per_call: (seconds / n) * 1e3, mb_per_s: mib / seconds, mb_per_s_both_ways: (2 * mib) / seconds };
}

let result = null;
let error = null;
if (which === 'kaa') {
    const pool = new kaa.ThreadPool({ size: 1 });
    const echo = kaa.threaded(pool)(data => data);
    new kaa.OneShotTimer(() => {
        measure(() => echo(payload)).then(r => (result = r), e => (error = e))
            .finally(() => pool.stop().connectBoth(() => kaa.main.stop()));
    }).start(0);
    kaa.main.run();
} else {
    const loop = new GLib.MainLoop(null, false);
    const rpc = new RawRpc();
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        measure(() => rpc.call('echo', null, payload)).then(r => (result = r), e => (error = e))
            .finally(() => rpc.stop().then(() => loop.quit()));
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
}
if (error || !result)
    fail('worker-1mib', which, error ?? new Error('no result'));
report(result);
