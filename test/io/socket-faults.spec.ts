// Socket under faults: an fd closed behind kaa's back while a connect is
// pending; a listener that runs out of fds (EMFILE) while clients wait.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { main } from '../../src/notifier/loop.js';
import { SocketError } from '../../src/notifier/errors.js';
import { Socket } from '../../src/io/index.js';
import { exhaustFds } from './helpers.js';

/** The fds of this process that are sockets. */
function socketFds(): Set<number> {
    const fds = new Set<number>();
    const e = Gio.File.new_for_path('/proc/self/fd').enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    for (let info = e.next_file(null); info !== null; info = e.next_file(null)) {
        try {
            if (GLib.file_read_link(`/proc/self/fd/${info.get_name()}`).startsWith('socket:'))
                fds.add(Number(info.get_name()));
        } catch {
            // the enumerator's own fd, gone meanwhile
        }
    }
    e.close(null);
    return fds;
}

/** A listening socket nobody accepts on, its queue full: a connect to it stays pending. */
function fullListener(): { address: string; close(): void } {
    const listener = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
    listener.bind(Gio.InetSocketAddress.new_from_string('127.0.0.1', 0), true);
    listener.set_listen_backlog(1);
    listener.listen();
    const address = listener.get_local_address();
    const fillers: Gio.Socket[] = [];
    for (let i = 0; i < 4; i++) {
        const s = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
        s.set_blocking(false);
        try {
            s.connect(address, null);
        } catch {
            // pending
        }
        fillers.push(s);
    }
    const port = (address as Gio.InetSocketAddress).get_port();
    return { address: `127.0.0.1:${port}`, close: () => [...fillers, listener].forEach(s => s.close()) };
}

/** Starts a connect to a listener whose queue is full and finds the fd of the pending connection. */
function pendingConnect() {
    const full = fullListener();
    const before = socketFds();
    const client = new Socket();
    const connecting = client.connect(full.address);
    let fd = -1;
    main.loop(() => {
        fd = [...socketFds()].find(n => !before.has(n)) ?? -1;
        return fd < 0 && !connecting.finished;
    }, 5);
    return { full, client, connecting, fd };
}

describe('Socket faults', () => {
    it('keeps listening through EMFILE in accept(): acceptError, backing off, accepting once fds are free', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const port = (server.local as { port: number }).port;
        const errors: SocketError[] = [];
        server.signals.acceptError.connect(error => void errors.push(error));
        const served: Socket[] = [];
        server.signals.newClient.connect(client => {
            served.push(client);
            client.write('hi\n');
        });
        const raw = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
        const hog = exhaustFds();
        try {
            raw.connect(Gio.InetSocketAddress.new_from_string('127.0.0.1', port), null);
            main.loop(() => errors.length < 2, 5);
            main.loop(() => true, 0.5);
            expect(errors.length).toBeGreaterThanOrEqual(2); // it tried again
            expect(errors.length).toBeLessThan(10); // backing off, not spinning
            expect(errors[0].message).toMatch(/accept\(\).*(Too many open files|EMFILE).*still listening; trying again in 0.05 s/);
            expect(errors[0].cause).toBeInstanceOf(GLib.Error);
            expect(server.listening).toBeTrue();
            expect(served.length).toBe(0);
        } finally {
            hog.free();
        }
        main.loop(() => served.length < 1, 5);
        expect(served.length).toBe(1);
        raw.set_timeout(5);
        const connection = raw.connection_factory_create_connection();
        const bytes = connection.get_input_stream().read_bytes(16, null);
        expect(new TextDecoder().decode(bytes.toArray())).toBe('hi\n');
        connection.close(null);
        served[0].close({ immediate: true });
        server.close();
    });

    it('aborts a pending connect whose fd was closed behind its back without throwing', () => {
        const { full, client, connecting, fd } = pendingConnect();
        expect(connecting.finished).toBeFalse();
        expect(fd).toBeGreaterThanOrEqual(0);
        GLib.close(fd);
        expect(() => connecting.abort()).not.toThrow();
        expect(client.connecting).toBeFalse();
        full.close();
    });

    it('fails a pending connect whose fd was closed behind its back with a SocketError, the loop going on', () => {
        const { full, client, connecting, fd } = pendingConnect();
        GLib.close(fd);
        expect(() => connecting.wait(10)).toThrowError(SocketError, /cannot connect/);
        expect(client.connecting).toBeFalse();
        full.close();
    });
});
