// IO under allocation pressure: GJS 1.74 refuses GLib callbacks while an
// incremental GC sweeps, and GLib drops the sources it refused. A pipe and a
// TLS-free socket keep moving data intact while the handlers make garbage:
// kaa re-arms the fd watches it finds gone (main.statistics().drops counts
// them; how many depends on when SpiderMonkey collects, so it is not asserted).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { IOChannel, Socket } from '../../src/io/index.js';
import { reap, sha256, pseudoRandom, concat } from './helpers.js';

let junk: Uint8Array[] = [];
/** About 1 MB of short-lived garbage. */
function garbage(): void {
    for (let i = 0; i < 1000; i++)
        junk.push(new Uint8Array(1024));
    if (junk.length > 50000)
        junk = [];
}

describe('IO under GC pressure', () => {
    afterEach(() => {
        junk = [];
    });

    it('reads 128 MiB from a pipe to the end while its handler makes garbage', () => {
        const size = 128 * 1024 * 1024;
        const proc = Gio.Subprocess.new(['head', '-c', String(size), '/dev/zero'], Gio.SubprocessFlags.STDOUT_PIPE);
        const channel = new IOChannel(proc.get_stdout_pipe() as Gio.InputStream);
        let total = 0;
        channel.signals.read.connect(data => {
            total += data.length;
            garbage();
        });
        main.loop(() => channel.alive, 18);
        expect(total).toBe(size);
        channel.close();
        reap(proc);
    });

    it('echoes 8 MiB over a Unix socket intact while both ends make garbage', () => {
        const server = new Socket();
        const path = `${GLib.dir_make_tmp('kaa-gc-XXXXXX')}/s`;
        server.listen(path);
        server.signals.newClient.connect(client => {
            client.signals.read.connect(data => {
                garbage();
                client.write(data);
            });
        });
        const client = new Socket({ queueSize: 16 * 1024 * 1024 });
        client.connect(path).wait(5);
        const data = pseudoRandom(8 * 1024 * 1024, 3);
        const got: Uint8Array[] = [];
        let n = 0;
        client.signals.read.connect(chunk => {
            got.push(chunk);
            n += chunk.length;
            garbage();
        });
        client.write(data);
        main.loop(() => n < data.length, 18);
        expect(sha256(concat(got))).toBe(sha256(data));
        client.close({ immediate: true });
        main.loop(true, 0.05);
        server.close();
        Gio.File.new_for_path(path).get_parent()?.delete(null);
    });
});
