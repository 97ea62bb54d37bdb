// The bad-input table, part 3: numeric bounds (numbers of the right type
// that GLib cannot hold: a RangeError naming the argument and the allowed
// range, thrown before anything changes) and options objects (anything but
// a plain object, and option names kaa does not know).
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import * as kaa from '../../src/index.js';
import { c, type Case } from './bad-input-cases.js';

const gen = function* () {
    yield kaa.NotFinished;
};

/** A new fd, open on a deleted temporary file (the caller closes it). */
function tempFd(): number {
    const [fd, path] = GLib.file_open_tmp(null);
    GLib.unlink(path);
    return fd;
}

/** A write-only channel over memory. */
const memoryChannel = (): kaa.IOChannel => new kaa.IOChannel(Gio.MemoryOutputStream.new_resizable());

/**
 * Runs `act` on `subject`; if what `look` sees changed, that (not what `act`
 * threw) is the error, so a refusal that came after a change fails the case.
 */
function unchanged<T>(subject: T, look: (s: T) => unknown, act: (s: T) => unknown, cleanup: (s: T) => void = () => undefined): unknown {
    const before = JSON.stringify(look(subject));
    try {
        return act(subject);
    } finally {
        const after = JSON.stringify(look(subject));
        cleanup(subject);
        if (after !== before)
            // eslint-disable-next-line no-unsafe-finally
            throw new Error(`the refused call changed the state from ${before} to ${after}`);
    }
}

/**
 * Runs `act` with a raw GLib timeout that calls `expire` a second later, so
 * a wait that was wrongly accepted ends (and the case reports it) instead of
 * hanging the table.
 */
function guarded(expire: () => void, act: () => unknown): unknown {
    let expired = false;
    const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 1000, () => {
        expired = true;
        expire();
        return GLib.SOURCE_REMOVE;
    });
    try {
        return act();
    } finally {
        if (!expired)
            GLib.source_remove(id);
    }
}

/** A Timer started with a 1 s interval. */
function runningTimer(): kaa.Timer {
    const timer = new kaa.Timer(() => undefined);
    timer.start(1);
    return timer;
}
const timerState = (t: kaa.Timer) => [t.active, t.interval];
const stopTimer = (t: kaa.Timer) => t.stop();

const SECONDS = 'must be from 0 to 4294967295 seconds';
const INT = 'to 2147483647';
const BIG = 2 ** 53;

