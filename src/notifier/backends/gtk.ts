/**
 * The `gtk` backend: `Gtk.init()` first, then the same loop as `generic`
 * (GTK 4 dispatches everything from the default main context). GTK is loaded
 * through the legacy `imports.gi` so that `init('gtk')` stays synchronous and
 * programs that never ask for GTK never load it.
 */
import type { Backend } from './backend.js';

interface GtkModule {
    init_check(): boolean;
}

/** The GTK 4 backend. */
export const gtkBackend: Backend = {
    name: 'gtk',
    setUp() {
        const gi = imports.gi as unknown as { versions: Record<string, string>; Gtk: GtkModule };
        gi.versions.Gtk ??= '4.0';
        if (gi.versions.Gtk !== '4.0')
            throw new Error(`kaa.main.init('gtk'): GTK ${gi.versions.Gtk} is already loaded; kaa needs GTK 4.0`);
        if (!gi.Gtk.init_check())
            throw new Error("kaa.main.init('gtk'): GTK could not be initialized (no display?): set DISPLAY or WAYLAND_DISPLAY, or run under `xvfb-run -a`");
    },
};
