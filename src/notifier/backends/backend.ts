/**
 * The backend contract: how a loop is prepared and who drives it.
 * `generic` and `gtk` are driven by kaa (`main.run()` iterates the default
 * context); `thread` is driven by a host that owns the loop.
 */
import type Gio from 'gi://Gio';
import type { BackendName } from '../state.js';

/** Options of `main.run()`. */
export interface RunOptions {
    /** Attach kaa to a loop something else iterates (gjs console, a host app) and return at once. */
    threaded?: boolean;
    /** Run this `Gio.Application`/`Gtk.Application` as the loop (`application.run(argv)`). */
    application?: Gio.Application;
    /** argv for `application.run()`; default `[programInvocationName, ...ARGV]`. */
    argv?: string[];
    /** Handle SIGINT (Ctrl-C) by stopping the loop. Default true. SIGTERM is always handled while running. */
    sigint?: boolean;
}

/** Options of `main.init()`. */
export interface InitOptions {
    /** Drop deferred calls queued before this init. */
    reset?: boolean;
    /** `thread` backend: runs `fn` inside the host loop. Default: a GLib idle callback. */
    handler?: (fn: () => void) => void;
    /**
     * `thread` backend: called when kaa wants the program to end (stop(),
     * SIGTERM, SIGINT), after kaa's shutdown sequence; quit the host loop there.
     */
    shutdown?: () => void;
    /**
     * `thread` backend: handle SIGINT (Ctrl-C) like SIGTERM. `init('thread')`
     * installs both handlers at once, since the host runs the loop. @default true
     */
    sigint?: boolean;
}

/** A way of driving the loop. */
export interface Backend {
    readonly name: BackendName;
    /** Prepares the backend; throws if it cannot (e.g. GTK without a display). */
    setUp(options: InitOptions): void;
}
