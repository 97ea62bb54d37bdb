// tcp-echo: 256 MiB (by default) sent through an echo server on 127.0.0.1
// and read back, in one process: the client writes 64 KiB chunks (each
// write waits for the previous one), the server writes back what it reads,
// the client counts what comes back. Timed from the connect to the last byte.
//   kaa: kaa.Socket listen()/connect(); the server echoes with
//        `for await (const chunk of client.chunks()) await client.write(chunk)`,
//        the client reads with a `read` signal handler; under kaa.main.run()
//   raw: Gio.SocketListener accept_async + Gio.SocketClient connect_async;
//        read_bytes_async(64 KiB) / write_all_async loops (Gio streams) in a
//        GLib.MainLoop
// usage: gjs -m bench/gjs/tcp-echo.js kaa|raw [bytes=268435456]
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const bytes = intArg(1, 268435456);
const CHUNK = 64 * 1024;
const payload = new Uint8Array(CHUNK).fill(0x61);

let echoed = 0;
let t0 = 0;
let cpu0 = 0;

function runKaa() {
    let error = null;
    const fail_ = e => {
        error ??= e;
        kaa.main.stop();
    };
    kaa.signals.exception.connect(e => {
        fail_(e);
        return false;
    });
    const server = new kaa.Socket();
    server.listen('127.0.0.1:0');
    server.signals.newClient.connect(client => {
        (async () => {
            for await (const chunk of client.chunks())
                await client.write(chunk);
            client.close();
        })().catch(fail_);
    });
    new kaa.OneShotTimer(async () => {
        try {
            cpu0 = cpuSeconds();
            t0 = now();
            const client = new kaa.Socket();
            await client.connect(`127.0.0.1:${server.local.port}`);
            client.signals.read.connect(data => {
                echoed += data.length;
                if (echoed >= bytes)
                    kaa.main.stop();
            });
            for (let sent = 0; sent < bytes; sent += CHUNK)
                await client.write(payload);
        } catch (e) {
            fail_(e);
        }
    }).start(0);
    kaa.main.run();
    if (error)
        throw error;
}

function runRaw() {
    const loop = new GLib.MainLoop(null, false);
    let error = null;
    const stop = e => {
        error ??= e;
        loop.quit();
    };
    const listener = new Gio.SocketListener();
    const port = listener.add_any_inet_port(null);
    // Both connections stay referenced until the end: a GSocketConnection
    // closes its streams when it is finalized, which a newer GJS's GC does
    // while the streams are still in use ("Stream is already closed", 1.82).
    const connections = [];
    const echo = conn => {
        connections.push(conn);
        const input = conn.get_input_stream();
        const output = conn.get_output_stream();
        const next = () => input.read_bytes_async(CHUNK, GLib.PRIORITY_DEFAULT, null, (s, res) => {
            try {
                const data = s.read_bytes_finish(res).toArray();
                if (data.length === 0)
                    return;
                output.write_all_async(data, GLib.PRIORITY_DEFAULT, null, (o, r) => {
                    try {
                        o.write_all_finish(r);
                        next();
                    } catch (e) {
                        stop(e);
                    }
                });
            } catch (e) {
                stop(e);
            }
        });
        next();
    };
    listener.accept_async(null, (l, res) => {
        try {
            echo(l.accept_finish(res)[0]);
        } catch (e) {
            stop(e);
        }
    });
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        cpu0 = cpuSeconds();
        t0 = now();
        new Gio.SocketClient().connect_to_host_async('127.0.0.1', port, null, (c, res) => {
            let conn;
            try {
                conn = c.connect_to_host_finish(res);
                connections.push(conn);
            } catch (e) {
                stop(e);
                return;
            }
            const input = conn.get_input_stream();
            const output = conn.get_output_stream();
            let sent = 0;
            const write = () => output.write_all_async(payload, GLib.PRIORITY_DEFAULT, null, (o, r) => {
                try {
                    o.write_all_finish(r);
                    sent += payload.length;
                    if (sent < bytes)
                        write();
                } catch (e) {
                    stop(e);
                }
            });
            const read = () => input.read_bytes_async(CHUNK, GLib.PRIORITY_DEFAULT, null, (s, r) => {
                try {
                    const data = s.read_bytes_finish(r).toArray();
                    echoed += data.length;
                    if (echoed >= bytes || !data.length)
                        loop.quit();
                    else
                        read();
                } catch (e) {
                    stop(e);
                }
            });
            write();
            read();
        });
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
    listener.close();
    if (error)
        throw error;
}

try {
    if (which === 'kaa')
        runKaa();
    else
        runRaw();
    const seconds = now() - t0;
    if (echoed !== bytes)
        throw new Error(`echoed ${echoed} bytes, expected ${bytes}`);
    report({ scenario: 'tcp-echo', impl: which, ops: echoed / 1048576, seconds, bytes: echoed,
        mib_per_s: echoed / 1048576 / seconds, cpu_s: cpuSeconds() - cpu0 });
} catch (e) {
    fail('tcp-echo', which, e);
}
