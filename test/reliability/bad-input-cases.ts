// The bad-input table, part 1: the notifier, timers, async, IOMonitor/IOChannel
// and Process (bad-input.spec.ts runs every case; bad-input-net.ts has the
// sockets, workers and the worker protocol).
import Gio from 'gi://Gio';
import * as kaa from '../../src/index.js';
import { streamFd } from '../../src/notifier/platform.js';

/** One call with invalid input. */
export interface Case {
    /** What is called, as a user would write it. */
    call: string;
    run: () => unknown;
    /** The message must contain one of these (the argument's name or the value). */
    mentions: string[];
}

const gen = function* () {
    yield kaa.NotFinished;
};

/** An fd number that was open a moment ago and is closed now. */
function closedFd(): number {
    const stream = Gio.File.new_for_path('/dev/null').read(null);
    const fd = streamFd(stream);
    stream.close(null);
    return fd;
}

/** A write-only channel over memory (no fd, nothing to clean up but itself). */
function memoryChannel(): kaa.IOChannel {
    return new kaa.IOChannel(Gio.MemoryOutputStream.new_resizable());
}

/** A case: the call as written, how to make it, what its message must name. */
export const c = (call: string, run: () => unknown, ...mentions: string[]): Case => ({ call, run, mentions });

const notifierCases: Case[] = [
    c('new Signal(5)', () => new kaa.Signal(5 as never), '`changed`'),
    c('signal.changed = "x"', () => {
        new kaa.Signal().changed = 'x' as never;
    }, '`changed`'),
    c('signal.connect(null)', () => new kaa.Signal().connect(null as never), '`callback`'),
    c('signal.connectOnce(42)', () => new kaa.Signal().connectOnce(42 as never), '`callback`'),
    c('signal.connectFirst("f")', () => new kaa.Signal().connectFirst('f' as never), '`callback`'),
    c('signal.connectFirstOnce({})', () => new kaa.Signal().connectFirstOnce({} as never), '`callback`'),
    c('signal.connectWeak(null, "m")', () => new kaa.Signal().connectWeak(null as never, 'm' as never), '`target`'),
    c('signal.connectWeak({}, "missing")', () => new kaa.Signal().connectWeak({}, 'missing' as never), '`method`'),
    c('signal.connectWeakOnce({}, 5)', () => new kaa.Signal().connectWeakOnce({}, 5 as never), '`method`'),
    c('new Signals(5)', () => new kaa.Signals(5 as never), '`items`'),
    c('new Signals({a: 5})', () => new kaa.Signals({ a: 5 } as never), '`a`'),
    c('new Signals("any")', () => new kaa.Signals('any' as never), '`any`'),
    c('new Signals("a", "a")', () => new kaa.Signals('a', 'a' as never), '`a`'),
    c('signals.any({finish: "x"})', () => new kaa.Signals('a').any({ finish: 'x' } as never), '`finish`'),
    c('signals.all({filter: 5})', () => new kaa.Signals('a').all({ filter: 5 } as never), '`filter`'),
    c('new Callable(5)', () => new kaa.Callable(5 as never), '`fn`', '5'),
    c('new WeakCallable(null, "m")', () => new kaa.WeakCallable(null as never, 'm' as never), '`target`'),
    c('new WeakCallable({}, "missing")', () => new kaa.WeakCallable({}, 'missing' as never), '`method`'),
    c('new WeakCallable({}, 7)', () => new kaa.WeakCallable({}, 7 as never), '`method`'),
    c('new SystemExit(-1)', () => new kaa.SystemExit(-1), '`code`'),
    c('new SystemExit(1.5)', () => new kaa.SystemExit(1.5), '`code`'),
    c('new SystemExit(256)', () => new kaa.SystemExit(256), '`code`'),
    c('new SystemExit("3")', () => new kaa.SystemExit('3' as never), '`code`'),
    c('main.init("qt")', () => kaa.main.init('qt' as never), '"qt"'),
    c('main.init("generic", 5)', () => kaa.main.init('generic', 5 as never), '`options`'),
    c('main.init("gtk") after generic', () => {
        kaa.main.init('generic');
        kaa.main.init('gtk');
    }, "cannot switch to 'gtk'"),
    c('main.run(5)', () => kaa.main.run(5 as never), '`options`'),
    c('main.run({sigit: false})', () => kaa.main.run({ sigit: false } as never), '`sigit`'),
    c('main.init("generic", {rest: true})', () => kaa.main.init('generic', { rest: true } as never), '`rest`'),
    c('main.loop("x")', () => kaa.main.loop('x' as never), '`condition`'),
    c('main.loop(true, -1)', () => kaa.main.loop(true, -1), '`timeout`'),
    c('main.loop(true, NaN)', () => kaa.main.loop(true, NaN), '`timeout`'),
    c('main.loop(true, "1")', () => kaa.main.loop(true, '1' as never), '`timeout`'),
    c('main.exit(1.5)', () => kaa.main.exit(1.5), '`code`'),
    c('main.exit("0")', () => kaa.main.exit('0' as never), '`code`'),
    c('setDebug("yes")', () => kaa.setDebug('yes' as never), '`on` must be a boolean (got "yes")'),
];

