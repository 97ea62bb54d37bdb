// What a TLS client trusts, and says when it refuses: a session resumed
// from a connection that trusted the server (`verify: false` or `ca`) must
// not carry that trust into a connection with default verification (an
// openssl s_server, which issues TLS 1.3 session tickets, is the peer);
// every refusal names its reason.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { main } from '../../src/notifier/loop.js';
import { SocketError } from '../../src/notifier/errors.js';
import { Socket } from '../../src/io/index.js';
import { rmtree, tmpdir } from './helpers.js';
import { certtoolCertificate, opensslServer, privateKey, selfSigned, type OpensslServer } from './tls-helpers.js';

/** A client connected to 127.0.0.1:`port` whose TLS is started with `options`, or the error it failed with. */
function startTls(port: number, options: Parameters<Socket['startTls']>[0]): { socket: Socket; error: unknown } {
    const socket = new Socket();
    socket.connect(`localhost:${port}`).wait(5);
    try {
        socket.startTls(options).wait(10);
        return { socket, error: null };
    } catch (error) {
        return { socket, error };
    }
}

type HandshakeAsync = Gio.TlsConnection['handshake_async'];

/**
 * Makes every TLS connection's `handshake_async()` drop its callback into
 * `dropped` (the handshake still runs inside Gio); returns the undo. GJS
 * defines the method again on the prototype of each backend class, so each
 * of them is patched.
 */
function dropCompletionCallbacks(dropped: unknown[]): () => void {
    const socket = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
    const probe = Gio.TlsClientConnection.new(socket.connection_factory_create_connection(), null);
    const patched: [object, HandshakeAsync][] = [];
    for (let proto = Object.getPrototypeOf(probe) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
        if (!Object.prototype.hasOwnProperty.call(proto, 'handshake_async'))
            continue;
        const original = (proto as { handshake_async: HandshakeAsync }).handshake_async;
        patched.push([proto, original]);
        (proto as { handshake_async: HandshakeAsync }).handshake_async = function (this: Gio.TlsConnection,
            priority: number, cancellable: Gio.Cancellable | null, callback: unknown) {
            dropped.push(callback);
            return original.call(this, priority, cancellable, () => undefined);
        } as HandshakeAsync;
    }
    socket.close();
    return () => {
        for (const [proto, original] of patched)
            (proto as { handshake_async: HandshakeAsync }).handshake_async = original;
    };
}

function refusal(error: unknown): string {
    expect(error).toBeInstanceOf(SocketError);
    expect((error as SocketError).cause).toBeInstanceOf(GLib.Error);
    return (error as Error).message;
}

describe('Socket.startTls() trust', () => {
    let dir: string;
    let pem: { cert: string; key: string };
    let server: OpensslServer | null;

    beforeAll(() => {
        dir = tmpdir();
        pem = selfSigned(dir);
    });
    afterAll(() => rmtree(dir));
    beforeEach(() => void (server = null));
    afterEach(() => server?.stop());

    for (const [trust, options] of [['verify: false', { verify: false }], ['a CA', null]] as const) {
        it(`does not let a session resumed after trusting the server with ${trust} skip default verification`, () => {
            server = opensslServer(dir, pem.cert, pem.key);
            const port = server.port;
            const trusting = startTls(port, options ?? { ca: pem.cert });
            expect(trusting.error).toBeNull();
            trusting.socket.write('ticket\n');
            expect(trusting.socket.readline().wait(5)).toBe('tekcit\n'); // the session ticket came with it
            trusting.socket.close().wait(5);
            for (let i = 0; i < 2; i++) {
                const strict = startTls(port, {});
                expect(refusal(strict.error)).toMatch(/unknown authority/);
                expect(strict.socket.alive).toBeFalse();
            }
            const again = startTls(port, options ?? { ca: pem.cert });
            expect(again.error).toBeNull();
            again.socket.close({ immediate: true });
        });
    }

    it('gives the same verdict when the completion callback never comes (GJS may drop it during a GC)', () => {
        server = opensslServer(dir, pem.cert, pem.key);
        const dropped: unknown[] = [];
        const restore = dropCompletionCallbacks(dropped);
        try {
            const trusting = startTls(server.port, { verify: false });
            expect(trusting.error).toBeNull();
            trusting.socket.write('ticket\n');
            expect(trusting.socket.readline().wait(5)).toBe('tekcit\n');
            trusting.socket.close().wait(5);
            const strict = startTls(server.port, {});
            expect(refusal(strict.error)).toMatch(/unknown authority/);
            expect(dropped.length).toBe(2);
        } finally {
            restore();
        }
    });

    it('says why it refused: unknown authority, name mismatch, expired, not activated', () => {
        const key = privateKey(dir, 'dates', 'ecdsa');
        const cases: [string, string, Parameters<Socket['startTls']>[0] | null, RegExp][] = [
            ['unknown', pem.cert, {}, /unknown authority/],
            ['name', pem.cert, { ca: pem.cert, serverName: 'example.org' }, /name mismatch \(not valid for "example.org"\)/],
            ['expired', certtoolCertificate(dir, 'expired', key,
                'activation_date = "2020-01-01 00:00:00"\nexpiration_date = "2021-01-01 00:00:00"\nca\ncert_signing_key'),
            null, /expired/],
            ['future', certtoolCertificate(dir, 'future', key,
                'activation_date = "2090-01-01 00:00:00"\nexpiration_date = "2091-01-01 00:00:00"\nca\ncert_signing_key'),
            null, /not activated/],
        ];
        for (const [name, cert, options, reason] of cases) {
            server = opensslServer(dir, cert, name === 'unknown' || name === 'name' ? pem.key : key);
            const attempt = startTls(server.port, options ?? { ca: cert });
            expect(refusal(attempt.error)).withContext(name).toMatch(reason);
            expect(refusal(attempt.error)).withContext(name).not.toMatch(/Unacceptable TLS certificate/);
            server.stop();
            server = null;
        }
    });

    it('hands a kaa server\'s client over only after the check, and verify: false still accepts anything', () => {
        const kaaServer = new Socket();
        kaaServer.listen('127.0.0.1:0');
        const port = (kaaServer.local as { port: number }).port;
        const served: Socket[] = [];
        kaaServer.signals.newClient.connect(client => {
            served.push(client);
            client.startTls({ server: true, certificate: pem.cert, key: pem.key }).connectBoth(
                () => client.signals.read.connect(data => void client.write(data)), () => undefined);
        });
        const trusting = startTls(port, { verify: false });
        expect(trusting.error).toBeNull();
        trusting.socket.write('x\n');
        expect(trusting.socket.readline().wait(5)).toBe('x\n');
        trusting.socket.close().wait(5);
        expect(refusal(startTls(port, {}).error)).toMatch(/unknown authority/);
        main.loop(() => served.some(s => s.alive), 5);
        kaaServer.close();
    });
});
