// An echo server on kaa.Socket: every line a client sends comes back.
//
//   npm run build
//   gjs -m examples/echo/server.js 12345                 # TCP on loopback (127.0.0.1) only
//   gjs -m examples/echo/server.js :12345                # TCP on every interface: other machines can connect
//   gjs -m examples/echo/server.js /tmp/echo.sock        # a Unix socket (mode 0600)
//   gjs -m examples/echo/server.js 12345 --tls           # TLS, throwaway self-signed certificate
//   gjs -m examples/echo/server.js 12345 --tls CERT.pem KEY.pem
//
// Try it with examples/echo/client.js, or `nc localhost 12345`. With --tls
// and no files, a certificate for "localhost" is made with certtool (Debian
// gnutls-bin) or openssl and its path printed: give it to the client as --ca.
// Ctrl-C stops the server; the exit status is kaa.main.run()'s (130).
import GLib from 'gi://GLib';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const decoder = new TextDecoder();

function usage(message) {
    printerr(`${message}\nusage: gjs -m examples/echo/server.js [ADDRESS=127.0.0.1:12345 | PORT (loopback) | :PORT (every interface) | PATH] [--tls [CERT.pem KEY.pem]]`);
    system.exit(2);
}

/** Makes a self-signed certificate for localhost in a fresh temporary directory. */
function throwawayCertificate() {
    const dir = GLib.dir_make_tmp('kaa-echo-XXXXXX');
    const cert = `${dir}/cert.pem`;
    const key = `${dir}/key.pem`;
    const template = `${dir}/template`;
    GLib.file_set_contents(template, 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\n' +
        'ip_address = ::1\nexpiration_days = 2\ntls_www_server\nsigning_key\nca\ncert_signing_key\n');
    const commands = [
        ['certtool', '--generate-privkey', '--key-type=ecdsa', '--no-text', '--outfile', key],
        ['certtool', '--generate-self-signed', '--load-privkey', key, '--template', template, '--outfile', cert],
    ];
    const openssl = [['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1']];
    const tool = GLib.find_program_in_path('certtool') ? commands : openssl;
    for (const argv of tool) {
        const [, , , status] = GLib.spawn_sync(null, argv, null, GLib.SpawnFlags.SEARCH_PATH, null);
        if (status !== 0)
            usage(`could not make a certificate with ${argv[0]} (install gnutls-bin or openssl)`);
    }
    return { cert, key };
}

function read(path) {
    try {
        return decoder.decode(GLib.file_get_contents(path)[1]);
    } catch (e) {
        return usage(`cannot read ${path}: ${e.message}`);
    }
}

const args = ARGV.filter(a => a !== '--tls');
const tls = ARGV.includes('--tls');
// A bare port is loopback here; every interface (kaa's listen(port)) only when asked for with ':PORT'.
const address = /^\d+$/.test(args[0] ?? '12345') ? `127.0.0.1:${args[0] ?? 12345}` : args[0];
let certificate = null;
let key = null;
if (tls) {
    const files = args[1] && args[2] ? { cert: args[1], key: args[2] } : throwawayCertificate();
    certificate = read(files.cert);
    key = read(files.key);
    print(`TLS certificate: ${files.cert}`);
}

const server = new kaa.Socket();
try {
    server.listen(address);
} catch (e) {
    usage(e.message);
}
const where = 'path' in server.local ? server.local.path : `port ${server.local.port}`;
print(`echo server listening on ${where}${tls ? ' (TLS)' : ''}; Ctrl-C to stop`);

let clients = 0;
server.signals.newClient.connect(client => {
    const id = ++clients;
    const { host, port } = client.peer;
    const from = 'path' in client.peer ? 'a Unix socket' : `${host.includes(':') ? `[${host}]` : host}:${port}`;
    print(`client ${id} connected from ${from}`);
    client.signals.closed.connect(() => print(`client ${id} gone`));
    const serve = async () => {
        if (tls)
            await client.startTls({ server: true, certificate, key });
        // lines() reads ahead at most queueSize (1 MiB); awaiting each write
        // keeps a client that sends faster than it reads from filling us up
        for await (const line of client.lines())
            await client.write(`${line}\n`);
        client.close();
    };
    serve().catch(e => {
        print(`client ${id}: ${e.message}`);
        client.close({ immediate: true });
    });
});

const status = kaa.main.run();
server.close();
print(`echo server stopped (${clients} client(s)), exit status ${status}`);
system.exit(status);
