// The ways a loop can be driven: kaa's own (generic), a host's (the thread
// backend, run({threaded: true})) and a Gio.Application's (run({application})).
// Each case runs in a child gjs process against dist/kaa.js.
import { runGjs, spawnGjs } from '../support/child.js';

const prelude = `import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import * as kaa from KAA;
`;

describe('the thread backend', () => {
    it('runs kaa timers in a loop the host owns, emits step through the handler and calls shutdown on stop()', async () => {
        const r = await runGjs(`${prelude}
const host = new GLib.MainLoop(null, false);
let handled = 0;
kaa.main.init('thread', {
    handler: fn => GLib.idle_add(GLib.PRIORITY_DEFAULT, () => { handled++; fn(); return false; }),
    shutdown: () => { print('host shutdown'); host.quit(); },
});
let steps = 0;
kaa.signals.step.connect(() => { steps++; });
kaa.signals.shutdown.connect(() => print('kaa shutdown'));
print('attach ' + kaa.main.run({threaded: true}));
let ticks = 0;
new kaa.Timer(() => { ticks++; if (ticks === 3) kaa.main.stop(); return ticks < 3; }).start(0.01);
host.run();
print('ticks ' + ticks + ' steps>0 ' + (steps > 0) + ' handled>0 ' + (handled > 0) + ' running ' + kaa.main.isRunning());`);
        expect(r.stdout).toBe('attach 0\nkaa shutdown\nhost shutdown\nticks 3 steps>0 true handled>0 true running false\n');
    });

    for (const [signo, name] of [[15, 'SIGTERM'], [2, 'SIGINT']] as const) {
        it(`runs kaa's shutdown and then options.shutdown() on ${name} when the host alone runs the loop`, async () => {
            const child = spawnGjs(`${prelude}
const host = new GLib.MainLoop(null, false);
kaa.main.init('thread', { shutdown: () => { print('host shutdown'); host.quit(); } });
kaa.signals.shutdown.connect(() => print('kaa shutdown'));
const sleeper = new kaa.Process(['sleep', '60']);
sleeper.start().connect(code => print('sleeper exited ' + code));
new kaa.OneShotTimer(() => print('ready')).start(0.01);
host.run();
print('host returned, running ' + kaa.main.isRunning() + ', stopped ' + kaa.main.isStopped());`);
            await child.waitFor('ready');
            child.proc.send_signal(signo);
            const r = await child.done;
            expect(r.stdout).toBe('ready\nkaa shutdown\nsleeper exited -15\nhost shutdown\nhost returned, running false, stopped true\n');
            expect(r.status).toBe(0);
        });
    }

    it('leaves SIGINT to its default with init("thread", {sigint: false})', async () => {
        const child = spawnGjs(`${prelude}
const host = new GLib.MainLoop(null, false);
kaa.main.init('thread', { sigint: false, shutdown: () => { print('host shutdown'); host.quit(); } });
new kaa.OneShotTimer(() => print('ready')).start(0.01);
host.run();`);
        await child.waitFor('ready');
        child.proc.send_signal(2);
        const r = await child.done;
        expect(r.status).toBe(130);
        expect(r.stdout).toBe('ready\n');
    });

    it('runs the promise reactions to what a kaa callback did before the host dispatches its next source', async () => {
        // Both sources are due when the host's first iteration begins; kaa's was attached first.
        const r = await runGjs(`${prelude}
const host = new GLib.MainLoop(null, false);
kaa.main.init('thread', { shutdown: () => host.quit() });
kaa.main.run({threaded: true});
const log = [];
new kaa.OneShotTimer(() => { log.push('kaa'); void Promise.resolve().then(() => log.push('reaction')); }).start(0.01);
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => { log.push('raw'); return false; });
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => { print(log.join(' ')); host.quit(); return false; });
GLib.usleep(30000);
host.run();`);
        expect(r.stdout).toBe('kaa reaction raw\n');
    });

    it('refuses a blocking run() under the thread backend', async () => {
        const r = await runGjs(`${prelude}
kaa.main.init('thread');
try { kaa.main.run(); } catch (e) { print(e.message); }`);
        expect(r.stdout).toContain("the 'thread' backend is driven by its host");
    });
});

describe('run({application})', () => {
    it('runs a Gio.Application as the loop; stop() quits it and its shutdown is the shutdown of kaa', async () => {
        const r = await runGjs(`${prelude}
const app = new Gio.Application({application_id: 'org.kaa.Spec' + GLib.random_int(), flags: Gio.ApplicationFlags.NON_UNIQUE});
app.connect('activate', () => {
    app.hold();
    new kaa.OneShotTimer(() => kaa.main.stop()).start(0.02);
});
kaa.signals.shutdown.connect(() => print('kaa shutdown'));
print('status ' + kaa.main.run({application: app, argv: []}));`);
        expect(r.stdout).toBe('kaa shutdown\nstatus 0\n');
    });

    it('rethrows an unhandled exception after the application quit', async () => {
        const r = await runGjs(`${prelude}
const app = new Gio.Application({application_id: 'org.kaa.Spec' + GLib.random_int(), flags: Gio.ApplicationFlags.NON_UNIQUE});
app.connect('activate', () => {
    app.hold();
    new kaa.OneShotTimer(() => { throw new TypeError('in the app'); }).start(0.01);
});
try { kaa.main.run({application: app, argv: []}); } catch (e) { print('caught ' + e.message); }`);
        expect(r.stdout).toBe('caught in the app\n');
    });
});
