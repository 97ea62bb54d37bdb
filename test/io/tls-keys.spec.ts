// startTls({server: true}) checks that the key belongs to the certificate
// (RSA, ECDSA and Ed25519 pairs made by certtool): a mismatch is a TypeError
// at once instead of a server whose every client is reset.
import { main } from '../../src/notifier/loop.js';
import { Socket } from '../../src/io/index.js';
import { rmtree, tmpdir } from './helpers.js';
import { certtoolCertificate, privateKey } from './tls-helpers.js';

/** A connected pair: [the server's side, the client]. */
function pair(): { served: Socket; client: Socket; close(): void } {
    const server = new Socket();
    server.listen('127.0.0.1:0');
    const client = new Socket();
    client.connect(`127.0.0.1:${(server.local as { port: number }).port}`).wait(5);
    const served = server.accept().wait(5);
    return { served, client, close: () => {
        client.close({ immediate: true });
        served.close({ immediate: true });
        server.close();
    } };
}

describe('Socket.startTls({server: true}) key check', () => {
    let dir: string;
    beforeAll(() => void (dir = tmpdir()));
    afterAll(() => rmtree(dir));

    for (const type of ['ecdsa', 'rsa', 'ed25519'] as const) {
        it(`refuses a ${type} key that is not the certificate's, and serves with the right one`, () => {
            const key = privateKey(dir, `${type}-right`, type);
            const other = privateKey(dir, `${type}-other`, type);
            const certificate = certtoolCertificate(dir, type, key, '');
            const wrong = pair();
            expect(() => wrong.served.startTls({ server: true, certificate, key: other }))
                .toThrowError(TypeError, /`key` does not match `certificate`: the certificate's public key is not the public half of the key/);
            expect(() => wrong.served.startTls({ server: true, certificate: `${certificate}\n${other}` }))
                .toThrowError(TypeError, /does not match/);
            expect(wrong.served.tls).toBeFalse();
            wrong.close();
            const right = pair();
            const serving = right.served.startTls({ server: true, certificate, key });
            right.client.startTls({ verify: false }).wait(10);
            serving.wait(10);
            right.served.signals.readline.connect(line => void right.served.write(line));
            right.client.write('hello\n');
            expect(right.client.readline().wait(5)).toBe('hello\n');
            right.close();
            main.loop(() => right.served.alive, 5);
        });
    }

    it('refuses a key of another type, and a server certificate without a key', () => {
        const ec = privateKey(dir, 'ec', 'ecdsa');
        const rsa = privateKey(dir, 'rsa', 'rsa');
        const certificate = certtoolCertificate(dir, 'ec', ec, '');
        const p = pair();
        expect(() => p.served.startTls({ server: true, certificate, key: rsa }))
            .toThrowError(TypeError, /does not match `certificate`: the key is of another type/);
        expect(() => p.served.startTls({ server: true, certificate }))
            .toThrowError(TypeError, /needs the private key/);
        p.close();
    });
});
