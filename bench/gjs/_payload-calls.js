// The body of worker-1mib.js and worker-1mib-in.js: sequential calls that
// carry a payload (1 MiB by default) to a worker and, for `echo`, the same
// bytes back, for `length` only its length (what the Node and raw GJS peers
// of rpc-roundtrip do: their payload travels one way).
//   kaa: kaa.threaded(pool)(fn) on a 1-worker kaa.ThreadPool with a
//        Uint8Array argument, `await` each call, under kaa.main.run()
//   raw: the same through bench/gjs/_rpc-raw.js (the payload raw after a
//        JSON header, read_bytes_async/write_bytes_async, System.gc() every
//        16 payload frames so that GJS 1.74 does not stall)
// mb_per_s counts the payload of each call once (MiB/s of calls);
// mb_per_s_both_ways counts what crossed: twice that for `echo`.
// Not timed: the worker's start and 5 warm-up calls.
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';
import { RawRpc } from './_rpc-raw.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

/**
 * Runs the calls and prints the result line.
 * @param {string} scenario - the name reported.
 * @param {'echo'|'length'} reply - what the worker answers.
 */
export function runPayloadCalls(scenario, reply) {
    const which = impl();
    const n = intArg(1, 200);
    const bytes = intArg(2, 1048576);
    const warmup = 5;
    const echo = reply === 'echo';

    const payload = new Uint8Array(bytes);
    for (let i = 0; i < payload.length; i++)
        payload[i] = (i * 7) & 0xff;

    const check = answer => {
        const ok = echo
            ? answer instanceof Uint8Array && answer.length === bytes && answer[bytes - 1] === payload[bytes - 1] && answer[bytes >> 1] === payload[bytes >> 1]
            : answer === bytes;
        if (!ok)
            throw new Error(`bad reply: ${answer?.length ?? answer}`);
    };

    const measure = async call => {
        for (let i = 0; i < warmup; i++)
            check(await call());
        const cpu0 = cpuSeconds();
        const t0 = now();
        for (let i = 0; i < n; i++)
            check(await call());
        const seconds = now() - t0;
        const mib = (n * bytes) / 1048576;
        return { scenario, impl: which, ops: n, seconds, cpu_s: cpuSeconds() - cpu0,
            ms_per_call: (seconds / n) * 1e3, mb_per_s: mib / seconds, mb_per_s_both_ways: ((echo ? 2 : 1) * mib) / seconds };
    };

    let result = null;
    let error = null;
    if (which === 'kaa') {
        const pool = new kaa.ThreadPool({ size: 1 });
        const call = echo ? kaa.threaded(pool)(data => data) : kaa.threaded(pool)(data => data.length);
        new kaa.OneShotTimer(() => {
            measure(() => call(payload)).then(r => (result = r), e => (error = e))
                .finally(() => pool.stop().connectBoth(() => kaa.main.stop()));
        }).start(0);
        kaa.main.run();
    } else {
        const loop = new GLib.MainLoop(null, false);
        const rpc = new RawRpc();
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            measure(() => rpc.call(echo ? 'echo' : 'length', null, payload)).then(r => (result = r), e => (error = e))
                .finally(() => rpc.stop().then(() => loop.quit()));
            return GLib.SOURCE_REMOVE;
        });
        loop.run();
    }
    if (error || !result)
        fail(scenario, which, error ?? new Error('no result'));
    report(result);
}