const timerCases: Case[] = [
    c('new Timer(5)', () => new kaa.Timer(5 as never), '`callback`'),
    c('new OneShotTimer(null)', () => new kaa.OneShotTimer(null as never), '`callback`'),
    c('timer.start(-1)', () => new kaa.Timer(() => undefined).start(-1), '`interval`'),
    c('timer.start(NaN)', () => new kaa.Timer(() => undefined).start(NaN), '`interval`'),
    c('timer.start(Infinity)', () => new kaa.Timer(() => undefined).start(Infinity), '`interval`'),
    c('timer.start("1")', () => new kaa.Timer(() => undefined).start('1' as never), '`interval`'),
    c('timer.start(undefined)', () => new kaa.Timer(() => undefined).start(undefined as never), '`interval`'),
    c('timer.start(1, 5)', () => new kaa.Timer(() => undefined).start(1, 5 as never), '`options`'),
    c('timer.start(1, {nwo: true})', () => new kaa.Timer(() => undefined).start(1, { nwo: true } as never), '`nwo`'),
    c('timer.start(0.5, {coarse: true})', () => new kaa.Timer(() => undefined).start(0.5, { coarse: true }), '`interval`'),
    c('oneShot.start(-0.1)', () => new kaa.OneShotTimer(() => undefined).start(-0.1), '`interval`'),
    c('new WeakTimer(null, "m")', () => new kaa.WeakTimer(null as never, 'm' as never), '`target`'),
    c('new WeakOneShotTimer({}, "missing")', () => new kaa.WeakOneShotTimer({}, 'missing' as never), '`method`'),
    c('new AtTimer(5)', () => new kaa.AtTimer(5 as never), '`callback`'),
    c('new OneShotAtTimer("x")', () => new kaa.OneShotAtTimer('x' as never), '`callback`'),
    c('atTimer.start({hours: 25})', () => new kaa.AtTimer(() => undefined).start({ hours: 25 }), '`hours`'),
    c('atTimer.start({minutes: -1})', () => new kaa.AtTimer(() => undefined).start({ minutes: -1 }), '`minutes`'),
    c('atTimer.start({seconds: [70]})', () => new kaa.AtTimer(() => undefined).start({ seconds: [70] }), '`seconds`'),
    c('atTimer.start({hours: []})', () => new kaa.AtTimer(() => undefined).start({ hours: [] }), '`hours`'),
    c('atTimer.start({minutes: NaN})', () => new kaa.AtTimer(() => undefined).start({ minutes: NaN }), '`minutes`'),
    c('atTimer.start({hour: 1})', () => new kaa.AtTimer(() => undefined).start({ hour: 1 } as never), '"hour"'),
    c('atTimer.start({timeZone: "Mars/Olympus"})', () => new kaa.AtTimer(() => undefined).start({ timeZone: 'Mars/Olympus' }), '`timeZone`'),
    c('atTimer.start(5)', () => new kaa.AtTimer(() => undefined).start(5 as never), 'got 5'),
    c('nextAtTime("today")', () => kaa.nextAtTime('today' as never), '`from`'),
    c('nextAtTime(new Date(NaN))', () => kaa.nextAtTime(new Date(NaN)), '`from`'),
    c('nextAtTime(new Date(), {hours: 24})', () => kaa.nextAtTime(new Date(), { hours: 24 }), '`hours`'),
    c('timed(-1)', () => kaa.timed(-1), '`interval`'),
    c('timed(NaN)', () => kaa.timed(NaN), '`interval`'),
    c('timed(1, 5)', () => kaa.timed(1, 5 as never), '`options`'),
    c('timed(1, {policy: "twice"})', () => kaa.timed(1, { policy: 'twice' as never }), '`policy`'),
    c('timed(1, {timer: Object})', () => kaa.timed(1, { timer: Object as never }), '`timer`'),
    c('timed(1, {polcy: "once"})', () => kaa.timed(1, { polcy: 'once' } as never), '`polcy`'),
    c('timed(1)(5)', () => kaa.timed(1)(5 as never), '`fn`'),
];

