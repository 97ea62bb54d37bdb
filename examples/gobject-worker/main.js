// The GObject worker: a Gio.FileMonitor that lives in a worker process.
//
//   gjs -m examples/gobject-worker/main.js [DIR]
//
// kaa.gobjectSetThreaded() starts the GObject worker: one long-lived worker
// whose GLib loop keeps running between calls. A threaded(kaa.GOBJECT) call
// creates a Gio.FileMonitor there and keeps it in a worker global, so it
// lives on after the call returns; each `changed` event is reported back to
// the main process with kaa.callMain('fileEvent', ...), which calls the
// function the main process registered with kaa.expose().
//
// Without DIR it watches a new temporary directory, makes a few changes in
// it itself, prints what the worker saw and exits. With DIR it watches DIR
// until Ctrl-C (kaa stops the worker on the way out).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import * as kaa from '../../dist/kaa.js';

const userDir = ARGV[0] ?? null;
const dir = userDir ?? GLib.dir_make_tmp('kaa-gobject-worker-XXXXXX');

// Runs in the GObject worker (only its arguments and the worker's globals exist there).
const startWatching = kaa.threaded(kaa.GOBJECT)(path => {
    const { Gio } = imports.gi;
    const names = Object.fromEntries(Object.entries(Gio.FileMonitorEvent).map(([k, v]) => [v, k.toLowerCase()]));
    const monitor = Gio.File.new_for_path(path).monitor_directory(Gio.FileMonitorFlags.WATCH_MOVES, null);
    monitor.connect('changed', (_monitor, file, other, event) => {
        globalThis.eventCount = (globalThis.eventCount ?? 0) + 1;
        const what = other ? `${file.get_basename()} -> ${other.get_basename()}` : file.get_basename();
        kaa.callMain('fileEvent', names[event] ?? String(event), what)
            .connectBoth(() => undefined, e => printerr(`callMain failed: ${e}`));
    });
    globalThis.monitor = monitor; // a worker global: it outlives this call
    return new Gio.Credentials().get_unix_pid();
});

// A later call sees the state the first one left.
const eventCount = kaa.threaded(kaa.GOBJECT)(() => globalThis.eventCount ?? 0);

kaa.expose('fileEvent', (event, name) => print(`  ${event.padEnd(17)} ${name}`));

const demo = kaa.coroutine(function* () {
    yield kaa.gobjectSetThreaded();
    const pid = yield startWatching(dir);
    print(`the GObject worker (pid ${pid}) watches ${dir}`);
    if (userDir)
        return; // watch until Ctrl-C
    const file = name => Gio.File.new_for_path(`${dir}/${name}`);
    const write = (stream, text) => {
        stream.write_all(new TextEncoder().encode(text), null);
        stream.close(null);
    };
    for (const [what, act] of [
        ['create a.txt', () => write(file('a.txt').create(Gio.FileCreateFlags.NONE, null), 'one')],
        ['append to a.txt', () => write(file('a.txt').append_to(Gio.FileCreateFlags.NONE, null), ' two')],
        ['rename a.txt to b.txt', () => file('a.txt').move(file('b.txt'), Gio.FileCopyFlags.NONE, null, null)],
        ['delete b.txt', () => file('b.txt').delete(null)],
    ]) {
        print(`main: ${what}`);
        act();
        yield kaa.delay(0.3);
    }
    print(`the monitor saw ${yield eventCount()} events in all`);
    kaa.main.stop();
});

new kaa.OneShotTimer(() => {
    demo().connectBoth(() => undefined, error => {
        printerr(`gobject-worker: ${error}`);
        kaa.main.exit(1);
    });
}).start(0);
kaa.main.run(); // stops the GObject worker on the way out
if (!userDir)
    GLib.rmdir(dir);
