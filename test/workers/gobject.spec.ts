// The GObject worker (src/workers/gobject.ts): one long-lived worker whose
// GLib loop runs between calls, so GObjects made by one call serve the next.
import GLib from 'gi://GLib';
import { WorkerError } from '../../src/notifier/errors.js';
import { delay } from '../../src/async/index.js';
import { GOBJECT, expose, getThreadPool, gobjectSetThreaded, threaded, type ThreadPool } from '../../src/index.js';
import { setWorkerHost } from '../../src/workers/locate.js';
import { ROOT, ownPid, stopWorkers } from './support.js';

// Worker functions are shipped as source: they use worker globals only.
declare const kaa: typeof import('../../src/index.js');

const fixture = (name: string) => `${ROOT}/test/workers/fixtures/${name}`;

describe('the GObject worker', () => {
    afterEach(() => stopWorkers());
    afterEach(() => expose('event', null));

    it('keeps GObjects alive between calls, with its loop running meanwhile', async () => {
        await gobjectSetThreaded();
        const dir = GLib.dir_make_tmp('kaa-gobject-XXXXXX');
        const watch = threaded(GOBJECT)((path: string) => {
            const { Gio } = imports.gi;
            const g = globalThis as unknown as { monitor: unknown; seen: string[] };
            g.seen = [];
            const monitor = Gio.File.new_for_path(path).monitor_directory(Gio.FileMonitorFlags.NONE, null);
            monitor.connect('changed', (_m, file) => void g.seen.push(file.get_basename() as string));
            g.monitor = monitor;
            return new Gio.Credentials().get_unix_pid();
        });
        const seen = threaded(GOBJECT)(() => (globalThis as unknown as { seen: string[] }).seen);
        const workerPid = await watch(dir);
        expect(workerPid).not.toBe(ownPid());
        GLib.file_set_contents(`${dir}/hello.txt`, 'hi');
        let names: string[] = [];
        for (let i = 0; i < 50 && !names.includes('hello.txt'); i++) {
            await delay(0.05);
            names = await seen();
        }
        expect(names).toContain('hello.txt');
        GLib.spawn_command_line_sync(`rm -rf ${dir}`);
    });

    it('runs calls made before it is ready, in order', async () => {
        const ready = gobjectSetThreaded();
        const count = threaded(GOBJECT)(() => {
            const g = globalThis as unknown as { n?: number };
            g.n = (g.n ?? 0) + 1;
            return g.n;
        });
        const calls = [count(), count(), count()];
        expect(ready.finished).toBeFalse();
        await ready;
        expect(await Promise.all(calls)).toEqual([1, 2, 3]);
        expect(await count()).toBe(4);
        expect(gobjectSetThreaded()).toBe(ready);
    });

    it('runs a module\'s start() loop and calls its stop() when stopped', async () => {
        const stopFile = `${GLib.dir_make_tmp('kaa-gobject-XXXXXX')}/stopped`;
        GLib.setenv('KAA_SPEC_STOP_FILE', stopFile, true);
        try {
            await gobjectSetThreaded({ module: fixture('custom-loop.js') });
        } finally {
            GLib.unsetenv('KAA_SPEC_STOP_FILE');
        }
        const running = threaded(GOBJECT)(async () => {
            await kaa.delay(0.01); // timers work inside the module's loop too
            return (globalThis as unknown as { customLoopRunning?: boolean }).customLoopRunning;
        });
        expect(await running()).toBeTrue();
        expect(GLib.file_test(stopFile, GLib.FileTest.EXISTS)).toBeFalse();
        await (getThreadPool('kaa::gobject') as ThreadPool).stop();
        expect(GLib.file_test(stopFile, GLib.FileTest.EXISTS)).toBeTrue();
    });

    it('fails gobjectSetThreaded() when its module cannot be imported', async () => {
        const error = await gobjectSetThreaded({ module: fixture('broken.js') }).then(() => null, (e: unknown) => e) as WorkerError;
        expect(error).toBeInstanceOf(WorkerError);
        expect(error.message).toMatch(/could not start: cannot import .*broken\.js: .*broken on purpose/);
    });

    it('fails gobjectSetThreaded() when the worker ends before it is ready', async () => {
        setWorkerHost(`${ROOT}/no/such/kaa-worker.js`); // gjs starts, finds no host, exits
        let ready;
        try {
            ready = gobjectSetThreaded();
        } finally {
            setWorkerHost(`${ROOT}/dist/kaa-worker.js`);
        }
        await expectAsync(ready).toBeRejectedWithError(WorkerError, /ended before it was ready/);
    });

    it('drops the result of an aborted running call; the worker and its objects live on', async () => {
        await gobjectSetThreaded();
        const set = threaded(GOBJECT)((v: string) => void ((globalThis as unknown as { v: string }).v = v));
        const get = threaded(GOBJECT)(() => (globalThis as unknown as { v: string }).v);
        const slow = threaded(GOBJECT)(async () => {
            await kaa.delay(0.3);
            return 'late';
        });
        await set('kept');
        const ip = slow();
        await delay(0.05);
        ip.abort();
        expect(ip.failed).toBeTrue();
        expect(await get()).toBe('kept');
        await delay(0.4);
        expect((getThreadPool('kaa::gobject') as ThreadPool).statistics().lost).toBe(0);
    });

    it('lets its calls reach the main process with callMain', async () => {
        await gobjectSetThreaded();
        const events: string[] = [];
        expose('event', (name: string) => {
            events.push(name);
            return name.toUpperCase();
        });
        const relay = threaded(GOBJECT)(async (name: string) => `got ${await kaa.callMain('event', name)}`);
        expect(await relay('ping')).toBe('got PING');
        expect(events).toEqual(['ping']);
    });
});
