// The bad-input table, part 2: Socket, the worker API (threaded, pools,
// the GObject worker, expose/callMain, worker modules) and the worker
// protocol's codec and framing, fed directly with malformed frames.
import Gio from 'gi://Gio';
import * as kaa from '../../src/index.js';
import { Encoder, decodeValue } from '../../src/workers/codec.js';
import { FrameReader, MAX_FRAME_BYTES, RESULT, encodeFrame } from '../../src/workers/protocol.js';
import { c, type Case } from './bad-input-cases.js';

/** A TCP port nothing listens on (bound a moment ago, then closed). */
let freePort = 0;
function closedPort(): number {
    if (!freePort) {
        const s = new kaa.Socket();
        s.listen('127.0.0.1:0');
        freePort = (s.local as { port: number }).port;
        s.close();
    }
    return freePort;
}

/** Listens on a port another socket already listens on (the first one is closed again). */
function listenTwice(): void {
    const first = new kaa.Socket();
    first.listen('127.0.0.1:0');
    try {
        new kaa.Socket().listen(`127.0.0.1:${(first.local as { port: number }).port}`);
    } finally {
        first.close();
    }
}

const socketCases: Case[] = [
    c('new Socket(5)', () => new kaa.Socket(5 as never), '`options` must be an object (got 5)'),
    c('new Socket(null)', () => new kaa.Socket(null as never), '`options` must be an object (got null)'),
    c('new Socket({autoAccept: "yes"})', () => new kaa.Socket({ autoAccept: 'yes' as never }), '`autoAccept`'),
    c('new Socket({queueSize: 0})', () => new kaa.Socket({ queueSize: 0 }), '`queueSize`'),
    c('socket.connect(-1)', () => new kaa.Socket().connect(-1), '-1'),
    c('socket.connect(70000)', () => new kaa.Socket().connect(70000), '70000'),
    c('socket.connect(NaN)', () => new kaa.Socket().connect(NaN), 'NaN'),
    c('socket.connect({})', () => new kaa.Socket().connect({} as never), '`address`'),
    c('socket.connect("nohostport")', () => new kaa.Socket().connect('nohostport'), '"nohostport"'),
    c('socket.connect("host:http")', () => new kaa.Socket().connect('host:http'), '"host:http"'),
    c('socket.connect("[::1:80")', () => new kaa.Socket().connect('[::1:80'), '"[::1:80"'),
    c('socket.connect() to a closed port', () => new kaa.Socket().connect(`127.0.0.1:${closedPort()}`), `127.0.0.1:${closedPort()}`),
    c('socket.connect() to an unknown host', () => new kaa.Socket().connect('kaa-no-such-host.invalid:80'), 'kaa-no-such-host.invalid'),
    c('socket.connect() to a missing Unix path', () => new kaa.Socket().connect('/nonexistent/kaa.sock'), '/nonexistent/kaa.sock'),
    c('socket.listen(99999)', () => new kaa.Socket().listen(99999), '99999'),
    c('socket.listen("127.0.0.1:-5")', () => new kaa.Socket().listen('127.0.0.1:-5'), '"127.0.0.1:-5"'),
    c('socket.listen(0, {backlog: 0})', () => new kaa.Socket().listen(0, { backlog: 0 }), '`backlog`'),
    c('socket.listen(0, {backlog: NaN})', () => new kaa.Socket().listen(0, { backlog: NaN }), '`backlog`'),
    c('socket.listen(path, {mode: 0o1777})', () => new kaa.Socket().listen('/tmp/kaa-x.sock', { mode: 0o1777 }), '`mode`'),
    c('socket.listen("/nonexistent/dir/x.sock")', () => new kaa.Socket().listen('/nonexistent/dir/x.sock'), '/nonexistent/dir/x.sock'),
    c('socket.listen() on a regular file', () => new kaa.Socket().listen('/etc/hostname'), '/etc/hostname'),
    c('socket.listen() on a port in use', () => listenTwice(), 'port', '127.0.0.1'),
    c('socket.accept() when not listening', () => new kaa.Socket().accept(), 'not listening'),
    c('socket.startTls() when not connected', () => new kaa.Socket().startTls(), 'not connected'),
    c('socket.read() when never connected', () => new kaa.Socket().read(), 'no fd'),
];

let workerPool: kaa.ThreadPool;
const pool = (): kaa.ThreadPool => workerPool;

