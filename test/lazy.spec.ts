// dist/kaa.js compiles only the core at start-up and loads the rest from
// dist/kaa-lazy.js on first use (src/lazy/). These specs run the built
// bundles in child gjs processes: same names and constants as src/index.ts,
// stand-ins that behave as the real classes and functions, one core state,
// and kaa-lazy.js found next to kaa.js in a directory or a GResource.
import GLib from 'gi://GLib';
import * as kaa from '../src/index.js';
import { ROOT, runExample } from './examples/example-child.js';

const readText = (path: string) => new TextDecoder().decode(GLib.file_get_contents(path)[1]);

/** Runs `source` (an ES module; `KAA` is replaced by `kaaUri`) under gjs in a fresh temp dir. */
async function runWith(source: string, kaaUri: string, files: Record<string, string> = {}) {
    const dir = GLib.dir_make_tmp('kaa-lazy-XXXXXX');
    try {
        for (const [name, from] of Object.entries(files))
            GLib.file_set_contents(`${dir}/${name}`, GLib.file_get_contents(from)[1]);
        GLib.file_set_contents(`${dir}/main.js`, source.replace(/\bKAA\b/g, JSON.stringify(kaaUri.replace('DIR', dir))));
        return await runExample(['gjs', '-m', `${dir}/main.js`], { cwd: dir });
    } finally {
        GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(dir)}`);
    }
}

const distUri = GLib.filename_to_uri(`${ROOT}/dist/kaa.js`, null);

describe('dist/kaa.js (lazy loading)', () => {
    it('exports the names of src/index.ts, with the same constants, each class and function under its own name', async () => {
        const r = await runWith(`
            import * as kaa from KAA;
            const out = {};
            const misnamed = [];
            for (const [k, v] of Object.entries(kaa)) {
                out[k] = typeof v === 'symbol' ? String(v) : typeof v === 'string' || typeof v === 'number' ? v : typeof v;
                if (typeof v === 'function' && v.name !== k)
                    misnamed.push(k + ' is named ' + v.name);
            }
            print(JSON.stringify({ out, misnamed }));
        `, distUri);
        expect(r.status).withContext(r.stderr).toBe(0);
        const expected: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(kaa))
            expected[k] = typeof v === 'symbol' ? String(v) : typeof v === 'string' || typeof v === 'number' ? v : typeof v;
        const { out, misnamed } = JSON.parse(r.stdout);
        expect(out).toEqual(expected);
        expect(misnamed).withContext('every class and function has its own name').toEqual([]);
    });

    it('behaves as the real classes and functions: new, instanceof, constructor, subclasses, statics, hooks', async () => {
        const r = await runWith(`
            import * as kaa from KAA;
            const checks = {};
            checks.instanceofBeforeLoad = ({}) instanceof kaa.IOChannel || ({}) instanceof kaa.InProgress;
            // signal.inprogress() and Signals.all() load the async section (the core builds no InProgress)
            const sip = new kaa.Signal().inprogress();
            checks.signalInProgress = sip instanceof kaa.InProgress && sip.constructor === kaa.InProgress && String(sip);
            checks.ioNotLoaded = !(({}) instanceof kaa.IOChannel);
            const p = new kaa.Process(['echo', 'hi']);
            checks.isProcess = p instanceof kaa.Process;
            checks.constructor = p.constructor === kaa.Process;
            checks.name = kaa.Process.name;
            class Mine extends kaa.Process {}
            const m = new Mine(['true']);
            checks.subclass = m instanceof Mine && m instanceof kaa.Process && Object.getPrototypeOf(Mine) === kaa.Process;
            checks.protoChain = Object.getPrototypeOf(kaa.WeakIOMonitor) === kaa.IOMonitor && Object.getPrototypeOf(kaa.Socket) === kaa.IOChannel;
            checks.coreInProgress = p.communicate() instanceof kaa.InProgress;
            checks.any = kaa.InProgress.any([kaa.delay(0)]) instanceof kaa.InProgressAny;
            const door = new kaa.Signals('opened');
            checks.signalsAll = door.all() instanceof kaa.InProgressAll;
            checks.statusName = new kaa.InProgressStatus().constructor.name;
            checks.symbols = kaa.threaded(kaa.MAINTHREAD)(x => x * 2)(21) instanceof kaa.ThreadInProgress;
            const co = kaa.coroutine(function* () { yield kaa.NotFinished; yield kaa.delay(0.01); return 'co'; });
            co().connect(v => { checks.coroutine = v; kaa.main.stop(); });
            kaa.main.run();
            print(JSON.stringify(checks));
        `, distUri);
        expect(r.status).withContext(r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({
            instanceofBeforeLoad: false, signalInProgress: 'InProgress "Signal.inprogress()" (pending)', ioNotLoaded: true, isProcess: true, constructor: true, name: 'Process', subclass: true, protoChain: true,
            coreInProgress: true, any: true, signalsAll: true, statusName: 'InProgressStatus', symbols: true, coroutine: 'co',
        });
    });

    it('runs the core (signals, timers, the loop) without kaa-lazy.js, and its first use throws, saying what to copy', async () => {
        const r = await runWith(`
            import * as kaa from KAA;
            const opened = new kaa.Signal();
            opened.connect(v => print('signal: ' + v));
            opened.emit(7);
            new kaa.OneShotTimer(() => { print('core works'); kaa.main.stop(); }).start(0);
            kaa.main.run();
            try {
                kaa.delay(0);
            } catch (e) {
                print(e.message);
            }
        `, 'file://DIR/kaa.js', { 'kaa.js': `${ROOT}/dist/kaa.js` });
        expect(r.status).withContext(r.stderr).toBe(0);
        const [signal, first, second] = r.stdout.trim().split('\n');
        expect(signal).toBe('signal: 7');
        expect(first).toBe('core works');
        expect(second).toMatch(/^kaa: cannot load file:\/\/.*\/kaa-lazy\.js, .*copy kaa-lazy\.js from kaa's dist\/ next to your bundle/);
    });

    it('loads kaa-lazy.js from a GResource next to kaa.js (resource:///)', async () => {
        const dir = GLib.dir_make_tmp('kaa-lazy-gres-XXXXXX');
        try {
            for (const f of ['kaa.js', 'kaa-lazy.js'])
                GLib.file_set_contents(`${dir}/${f}`, GLib.file_get_contents(`${ROOT}/dist/${f}`)[1]);
            GLib.file_set_contents(`${dir}/kaa.gresource.xml`, '<?xml version="1.0" encoding="UTF-8"?><gresources>' +
                '<gresource prefix="/org/example/app/js"><file>kaa.js</file><file>kaa-lazy.js</file></gresource></gresources>');
            const compiled = await runExample(['glib-compile-resources', '--sourcedir', dir, '--target', `${dir}/kaa.gresource`, `${dir}/kaa.gresource.xml`]);
            expect(compiled.status).withContext(compiled.stderr).toBe(0);
            // The launcher shape GNOME apps use: import from the resource, then run the loop outside the promise continuation.
            GLib.file_set_contents(`${dir}/main.js`, `
                import Gio from 'gi://Gio';
                import GLib from 'gi://GLib';
                Gio.Resource.load(${JSON.stringify(`${dir}/kaa.gresource`)})._register();
                let kaa = null;
                const loop = new GLib.MainLoop(null, false);
                import('resource:///org/example/app/js/kaa.js').then(m => { kaa = m; loop.quit(); }, e => { logError(e); loop.quit(); });
                loop.run();
                new kaa.Process(['echo', 'from a gresource']).communicate().connect(([out]) => { print(out.trim()); kaa.main.stop(); });
                kaa.main.run();
            `);
            const r = await runExample(['gjs', '-m', `${dir}/main.js`], { cwd: dir });
            expect(r.status).withContext(r.stderr).toBe(0);
            expect(r.stdout).toBe('from a gresource\n');
        } finally {
            GLib.spawn_command_line_sync(`rm -rf ${GLib.shell_quote(dir)}`);
        }
    });

    it('loads no GI namespace at start-up that a GLib-only script does not (no GObject, no Gio)', async () => {
        // GJS 1.74 itself loads GObject and Gio; 1.82 and 1.90 do not for a GLib-only script, and GObject alone costs
        // ~0.7 MiB there. GLibUnix (GLib's Unix half, tiny) is left out: platform.ts looks it up at start-up, and GJS 1.90's
        // GLib loads it anyway.
        const typelibs = `
            const maps = new TextDecoder().decode(GLib.file_get_contents('/proc/self/maps')[1]);
            const names = maps.split('\\n').filter(l => l.endsWith('.typelib')).map(l => l.replace(/.*\\//, ''));
            print([...new Set(names)].filter(n => !n.startsWith('GLibUnix-')).sort().join(' '));`;
        const bare = await runWith(`import GLib from 'gi://GLib';\n${typelibs}`, distUri);
        const withKaa = await runWith(`
            import * as kaa from KAA;
            import GLib from 'gi://GLib';
            new kaa.Signal().emit();
            new kaa.OneShotTimer(() => kaa.main.stop()).start(0);
            kaa.main.run();
            ${typelibs}`, distUri);
        expect(bare.status).withContext(bare.stderr).toBe(0);
        expect(withKaa.status).withContext(withKaa.stderr).toBe(0);
        expect(bare.stdout).toContain('GLib-2.0.typelib');
        expect(withKaa.stdout).toBe(bare.stdout);
    });

    it('keeps kaa-lazy.js out of start-up: kaa.js is the smaller part', () => {
        const core = readText(`${ROOT}/dist/kaa.js`).length;
        const lazy = readText(`${ROOT}/dist/kaa-lazy.js`).length;
        expect(core).toBeLessThan(lazy);
    });
});
