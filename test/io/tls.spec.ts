// Socket.startTls(): a self-signed certificate made with certtool (Debian
// gnutls-bin) or openssl for this run; TLS echo, verification on by default,
// a CA given as PEM, a bad certificate, and the fd closed with the socket.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { main } from '../../src/notifier/loop.js';
import { SocketError } from '../../src/notifier/errors.js';
import { Socket } from '../../src/io/index.js';
import { pseudoRandom, rmtree, sha256, concat, tmpdir } from './helpers.js';
import { selfSigned } from './tls-helpers.js';

function openFds(): number {
    let n = 0;
    const e = Gio.File.new_for_path('/proc/self/fd').enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    while (e.next_file(null) !== null)
        n++;
    e.close(null);
    return n;
}

describe('Socket.startTls()', () => {
    let dir: string;
    let pem: { cert: string; key: string };
    let server: Socket;
    let port: number;
    let serverSide: Socket[];

    beforeAll(() => {
        dir = tmpdir();
        pem = selfSigned(dir);
    });
    afterAll(() => rmtree(dir));

    beforeEach(() => {
        server = new Socket();
        server.listen('127.0.0.1:0');
        port = (server.local as { port: number }).port;
        serverSide = [];
        server.signals.newClient.connect(client => {
            serverSide.push(client);
            client.startTls({ server: true, certificate: pem.cert, key: pem.key }).connectBoth(() => {
                client.signals.read.connect(data => void client.write(data));
            }, () => undefined);
        });
    });
    afterEach(() => {
        main.loop(() => serverSide.some(s => s.alive), 5);
        server.close();
    });

    it('echoes through TLS with the CA given as PEM, 1 MiB intact', () => {
        const client = new Socket({ queueSize: 2 * 1024 * 1024 });
        client.connect(`localhost:${port}`).wait(5);
        client.startTls({ ca: pem.cert }).wait(10);
        expect(client.tls).toBeTrue();
        const data = pseudoRandom(1024 * 1024, 7);
        client.write(data);
        const got: Uint8Array[] = [];
        let n = 0;
        while (n < data.length) {
            const chunk = client.read().wait(5);
            got.push(chunk);
            n += chunk.length;
        }
        expect(sha256(concat(got))).toBe(sha256(data));
        client.close().wait(5);
    });

    it('verifies the server by default: an unknown CA fails the handshake and closes the socket', () => {
        const client = new Socket();
        client.connect(`localhost:${port}`).wait(5);
        let closed: boolean | null = null;
        client.signals.closed.connect(expected => void (closed = expected));
        expect(() => client.startTls().wait(10)).toThrowMatching(e =>
            e instanceof SocketError && /handshake/.test(e.message) && e.cause instanceof GLib.Error);
        expect(client.alive).toBeFalse();
        expect(closed as boolean | null).toBe(false);
    });

    it('checks the server name: the right CA for the wrong name fails; verify: false accepts anything', () => {
        const wrong = new Socket();
        wrong.connect(`127.0.0.1:${port}`).wait(5);
        expect(() => wrong.startTls({ ca: pem.cert, serverName: 'example.org' }).wait(10)).toThrowError(SocketError);
        const trusting = new Socket();
        trusting.connect(`127.0.0.1:${port}`).wait(5);
        trusting.startTls({ verify: false }).wait(10);
        trusting.write('insecure but encrypted\n');
        expect(trusting.readline().wait(5)).toBe('insecure but encrypted\n');
        trusting.close({ immediate: true });
    });

    it('closes the TLS connection and its fd with the socket', () => {
        const before = openFds();
        const client = new Socket();
        client.connect(`localhost:${port}`).wait(5);
        client.startTls({ ca: pem.cert }).wait(10);
        client.write('x\n');
        expect(client.readline().wait(5)).toBe('x\n');
        client.close().wait(5);
        main.loop(() => serverSide.some(s => s.alive), 5);
        expect(openFds()).toBe(before);
    });

    it('rejects bad options and a socket that is not connected', () => {
        expect(() => new Socket().startTls()).toThrowError(SocketError, /not connected/);
        const client = new Socket();
        client.connect(`localhost:${port}`).wait(5);
        expect(() => client.startTls({ server: true } as unknown as { server: true; certificate: string }))
            .toThrowError(TypeError, /certificate/);
        expect(() => client.startTls({ server: true, certificate: 'garbage' })).toThrowError(TypeError, /PEM/);
        expect(() => client.startTls({ timeout: -1 })).toThrowError(TypeError, /timeout/);
        client.close({ immediate: true });
    });
});
