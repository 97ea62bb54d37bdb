// src/notifier/platform.ts, the one module that names the Unix GI API GLib
// 2.80 moved to GLibUnix/GioUnix: it picks the namespace this GJS has, reads
// the fd of any fd stream (a Gio.Subprocess pipe on GJS 1.82 has no get_fd
// method), tells Unix fd streams by GType (not instanceof), and nothing kaa
// does prints a deprecation warning (checked in child processes, whose
// stderr a spec can read).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { bytesToArray, fdAdd, isUnixStream, setFdNonblocking, signalAdd, socketReceiver, streamFd, unixApi, unixInputStream, unixOutputStream } from '../../src/notifier/platform.js';
import { socketPair } from '../../src/io/socket-pair.js';
import { runExample } from '../examples/example-child.js';

const SIGUSR1 = 10;

/** Whether the typelib of `name` loads here (the legacy importer throws where it is missing). */
function hasNamespace(name: string): boolean {
    try {
        return (imports.gi as unknown as Record<string, unknown>)[name] !== undefined;
    } catch {
        return false;
    }
}

function cat(): Gio.Subprocess {
    return Gio.Subprocess.new(['cat'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
}

function finish(proc: Gio.Subprocess): void {
    proc.get_stdin_pipe()?.close(null);
    proc.wait(null);
}

/** Iterates the default context until `done()` or `seconds` pass. */
function iterateUntil(done: () => boolean, seconds = 5): void {
    const end = GLib.get_monotonic_time() + seconds * 1e6;
    while (!done() && GLib.get_monotonic_time() < end)
        GLib.MainContext.default().iteration(false);
}

describe('the platform module', () => {
    it('uses GLibUnix and GioUnix exactly where this GJS has them', () => {
        expect(unixApi.glib).toBe(hasNamespace('GLibUnix') ? 'GLibUnix' : 'GLib');
        expect(unixApi.gio).toBe(hasNamespace('GioUnix') ? 'GioUnix' : 'Gio');
    });

    it('reads the fds of a Gio.Subprocess pipe and tells it is a Unix fd stream', () => {
        const proc = cat();
        const stdin = proc.get_stdin_pipe() as Gio.OutputStream;
        const stdout = proc.get_stdout_pipe() as Gio.InputStream;
        const inFd = streamFd(stdin), outFd = streamFd(stdout);
        expect(inFd).toBeGreaterThan(2);
        expect(outFd).toBeGreaterThan(2);
        expect(inFd).not.toBe(outFd);
        expect(isUnixStream(stdin)).toBeTrue();
        expect(isUnixStream(stdout)).toBeTrue();
        finish(proc);
    });

    it('reads the fd of a local file stream, and -1 for streams without one', () => {
        const file = Gio.File.new_for_path('/dev/null').read(null);
        expect(streamFd(file)).toBeGreaterThan(2);
        expect(isUnixStream(file)).toBeFalse();
        file.close(null);
        const memory = Gio.MemoryOutputStream.new_resizable();
        expect(streamFd(memory)).toBe(-1);
        expect(isUnixStream(memory)).toBeFalse();
        expect(streamFd(null)).toBe(-1);
        expect(isUnixStream(null)).toBeFalse();
    });

    it('wraps fds in streams, watches an fd, and makes a pipe non-blocking', () => {
        const proc = cat();
        const inFd = streamFd(proc.get_stdin_pipe());
        const outFd = streamFd(proc.get_stdout_pipe());
        const output = unixOutputStream(inFd, false);
        const input = unixInputStream(outFd, false);
        expect(isUnixStream(output)).toBeTrue();
        expect(streamFd(output)).toBe(inFd);
        expect(streamFd(input)).toBe(outFd);
        const nonblocking = (fd: number) => (GLib.IOChannel.unix_new(fd).get_flags() & GLib.IOFlags.NONBLOCK) !== 0;
        expect(nonblocking(outFd)).toBeFalse();
        setFdNonblocking(outFd, true);
        expect(nonblocking(outFd)).toBeTrue();
        let ready = 0;
        const id = fdAdd(GLib.PRIORITY_DEFAULT, outFd, GLib.IOCondition.IN, (fd, condition) => {
            expect(fd).toBe(outFd);
            ready = condition;
            return GLib.SOURCE_REMOVE;
        });
        expect(id).toBeGreaterThan(0);
        output.write_all(new TextEncoder().encode('ping\n'), null);
        iterateUntil(() => ready !== 0);
        expect(ready & GLib.IOCondition.IN).toBeTruthy();
        expect(new TextDecoder().decode(input.read_bytes(16, null).toArray())).toBe('ping\n');
        setFdNonblocking(outFd, false);
        expect(nonblocking(outFd)).toBeFalse();
        finish(proc);
    });

    it('runs a Unix signal handler in the loop', () => {
        let got = 0;
        const id = signalAdd(GLib.PRIORITY_HIGH, SIGUSR1, () => {
            got++;
            return GLib.SOURCE_REMOVE;
        });
        const pid = new Gio.Credentials().get_unix_pid();
        Gio.Subprocess.new(['kill', '-USR1', String(pid)], Gio.SubprocessFlags.NONE).wait(null);
        iterateUntil(() => got > 0);
        expect(got).toBe(1);
        expect(GLib.MainContext.default().find_source_by_id(id)).toBeNull();
    });

    it('reads a GLib.Bytes as toArray() does, and a socket straight exactly where GLib has receive_bytes()', () => {
        const bytes = new GLib.Bytes(new Uint8Array([1, 2, 3]));
        expect(bytesToArray(bytes)).toEqual(bytes.toArray());
        const receive = socketReceiver();
        expect(receive !== null).toBe(typeof (Gio.Socket.prototype as unknown as Record<string, unknown>).receive_bytes === 'function');
        if (receive === null)
            return;
        const [a, b] = socketPair();
        try {
            a.send(new Uint8Array([7, 8, 9]), null);
            expect(receive(b, 256, -1)).toEqual(new Uint8Array([7, 8, 9]));
            expect(() => receive(b, 256, 0)).toThrowMatching(e => e instanceof GLib.Error && e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK));
            a.close();
            expect(receive(b, 256, -1).length).toBe(0); // EOF
        } finally {
            a.close();
            b.close();
        }
    });

    it('throws GLib.Error for a closed fd', () => {
        const file = Gio.File.new_for_path('/dev/null').read(null);
        const fd = streamFd(file);
        file.close(null);
        expect(() => setFdNonblocking(fd, true)).toThrowMatching(e => e instanceof GLib.Error);
    });
});

describe('kaa on this GJS prints nothing on stderr', () => {
    it('when imported', async () => {
        const r = await runExample(['gjs', '-m', 'test/notifier/fixtures/platform-child.js']);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe('imported\n');
        expect(r.status).toBe(0);
    }, 30000);

    it('when it wraps fds, pipes 1 MiB through cat, calls a worker and handles SIGTERM', async () => {
        const r = await runExample(['gjs', '-m', 'test/notifier/fixtures/platform-child.js', 'use']);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe('fd channels: 1048576 bytes\nprocess: 1048576 bytes\nworker: 5\nrun: 143\n');
        expect(r.status).toBe(0);
    }, 60000);
});