const asyncCases: Case[] = [
    c('new InProgress(5)', () => new kaa.InProgress(5 as never), '`options`'),
    c('new InProgress({abortable: "yes"})', () => new kaa.InProgress({ abortable: 'yes' as never }), '`abortable`'),
    c('new InProgress({name: 5})', () => new kaa.InProgress({ name: 5 as never }), '`name`'),
    c('new InProgress({nmae: "x"})', () => new kaa.InProgress({ nmae: 'x' } as never), '`nmae`'),
    c('ip.abortable = 1', () => {
        new kaa.InProgress().abortable = 1 as never;
    }, '`abortable`'),
    c('ip.finish() twice', () => new kaa.InProgress().finish(1).finish(2), 'finish', 'already finished'),
    c('ip.throw() after finish', () => new kaa.InProgress().finish(1).throw(new Error('x')), 'throw', 'already finished'),
    c('ip.finish(ip)', () => {
        const ip = new kaa.InProgress();
        return ip.finish(ip);
    }, 'itself'),
    c('ip.connect(5)', () => new kaa.InProgress().connect(5 as never), '`callback`'),
    c('ip.connectBoth(null)', () => new kaa.InProgress().connectBoth(null as never), '`onFinished`'),
    c('ip.connectBoth(fn, 5)', () => new kaa.InProgress().connectBoth(() => undefined, 5 as never), '`onException`'),
    c('ip.abort("why")', () => new kaa.InProgress().abort('why' as never), '`error`'),
    c('ip.abort() after finish', () => new kaa.InProgress().finish(1).abort(), 'abort', 'already finished'),
    c('ip.abort() when not abortable', () => new kaa.InProgress({ abortable: false }).abort(), 'not abortable'),
    c('ip.timeout(-1)', () => new kaa.InProgress().timeout(-1), '`seconds`'),
    c('ip.timeout(NaN)', () => new kaa.InProgress().timeout(NaN), '`seconds`'),
    c('ip.timeout(1, 5)', () => new kaa.InProgress().timeout(1, 5 as never), '`options`'),
    c('ip.timeout(1, {abrot: true})', () => new kaa.InProgress().timeout(1, { abrot: true } as never), '`abrot`'),
    c('ip.waitFor(5)', () => new kaa.InProgress().waitFor(5 as never), '`other`'),
    c('ip.wait(-1)', () => new kaa.InProgress().wait(-1), '`timeout`'),
    c('ip.wait(NaN)', () => new kaa.InProgress().wait(NaN), '`timeout`'),
    c('ip.execute(5)', () => new kaa.InProgress().execute(5 as never), '`fn`'),
    c('ip.result before it finished', () => new kaa.InProgress({ name: 'job' }).result, 'not finished', '"job"'),
    c('new InProgressStatus(-1)', () => new kaa.InProgressStatus(-1), '`max`'),
    c('new InProgressStatus(NaN)', () => new kaa.InProgressStatus(NaN), '`max`'),
    c('status.set(-5)', () => new kaa.InProgressStatus(10).set(-5), '`pos`'),
    c('status.set(1, "x")', () => new kaa.InProgressStatus(10).set(1, 'x' as never), '`max`'),
    c('status.update(NaN)', () => new kaa.InProgressStatus(10).update(NaN), '`diff`'),
    c('status.getProgressbar(2)', () => new kaa.InProgressStatus(10).getProgressbar(2), '`width`'),
    c('status.getProgressbar(7.5)', () => new kaa.InProgressStatus(10).getProgressbar(7.5), '`width`'),
    c('new InProgressAny(5)', () => new kaa.InProgressAny(5), 'argument 0', 'got 5'),
    c('new InProgressAll("x")', () => new kaa.InProgressAll('x'), 'argument 0', '"x"'),
    c('InProgress.any(ip, {finish: "most"})', () => kaa.InProgress.any(new kaa.InProgress(), { finish: 'most' } as never), '`finish`'),
    c('InProgress.all(ip, {bogus: 1})', () => kaa.InProgress.all(new kaa.InProgress(), { bogus: 1 } as never), '`bogus`'),
    c('inprogress(5)', () => kaa.inprogress(5 as never), 'got 5'),
    c('inprogress({})', () => kaa.inprogress({} as never), 'an object'),
    c('inprogress(file, "nope_async", "nope_finish")', () => kaa.inprogress(Gio.File.new_for_path('/'), 'nope_async' as never,
        'nope_finish' as never), '"nope_async"'),
    c('delay(-1)', () => kaa.delay(-1), '`seconds`'),
    c('delay(NaN)', () => kaa.delay(NaN), '`seconds`'),
    c('delay("1")', () => kaa.delay('1' as never), '`seconds`'),
    c('coroutine(5)', () => kaa.coroutine(5 as never), '`fn`', '`options`'),
    c('coroutine(() => 1)', () => kaa.coroutine((() => 1) as never), '`fn`'),
    c('coroutine(gen, {policy: "x"})', () => kaa.coroutine(gen, { policy: 'x' as never }), '`policy`'),
    c('coroutine(gen, {progress: 5})', () => kaa.coroutine(gen, { progress: 5 as never }), '`progress`'),
    c('coroutine(gen, {group: 5})', () => kaa.coroutine(gen, { group: 5 as never }), '`group`'),
    c('coroutine(gen, {interval: -1})', () => kaa.coroutine(gen, { interval: -1 }), '`interval`'),
    c('coroutine(gen, {polcy: "x"})', () => kaa.coroutine(gen, { polcy: 'x' } as never), '`polcy`'),
    c('coroutine(gen, 5)', () => kaa.coroutine(gen, 5 as never), '`options`'),
];

