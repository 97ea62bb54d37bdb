// signal-emit: 1,000,000 synchronous emits with one int argument to one
// handler (the handler adds it up).
//   kaa: new kaa.Signal(), .connect(handler), .emit(i)
//   raw: a GObject.registerClass class declaring a signal with one int
//        parameter, obj.connect('tick', handler), obj.emit('tick', i)
// 1000 emits are made first as a warm-up, not timed.
// usage: gjs -m bench/gjs/signal-emit.js kaa|raw [n=1000000]
import GObject from 'gi://GObject';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const n = intArg(1, 1000000);
const warmup = 1000;

let sum = 0;
let emit;
if (which === 'kaa') {
    const signal = new kaa.Signal();
    signal.connect(value => {
        sum += value;
    });
    emit = value => signal.emit(value);
} else {
    const Ticker = GObject.registerClass({
        GTypeName: 'KaaBenchTicker',
        Signals: { tick: { param_types: [GObject.TYPE_INT] } },
    }, class Ticker extends GObject.Object {});
    const ticker = new Ticker();
    ticker.connect('tick', (_obj, value) => {
        sum += value;
    });
    emit = value => ticker.emit('tick', value);
}

try {
    for (let i = 0; i < warmup; i++)
        emit(i);
    sum = 0;
    const cpu0 = cpuSeconds();
    const t0 = now();
    for (let i = 0; i < n; i++)
        emit(i);
    const seconds = now() - t0;
    const cpu = cpuSeconds() - cpu0;
    const expected = (n * (n - 1)) / 2;
    if (sum !== expected)
        throw new Error(`handler saw a sum of ${sum}, expected ${expected}`);
    report({ scenario: 'signal-emit', impl: which, ops: n, seconds, cpu_s: cpu, ns_per_op: (seconds / n) * 1e9 });
} catch (e) {
    fail('signal-emit', which, e);
}
