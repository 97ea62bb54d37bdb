// pipe-throughput: 1 GiB (by default) from `head -c BYTES /dev/zero`, a
// Gio.Subprocess with STDOUT_PIPE, read to the end; every chunk reaches JS
// as a Uint8Array and is counted. Timed from the spawn to the end of file.
//   kaa: new kaa.IOChannel(proc.get_stdout_pipe()), a `read` signal handler
//        counting the chunks, under kaa.main.run(); `closed` stops the loop
//   raw: a read_bytes_async(64 KiB) loop in a GLib.MainLoop, each GLib.Bytes
//        checked with get_size() and turned into a Uint8Array with toArray()
//        (the idiom of gjs.guide; get_size() makes GJS 1.74 keep every
//        buffer, hence its ~1.1 GiB RSS)
// Reports MiB/s (`ops` is MiB) and the peak RSS (`max_rss_mib`, VmHWM).
// usage: gjs -m bench/gjs/pipe-throughput.js kaa|raw [bytes=1073741824]
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import * as kaa from '../../dist/kaa.js';
import { now, cpuSeconds, impl, intArg, report, fail } from './_util.js';

const which = impl();
const bytes = intArg(1, 1073741824);
const CHUNK = 64 * 1024;

let total = 0;
let chunks = 0;
let t0 = 0;
let cpu0 = 0;

function spawn() {
    return Gio.Subprocess.new(['head', '-c', String(bytes), '/dev/zero'], Gio.SubprocessFlags.STDOUT_PIPE);
}

function runKaa() {
    let error = null;
    new kaa.OneShotTimer(() => {
        cpu0 = cpuSeconds();
        t0 = now();
        const channel = new kaa.IOChannel(spawn().get_stdout_pipe(), { chunkSize: CHUNK });
        channel.signals.read.connect(data => {
            total += data.length;
            chunks++;
        });
        channel.signals.closed.connect(() => kaa.main.stop());
    }).start(0);
    kaa.signals.exception.connect(e => {
        error = e;
        kaa.main.stop();
        return false;
    });
    kaa.main.run();
    if (error)
        throw error;
}

function runRaw() {
    const loop = new GLib.MainLoop(null, false);
    let error = null;
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        cpu0 = cpuSeconds();
        t0 = now();
        const stream = spawn().get_stdout_pipe();
        const next = () => stream.read_bytes_async(CHUNK, GLib.PRIORITY_DEFAULT, null, (s, res) => {
            try {
                const gbytes = s.read_bytes_finish(res);
                if (gbytes.get_size() === 0) {
                    loop.quit();
                    return;
                }
                total += gbytes.toArray().length;
                chunks++;
                next();
            } catch (e) {
                error = e;
                loop.quit();
            }
        });
        next();
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
    if (error)
        throw error;
}

try {
    if (which === 'kaa')
        runKaa();
    else
        runRaw();
    const seconds = now() - t0;
    if (total !== bytes)
        throw new Error(`read ${total} bytes, expected ${bytes}`);
    report({ scenario: 'pipe-throughput', impl: which, ops: total / 1048576, seconds, bytes: total, chunks,
        mib_per_s: total / 1048576 / seconds, avg_chunk: total / chunks, cpu_s: cpuSeconds() - cpu0 });
} catch (e) {
    fail('pipe-throughput', which, e);
}