const ioCases: Case[] = [
    c('new IOMonitor(5)', () => new kaa.IOMonitor(5 as never), '`callback`'),
    c('monitor.register(-1)', () => new kaa.IOMonitor(() => false).register(-1), '`fd`'),
    c('monitor.register(NaN)', () => new kaa.IOMonitor(() => false).register(NaN), '`fd`'),
    c('monitor.register(1.5)', () => new kaa.IOMonitor(() => false).register(1.5), '`fd`'),
    c('monitor.register("0")', () => new kaa.IOMonitor(() => false).register('0' as never), '`fd`'),
    c('monitor.register({fileno: () => -3})', () => new kaa.IOMonitor(() => false).register({ fileno: () => -3 }), '`fd`'),
    c('monitor.register(closed fd)', () => new kaa.IOMonitor(() => false).register(closedFd()), 'not an open file descriptor'),
    c('monitor.register(1000) (never opened)', () => new kaa.IOMonitor(() => false).register(1000), 'fd 1000'),
    c('monitor.register(0, 4)', () => new kaa.IOMonitor(() => false).register(0, 4), '`condition`'),
    c('monitor.register(0, "r")', () => new kaa.IOMonitor(() => false).register(0, 'r' as never), '`condition`'),
    c('new WeakIOMonitor(null, "m")', () => new kaa.WeakIOMonitor(null as never, 'm' as never), '`target`'),
    c('new IOChannel(-1)', () => new kaa.IOChannel(-1), '`fd`'),
    c('new IOChannel(NaN)', () => new kaa.IOChannel(NaN), '`fd`'),
    c('new IOChannel("/etc/passwd")', () => new kaa.IOChannel('/etc/passwd' as never), '"/etc/passwd"'),
    c('new IOChannel({})', () => new kaa.IOChannel({} as never), 'an object'),
    c('new IOChannel(closed fd)', () => new kaa.IOChannel(closedFd()), 'not an open file descriptor'),
    c('new IOChannel(null, 5)', () => new kaa.IOChannel(null, 5 as never), '`options`'),
    c('new IOChannel(null, {mode: 7})', () => new kaa.IOChannel(null, { mode: 7 }), '`mode`'),
    c('new IOChannel(null, {chunkSize: 0})', () => new kaa.IOChannel(null, { chunkSize: 0 }), '`chunkSize`'),
    c('new IOChannel(null, {chunkSize: NaN})', () => new kaa.IOChannel(null, { chunkSize: NaN }), '`chunkSize`'),
    c('new IOChannel(null, {queueSize: -1})', () => new kaa.IOChannel(null, { queueSize: -1 }), '`queueSize`'),
    c('new IOChannel(null, {queueSize: 1.5})', () => new kaa.IOChannel(null, { queueSize: 1.5 }), '`queueSize`'),
    c('new IOChannel(null, {encoding: "latin1"})', () => new kaa.IOChannel(null, { encoding: 'latin1' as never }), '`encoding`'),
    c('new IOChannel(null, {closeFd: "yes"})', () => new kaa.IOChannel(null, { closeFd: 'yes' as never }), '`closeFd`'),
    c('new IOChannel(null, {delimiter: 5})', () => new kaa.IOChannel(null, { delimiter: 5 as never }), 'delimiter'),
    c('new IOChannel(null, {delimiter: ""})', () => new kaa.IOChannel(null, { delimiter: '' }), 'delimiter'),
    c('channel.queueSize = 0', () => {
        new kaa.IOChannel().queueSize = 0;
    }, '`queueSize`'),
    c('channel.read() without an fd', () => new kaa.IOChannel().read(), 'no fd'),
    c('channel.write("x") without an fd', () => new kaa.IOChannel().write('x'), 'no fd'),
    c('channel.write(5)', () => memoryChannel().write(5 as never), '`data`'),
    c('channel.write({})', () => memoryChannel().write({} as never), '`data`'),
    c('channel.write(2 MiB) beyond queueSize', () => memoryChannel().write(new Uint8Array(2 * 1024 * 1024)), 'queueSize'),
    c('write-only channel.read()', () => memoryChannel().read(), 'write-only'),
    c('write-only channel.readline()', () => memoryChannel().readline(), 'write-only'),
    c('closed channel.write("x")', () => {
        const ch = memoryChannel();
        ch.close({ immediate: true });
        return ch.write('x');
    }, 'closed'),
    c('channel.close(5)', () => memoryChannel().close(5 as never), '`options`'),
    c('channel.wrap(-1)', () => new kaa.IOChannel().wrap(-1), '`fd`'),
    c('channel.steal(5)', () => new kaa.IOChannel().steal(5 as never), '`other`'),
];

