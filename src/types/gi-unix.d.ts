// Local declarations for the parts of GLib's Unix namespaces kaa uses.
//
// GLib 2.80 moved the Unix-only API out of GLib/Gio into `GLibUnix` and
// `GioUnix` (`gi://GLibUnix`, `gi://GioUnix`). The pinned @girs set (the
// 4.0.0-beta.38 line, generated from GLib 2.86) still declares the old names
// (`GLib.unix_fd_add_full`, `Gio.UnixInputStream` …) but has no package for
// the new namespaces, and GLib 2.74 has no typelib for them at all, so kaa
// never imports them statically: src/notifier/platform.ts loads them at run
// time where they exist. These declarations give that code its types; they
// list only what kaa calls, with the names and shapes checked on GLib 2.84
// (GJS 1.82) and GLib 2.90 (GJS 1.90).
declare module 'gi://GLibUnix' {
    import type GLib from 'gi://GLib';

    /** The `GLibUnix` namespace (GLib >= 2.80). Early 2.80 typelibs kept the `unix_` prefix. */
    interface GLibUnixNamespace {
        fd_add_full?(priority: number, fd: number, condition: GLib.IOCondition,
            fn: (fd: number, condition: GLib.IOCondition) => boolean): number;
        unix_fd_add_full?(priority: number, fd: number, condition: GLib.IOCondition,
            fn: (fd: number, condition: GLib.IOCondition) => boolean): number;
        /** GLib 2.90 (`signal_add_full` renamed; the old name warns). */
        signal_add?(priority: number, signum: number, handler: () => boolean): number;
        /** GLib 2.80–2.84. */
        signal_add_full?(priority: number, signum: number, handler: () => boolean): number;
        unix_signal_add_full?(priority: number, signum: number, handler: () => boolean): number;
        unix_signal_add?(priority: number, signum: number, handler: () => boolean): number;
        set_fd_nonblocking?(fd: number, nonblock: boolean): boolean;
        unix_set_fd_nonblocking?(fd: number, nonblock: boolean): boolean;
    }
    const GLibUnix: GLibUnixNamespace;
    export default GLibUnix;
}

declare module 'gi://GioUnix' {
    import type GObject from 'gi://GObject';
    import type Gio from 'gi://Gio';

    /** A stream class of `GioUnix` (`InputStream`, `OutputStream`). */
    interface StreamClass<T> {
        new(properties: { fd: number; close_fd?: boolean }): T;
        ['new'](fd: number, closeFd: boolean): T;
        readonly $gtype: GObject.GType;
    }

    /** The `GioUnix` namespace (GLib >= 2.80). */
    interface GioUnixNamespace {
        InputStream: StreamClass<Gio.InputStream>;
        OutputStream: StreamClass<Gio.OutputStream>;
        /** The interface; used only as the right-hand side of an interface check. */
        FileDescriptorBased: {
            readonly $gtype: GObject.GType;
            [Symbol.hasInstance](value: unknown): boolean;
            /** `get_fd` is there on GLib 2.90, missing on 2.84. */
            readonly prototype?: { get_fd?: (this: object) => number };
        };
        /** GLib 2.84; gone on 2.90 (use the interface method). */
        file_descriptor_based_get_fd?(fdBased: object): number;
    }
    const GioUnix: GioUnixNamespace;
    export default GioUnix;
}
