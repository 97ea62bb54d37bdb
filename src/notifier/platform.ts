/**
 * The one module that names the Unix-only GI API, which moved in GLib 2.80.
 *
 * GLib 2.80 moved `GLib.unix_*` into the `GLibUnix` namespace and
 * `Gio.Unix*`/`Gio.FileDescriptorBased` into `GioUnix`. What that means per
 * GJS (checked in Debian roots):
 *
 * | | GJS 1.74 (GLib 2.74) | GJS 1.82 (GLib 2.84) | GJS 1.90 (GLib 2.90) |
 * | --- | --- | --- | --- |
 * | `gi://GLibUnix`, `gi://GioUnix` | absent (importing throws) | present | present |
 * | `GLib.unix_*`, `Gio.Unix*Stream` | the only API | work, print a deprecation warning with a stack | same |
 * | `Gio.FileDescriptorBased` | works | works | warns |
 * | a `Gio.Subprocess` pipe | `Gio.UnixOutputStream` | `GioUnix.OutputStream`: no `get_fd()` method, not `instanceof Gio.UnixOutputStream` | same |
 *
 * So this module feature-detects, never version-sniffs: it asks the legacy
 * importer for `GLibUnix`/`GioUnix` (synchronously, in a try/catch: a static
 * `import … from 'gi://GioUnix'` would fail to load on 1.74) and uses them
 * where they exist; only where they are missing does it touch the old names,
 * which then cannot warn. It checks a stream's kind by GType and interface,
 * never with `instanceof` on a stream class (the old and new class objects
 * differ), and reads a stream's fd through the namespace function, not a
 * method the stream may lack.
 *
 * Gio is loaded only when a stream function is first called (through the
 * legacy importer, synchronously): importing `gi://Gio` loads its typelib,
 * which costs start-up time and memory a program without IO never needs.
 *
 * What did not move, and is used directly elsewhere: `Gio.UnixSocketAddress`,
 * `Gio.UnixFDList`, `GLib.IOChannel.unix_new`, `Gio.Credentials.get_unix_pid`.
 *
 * One behaviour changed without a rename, and is asked here too:
 * `GLib.Bytes.toArray()` is a view of the bytes' memory on GJS 1.74 and a
 * copy on 1.82 and 1.90 (see {@link bytesToArrayCopies}).
 * @module
 */
import GLib from 'gi://GLib';
import type Gio from 'gi://Gio';
import type GObject from 'gi://GObject';
import type GLibUnix from 'gi://GLibUnix';
import type GioUnix from 'gi://GioUnix';

type GLibUnixNamespace = typeof GLibUnix;
type GioUnixNamespace = typeof GioUnix;
type FdCallback = (fd: number, condition: GLib.IOCondition) => boolean;

/** Loads an optional GI namespace through the legacy importer, or null where its typelib is missing. */
function optionalNamespace<T>(name: string): T | null {
    try {
        return ((imports.gi as unknown as Record<string, T | undefined>)[name]) ?? null;
    } catch {
        return null;
    }
}

const glibUnix = optionalNamespace<GLibUnixNamespace>('GLibUnix');

/**
 * Picks the first function a namespace has under one of `names` that takes
 * `arity` arguments. Names are tried newest first, because GJS keeps the
 * older spellings as aliases that warn: GLib 2.84's `GLibUnix.signal_add_full`
 * is `GLibUnix.signal_add` in 2.90, where the old name prints "has been
 * renamed"; early 2.80 typelibs may keep the `unix_` prefix. The arity check
 * keeps a C `g_unix_signal_add()` without a priority from being taken for
 * the `_full` form.
 */
function pick<F>(ns: object | null, arity: number, ...names: string[]): F | null {
    for (const name of names) {
        const fn = ns ? (ns as Record<string, unknown>)[name] : undefined;
        if (typeof fn === 'function' && fn.length === arity)
            return fn.bind(ns) as F;
    }
    return null;
}

/** Legacy names, looked up only when the new namespace lacks them (they warn on GLib >= 2.80). */
function legacyGLib<F>(name: string): F {
    return (GLib as unknown as Record<string, F>)[name];
}

const fdAddImpl: (priority: number, fd: number, condition: GLib.IOCondition, fn: FdCallback) => number =
    pick(glibUnix, 4, 'fd_add_full', 'unix_fd_add_full') ?? legacyGLib('unix_fd_add_full');
