// The GI surface kaa relies on, checked twice:
//  - at compile time: every entry below is referenced through the pinned
//    @girs types (the 4.0.0-beta.38 line), most with the signature kaa calls
//    it with, so `tsc -p test/tsconfig.json` fails if an upgrade of @girs
//    drops or reshapes one (the @girs 5.x line moved unix_signal_add,
//    unix_fd_add_full and Gio.UnixInputStream to GLibUnix/GioUnix, which
//    GLib 2.74 lacks);
//  - at run time: every entry exists, with the expected typeof, in the GJS
//    running the specs (1.74 is the floor).
// The Unix API GLib 2.80 moved (GLib.unix_*, Gio.Unix*Stream) is checked
// here by type only: touching those names at run time prints a deprecation
// warning on GJS >= 1.80. src/notifier/platform.ts picks the namespace at
// run time, and platform.spec.ts checks what it picked on this GJS.
// When kaa starts using another GI function, add it to `used` (and to the
// signature table if its shape matters).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

/** Signatures as kaa calls them; an incompatible @girs change is a type error here. */
const signatures: {
    child_watch_add: (priority: number, pid: GLib.Pid, fn: (pid: GLib.Pid, status: number) => void) => number;
    spawn_close_pid: (pid: GLib.Pid) => void;
    timeout_add: (priority: number, interval: number, fn: () => boolean) => number;
    timeout_add_seconds: (priority: number, interval: number, fn: () => boolean) => number;
    idle_add: (priority: number, fn: () => boolean) => number;
    source_remove: (tag: number) => boolean;
    get_monotonic_time: () => number;
    shell_parse_argv: (commandLine: string) => [boolean, string[] | null];
    filename_from_uri: (uri: string) => [string, string | null];
    filename_to_uri: (filename: string, hostname?: string | null) => string;
    new_from_pem: (data: string, length: number) => Gio.TlsCertificate;
} = {
    child_watch_add: GLib.child_watch_add,
    spawn_close_pid: GLib.spawn_close_pid,
    timeout_add: GLib.timeout_add,
    timeout_add_seconds: GLib.timeout_add_seconds,
    idle_add: GLib.idle_add,
    source_remove: GLib.source_remove,
    get_monotonic_time: GLib.get_monotonic_time,
    shell_parse_argv: GLib.shell_parse_argv,
    filename_from_uri: GLib.filename_from_uri,
    filename_to_uri: GLib.filename_to_uri,
    new_from_pem: Gio.TlsCertificate.new_from_pem,
};

/** MainContext methods kaa's loop drives (typed through the instance type). */
type ContextMethods = Pick<GLib.MainContext, 'iteration' | 'pending' | 'find_source_by_id'>;
const contextMethods: { [K in keyof ContextMethods]: (...args: never[]) => unknown } = {
    iteration: GLib.MainContext.prototype.iteration,
    pending: GLib.MainContext.prototype.pending,
    find_source_by_id: GLib.MainContext.prototype.find_source_by_id,
};
// The shapes kaa relies on, as type-level assertions.
const _iteration: (mayBlock: boolean) => boolean = GLib.MainContext.prototype.iteration;
const _pending: () => boolean = GLib.MainContext.prototype.pending;
const _default: () => GLib.MainContext = GLib.MainContext.default;