const boundsCases: Case[] = [
    c('timer.start(1e300) keeps the timer as it was', () => unchanged(runningTimer(), timerState, t => t.start(1e300), stopTimer),
        `\`interval\` ${SECONDS} (got 1e+300)`),
    c('timer.start(2**32)', () => unchanged(runningTimer(), timerState, t => t.start(2 ** 32), stopTimer), `\`interval\` ${SECONDS}`),
    c('timer.start(1e300, {coarse: true})', () => unchanged(runningTimer(), timerState, t => t.start(1e300, { coarse: true }), stopTimer),
        `\`interval\` ${SECONDS}`),
    c('timed(1e300)', () => kaa.timed(1e300), `\`interval\` ${SECONDS}`),
    c('delay(1e300)', () => kaa.delay(1e300), `\`seconds\` ${SECONDS}`),
    c('ip.timeout(1e300)', () => new kaa.InProgress().timeout(1e300), `\`seconds\` ${SECONDS}`),
    c('ip.wait(1e300)', () => {
        const ip = new kaa.InProgress();
        return guarded(() => ip.finish(undefined), () => ip.wait(1e300));
    }, `\`timeout\` ${SECONDS}`),
    c('main.loop(cond, 1e300)', () => {
        let looping = true;
        return guarded(() => (looping = false), () => kaa.main.loop(() => looping, 1e300));
    }, `\`timeout\` ${SECONDS}`),
    c('coroutine(gen, {interval: 1e300})', () => kaa.coroutine(gen, { interval: 1e300 }), `\`interval\` ${SECONDS}`),
    c('process.stop({wait: 1e300})', () => new kaa.Process('true').stop({ wait: 1e300 }), `\`wait\` ${SECONDS}`),
    c('new ThreadPool({timeout: 1e300})', () => new kaa.ThreadPool({ timeout: 1e300 }), `\`timeout\` ${SECONDS}`),
    c('watchChild(2**53)', () => kaa.watchChild(BIG), `\`pid\` must be from 1 ${INT}`),
    c('watchChild(2**31)', () => kaa.watchChild(2 ** 31), `\`pid\` must be from 1 ${INT}`),
    c('monitor.register(2**53)', () => new kaa.IOMonitor(() => false).register(BIG), `\`fd\` must be from 0 ${INT}`),
    c('monitor.register({fileno: () => 2**31})', () => new kaa.IOMonitor(() => false).register({ fileno: () => 2 ** 31 }),
        `\`fd\` must be from 0 ${INT}`),
    c('new IOChannel(2**53)', () => new kaa.IOChannel(BIG), `\`fd\` must be from 0 ${INT}`),
    c('channel.wrap(2**31)', () => new kaa.IOChannel().wrap(2 ** 31), `\`fd\` must be from 0 ${INT}`),
    c('new IOChannel(null, {queueSize: 1e300})', () => new kaa.IOChannel(null, { queueSize: 1e300 }), '`queueSize` must be from 1 to'),
    c('new IOChannel(null, {chunkSize: 1e300})', () => new kaa.IOChannel(null, { chunkSize: 1e300 }), '`chunkSize` must be from 1 to'),
    c('channel.queueSize = 1e300 keeps the size', () => unchanged(new kaa.IOChannel(), ch => ch.queueSize, ch => {
        ch.queueSize = 1e300;
    }), '`queueSize` must be from 1 to'),
    c('new Socket({queueSize: 1e300})', () => new kaa.Socket({ queueSize: 1e300 }), '`queueSize` must be from 1 to'),
    c('socket.listen(0, {backlog: 1e300})', () => new kaa.Socket().listen('127.0.0.1:0', { backlog: 1e300 }),
        `\`backlog\` must be from 1 ${INT}`),
    c('socket.startTls({timeout: 1e300})', () => new kaa.Socket().startTls({ timeout: 1e300 }), `\`timeout\` ${SECONDS}`),
    c('new ThreadPool({size: 1e300})', () => new kaa.ThreadPool({ size: 1e300 }), '`size` must be from 1 to 1024'),
    c('pool.size = 2**31 keeps the size', () => unchanged(new kaa.ThreadPool(), p => p.size, p => {
        p.size = 2 ** 31;
    }), '`size` must be from 1 to 1024'),
    c('process.sendSignal(2**53)', () => new kaa.Process('true').sendSignal(BIG), `\`signo\` must be from 1 ${INT}`),
    c('status.getProgressbar(1e300)', () => new kaa.InProgressStatus(10).getProgressbar(1e300), '`width` must be from 3 to'),
];

