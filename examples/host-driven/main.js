// kaa inside a loop it does not own: the app calls `Gtk.Application.run()`
// itself, and kaa runs under the 'thread' backend (the host-driven one, as
// in a GNOME Shell extension or an app that cannot hand its loop over).
//
//   npm run build && gjs -m examples/host-driven/main.js
//
// How the two meet:
// - `kaa.main.init('thread', {shutdown})`: kaa's timers, IO watches and
//   child watches are GLib sources on the default main context, which the
//   application iterates; kaa's end-of-iteration work (the `step` signal,
//   reports of unhandled failures) runs from `options.handler` (default: a
//   GLib idle callback); `shutdown()` is called when kaa wants the program
//   to end — `kaa.main.stop()`, SIGTERM, Ctrl-C — and quits the application;
// - `kaa.main.run({threaded: true})` attaches kaa (signal handlers, state)
//   and returns at once;
// - when the application ends first (its window closed), `kaa.main.exit()`
//   runs kaa's shutdown sequence (stopping children and workers) and exits.
// Either way the helper process started below is stopped by kaa's shutdown.
//
// Driving it without hands (test/examples/host-driven.gtk.spec.ts):
//   KAA_DEMO_TICKS=N       after N ticks, end the program…
//   KAA_DEMO_END=kaa       …from kaa: kaa.main.stop() (the default);
//   KAA_DEMO_END=window    …from the host: close the window.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Gtk from 'gi://Gtk?version=4.0';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const TICKS = Number(GLib.getenv('KAA_DEMO_TICKS') ?? '0');
const END = GLib.getenv('KAA_DEMO_END') ?? 'kaa';

const app = new Gtk.Application({ application_id: 'org.kaa.examples.HostDriven', flags: Gio.ApplicationFlags.NON_UNIQUE });

let hostRunning = true;
kaa.main.init('thread', {
    shutdown: () => {
        if (!hostRunning)
            return; // the host ended first (kaa.main.exit() below)
        print('kaa asked the host to quit');
        app.quit();
    },
});
kaa.signals.shutdown.connect(() => print('kaa shutdown'));
kaa.main.run({ threaded: true });

app.connect('activate', () => {
    const label = new Gtk.Label({ label: 'waiting for the first tick', css_classes: ['title-2'] });
    const stop = new Gtk.Button({ label: 'Stop kaa (kaa.main.stop())' });
    stop.connect('clicked', () => kaa.main.stop());
    const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, margin_top: 24, margin_bottom: 24, margin_start: 24, margin_end: 24 });
    box.append(label);
    box.append(stop);
    const window = new Gtk.ApplicationWindow({ application: app, title: 'kaa, host-driven', child: box, default_width: 360 });
    window.present();

    // A child process that would run forever: kaa's shutdown stops it,
    // whoever ends the program.
    new kaa.Process(['sleep', '600']).start().connect(code => print(`helper exited ${code}`));

    let ticks = 0;
    new kaa.Timer(() => {
        ticks++;
        label.set_label(`tick ${ticks} (a kaa Timer in the app's own loop)`);
        print(`tick ${ticks}`);
        if (ticks !== TICKS)
            return true;
        if (END === 'window')
            window.close();
        else
            kaa.main.stop();
        return false;
    }).start(0.2);
});

// The app runs its own loop, synchronously at the top level of the module.
const status = app.run([system.programInvocationName, ...ARGV]);
hostRunning = false;
print(`the application returned ${status}`);
kaa.main.exit(status); // runs kaa's shutdown if the host ended first; a no-op shutdown otherwise