/** Sets the pool the worker cases call into (the spec makes and stops it). */
export function useWorkerPool(p: kaa.ThreadPool): void {
    workerPool = p;
}
const closure = 41;
const workerCases: Case[] = [
    c('threaded(5)', () => kaa.threaded(5 as never), '`target`'),
    c('threaded("")', () => kaa.threaded(''), '`target`'),
    c('threaded({priority: "high"})', () => kaa.threaded({ priority: 'high' as never }), '`priority`'),
    c('threaded({priority: NaN})', () => kaa.threaded({ priority: NaN }), '`priority`'),
    c('threaded({async: 1})', () => kaa.threaded({ async: 1 as never }), '`async`'),
    c('threaded({progress: "y"})', () => kaa.threaded({ progress: 'y' as never }), '`progress`'),
    c('threaded({wait: 0})', () => kaa.threaded({ wait: 0 as never }), '`wait`'),
    c('threaded("pool", 5)', () => kaa.threaded('pool', 5 as never), '`options`'),
    c('threaded()(5)', () => kaa.threaded()(5 as never), '`fn`'),
    c('threaded()(Math.max)', () => kaa.threaded()(Math.max), 'max', 'native'),
    c('threaded()(class {})', () => kaa.threaded()(class {} as never), 'class'),
    c('threaded(pool)(f)(a function)', () => kaa.threaded(pool())((f: unknown) => f)(() => 1), 'args[0]'),
    c('threaded(pool)(f)({deep: {fn}})', () => kaa.threaded(pool())((o: unknown) => o)({ deep: { fn: () => 1 } }), 'args[0].deep.fn'),
    c('threaded(pool)(f)(Symbol())', () => kaa.threaded(pool())((s: unknown) => s)(Symbol('s')), 'args[0]'),
    c('threaded(pool)(f)(a class instance)', () => kaa.threaded(pool())((x: unknown) => x)(new (class Point {})()), 'args[0]', 'Point'),
    c('threaded(pool)(f)(a cycle)', () => {
        const a: Record<string, unknown> = {};
        a.self = { back: { to: { it: { again: { and: { again: { a } } } } } } };
        return kaa.threaded(pool())((x: unknown) => x)(a);
    }, 'cycle'),
    c('threaded(pool)(f)(a GObject)', () => kaa.threaded(pool())((x: unknown) => x)(Gio.File.new_for_path('/')), 'args[0]: a GLocalFile'),
    c('threaded(pool)(() => closure)()', () => kaa.threaded(pool())(() => closure)(), 'closure'),
    c('threaded(pool)(f)() that throws', () => kaa.threaded(pool())(() => {
        throw new RangeError('bad range in the worker');
    })(), 'bad range in the worker'),
    c('threaded(pool)(f)() returning a function', () => kaa.threaded(pool())(() => () => 1)(), 'result'),
    c('new ThreadPool(5)', () => new kaa.ThreadPool(5 as never), '`options`'),
    c('new ThreadPool({size: 0})', () => new kaa.ThreadPool({ size: 0 }), '`size`'),
    c('new ThreadPool({size: -1})', () => new kaa.ThreadPool({ size: -1 }), '`size`'),
    c('new ThreadPool({size: 1.5})', () => new kaa.ThreadPool({ size: 1.5 }), '`size`'),
    c('new ThreadPool({timeout: NaN})', () => new kaa.ThreadPool({ timeout: NaN }), '`timeout`'),
    c('new ThreadPool({timeout: -1})', () => new kaa.ThreadPool({ timeout: -1 }), '`timeout`'),
    c('pool.size = 0', () => {
        new kaa.ThreadPool().size = 0;
    }, '`size`'),
    c('pool.timeout = "x"', () => {
        new kaa.ThreadPool().timeout = 'x' as never;
    }, '`timeout`'),
    c('registerThreadPool(5, pool)', () => kaa.registerThreadPool(5 as never, new kaa.ThreadPool()), '`name`'),
    c('registerThreadPool("", pool)', () => kaa.registerThreadPool('', new kaa.ThreadPool()), '`name`'),
    c('registerThreadPool("x", 5)', () => kaa.registerThreadPool('kaa-bad-input-x', 5 as never), '`pool`'),
    c('getThreadPool(5)', () => kaa.getThreadPool(5 as never), '`name` must be a string (got 5)'),
    c('registerThreadPool() of a name taken', () => kaa.registerThreadPool('kaa-bad-input', new kaa.ThreadPool()), '"kaa-bad-input"'),
    c('gobjectSetThreaded(5)', () => kaa.gobjectSetThreaded(5 as never), '`options`'),
    c('gobjectSetThreaded({module: 5})', () => kaa.gobjectSetThreaded({ module: 5 as never }), 'got 5'),
    c('gobjectSetThreaded({module: "rel.js"})', () => kaa.gobjectSetThreaded({ module: 'rel.js' }), '"rel.js"'),
    c('expose("", fn)', () => kaa.expose('', () => 1), '`name`'),
    c('expose(5, fn)', () => kaa.expose(5 as never, () => 1), '`name`'),
    c('expose("x", 5)', () => kaa.expose('x', 5 as never), '`fn`'),
    c('callMain("")', () => kaa.callMain(''), '`name`'),
    c('callMain("nothing-exposed")', () => kaa.callMain('nothing-exposed'), '"nothing-exposed"'),
    c('workerModule(5)', () => kaa.workerModule(5 as never), 'got 5'),
    c('workerModule("tasks.js")', () => kaa.workerModule('tasks.js'), '"tasks.js"'),
    c('workerModule("http://x/y.js")', () => kaa.workerModule('http://x/y.js'), '"http://x/y.js"'),
    c('workerModule(path, 5)', () => kaa.workerModule('/tmp/x.js', 5 as never), '`options`'),
    c('workerModule(path, {pool: 5})', () => kaa.workerModule('/tmp/x.js', { pool: 5 as never }), '`pool`'),
    c('workerModule(missing file).fn()', () => kaa.workerModule<{ fn(): number }>('/nonexistent/kaa-tasks.js',
        { pool: pool() }).fn(), 'kaa-tasks.js'),
    c('resolveUri(5, base)', () => kaa.resolveUri(5 as never, 'file:///tmp/'), 'got 5'),
    c('resolveUri("./a.js", null)', () => kaa.resolveUri('./a.js', null as never), 'null'),
    c('setWorkerHost(5)', () => kaa.setWorkerHost(5 as never), 'got 5'),
    c('setWorkerHost("kaa-worker.js")', () => kaa.setWorkerHost('kaa-worker.js'), '"kaa-worker.js"'),
];