const optionsCases: Case[] = [
    c('threaded({bogus: 1})', () => kaa.threaded({ bogus: 1 } as never), '`bogus`'),
    c('threaded(new Uint8Array(3))', () => kaa.threaded(new Uint8Array(3) as never), 'a Uint8Array'),
    c('threaded("pool", {bogus: 1})', () => kaa.threaded('pool', { bogus: 1 } as never), '`bogus`'),
    c('threaded("pool", new Date())', () => kaa.threaded('pool', new Date() as never), 'a Date'),
    c('new Socket(new Error())', () => new kaa.Socket(new Error() as never), 'an Error'),
    c('new Socket({bogus: 1})', () => new kaa.Socket({ bogus: 1 } as never), '`bogus`'),
    c('new Socket({mode: 1})', () => new kaa.Socket({ mode: 1 } as never), '`mode`'),
    c('new IOChannel(null, new Uint8Array(3))', () => new kaa.IOChannel(null, new Uint8Array(3) as never), 'a Uint8Array'),
    c('new IOChannel(null, {bogus: 1})', () => new kaa.IOChannel(null, { bogus: 1 } as never), '`bogus`'),
    c('new IOChannel(null, {chunksize: 5})', () => new kaa.IOChannel(null, { chunksize: 5 } as never), '`chunksize`'),
    c('channel.wrap(fd, 7)', () => {
        const fd = tempFd();
        const ch = new kaa.IOChannel();
        try {
            return ch.wrap(fd, 7);
        } finally {
            if (ch.alive)
                ch.close({ immediate: true });
            else
                GLib.close(fd);
        }
    }, '`mode`'),
    c('channel.close(new Date(NaN))', () => memoryChannel().close(new Date(NaN) as never), 'a Date'),
    c('channel.close({immediat: true})', () => memoryChannel().close({ immediat: true } as never), '`immediat`'),
    c('channel.close({immediate: "yes"})', () => memoryChannel().close({ immediate: 'yes' as never }), '`immediate`'),
    c('channel.close({expected: 0})', () => memoryChannel().close({ expected: 0 as never }), '`expected`'),
    c('atTimer.start(new Date(NaN))', () => new kaa.AtTimer(() => undefined).start(new Date(NaN) as never), 'a Date'),
    c('nextAtTime(new Date(), new Date())', () => kaa.nextAtTime(new Date(), new Date() as never), 'a Date'),
    c('socket.listen(0, {bogus: 1})', () => new kaa.Socket().listen('127.0.0.1:0', { bogus: 1 } as never), '`bogus`'),
    c('socket.listen(0, new Error())', () => new kaa.Socket().listen('127.0.0.1:0', new Error() as never), 'an Error'),
    c('socket.listen(0, null)', () => new kaa.Socket().listen('127.0.0.1:0', null as never), '`options`'),
    c('socket.startTls({verfiy: false})', () => new kaa.Socket().startTls({ verfiy: false } as never), '`verfiy`'),
    c('socket.startTls(new Date())', () => new kaa.Socket().startTls(new Date() as never), 'a Date'),
    c('new ThreadPool({bogus: 1})', () => new kaa.ThreadPool({ bogus: 1 } as never), '`bogus`'),
    c('new ThreadPool(new Uint8Array(3))', () => new kaa.ThreadPool(new Uint8Array(3) as never), 'a Uint8Array'),
    c('gobjectSetThreaded({bogus: 1})', () => kaa.gobjectSetThreaded({ bogus: 1 } as never), '`bogus`'),
    c('gobjectSetThreaded(new Error())', () => kaa.gobjectSetThreaded(new Error() as never), 'an Error'),
    c('workerModule(path, {bogus: 1})', () => kaa.workerModule('/tmp/x.js', { bogus: 1 } as never), '`bogus`'),
    c('workerModule(path, {priority: NaN})', () => kaa.workerModule('/tmp/x.js', { priority: NaN }), '`priority`'),
    c('new Signals("abc", new Uint8Array(3))', () => new kaa.Signals('abc', new Uint8Array(3) as never), '`items`'),
    c('new Signals([["a"]])', () => new kaa.Signals([['a']] as never), '`items`'),
    c('new WeakCallable({}, Object.create(null))', () => new kaa.WeakCallable({}, Object.create(null) as never), '`method`'),
    c('signal.connectWeak({}, Object.create(null))', () => new kaa.Signal().connectWeak({}, Object.create(null) as never), '`method`'),
    c('new WeakTimer({}, Object.create(null))', () => new kaa.WeakTimer({}, Object.create(null) as never), '`method`'),
    c('timer.start(1, new Date(NaN))', () => unchanged(runningTimer(), timerState, t => t.start(1, new Date(NaN) as never), stopTimer),
        'a Date'),
    c('timed(1, new Uint8Array(1))', () => kaa.timed(1, new Uint8Array(1) as never), 'a Uint8Array'),
    c('new InProgress(new Error())', () => new kaa.InProgress(new Error() as never), 'an Error'),
    c('ip.timeout(1, new Date())', () => new kaa.InProgress().timeout(1, new Date() as never), 'a Date'),
    c('coroutine(gen, new Uint8Array(1))', () => kaa.coroutine(gen, new Uint8Array(1) as never), 'a Uint8Array'),
    c('new Process("true", new Error())', () => new kaa.Process('true', new Error() as never), 'an Error'),
    c('process.stop(new Date())', () => new kaa.Process('true').stop(new Date() as never), 'a Date'),
    c('main.init("generic", new Date())', () => kaa.main.init('generic', new Date() as never), 'a Date'),
];

/** The cases of part 3, in table order. */
export const boundsAndOptionsCases: Case[] = [...boundsCases, ...optionsCases];
