// The worker host inside a GResource (src/workers/locate.ts): what a GNOME
// app ships. The spec compiles a GResource holding dist/kaa-worker.js,
// registers it in this process, and points kaa at the resource; the worker
// must register the same file (found in /proc/self/maps) and run calls.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { WorkerError } from '../../src/notifier/errors.js';
import { threaded, workerModule } from '../../src/index.js';
import { hostLocation, RESOURCE_BOOTSTRAP, setWorkerHost, workerArgv } from '../../src/workers/locate.js';
import { ROOT, stopWorkers } from './support.js';

const PREFIX = '/org/kaa/test/locate/js';
const HOST_URI = `resource://${PREFIX}/kaa-worker.js`;
const BROKEN = '/org/kaa/test/locate/broken';

describe('a worker host in a GResource', () => {
    let tmp = '';
    let gresource = '';
    let resource: Gio.Resource | null = null;

    beforeAll(() => {
        tmp = GLib.dir_make_tmp('kaa-locate-XXXXXX');
        gresource = `${tmp}/test.resources`; // not named *.gresource: found by its GVDB header
        GLib.file_set_contents(`${tmp}/test.gresource.xml`, `<?xml version="1.0" encoding="UTF-8"?>
<gresources><gresource prefix="${PREFIX}"><file>kaa-worker.js</file><file>tasks.js</file></gresource>
<gresource prefix="${BROKEN}"><file alias="kaa-worker.js">broken.js</file></gresource></gresources>`);
        GLib.file_set_contents(`${tmp}/broken.js`, 'export const = ;\n');
        GLib.file_set_contents(`${tmp}/tasks.js`, 'export function twice(n) { return [2 * n, kaa.isMainthread()]; }\n');
        const [, , err, status] = GLib.spawn_sync(null, ['glib-compile-resources', '--sourcedir', `${ROOT}/dist`,
            '--sourcedir', tmp, '--target', gresource, `${tmp}/test.gresource.xml`], null, GLib.SpawnFlags.SEARCH_PATH, null);
        expect(status).withContext(new TextDecoder().decode(err ?? new Uint8Array(0))).toBe(0);
        resource = Gio.Resource.load(gresource);
        resource._register();
    });

    afterEach(async () => {
        await stopWorkers();
        setWorkerHost(`${ROOT}/dist/kaa-worker.js`);
    });

    afterAll(() => {
        resource?._unregister();
        GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(tmp)}`);
    });

    it('is found with the GResource file that holds it, and runs threaded() calls from there', async () => {
        setWorkerHost(HOST_URI);
        expect(hostLocation()).toEqual({ uri: HOST_URI, gresource });
        const argv = workerArgv(['--x']);
        expect(argv.slice(-5)).toEqual(['-c', RESOURCE_BOOTSTRAP, gresource, HOST_URI, '--x']);
        // In the worker: the resource is registered there too, and this is not the main process.
        const probe = threaded()((uri: string) => {
            const G = imports.gi.Gio;
            return [G.File.new_for_uri(uri).query_exists(null), kaa.isMainthread(), G.Credentials.new().get_unix_pid(),
                Object.keys(globalThis).filter(k => k.startsWith('__kaa'))];
        });
        const [exists, mainthread, pid, leftovers] = await probe(HOST_URI) as [boolean, boolean, number, string[]];
        expect(leftovers).toEqual([]); // the bootstrap's hook is gone
        expect(exists).toBeTrue();
        expect(mainthread).toBeFalse();
        expect(pid).not.toBe(Gio.Credentials.new().get_unix_pid());
    });

    it('runs a worker module that is a resource of the same GResource', async () => {
        setWorkerHost(HOST_URI);
        const tasks = workerModule<{ twice(n: number): [number, boolean] }>(`resource://${PREFIX}/tasks.js`);
        expect(await tasks.twice(21)).toEqual([42, false]);
    });

    it('fails the call clearly when the worker cannot import the host from the GResource', async () => {
        setWorkerHost(`resource://${BROKEN}/kaa-worker.js`);
        let error: unknown = null;
        try {
            await threaded()(() => 1)();
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(WorkerError);
        expect(String(error)).toMatch(/status 4; its stderr ended with:\n.*kaa worker: cannot import resource:\/\/\/org\/kaa\/test\/locate\/broken\/kaa-worker\.js from .*test\.resources: SyntaxError/);
    });

    it('is refused clearly when no loaded GResource holds it', () => {
        setWorkerHost('resource:///org/kaa/test/nowhere/kaa-worker.js');
        expect(() => hostLocation()).toThrowMatching(e => e instanceof WorkerError &&
            /resource:\/\/\/org\/kaa\/test\/nowhere\/kaa-worker\.js, and no GResource file loaded in this process holds it/.test(e.message));
    });

    it('takes a path, a file:// or a resource:/// URI, and no other URI', () => {
        for (const bad of ['http://example.org/kaa-worker.js', 'kaa-worker.js', 42 as unknown as string]) {
            expect(() => setWorkerHost(bad)).withContext(String(bad))
                .toThrowError(TypeError, /^the worker host must be an absolute path, a file:\/\/ URI or a resource:\/\/\/ URI \(got .+\)$/);
        }
    });
});

declare const kaa: typeof import('../../src/index.js');
