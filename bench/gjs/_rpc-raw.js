// The raw-GJS side of the worker benchmarks: how a GJS program would do a
// request/reply call to a second gjs process without kaa.
//
// Parent: `new RawRpc()` spawns `gjs -m bench/gjs/_rpc-raw.js child` with
// Gio.Subprocess (STDIN_PIPE | STDOUT_PIPE), sends frames with
// write_bytes_async (a queue, partial writes handled) and reads them with a
// read_bytes_async loop. Child: the same reader/writer on its stdin/stdout.
//
// Frame: u32 LE JSON length | u32 LE payload length | JSON header | payload
// (the payload travels raw). Methods: `noop` → null, `length` → the payload's length, `echo` → the payload
// back, `burn` (n) → a CPU-bound sum.
//
// GJS 1.74 drops async completions during an incremental GC (DESIGN.md §1),
// so, as every raw program on 1.74 must, both sides finish a GC with
// System.gc() every 2000 small / 16 payload frames, else the run stalls.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const GC_SMALL = 2000;
const GC_PAYLOAD = 16;

class Gc {
    #small = 0;
    #payload = 0;

    count(payloadBytes) {
        if (payloadBytes > 0 ? ++this.#payload % GC_PAYLOAD === 0 : ++this.#small % GC_SMALL === 0)
            System.gc();
    }
}

/** Writes frames to an output stream, one write_bytes_async at a time. */
class Writer {
    #stream;
    #queue = [];
    #busy = false;

    constructor(stream) {
        this.#stream = stream;
    }

    send(header, payload = null) {
        const json = encoder.encode(JSON.stringify(header));
        const frame = new Uint8Array(8 + json.length + (payload?.length ?? 0));
        const view = new DataView(frame.buffer);
        view.setUint32(0, json.length, true);
        view.setUint32(4, payload?.length ?? 0, true);
        frame.set(json, 8);
        if (payload)
            frame.set(payload, 8 + json.length);
        this.#queue.push(GLib.Bytes.new(frame));
        if (!this.#busy)
            this.#next();
    }

    #next() {
        const bytes = this.#queue.shift();
        if (!bytes) {
            this.#busy = false;
            return;
        }
        this.#busy = true;
        this.#stream.write_bytes_async(bytes, GLib.PRIORITY_DEFAULT, null, (s, res) => {
            const n = s.write_bytes_finish(res);
            if (n < bytes.get_size())
                this.#queue.unshift(GLib.Bytes.new_from_bytes(bytes, n, bytes.get_size() - n));
            this.#next();
        });
    }
}

/** Reads frames from an input stream with a read_bytes_async loop. */
class Reader {
    #stream;
    #onFrame;
    #onEnd;
    #chunks = [];
    #have = 0;

    constructor(stream, onFrame, onEnd) {
        this.#stream = stream;
        this.#onFrame = onFrame;
        this.#onEnd = onEnd;
        this.#read();
    }

    #read() {
        this.#stream.read_bytes_async(65536, GLib.PRIORITY_DEFAULT, null, (s, res) => {
            const bytes = s.read_bytes_finish(res);
            if (bytes.get_size() === 0) {
                this.#onEnd();
                return;
            }
            this.#chunks.push(bytes.toArray());
            this.#have += bytes.get_size();
            this.#parse();
            this.#read();
        });
    }

    #parse() {
        for (;;) {
            if (this.#have < 8)
                return;
            const head = this.#peek(8);
            const view = new DataView(head.buffer, head.byteOffset, 8);
            const jsonLength = view.getUint32(0, true), payloadLength = view.getUint32(4, true);
            if (this.#have < 8 + jsonLength + payloadLength)
                return;
            const all = this.#peek(8 + jsonLength + payloadLength);
            this.#drop(8 + jsonLength + payloadLength);
            const header = JSON.parse(decoder.decode(all.subarray(8, 8 + jsonLength)));
            this.#onFrame(header, payloadLength ? all.subarray(8 + jsonLength) : null);
        }
    }

    #peek(n) {
        if (this.#chunks[0].length >= n)
            return this.#chunks[0];
        const out = new Uint8Array(n);
        let at = 0;
        for (const c of this.#chunks) {
            const k = Math.min(c.length, n - at);
            out.set(c.subarray(0, k), at);
            at += k;
            if (at === n)
                break;
        }
        return out;
    }

    #drop(n) {
        this.#have -= n;
        while (n > 0) {
            const c = this.#chunks[0];
            if (c.length <= n) {
                this.#chunks.shift();
                n -= c.length;
            } else {
                this.#chunks[0] = c.subarray(n);
                n = 0;
            }
        }
    }
}

/** The parent side: `await rpc.call(method, arg, payload)`. */
export class RawRpc {
    #proc;
    #writer;
    #pending = new Map();
    #nextId = 1;
    #gc = new Gc();
    #exited;

    constructor() {
        const child = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '_rpc-raw.js']);
        this.#proc = Gio.Subprocess.new(['gjs', '-m', child, 'child'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
        this.#writer = new Writer(this.#proc.get_stdin_pipe());
        this.#exited = new Promise(resolve => {
            new Reader(this.#proc.get_stdout_pipe(), (header, payload) => {
                this.#gc.count(payload?.length ?? 0);
                const resolveCall = this.#pending.get(header.id);
                this.#pending.delete(header.id);
                resolveCall(payload ?? header.result);
            }, resolve);
        });
    }

    call(method, arg = null, payload = null) {
        return new Promise(resolve => {
            const id = this.#nextId++;
            this.#pending.set(id, resolve);
            this.#writer.send({ id, method, arg }, payload);
        });
    }

    stop() {
        this.#proc.get_stdin_pipe().close(null);
        return this.#exited;
    }
}

function burn(n) {
    let s = 0;
    for (let i = 0; i < n; i++)
        s = (s + i * i) % 1000003;
    return s;
}

/**
 * The Unix fd stream classes: in GioUnix since GLib 2.80 (on GJS 1.82 the
 * Gio.Unix* names print deprecation warnings), in Gio before. Feature-detected
 * the way kaa's platform.ts does it (a bench script cannot import src/).
 */
function unixStreams() {
    try {
        const GioUnix = imports.gi.GioUnix;
        if (GioUnix?.InputStream && GioUnix?.OutputStream)
            return { Input: GioUnix.InputStream, Output: GioUnix.OutputStream };
    } catch {
        // no GioUnix typelib: GLib < 2.80
    }
    return { Input: Gio.UnixInputStream, Output: Gio.UnixOutputStream };
}

if (ARGV[0] === 'child') {
    const loop = new GLib.MainLoop(null, false);
    const { Input, Output } = unixStreams();
    const writer = new Writer(new Output({ fd: 1, close_fd: false }));
    const gc = new Gc();
    new Reader(new Input({ fd: 0, close_fd: false }), (header, payload) => {
        gc.count(payload?.length ?? 0);
        if (header.method === 'echo')
            writer.send({ id: header.id }, payload);
        else
            writer.send({ id: header.id, result: header.method === 'burn' ? burn(header.arg) : header.method === 'length' ? payload?.length ?? 0 : null });
    }, () => loop.quit());
    loop.run();
}
