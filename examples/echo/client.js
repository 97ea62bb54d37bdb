// The client of examples/echo/server.js: sends each message as a line and
// prints what comes back.
//
//   gjs -m examples/echo/client.js localhost:12345 hello world
//   gjs -m examples/echo/client.js /tmp/echo.sock hello
//   gjs -m examples/echo/client.js localhost:12345 --tls --ca /tmp/kaa-echo-XXXXXX/cert.pem hello
//   gjs -m examples/echo/client.js localhost:12345 --tls --insecure hello   # no certificate check
//
// With --tls the server's certificate is verified against the system's CAs
// and the host name, plus the CA given with --ca. Exit status 0 when every
// line came back as it was sent, 1 otherwise.
import GLib from 'gi://GLib';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const argv = [...ARGV];
const take = flag => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv.splice(i, flag === '--ca' ? 2 : 1) : null;
};
const tls = take('--tls') !== null;
const insecure = take('--insecure') !== null;
const caFile = take('--ca')?.[1] ?? null;
const address = argv.shift() ?? 'localhost:12345';
const messages = argv.length ? argv : ['hello', 'world'];

async function main() {
    const socket = new kaa.Socket();
    await socket.connect(/^\d+$/.test(address) ? Number(address) : address);
    print(`connected to ${address}`);
    if (tls) {
        const ca = caFile ? new TextDecoder().decode(GLib.file_get_contents(caFile)[1]) : null;
        await socket.startTls({ ca, verify: !insecure });
        print('TLS handshake done');
    }
    let ok = true;
    for (const message of messages) {
        await socket.write(`${message}\n`);
        const reply = await socket.readline();
        print(`sent ${JSON.stringify(message)}, got back ${JSON.stringify(reply.trimEnd())}`);
        ok &&= reply === `${message}\n`;
    }
    await socket.close();
    return ok ? 0 : 1;
}

let exitStatus = 1;
new kaa.OneShotTimer(() => {
    main().then(status => {
        exitStatus = status;
    }, e => {
        printerr(`echo client: ${e.message}`);
    }).finally(() => kaa.main.stop());
}).start(0);
kaa.main.run();
system.exit(exitStatus);
