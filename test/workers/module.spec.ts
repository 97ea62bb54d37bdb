// workerModule() and resolveUri() (src/workers/module.ts): a module of
// exported functions run in the workers of a pool, through a typed proxy.
import GLib from 'gi://GLib';
import { ThreadInProgress, ThreadPool, resolveUri, workerModule } from '../../src/index.js';
import { ROOT, ownPid, stopWorkers } from './support.js';

interface Tasks {
    wordCount(text: string): number;
    slowDouble(n: number): Promise<number>;
    whereAmI(): { pid: number; main: boolean };
    notAFunction: number;
    missing(): void;
}

describe('workerModule()', () => {
    afterEach(() => stopWorkers());
    const tasksPath = `${ROOT}/test/workers/fixtures/tasks.js`;

    it('runs the module\'s exports in a worker through a typed proxy', async () => {
        const tasks = workerModule<Tasks>(tasksPath, { pool: new ThreadPool() });
        const ip = tasks.wordCount('one two  three');
        expect(ip).toBeInstanceOf(ThreadInProgress);
        expect(await ip).toBe(3);
        expect(await tasks.slowDouble(21)).toBe(42);
        const where = await tasks.whereAmI();
        expect(where.pid).not.toBe(ownPid());
        expect(where.main).toBeFalse();
    });

    it('takes a file:// URI and a pool name', async () => {
        const tasks = workerModule<Tasks>(GLib.filename_to_uri(tasksPath, null), { pool: 'spec::module' });
        expect(await tasks.wordCount('a b')).toBe(2);
    });

    it('answers no then, so it can be awaited safely', async () => {
        const tasks = workerModule<Tasks>(tasksPath, { pool: new ThreadPool() });
        expect((tasks as unknown as { then?: unknown }).then).toBeUndefined();
        expect(await Promise.resolve(tasks) === tasks).toBeTrue();
        expect(String(tasks)).toBe('[object Object]');
    });

    it('fails a call of a missing export or of a module that does not exist', async () => {
        const pool = new ThreadPool();
        const tasks = workerModule<Tasks>(tasksPath, { pool });
        await expectAsync(tasks.missing()).toBeRejectedWithError(TypeError, /has no exported function "missing"/);
        await expectAsync(workerModule<Tasks>(`${ROOT}/no/such/module.js`, { pool }).wordCount('x'))
            .toBeRejectedWithError(/cannot import the worker module .*no\/such\/module\.js/);
        expect(await tasks.wordCount('still works')).toBe(2);
    });

    it('refuses a relative path', () => {
        expect(() => workerModule('./tasks.js')).toThrowError(TypeError, /^expected an absolute path, a file:\/\/ URI or a resource:\/\/\/ URI \(got "\.\/tasks\.js"\)$/);
    });
});

describe('resolveUri()', () => {
    it('resolves a relative path against a file URI or path', () => {
        expect(resolveUri('./tasks.js', 'file:///app/src/main.js')).toBe('file:///app/src/tasks.js');
        expect(resolveUri('../lib/x.js', 'file:///app/src/main.js')).toBe('file:///app/lib/x.js');
        expect(resolveUri('x.js', '/app/main.js')).toBe('file:///app/x.js');
        // a base ending in '/' is a directory, as with URL
        expect(resolveUri('./tasks.js', 'file:///srv/app/')).toBe('file:///srv/app/tasks.js');
        expect(resolveUri('../tasks.js', 'file:///srv/app/')).toBe('file:///srv/tasks.js');
        expect(resolveUri('tasks.js', '/srv/app/')).toBe('file:///srv/app/tasks.js');
        expect(resolveUri('./tasks.js', 'file:///srv/app')).toBe('file:///srv/tasks.js');
    });

    it('returns absolute paths as URIs and URIs as they are', () => {
        expect(resolveUri('/abs/x.js', 'file:///app/main.js')).toBe('file:///abs/x.js');
        expect(resolveUri('resource:///org/app/x.js', 'file:///app/main.js')).toBe('resource:///org/app/x.js');
    });
});
