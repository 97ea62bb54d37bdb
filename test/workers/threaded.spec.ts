// threaded() and ThreadPool (src/workers/threaded.ts, pool.ts, worker.ts):
// calls run in other processes, carry their values both ways, fail clearly,
// can be aborted, ordered by priority, and the pool manages its workers.
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { InProgressAborted, WorkerError } from '../../src/notifier/errors.js';
import { InProgressStatus } from '../../src/async/status.js';
import {
    GOBJECT, MAINTHREAD, ThreadInProgress, ThreadPool, callMain, expose, getThreadPool, isMainthread, registerThreadPool, threaded,
    type WorkerStatus,
} from '../../src/index.js';
import { FakeClock } from '../../src/notifier/fake-clock.js';
import { runGjs } from '../support/child.js';
import { waitReal } from '../support/fake-clock.js';
import { ownPid, processAlive, stopWorkers } from './support.js';

// Worker functions are shipped as source, so they use only worker globals
// (kaa, imports; esbuild renames bundled imports such as GLib, but not these).
declare const kaa: typeof import('../../src/index.js');

/** Iterates the loop until `test()` holds (or fails the spec after `seconds`). */
function waitUntil(test: () => boolean, seconds = 5): void {
    main.loop(() => !test(), seconds);
    expect(test()).withContext('condition reached in time').toBeTrue();
}