const signalAddImpl: (priority: number, signum: number, fn: () => boolean) => number =
    pick(glibUnix, 3, 'signal_add', 'signal_add_full', 'unix_signal_add', 'unix_signal_add_full') ?? legacyGLib('unix_signal_add');
const nonblockingImpl: (fd: number, nonblock: boolean) => boolean =
    pick(glibUnix, 2, 'set_fd_nonblocking', 'unix_set_fd_nonblocking') ?? legacyGLib('unix_set_fd_nonblocking');

interface StreamClasses {
    /** The `GioUnix` namespace, or null where it is missing. */
    gioUnix: GioUnixNamespace | null;
    input: GioUnixNamespace['InputStream'];
    output: GioUnixNamespace['OutputStream'];
    fdBased: GioUnixNamespace['FileDescriptorBased'];
    getFd: (stream: object) => number;
}

function streamClasses(): StreamClasses {
    const gioUnix = optionalNamespace<GioUnixNamespace>('GioUnix');
    if (gioUnix?.InputStream && gioUnix.OutputStream && gioUnix.FileDescriptorBased) {
        // GLib 2.84 has the namespace function and no interface method; 2.90 the reverse.
        const viaFunction = pick<(s: object) => number>(gioUnix, 1, 'file_descriptor_based_get_fd');
        const viaMethod = gioUnix.FileDescriptorBased.prototype?.get_fd;
        return {
            gioUnix, input: gioUnix.InputStream, output: gioUnix.OutputStream, fdBased: gioUnix.FileDescriptorBased,
            getFd: viaFunction ?? (typeof viaMethod === 'function'
                ? (s: object) => viaMethod.call(s)
                : (s: object) => (s as { fd: number }).fd),
        };
    }
    const Gio = imports.gi.Gio;
    const getFd = Gio.FileDescriptorBased.prototype.get_fd;
    return {
        gioUnix,
        input: Gio.UnixInputStream as unknown as GioUnixNamespace['InputStream'],
        output: Gio.UnixOutputStream as unknown as GioUnixNamespace['OutputStream'],
        fdBased: Gio.FileDescriptorBased as unknown as GioUnixNamespace['FileDescriptorBased'],
        getFd: (s: object) => getFd.call(s as Gio.FileDescriptorBased),
    };
}

let streamsFound: StreamClasses | null = null;

/** The stream classes, found (and Gio loaded) on first use. */
function streams(): StreamClasses {
    return streamsFound ??= streamClasses();
}

/**
 * Which Unix API this GJS offers: `'GLibUnix'` when kaa uses the namespaces
 * GLib 2.80 introduced, `'GLib'` for the older `GLib.unix_*`/`Gio.Unix*`.
 * For diagnostics and specs (reading `gio` loads Gio).
 * @internal
 */
export const unixApi: { readonly glib: 'GLibUnix' | 'GLib'; readonly gio: 'GioUnix' | 'Gio' } = {
    glib: glibUnix && pick(glibUnix, 4, 'fd_add_full', 'unix_fd_add_full') ? 'GLibUnix' : 'GLib',
    get gio() {
        const { gioUnix, input } = streams();
        return input === (gioUnix?.InputStream ?? null) ? 'GioUnix' : 'Gio';
    },
};

/**
 * Adds a GLib source watching `fd` for `condition` (`g_unix_fd_add_full`).
 * @param fn - gets the fd and the ready condition; returns true to keep the watch.
 * @returns the source id.
 * @internal
 */
export function fdAdd(priority: number, fd: number, condition: GLib.IOCondition, fn: FdCallback): number {
    return fdAddImpl(priority, fd, condition, fn);
}

/**
 * Adds a GLib source that runs `fn` in the loop when `signum` arrives
 * (`g_unix_signal_add_full`: SIGHUP, SIGINT, SIGTERM, SIGUSR1/2, SIGWINCH).
 * @returns the source id.
 * @internal
 */
export function signalAdd(priority: number, signum: number, fn: () => boolean): number {
    return signalAddImpl(priority, signum, fn);
}

/**
 * Sets or clears `O_NONBLOCK` on `fd` (`g_unix_set_fd_nonblocking`).
 * @throws GLib.Error from the OS (a closed fd: EBADF).
 * @internal
 */
export function setFdNonblocking(fd: number, nonblocking: boolean): void {
    nonblockingImpl(fd, nonblocking);
}

/**
 * The fd behind a Gio stream that is `FileDescriptorBased` (pipes, fds,
 * local files), or -1 for any other stream (sockets' streams, memory, TLS).
 * @internal
 */
