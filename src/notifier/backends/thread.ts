/**
 * The `thread` backend: a host owns the loop (a `Gtk.Application.run()` the
 * app calls itself, GNOME Shell, the gjs console). kaa's sources live on the
 * same default main context; `options.handler(fn)` runs kaa's end-of-iteration
 * work (the `step` signal, checks) inside the host loop, and
 * `options.shutdown()` is called when kaa wants the program to end.
 */
import GLib from 'gi://GLib';
import type { Backend, InitOptions } from './backend.js';

/** The handler used when `init('thread')` gets none: a GLib idle callback. */
export function defaultHandler(fn: () => void): void {
    GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
        fn();
        return GLib.SOURCE_REMOVE;
    });
}

/** The host-driven backend. */
export const threadBackend: Backend = {
    name: 'thread',
    setUp(options: InitOptions) {
        if (options.handler !== undefined && typeof options.handler !== 'function')
            throw new TypeError(`kaa.main.init('thread'): \`handler\` must be a function (got ${typeof options.handler})`);
        if (options.shutdown !== undefined && typeof options.shutdown !== 'function')
            throw new TypeError(`kaa.main.init('thread'): \`shutdown\` must be a function (got ${typeof options.shutdown})`);
        if (options.sigint !== undefined && typeof options.sigint !== 'boolean')
            throw new TypeError(`kaa.main.init('thread'): \`sigint\` must be a boolean (got ${typeof options.sigint})`);
    },
};
