// examples/echo: the server and client run as separate gjs processes, over
// TCP and a Unix socket, plain and with TLS (a throwaway certificate made by
// the server), and the server ends with kaa.main.run()'s status on SIGINT.
import GLib from 'gi://GLib';
import { runExample, spawnExample } from '../examples/example-child.js';

describe('examples/echo', () => {
    it('echoes lines over TCP, then stops on SIGINT with status 130', async () => {
        const server = spawnExample(['gjs', '-m', 'examples/echo/server.js', '0']);
        const listening = await server.waitFor('listening on port', 15);
        const port = /port (\d+)/.exec(listening)?.[1];
        const client = await runExample(['gjs', '-m', 'examples/echo/client.js', `localhost:${port}`, 'one', 'two words']);
        expect(client.stderr).toBe('');
        expect(client.stdout).toContain('sent "one", got back "one"');
        expect(client.stdout).toContain('sent "two words", got back "two words"');
        expect(client.status).toBe(0);
        await server.waitFor('client 1 gone', 10);
        server.kill(2);
        const r = await server.done;
        expect(r.status).toBe(130);
        expect(r.stdout).toMatch(/client 1 connected from \[::1\]:\d+|client 1 connected from 127\.0\.0\.1:\d+/);
        expect(r.stdout).toContain('echo server stopped (1 client(s)), exit status 130');
    });

    it('echoes over a Unix socket with TLS, and the client refuses the server without the CA', async () => {
        const dir = GLib.dir_make_tmp('kaa-echo-spec-XXXXXX');
        const path = `${dir}/echo.sock`;
        const server = spawnExample(['gjs', '-m', 'examples/echo/server.js', path, '--tls']);
        const certLine = await server.waitFor('TLS certificate:', 20);
        await server.waitFor('listening on', 10);
        const cert = certLine.split(': ')[1];
        const ok = await runExample(['gjs', '-m', 'examples/echo/client.js', path, '--tls', '--ca', cert, 'secret']);
        // (Failed once in ~40 runs on GJS 1.90 with only 'connected to' on stdout: the stderr says why.)
        expect(ok.stdout).withContext(ok.stderr).toContain('TLS handshake done');
        expect(ok.stdout).withContext(ok.stderr).toContain('sent "secret", got back "secret"');
        expect(ok.status).withContext(ok.stderr).toBe(0);
        const refused = await runExample(['gjs', '-m', 'examples/echo/client.js', path, '--tls', 'secret']);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/handshake .* failed/);
        server.kill(15);
        expect((await server.done).status).toBe(143);
        expect(GLib.file_test(path, GLib.FileTest.EXISTS)).toBeFalse();
        GLib.rmdir(dir);
    });
});