export function streamFd(stream: Gio.InputStream | Gio.OutputStream | null): number {
    if (stream === null || !(stream instanceof streams().fdBased))
        return -1;
    return streams().getFd(stream);
}

/**
 * True when `stream` is a Unix fd stream (`GUnixInputStream` or
 * `GUnixOutputStream`: pipes, including a `Gio.Subprocess`'s, and wrapped
 * fds), told by GType, which is the same whichever namespace made it.
 * @internal
 */
export function isUnixStream(stream: Gio.InputStream | Gio.OutputStream | null): boolean {
    if (stream === null)
        return false;
    const type = (stream.constructor as unknown as { $gtype?: GObject.GType }).$gtype;
    if (type === undefined)
        return false;
    const { input, output } = streams();
    const gobject = imports.gi.GObject;   // not imported: start-up would load it (~0.7 MiB on GJS 1.90)
    return gobject.type_is_a(type, input.$gtype) || gobject.type_is_a(type, output.$gtype);
}

/**
 * Wraps `fd` in an input stream (`g_unix_input_stream_new`).
 * @param closeFd - whether closing the stream closes `fd`.
 * @internal
 */
export function unixInputStream(fd: number, closeFd: boolean): Gio.InputStream {
    return streams().input.new(fd, closeFd);
}

/**
 * Wraps `fd` in an output stream (`g_unix_output_stream_new`).
 * @param closeFd - whether closing the stream closes `fd`.
 * @internal
 */
export function unixOutputStream(fd: number, closeFd: boolean): Gio.OutputStream {
    return streams().output.new(fd, closeFd);
}

let toArrayCopies: boolean | null = null;

/**
 * Whether `GLib.Bytes.toArray()` copies the bytes into a new JS buffer (GJS
 * 1.82, 1.90: a write to the array no longer reaches the `GLib.Bytes`)
 * rather than viewing the bytes' own memory (GJS 1.74). Asked once, of a
 * one-byte `GLib.Bytes`: where it copies, a read that goes through a
 * `GLib.Bytes` pays for a fresh buffer and a copy, and reading into a
 * reused C buffer that is copied once is cheaper (io/landing.ts).
 * @internal
 */
export function bytesToArrayCopies(): boolean {
    if (toArrayCopies === null) {
        const bytes = new GLib.Bytes(new Uint8Array([0]));
        bytes.toArray()[0] = 1;
        toArrayCopies = bytes.toArray()[0] === 0;
    }
    return toArrayCopies;
}

type ByteArrayNative = { fromGBytes?: (bytes: GLib.Bytes) => Uint8Array };
const byteArrayNative = (imports as unknown as { _byteArrayNative?: ByteArrayNative })._byteArrayNative;

/**
 * `bytes.toArray()`, by the native function the method wraps where this GJS
 * has it (`imports._byteArrayNative.fromGBytes`): a JS call less per read,
 * ~3k of ~28k instructions for a small `read_bytes()` + `toArray()` (GJS
 * 1.74, callgrind), ~0.7 µs on 1.82/1.90. Same result either way.
 * @internal
 */
export const bytesToArray: (bytes: GLib.Bytes) => Uint8Array = typeof byteArrayNative?.fromGBytes === 'function'
    ? byteArrayNative.fromGBytes : bytes => bytes.toArray();

type ReceiveBytes = (this: Gio.Socket, size: number, timeoutUs: number, cancellable: null) => GLib.Bytes;
let receiveBytesImpl: ReceiveBytes | null | undefined;

/**
 * Reads up to `size` bytes from a socket straight (`g_socket_receive_bytes`,
 * GLib 2.80+): no Unix fd stream, whose reads poll() before they read. Null
 * where GLib lacks it (GJS 1.74): read the socket's fd stream then.
 * @returns the function (`timeoutUs`: -1 waits for data, 0 does not), or null.
 * @internal
 */
export function socketReceiver(): ((socket: Gio.Socket, size: number, timeoutUs: number) => Uint8Array) | null {
    if (receiveBytesImpl === undefined) {
        const fn = (imports.gi.Gio.Socket.prototype as unknown as { receive_bytes?: ReceiveBytes }).receive_bytes;
        receiveBytesImpl = typeof fn === 'function' ? fn : null;
    }
    const receive = receiveBytesImpl;
    return receive ? (socket, size, timeoutUs) => bytesToArray(receive.call(socket, size, timeoutUs, null)) : null;
}
