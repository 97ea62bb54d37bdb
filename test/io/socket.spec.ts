// Socket: TCP and Unix echo, addresses, stale and live Unix socket files,
// accept() without autoAccept, refusing clients, connection errors.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { main } from '../../src/notifier/loop.js';
import { SocketError } from '../../src/notifier/errors.js';
import { Socket } from '../../src/io/index.js';
import { rmtree, tmpdir } from './helpers.js';

/** Makes `server` echo every line back. */
function echo(server: Socket): Socket[] {
    const clients: Socket[] = [];
    server.signals.newClient.connect(client => {
        clients.push(client);
        client.signals.readline.connect(line => void client.write(line));
    });
    return clients;
}

function mode(path: string): number {
    return Gio.File.new_for_path(path).query_info('unix::mode', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null)
        .get_attribute_uint32('unix::mode') & 0o777;
}

describe('Socket', () => {
    let dir: string;
    beforeEach(() => {
        dir = tmpdir();
    });
    afterEach(() => {
        rmtree(dir);
    });

    it('echoes over TCP on 127.0.0.1, with local and peer addresses', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        expect(server.listening).toBeTrue();
        const local = server.local as { host: string; port: number };
        expect(local.host).toBe('127.0.0.1');
        expect(local.port).toBeGreaterThan(0);
        const clients = echo(server);
        const client = new Socket();
        const connecting = client.connect(`127.0.0.1:${local.port}`);
        expect(client.connecting).toBeTrue();
        connecting.wait(5);
        expect(client.connected).toBeTrue();
        expect(client.peer).toEqual({ host: '127.0.0.1', port: local.port });
        client.write('ping\n');
        expect(client.readline().wait(5)).toBe('ping\n');
        expect(clients.length).toBe(1);
        expect(clients[0].peer).toEqual(client.local);
        client.close().wait(5);
        main.loop(() => clients[0].alive, 5);
        expect(clients[0].alive).toBeFalse();
        server.close();
        expect(server.alive).toBeFalse();
    });

    it('listens on every interface for a bare port (IPv6 and IPv4) and tries every address of a name', () => {
        const server = new Socket();
        server.listen(0);
        const { port } = server.local as { host: string; port: number };
        echo(server);
        for (const address of [`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`]) {
            const client = new Socket();
            client.connect(address).wait(5);
            client.write(`${address}\n`);
            expect(client.readline().wait(5)).toBe(`${address}\n`);
            client.close({ immediate: true });
        }
        main.loop(true, 0.05);
        server.close();
        // an IPv4-only server: 'localhost' tries ::1 first, then 127.0.0.1
        const v4 = new Socket();
        v4.listen('127.0.0.1:0');
        echo(v4);
        const client = new Socket();
        client.connect(`localhost:${(v4.local as { port: number }).port}`).wait(5);
        expect((client.peer as { host: string }).host).toBe('127.0.0.1');
        client.close({ immediate: true });
        main.loop(true, 0.05);
        v4.close();
    });

    it('echoes over a Unix socket created 0600, and removes the file on close', () => {
        const path = `${dir}/echo.sock`;
        const server = new Socket();
        server.listen(path);
        expect(server.local).toEqual({ path });
        expect(mode(path)).toBe(0o600);
        echo(server);
        const client = new Socket();
        client.connect(path).wait(5);
        client.write('over unix\n');
        expect(client.readline().wait(5)).toBe('over unix\n');
        client.close({ immediate: true });
        main.loop(true, 0.05);
        server.close();
        expect(GLib.file_test(path, GLib.FileTest.EXISTS)).toBeFalse();
        const open = new Socket();
        open.listen(path, { mode: 0o660 });
        expect(mode(path)).toBe(0o660);
        open.close();
    });

    it('replaces a stale socket file, refuses a live one, and never replaces other files', () => {
        const path = `${dir}/stale.sock`;
        const dead = Gio.Socket.new(Gio.SocketFamily.UNIX, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
        dead.bind(Gio.UnixSocketAddress.new(path), false);
        dead.close(); // the file stays, nobody listens
        expect(GLib.file_test(path, GLib.FileTest.EXISTS)).toBeTrue();
        const server = new Socket();
        server.listen(path);
        expect(() => new Socket().listen(path)).toThrowMatching(e => e instanceof SocketError && /address in use/.test(e.message));
        expect(server.listening).toBeTrue();
        server.close();
        const plain = `${dir}/not-a-socket`;
        GLib.file_set_contents(plain, 'keep me');
        expect(() => new Socket().listen(plain)).toThrowError(SocketError, /not a socket/);
        expect(GLib.file_test(plain, GLib.FileTest.EXISTS)).toBeTrue();
    });

    it('with autoAccept false, accepts only for accept() calls; a newClientConnecting handler returning false refuses', () => {
        const server = new Socket({ autoAccept: false });
        server.listen('127.0.0.1:0');
        const { port } = server.local as { port: number };
        const client = new Socket();
        client.connect(`127.0.0.1:${port}`).wait(5);
        const accepted = server.accept().wait(5);
        expect(accepted).toBeInstanceOf(Socket);
        expect(accepted.connected).toBeTrue();
        client.write('to the accepted one\n');
        expect(accepted.readline().wait(5)).toBe('to the accepted one\n');
        accepted.close({ immediate: true });
        client.close({ immediate: true });
        server.close();

        const picky = new Socket();
        picky.listen('127.0.0.1:0');
        let offered = 0;
        picky.signals.newClientConnecting.connect(() => {
            offered++;
            return false;
        });
        const clients = echo(picky);
        const refused = new Socket();
        refused.connect(`127.0.0.1:${(picky.local as { port: number }).port}`).wait(5);
        let closed: boolean | null = null;
        refused.signals.closed.connect(expected => void (closed = expected));
        refused.signals.read.connect(() => undefined);
        main.loop(() => closed === null, 5);
        expect(offered).toBe(1);
        expect(clients.length).toBe(0);
        expect(closed as boolean | null).toBe(false);
        picky.close();
    });

    it('keeps clients nobody took for the next accept(), and fails pending accept() on close', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const client = new Socket();
        client.connect(`127.0.0.1:${(server.local as { port: number }).port}`).wait(5);
        const first = server.accept().wait(5);
        expect(first.connected).toBeTrue();
        const pending = server.accept();
        server.close();
        expect(pending.failed).toBeTrue();
        expect(String(pending.exception)).toMatch(/closed/);
        first.close({ immediate: true });
        client.close({ immediate: true });
    });

    it('fails connect() with a SocketError naming the address, and rejects bad addresses with a TypeError', () => {
        const port = (() => {
            const s = new Socket();
            s.listen('127.0.0.1:0');
            const p = (s.local as { port: number }).port;
            s.close();
            return p;
        })();
        const client = new Socket();
        expect(() => client.connect(`127.0.0.1:${port}`).wait(5)).toThrowMatching(e =>
            e instanceof SocketError && e.message.includes(`127.0.0.1:${port}`) && /refused/i.test(e.message) &&
            e.cause instanceof GLib.Error);
        expect(() => client.connect(`${dir}/missing.sock`).wait(5)).toThrowError(SocketError, /missing\.sock/);
        expect(() => client.connect('nonsense' as string)).toThrowError(TypeError, /"nonsense"/);
        expect(() => client.connect('host:99999')).toThrowError(TypeError, /port/);
        expect(() => client.connect({} as unknown as string)).toThrowError(TypeError, /an object/);
        expect(() => new Socket().listen(80.5)).toThrowError(TypeError, /80\.5/);
        expect(() => new Socket().listen(0, { backlog: 0 })).toThrowError(TypeError, /backlog/);
    });

    it('aborts a connect() in progress', () => {
        // a server whose accept queue is full makes the kernel drop new SYNs: connect() stays pending
        const server = new Socket({ autoAccept: false });
        server.listen('127.0.0.1:0', { backlog: 1 });
        const address = `127.0.0.1:${(server.local as { port: number }).port}`;
        const clients: Socket[] = [];
        let pending = null;
        for (let i = 0; i < 10 && !pending; i++) {
            const client = new Socket();
            clients.push(client);
            const ip = client.connect(address);
            main.loop(() => !ip.finished, 0.1);
            if (!ip.finished)
                pending = { client, ip };
        }
        expect(pending).not.toBeNull();
        if (pending) {
            pending.ip.abort();
            expect(pending.ip.failed).toBeTrue();
            expect(pending.client.connecting).toBeFalse();
            expect(pending.client.alive).toBeFalse();
        }
        clients.forEach(c => c.close({ immediate: true }));
        server.close();
    });

    it('refuses to connect or listen twice', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        expect(() => server.listen('127.0.0.1:0')).toThrowError(SocketError, /already listening/);
        expect(() => server.connect('127.0.0.1:1')).toThrowError(SocketError, /already listening/);
        server.close();
    });
});