/** A frame: magic word, JSON length and binary length (little-endian; by default the JSON's), then the JSON. */
function header(word: number, json = '', jsonLength?: number, binLength = 0): Uint8Array {
    const body = new TextEncoder().encode(json);
    const frame = new Uint8Array(12 + body.length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, word >>> 0, true);
    view.setUint32(4, jsonLength ?? body.length, true);
    view.setUint32(8, binLength, true);
    frame.set(body, 12);
    return frame;
}

/** Feeds `bytes` to a fresh FrameReader and takes a frame. */
function readFrame(bytes: Uint8Array): unknown {
    const reader = new FrameReader();
    reader.push(bytes);
    return reader.next();
}

const MAGIC = 0x4b41 << 16;
const TAGGED = MAGIC | 1;
const protocolCases: Case[] = [
    c('encodeFrame() of a message over the frame limit', () => encodeFrame([RESULT, 1, 1, null],
        { binaryLength: MAX_FRAME_BYTES + 1, blobs: [], tagged: false } as unknown as Encoder), 'exceeds the limit', String(MAX_FRAME_BYTES)),
    c('Encoder.encode(a function)', () => new Encoder().encode({ cb: () => 1 }, 'args'), 'args.cb'),
    c('Encoder.encode(a WeakMap)', () => new Encoder().encode([new WeakMap()], 'args'), 'args[0]'),
    c('frame with a bad magic word', () => readFrame(header(0xdeadbeef, '[]')), 'bad magic'),
    c('frame of 600 MiB (oversized header)', () => readFrame(header(MAGIC, '', 16, 600 * 1024 * 1024)), 'refused', 'limit'),
    c('frame with lengths that overflow 32 bits', () => readFrame(header(MAGIC, '', 0xffffffff, 0xffffffff)), 'refused'),
    c('frame with an empty JSON part', () => readFrame(header(MAGIC, '', 0)), 'refused'),
    c('frame whose JSON does not parse', () => readFrame(header(MAGIC, '[1,2')), 'does not parse'),
    c('frame whose JSON is not a message array', () => readFrame(header(MAGIC, '{"a":1}')), 'not a message array'),
    c('frame whose binary reference lies outside it', () => readFrame(header(TAGGED, String.raw`[1,1,1,{"\u0000":"b","o":5,"l":9}]`)),
        'outside the frame'),
    c('frame with an unknown tag', () => readFrame(header(TAGGED, String.raw`[1,1,1,{"\u0000":"zz"}]`)), 'unknown tag', '"zz"'),
    c('decodeValue() of a binary reference without a binary part', () => decodeValue({ '\u0000': 'b', o: 0, l: 4 }, null),
        'outside the frame'),
];

/** The cases of part 2, in table order. */
export const netCases: Case[] = [...socketCases, ...workerCases, ...protocolCases];