/** Every GI entry kaa uses: name -> [value, expected typeof at run time]. */
const used: Record<string, [unknown, string]> = {
    'GLib.child_watch_add': [GLib.child_watch_add, 'function'],
    'GLib.spawn_close_pid': [GLib.spawn_close_pid, 'function'],
    'GLib.timeout_add': [GLib.timeout_add, 'function'],
    'GLib.timeout_add_seconds': [GLib.timeout_add_seconds, 'function'],
    'GLib.idle_add': [GLib.idle_add, 'function'],
    'GLib.source_remove': [GLib.source_remove, 'function'],
    'GLib.get_monotonic_time': [GLib.get_monotonic_time, 'function'],
    'GLib.MainContext': [GLib.MainContext, 'function'],
    'GLib.MainContext.default': [GLib.MainContext.default, 'function'],
    'GLib.MainLoop': [GLib.MainLoop, 'function'],
    'GLib.MainLoop.prototype.run': [GLib.MainLoop.prototype.run, 'function'],
    'GLib.MainLoop.prototype.quit': [GLib.MainLoop.prototype.quit, 'function'],
    'GLib.shell_parse_argv': [GLib.shell_parse_argv, 'function'],
    'GLib.filename_from_uri': [GLib.filename_from_uri, 'function'],
    'GLib.filename_to_uri': [GLib.filename_to_uri, 'function'],
    'GLib.Bytes': [GLib.Bytes, 'function'],
    'GLib.Bytes.prototype.toArray': [GLib.Bytes.prototype.toArray, 'function'],
    'GLib.PRIORITY_DEFAULT': [GLib.PRIORITY_DEFAULT, 'number'],
    'GLib.SOURCE_REMOVE': [GLib.SOURCE_REMOVE, 'boolean'],
    'Gio.Subprocess': [Gio.Subprocess, 'function'],
    'Gio.SubprocessLauncher': [Gio.SubprocessLauncher, 'function'],
    'Gio.Socket': [Gio.Socket, 'function'],
    'Gio.SocketClient': [Gio.SocketClient, 'function'],
    'Gio.SocketListener': [Gio.SocketListener, 'function'],
    'Gio.TlsConnection': [Gio.TlsConnection, 'function'],
    'Gio.TlsClientConnection': [Gio.TlsClientConnection, 'function'],
    'Gio.TlsClientConnection.new': [Gio.TlsClientConnection.new, 'function'],
    'Gio.TlsServerConnection': [Gio.TlsServerConnection, 'function'],
    'Gio.TlsServerConnection.new': [Gio.TlsServerConnection.new, 'function'],
    'Gio.TlsCertificate': [Gio.TlsCertificate, 'function'],
    'Gio.TlsCertificate.new_from_pem': [Gio.TlsCertificate.new_from_pem, 'function'],
    'Gio.Cancellable': [Gio.Cancellable, 'function'],
};

describe('the GI surface kaa uses', () => {
    it('exists at run time with the expected typeof', () => {
        const wrong: string[] = [];
        for (const [name, [value, expected]] of Object.entries(used)) {
            if (typeof value !== expected)
                wrong.push(`${name}: ${typeof value}, expected ${expected}`);
        }
        for (const [name, value] of Object.entries({ ...signatures, ...contextMethods })) {
            if (typeof value !== 'function')
                wrong.push(`${name}: ${typeof value}, expected function`);
        }
        expect(wrong).toEqual([]);
    });

    it('gives a default MainContext with iteration/pending/find_source_by_id', () => {
        const ctx = GLib.MainContext.default();
        expect(typeof ctx.iteration).toBe('function');
        expect(typeof ctx.pending).toBe('function');
        expect(typeof ctx.find_source_by_id).toBe('function');
        // A source added with timeout_add is found by id, and gone once removed.
        const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 3600 * 1000, () => GLib.SOURCE_REMOVE);
        expect(ctx.find_source_by_id(id)).not.toBeNull();
        expect(GLib.source_remove(id)).toBeTrue();
        expect(ctx.find_source_by_id(id)).toBeNull();
    });

    it('returns what kaa expects from the helpers it calls', () => {
        expect(typeof GLib.get_monotonic_time()).toBe('number');
        expect(GLib.shell_parse_argv('ls -l "a b"')).toEqual([true, ['ls', '-l', 'a b']]);
        const uri = GLib.filename_to_uri('/tmp/a b', null);
        expect(uri).toBe('file:///tmp/a%20b');
        expect(GLib.filename_from_uri(uri)[0]).toBe('/tmp/a b');
        expect(new GLib.Bytes(new Uint8Array([1, 2, 3])).toArray()).toEqual(new Uint8Array([1, 2, 3]));
    });
});

/** The moved Unix API as the pinned @girs types declare it (type-level only: no run-time access). */
type Assert<T extends U, U> = T;
type _LegacyUnix = [
    Assert<typeof GLib.unix_signal_add, (priority: number, signum: number, handler: () => boolean) => number>,
    Assert<typeof GLib.unix_fd_add_full, (priority: number, fd: number, condition: GLib.IOCondition,
        fn: (fd: number, condition: GLib.IOCondition) => boolean) => number>,
    Assert<typeof GLib.unix_set_fd_nonblocking, (fd: number, nonblock: boolean) => boolean>,
    Assert<typeof Gio.UnixInputStream.new, (fd: number, closeFd: boolean) => Gio.InputStream>,
    Assert<typeof Gio.UnixOutputStream.new, (fd: number, closeFd: boolean) => Gio.OutputStream>,
];

// Referencing runAsync through the types: it is declared, although GJS only
// has it from 1.76 (kaa never calls it; loop.spec.ts checks kaa's runAsync()
// behaves the same with and without it). A type error here means @girs
// stopped declaring it.
function _runAsync(loop: GLib.MainLoop): Promise<void> {
    return loop.runAsync();
}
void _runAsync;
void _iteration;
void _pending;
void _default;