const processCases: Case[] = [
    c('new Process(5)', () => new kaa.Process(5 as never), '`cmd`'),
    c('new Process([1, 2])', () => new kaa.Process([1, 2] as never), 'argument 0'),
    c('new Process("a \'b")', () => new kaa.Process("a 'b"), '"a \'b"'),
    c('new Process("ls", 5)', () => new kaa.Process('ls', 5 as never), '`options`'),
    c('new Process("ls", {shel: true})', () => new kaa.Process('ls', { shel: true } as never), '`shel`'),
    c('new Process("ls", {shell: "yes"})', () => new kaa.Process('ls', { shell: 'yes' as never }), '`shell`'),
    c('new Process(["ls"], {shell: true})', () => new kaa.Process(['ls'], { shell: true }), '`shell'),
    c('new Process("ls", {cwd: 5})', () => new kaa.Process('ls', { cwd: 5 as never }), '`cwd`'),
    c('new Process("ls", {env: "A=1"})', () => new kaa.Process('ls', { env: 'A=1' as never }), '`env`'),
    c('new Process("ls", {env: {A: 1}})', () => new kaa.Process('ls', { env: { A: 1 } as never }), '`env.A`'),
    c('new Process("ls", {env: {"B=C": "x"}})', () => new kaa.Process('ls', { env: { 'B=C': 'x' } }), '"B=C"'),
    c('new Process("ls", {env: {"A\\0B": "x"}})', () => new kaa.Process('ls', { env: { 'A\0B': 'x' } }), '"A\\u0000B"'),
    c('new Process("ls", {env: {A: "x\\0y"}})', () => new kaa.Process('ls', { env: { A: 'x\0y' } }), '"A"'),
    c('new Process("ls", {env: {"": "x"}})', () => new kaa.Process('ls', { env: { '': 'x' } }), '`env` name ""'),
    c('new Process("ls", {processGroup: "yes"})', () => new kaa.Process('ls', { processGroup: 'yes' as never }), '`processGroup`'),
    c('new Process("ls", {dumpfile: 5})', () => new kaa.Process('ls', { dumpfile: 5 as never }), '`dumpfile`'),
    c('new Process("ls", {stopCommand: 5})', () => new kaa.Process('ls', { stopCommand: 5 as never }), '`stopCommand`'),
    c('new Process("ls", {delimiter: 5})', () => new kaa.Process('ls', { delimiter: 5 as never }), '`delimiter`'),
    c('process.start(5)', () => new kaa.Process('true').start(5 as never), '`args`'),
    c('process.start([5])', () => new kaa.Process('true').start([5] as never), 'argument 0'),
    c('new Process("").start()', () => new kaa.Process('').start(), 'empty'),
    c('process.start() of a missing program', () => new kaa.Process('/nonexistent/kaa-no-such-program').start(),
        'kaa-no-such-program'),
    c('process.start() in a missing cwd', () => new kaa.Process('true', { cwd: '/nonexistent/kaa-no-such-dir' }).start(),
        'kaa-no-such-dir'),
    c('process.stop(5)', () => new kaa.Process('true').stop(5 as never), '`options`'),
    c('process.stop({wait: -1})', () => new kaa.Process('true').stop({ wait: -1 }), '`wait`'),
    c('process.stop({cmd: 5})', () => new kaa.Process('true').stop({ cmd: 5 as never }), '`cmd`'),
    c('process.stop({signal: 9})', () => new kaa.Process('true').stop({ signal: 9 } as never), '`signal`'),
    c('process.write("x") before start', () => new kaa.Process('true').write('x'), 'no child is running'),
    c('process.communicate(5)', () => new kaa.Process('true').communicate(5 as never), '`input`'),
    c('process.inprogress() before start', () => new kaa.Process('true').inprogress(), 'not been started'),
    c('process.stopCommand = 5', () => {
        new kaa.Process('true').stopCommand = 5 as never;
    }, '`stopCommand`'),
    c('process.delimiter = ""', () => {
        new kaa.Process('true').delimiter = '';
    }, '`delimiter`', 'delimiter'),
    c('watchChild(-1)', () => kaa.watchChild(-1), '`pid`'),
    c('watchChild(0)', () => kaa.watchChild(0), '`pid`'),
    c('watchChild(NaN)', () => kaa.watchChild(NaN), '`pid`'),
    c('watchChild("1")', () => kaa.watchChild('1' as never), '`pid`'),
];

/** The cases of part 1, in table order. */
export const coreCases: Case[] = [...notifierCases, ...timerCases, ...asyncCases, ...ioCases, ...processCases];