describe('threaded()', () => {
    afterEach(() => stopWorkers());
    afterEach(() => expose('ran', null));

    it('runs the function in another process and returns its result', async () => {
        const where = threaded(new ThreadPool())((a: number, b: number) => ({ sum: a + b, pid: new imports.gi.Gio.Credentials().get_unix_pid(), main: kaa.isMainthread() }));
        const ip = where(2, 3);
        expect(ip).toBeInstanceOf(ThreadInProgress);
        const r = await ip;
        expect(r.sum).toBe(5);
        expect(r.main).toBeFalse();
        expect(r.pid).not.toBe(ownPid());
        expect(ip.pid).toBe(r.pid);
        expect(isMainthread()).toBeTrue();
    });

    it('moves a 1 MiB Uint8Array both ways intact', async () => {
        const data = new Uint8Array(1 << 20);
        for (let i = 0; i < data.length; i++)
            data[i] = (i * 31 + (i >> 8)) & 0xff;
        const flip = threaded(new ThreadPool())((bytes: Uint8Array) => bytes.map(b => 255 - b));
        const back = await flip(data);
        expect(back).toBeInstanceOf(Uint8Array);
        expect(back.length).toBe(data.length);
        let wrong = 0;
        for (let i = 0; i < data.length; i++)
            wrong += back[i] === 255 - data[i] ? 0 : 1;
        expect(wrong).toBe(0);
    });

    it('snapshots the arguments at the call', async () => {
        const data = new Uint8Array([1, 2, 3]);
        const sum = threaded(new ThreadPool())((bytes: Uint8Array) => bytes.reduce((a, b) => a + b, 0));
        const ip = sum(data);
        data.fill(0);
        expect(await ip).toBe(6);
    });

    it('fails at the call site for an argument that cannot be sent, naming it', () => {
        const f = threaded(new ThreadPool())((_o: unknown) => 1);
        expect(() => f({ list: [1, { callback: () => 2 }] })).toThrowError(TypeError, /^args\[0\]\.list\[1\]\.callback: a function/);
        expect(getThreadPool('kaa::default')?.statistics().spawned ?? 0).toBe(0);
    });

    it('explains a closure variable the worker cannot see', async () => {
        const factor = 3;
        const scale = threaded(new ThreadPool())(function scale(n: number) {
            return n * factor;
        });
        await expectAsync(scale(2)).toBeRejectedWithError(ReferenceError,
            /"factor" is not defined in the worker: the threaded function scale\d*\(\) runs in a worker process.*closure variable.*Pass "factor" as an argument/s);
    });

    it('runs async functions, which may import GI modules', async () => {
        const f = threaded(new ThreadPool())(async (path: string) => {
            const { default: Gio } = await import('gi://Gio');
            await kaa.delay(0.01);
            return Gio.File.new_for_path(path).get_basename();
        });
        expect(await f('/a/b/c.txt')).toBe('c.txt');
    });

    it('fails with the worker function\'s error, rebuilt', async () => {
        const f = threaded(new ThreadPool())(() => {
            imports.gi.Gio.File.new_for_path('/nonexistent/kaa-spec').load_contents(null);
        });
        const error = await f().then(() => null, (e: unknown) => e) as GLib.Error;
        expect(error).toBeInstanceOf(GLib.Error);
        expect(error.code).toBe(1); // G_IO_ERROR_NOT_FOUND
    });

    it('fails the calls of a worker killed mid-call with a WorkerError and replaces the worker', async () => {
        const pool = new ThreadPool();
        const slow = threaded(pool)(() => {
            kaa.callMain('ran', new imports.gi.Gio.Credentials().get_unix_pid());
            imports.gi.GLib.usleep(10_000_000);
        });
        let victim = 0;
        expose('ran', (p: number) => {
            victim = p;
            GLib.spawn_command_line_sync(`kill -9 ${p}`);
        });
        const error = await slow().then(() => null, (e: unknown) => e) as WorkerError;
        expect(error).toBeInstanceOf(WorkerError);
        expect(error.signal).toBe(9);
        expect(error.message).toMatch(/killed by signal 9/);
        expect(processAlive(victim)).toBeFalse();
        const next = await threaded(pool)(() => new imports.gi.Gio.Credentials().get_unix_pid())();
        expect(next).not.toBe(victim);
        expect(pool.statistics().lost).toBe(1);
    });

    it('reports a worker\'s exit status and the end of its stderr', async () => {
        const f = threaded(new ThreadPool())(() => {
            printerr('the last words');
            imports.system.exit(7);
        });
        const error = await f().then(() => null, (e: unknown) => e) as WorkerError;
        expect(error).toBeInstanceOf(WorkerError);
        expect(error.status).toBe(7);
        expect(error.stderrTail).toContain('the last words');
    });

    it('dequeues an aborted queued call: it never runs', () => {
        const pool = new ThreadPool();
        const ran: string[] = [];
        expose('ran', (tag: string) => void ran.push(tag));
        const job = threaded(pool)((tag: string, ms: number) => {
            kaa.callMain('ran', tag);
            imports.gi.GLib.usleep(ms * 1000);
            return tag;
        });
        const first = job('first', 200), second = job('second', 0), third = job('third', 0);
        expect(second.state).toBe('queued');
        second.abort();
        expect(second.failed).toBeTrue();
        expect(second.exception).toBeInstanceOf(InProgressAborted);
        expect(third.wait(5)).toBe('third');
        expect(first.result).toBe('first');
        waitUntil(() => ran.length >= 2, 1);
        expect(ran).toEqual(['first', 'third']);
        expect(pool.statistics().spawned).toBe(1);
    });

    it('stops the worker of an aborted running call and replaces it', () => {
        const pool = new ThreadPool();
        let started = 0;
        expose('ran', (p: number) => void (started = p));
        const slow = threaded(pool)(() => {
            kaa.callMain('ran', new imports.gi.Gio.Credentials().get_unix_pid());
            imports.gi.GLib.usleep(10_000_000);
        });
        const ip = slow();
        waitUntil(() => started !== 0);
        expect(ip.state).toBe('running');
        ip.abort();
        expect(ip.exception).toBeInstanceOf(InProgressAborted);
        waitUntil(() => !processAlive(started));
        expect(threaded(pool)(() => new imports.gi.Gio.Credentials().get_unix_pid())().wait(5)).not.toBe(started);
    });

    it('runs queued calls by priority, highest first, in call order among equals', () => {
        const pool = new ThreadPool();
        const order: string[] = [];
        expose('ran', (tag: string) => void order.push(tag));
        const make = (priority: number) => threaded(pool, { priority })((tag: string) => {
            kaa.callMain('ran', tag);
            imports.gi.GLib.usleep(20_000);
        });
        const calls = [make(0)('blocker'), make(0)('a0'), make(5)('b5'), make(1)('c1'), make(5)('d5'), make(10)('e10'), make(-1)('f-1')];
        calls[calls.length - 1].wait(10);
        waitUntil(() => order.length === calls.length, 2);
        expect(order).toEqual(['blocker', 'e10', 'b5', 'd5', 'c1', 'a0', 'f-1']);
    });

    it('lets an idle worker exit after the pool\'s timeout, and not before (fake clock)', () => {
        const pool = new ThreadPool({ timeout: Infinity });
        const pid = threaded(pool)(() => new imports.gi.Gio.Credentials().get_unix_pid());
        const workerPid = pid().wait(5); // started on the real clock; no idle timer yet
        const clock = new FakeClock().install();
        try {
            pool.timeout = 30;
            const again = pid(); // its end arms the idle timer on the fake clock
            waitReal(() => !again.finished, 5);
            expect(again.result).toBe(workerPid);
            clock.advance(29.999);
            waitReal(() => true, 0.05);
            expect(processAlive(workerPid)).toBeTrue();
            expect(pool.statistics().workers).toBe(1);
            clock.advance(0.001);
            waitReal(() => pool.statistics().workers > 0, 5, clock);
        } finally {
            clock.uninstall();
        }
        expect(pool.statistics().workers).toBe(0);
        expect(processAlive(workerPid)).toBeFalse();
    });

    it('reuses a worker and ships a function\'s source to it once', () => {
        const pool = new ThreadPool();
        const f = threaded(pool)(() => new imports.gi.Gio.Credentials().get_unix_pid());
        const pids = [f().wait(5), f().wait(5), f().wait(5)];
        expect(new Set(pids).size).toBe(1);
        expect(pool.statistics()).toEqual(jasmine.objectContaining({ spawned: 1, completed: 3, workers: 1, busy: 0, queued: 0 }));
    });

    it('runs up to size workers at once', () => {
        const pool = new ThreadPool({ size: 2 });
        // Each call reports its worker's pid and when it ran (the monotonic
        // clock is the same in every process): intervals, not durations, so
        // a loaded machine cannot fail it.
        const f = threaded(pool)((ms: number) => {
            const start = imports.gi.GLib.get_monotonic_time();
            imports.gi.GLib.usleep(ms * 1000);
            return [new imports.gi.Gio.Credentials().get_unix_pid(), start, imports.gi.GLib.get_monotonic_time()];
        });
        const calls = [f(300), f(300), f(300), f(300)];
        const runs = calls.map(c => c.wait(30) as [number, number, number]);
        expect(new Set(runs.map(r => r[0])).size).toBe(2);
        const events = runs.flatMap(([, start, end]) => [[start, 1], [end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let running = 0, most = 0;
        for (const [, delta] of events)
            most = Math.max(most, running += delta);
        expect(most).withContext('calls running at once').toBe(2);
        expect(pool.statistics().spawned).toBe(2);
    });

    it('passes a progress status whose updates reach the caller\'s progress', async () => {
        const f = threaded(new ThreadPool(), { progress: true })((status: WorkerStatus, n: number) => {
            status.set(0, n);
            for (let i = 0; i < n; i++) {
                imports.gi.GLib.usleep(30_000);
                status.update();
            }
            return 'done';
        });
        const ip = f(4);
        expect(ip.progress).toBeInstanceOf(InProgressStatus);
        const seen: number[] = [];
        ip.progress?.signals.updated.connect(s => void seen.push(s.pos));
        expect(await ip).toBe('done');
        expect(ip.progress?.pos).toBe(4);
        expect(ip.progress?.max).toBe(4);
        expect(seen.length).toBeGreaterThanOrEqual(3);
        expect(seen).toEqual([...seen].sort());
    });

    it('waits and returns the value with async: false', () => {
        const f = threaded(new ThreadPool(), { async: false })((n: number) => n * 2);
        expect(f(21)).toBe(42);
    });

    it('runs MAINTHREAD functions on the main loop: deferred, or at once with async: false', () => {
        const where = threaded(MAINTHREAD)((n: number) => [n, ownPid()]);
        const ip = where(1);
        expect(ip.finished).toBeFalse();
        expect(ip.wait(1)).toEqual([1, ownPid()]);
        expect(threaded(MAINTHREAD, { async: false })((n: number) => n + 1)(1)).toBe(2);
        expect(threaded(GOBJECT, { async: false })(() => ownPid())()).toBe(ownPid());
    });

    it('takes a plain options object as threaded(options)', async () => {
        const f = threaded({ priority: 3 })(() => new imports.gi.Gio.Credentials().get_unix_pid());
        expect(await f()).not.toBe(ownPid());
        const pool = getThreadPool('kaa::default') as ThreadPool;
        expect(pool).toBeInstanceOf(ThreadPool);
        expect(pool.size).toBe(GLib.get_num_processors());
    });

    it('has the default pool before any threaded() call, with no worker started', async () => {
        const r = await runGjs(`import * as kaa from KAA;
const pool = kaa.getThreadPool('kaa::default');
print([pool instanceof kaa.ThreadPool, pool?.name, pool?.size > 0, pool?.statistics().spawned].join(' '));
print(kaa.getThreadPool('kaa::default') === pool);`);
        expect(r.stdout).toBe('true kaa::default true 0\ntrue\n');
    });

    it('makes a 1-worker pool for an unknown name and registers it', async () => {
        expect(getThreadPool('spec::auto')).toBeNull();
        await threaded('spec::auto')(() => 1)();
        const pool = getThreadPool('spec::auto') as ThreadPool;
        expect(pool.size).toBe(1);
        expect(pool.name).toBe('spec::auto');
        expect(() => registerThreadPool('spec::auto', new ThreadPool())).toThrowError(/already registered/);
        const mine = registerThreadPool('spec::mine', new ThreadPool({ size: 2 }));
        expect(getThreadPool('spec::mine')).toBe(mine);
        expect(await threaded('spec::mine')(() => 2)()).toBe(2);
    });

    it('decorates methods', async () => {
        const pool = new ThreadPool();
        class Hasher {
            @threaded(pool)
            async length(text: string): Promise<number> {
                return text.length;
            }
        }
        const ip = new Hasher().length('four');
        expect(ip).toBeInstanceOf(ThreadInProgress);
        expect(await ip).toBe(4);
    });

    it('lets a worker call the main process with callMain, both ways marshalled', async () => {
        expose('ran', (bytes: Uint8Array, map: Map<string, number>) => new Map([['sum', bytes.length + (map.get('n') ?? 0)]]));
        const f = threaded(new ThreadPool())(async () => {
            const answer = await kaa.callMain('ran', new Uint8Array(5), new Map([['n', 2]])) as Map<string, number>;
            return answer.get('sum');
        });
        expect(await f()).toBe(7);
        const missing = threaded(new ThreadPool())(() => kaa.callMain('no such function'));
        await expectAsync(missing()).toBeRejectedWithError(/exposes no function named "no such function"/);
        expect(await callMain('ran', new Uint8Array(1), new Map())).toEqual(new Map([['sum', 1]]));
    });

    it('fails a call whose result cannot be sent back, naming it', async () => {
        const f = threaded(new ThreadPool())(() => ({ ok: 1, handler: () => 2 }));
        await expectAsync(f()).toBeRejectedWithError(TypeError, /^result\.handler: a function cannot be sent/);
    });

    it('lets a {wait: true} call finish when its pool stops; fails the others', () => {
        const pool = new ThreadPool({ size: 2 });
        const sleepy = (wait: boolean) => threaded(pool, { wait })((ms: number) => {
            imports.gi.GLib.usleep(ms * 1000);
            return 'finished';
        });
        const patient = sleepy(true)(300), impatient = sleepy(false)(300);
        impatient.connectBoth(() => undefined, () => undefined);
        waitUntil(() => patient.state === 'running' && impatient.state === 'running');
        main.loop(true, 0.05);
        pool.stop().wait(5);
        expect(patient.result).toBe('finished');
        expect(impatient.exception).toBeInstanceOf(WorkerError);
        expect((impatient.exception as WorkerError).message).toMatch(/was stopped/);
    });

    it('takes calls again right after stop(), on a new worker', () => {
        const pool = new ThreadPool();
        const f = threaded(pool)(() => new imports.gi.Gio.Credentials().get_unix_pid());
        const first = f().wait(5);
        const stopping = pool.stop();
        const second = f();
        stopping.wait(5);
        expect(second.wait(5)).not.toBe(first);
        expect(processAlive(first)).toBeFalse();
    });

    it('grows and shrinks with its size', () => {
        const pool = new ThreadPool({ size: 1 });
        const f = threaded(pool)((ms: number) => {
            imports.gi.GLib.usleep(ms * 1000);
            return new imports.gi.Gio.Credentials().get_unix_pid();
        });
        f(0).wait(5);
        pool.size = 3;
        const pids = [f(200), f(200), f(200)].map(ip => ip.wait(5));
        expect(new Set(pids).size).toBe(3);
        pool.size = 1;
        waitUntil(() => pool.statistics().workers === 1, 3);
        expect(pids.filter(processAlive).length).toBe(1);
    });

    it('stops the workers beyond a size lowered while they ran, once their calls finished', () => {
        const pool = new ThreadPool({ size: 2 });
        const f = threaded(pool)((ms: number) => {
            imports.gi.GLib.usleep(ms * 1000);
            return new imports.gi.Gio.Credentials().get_unix_pid();
        });
        const calls = [f(300), f(300)];
        expect(pool.statistics().busy).toBe(2);
        pool.size = 1;
        const pids = calls.map(ip => ip.wait(5));
        waitUntil(() => pool.statistics().workers === 1, 3);
        expect(pids.filter(processAlive).length).toBe(1);
    });

    it('fails the calls of a worker that writes garbage into the protocol, and replaces it', async () => {
        const pool = new ThreadPool();
        const corrupt = threaded(pool)(() => {
            const garbage = new TextEncoder().encode('not a frame at all');
            const channel = imports.gi.GLib.IOChannel.unix_new(3); // not Gio.UnixOutputStream: it warns on GLib >= 2.80
            channel.set_encoding(null);
            channel.write_chars(garbage, garbage.length);
            channel.flush();
            imports.gi.GLib.usleep(5_000_000);
        });
        const error = await corrupt().then(() => null, (e: unknown) => e) as WorkerError;
        expect(error).toBeInstanceOf(WorkerError);
        expect(error.message).toMatch(/malformed frame \(bad magic/);
        expect(await threaded(pool)(() => 'fine')()).toBe('fine');
    });

    it('checks its target and options', () => {
        expect(() => threaded(5 as unknown as string)).toThrowError(TypeError, /`target` must be a pool name/);
        expect(() => threaded({ priority: NaN })).toThrowError(TypeError, /`priority` must be a finite number/);
        expect(() => threaded({ async: 'no' as unknown as boolean })).toThrowError(TypeError, /`async` must be a boolean/);
        expect(() => threaded()(Math.max)).toThrowError(TypeError, /native or bound/);
        expect(() => new ThreadPool({ size: 0 })).toThrowError(TypeError, /`size` must be an integer >= 1/);
    });
});

