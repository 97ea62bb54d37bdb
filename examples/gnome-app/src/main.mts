// The app's code (bundled with kaa by build.mjs into resource:///org/example/KaaDemo/js/main.js).
// The launcher (src/org.example.KaaDemo.in) registers the GResource, imports
// this module and calls main() from its top level, outside any promise job.
//
// One window, three labels, each filled by a part of kaa:
// - a kaa Timer ticking every 0.25 s;
// - a kaa Process whose output line is shown;
// - a threaded() job (a worker process) counting primes — the worker host,
//   kaa-worker.js, is itself a resource of the same GResource.
//
// A test hook: KAA_DEMO_SCREENSHOT=FILE — once the three results are shown,
// print them (`timer: …`, `process: …`, `worker: …`), save a PNG of the
// window rendered by GTK to FILE, print `screenshot: FILE`, and quit.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Gtk from 'gi://Gtk?version=4.0';
import * as kaa from 'kaa-gjs';

const APP_ID = 'org.example.KaaDemo';
const SCREENSHOT = GLib.getenv('KAA_DEMO_SCREENSHOT');
const PRIMES_BELOW = 200000;

/** Runs in a worker process: it sees only its arguments and the worker's globals. */
function countPrimes(below: number): [count: number, pid: number] {
    let count = 0;
    for (let n = 2; n < below; n++) {
        let prime = true;
        for (let d = 2; d * d <= n; d++) {
            if (n % d === 0) {
                prime = false;
                break;
            }
        }
        if (prime)
            count++;
    }
    return [count, Gio.Credentials.new().get_unix_pid()];
}

const primesInWorker = kaa.threaded()(countPrimes);

/**
 * Renders `widget` with GTK's own renderer and saves it as a PNG.
 * @returns false when the window has not been drawn yet (nothing to render).
 */
function saveScreenshot(widget: Gtk.Widget, path: string): boolean {
    const renderer = widget.get_native()?.get_renderer();
    if (!widget.get_mapped() || !renderer)
        return false;
    const paintable = new Gtk.WidgetPaintable({ widget });
    const snapshot = new Gtk.Snapshot();
    paintable.snapshot(snapshot, widget.get_width(), widget.get_height());
    const node = snapshot.to_node();
    if (!node)
        return false;
    GLib.mkdir_with_parents(GLib.path_get_dirname(path), 0o755);
    if (!renderer.render_texture(node, null).save_to_png(path))
        throw new Error(`could not write ${path}`);
    return true;
}

function label(text: string): Gtk.Label {
    return new Gtk.Label({ label: text, xalign: 0, wrap: true });
}

/** The window: its labels and the kaa work that fills them. */
class DemoWindow {
    readonly window: Gtk.ApplicationWindow;
    readonly timerLabel = label('timer: not started');
    readonly processLabel = label('process: running…');
    readonly workerLabel = label(`worker: counting the primes below ${PRIMES_BELOW}…`);
    readonly #timer: kaa.Timer;
    #ticks = 0;

    constructor(app: Gtk.Application) {
        this.window = new Gtk.ApplicationWindow({ application: app, title: 'kaa in a GNOME app', default_width: 480, default_height: 220 });
        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 12, margin_top: 18, margin_bottom: 18, margin_start: 18, margin_end: 18 });
        box.append(new Gtk.Label({ label: `<b>${APP_ID}</b>: kaa loaded from resource:///`, use_markup: true, xalign: 0 }));
        for (const l of [this.timerLabel, this.processLabel, this.workerLabel])
            box.append(l);
        this.window.set_child(box);
        this.#timer = new kaa.Timer(() => {
            this.#ticks++;
            this.timerLabel.set_label(`timer: ${this.#ticks} ticks (${GLib.DateTime.new_now_local().format('%H:%M:%S')})`);
        });
        this.window.connect('close-request', () => {
            this.#timer.stop();
            return false;
        });
    }

    get ticks(): number {
        return this.#ticks;
    }

    /** Starts the timer, the process and the job; finishes with the window showing all three. */
    readonly start = kaa.coroutine(function* (this: DemoWindow) {
        this.#timer.start(0.25, { now: true });
        const job = primesInWorker(PRIMES_BELOW);
        const [out] = yield* kaa.resultOf(new kaa.Process(['sh', '-c', 'echo "hello from $(uname -s), pid $$"']).communicate());
        this.processLabel.set_label(`process: ${out.trim()}`);
        const [count, pid] = yield* kaa.resultOf(job);
        const where = pid === Gio.Credentials.new().get_unix_pid() ? 'this process' : `worker pid ${pid}`;
        this.workerLabel.set_label(`worker: ${count} primes below ${PRIMES_BELOW} (${where})`);
        while (this.#ticks < 3)
            yield kaa.delay(0.25);
    });
}

/** When KAA_DEMO_SCREENSHOT is set: prints what the window shows, saves its PNG, quits. */
const report = kaa.coroutine(function* (demo: DemoWindow, path: string) {
    yield demo.start();
    yield kaa.delay(0.1); // one more frame with the final state
    for (const l of [demo.timerLabel, demo.processLabel, demo.workerLabel])
        print(l.get_label());
    for (let frames = 0; !saveScreenshot(demo.window, path); frames++) {
        if (frames === 100)
            throw new Error('the window was not drawn within 10 s');
        yield kaa.delay(0.1);
    }
    print(`screenshot: ${path}`);
});

/**
 * Runs the app: kaa's loop is the Gtk.Application's.
 * @param argv - the program name and its arguments.
 * @returns the exit status.
 */
export function main(argv: string[]): number {
    const app = new Gtk.Application({ application_id: APP_ID, flags: Gio.ApplicationFlags.DEFAULT_FLAGS });
    app.connect('activate', () => {
        const demo = new DemoWindow(app);
        demo.window.present();
        if (SCREENSHOT) {
            report(demo, SCREENSHOT).connectBoth(() => kaa.main.stop(), error => {
                printerr(`kaa-demo: ${String(error)}\n${(error as Error)?.stack ?? ''}`);
                kaa.main.exit(1);
            });
        } else {
            demo.start().connect(() => undefined);
        }
    });
    kaa.main.init('gtk');
    return kaa.main.run({ application: app, argv });
}
