// pool-scaling: 16 CPU-bound calls (about 0.1 s each) queued at once on a
// kaa.ThreadPool; the figure is the time until all are done.
//   kaa: a pool of 2 workers
//   raw: the same pool with 1 worker (there is no raw-GJS equivalent: the
//        ratio raw ÷ kaa is the speed-up of the second worker, DESIGN §7)
// Not timed: starting the workers and shipping the function (one warm-up
// call per worker).
// usage: gjs -m bench/gjs/pool-scaling.js kaa|raw [calls=16] [n=3000000]
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const calls = intArg(1, 16);
const n = intArg(2, 3000000);
const workers = which === 'kaa' ? 2 : 1;

const pool = new kaa.ThreadPool({ size: workers });
const burn = kaa.threaded(pool)(count => {
    let s = 0;
    for (let i = 0; i < count; i++)
        s = (s + i * i) % 1000003;
    return s;
});

async function measure() {
    await Promise.all(Array.from({ length: workers }, () => burn(1000)));
    const cpu0 = cpuSeconds();
    const t0 = now();
    const results = await Promise.all(Array.from({ length: calls }, () => burn(n)));
    const seconds = now() - t0;
    if (new Set(results).size !== 1)
        throw new Error(`the calls disagree: ${results}`);
    return { scenario: 'pool-scaling', impl: which, ops: calls, seconds, cpu_s: cpuSeconds() - cpu0, workers, calls,
        ms_per_call: (seconds / calls) * 1e3 };
}

let result = null;
let error = null;
new kaa.OneShotTimer(() => {
    measure().then(r => (result = r), e => (error = e))
        .finally(() => pool.stop().connectBoth(() => kaa.main.stop()));
}).start(0);
kaa.main.run();
if (error || !result)
    fail('pool-scaling', which, error ?? new Error('no result'));
report(result);
