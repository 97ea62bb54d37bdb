// The floor of a worker round trip in GJS: the least a GJS parent and a GJS
// child can do per call, to show beside kaa and Node (`worker-roundtrip.js
// floor`, and `--peers` runs of the harness).
//
// Parent: spawns `gjs -m bench/gjs/_floor.js child` with Gio.Subprocess
// (STDIN_PIPE | STDOUT_PIPE), one fd watch on the child's stdout,
// `read_bytes(256)` + `toArray()` per readiness, `write_nonblocking()` of
// the request, a native Promise per call. Child: blocks in `read_bytes()` on
// its stdin and answers each message with one `write_all()`. A message is
// one line of ASCII JSON (`[id]` → `[id,null]`), read char by char — no
// framing, codec, queue or loop phases: what is left is GJS's GI calls,
// its promise jobs and GLib's dispatch.
//
// GJS 1.74 drops a GLib→JS callback refused during an incremental GC, and
// GLib then removes the fd watch: like every raw program on 1.74, both sides
// finish a GC with System.gc() every 2000 calls.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';

const GC_EVERY = 2000;

/** The Unix fd stream classes and the fd-watch function, wherever this GJS has them (as kaa's platform.ts). */
function unix() {
    const optional = name => {
        try {
            return imports.gi[name] ?? null;
        } catch {
            return null; // no such typelib: GLib < 2.80
        }
    };
    const GioUnix = optional('GioUnix'), GLibUnix = optional('GLibUnix');
    return {
        Input: GioUnix?.InputStream ?? Gio.UnixInputStream,
        Output: GioUnix?.OutputStream ?? Gio.UnixOutputStream,
        fdAdd: GLibUnix?.fd_add_full ? GLibUnix.fd_add_full.bind(GLibUnix) : GLib.unix_fd_add_full.bind(GLib),
    };
}

function ascii(text) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++)
        out[i] = text.charCodeAt(i);
    return out;
}

/** Splits what arrived into lines; returns the unfinished rest. */
function lines(rest, bytes, each) {
    let text = rest;
    for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i];
        if (c === 10) {
            each(text);
            text = '';
        } else {
            text += String.fromCharCode(c);
        }
    }
    return text;
}

/** The parent side: `await floor.call()`. */
export class Floor {
    #proc;
    #input;
    #output;
    #pending = new Map();
    #nextId = 1;
    #rest = '';
    #calls = 0;
    #watch = 0;

    constructor() {
        const self = GLib.build_filenamev([GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]), '_floor.js']);
        this.#proc = Gio.Subprocess.new(['gjs', '-m', self, 'child'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
        this.#output = this.#proc.get_stdin_pipe();
        this.#input = this.#proc.get_stdout_pipe();
        const fd = this.#input.fd; // the property: GioUnix.InputStream (GLib 2.80+) has no get_fd() method
        this.#watch = unix().fdAdd(GLib.PRIORITY_DEFAULT, fd, GLib.IOCondition.IN | GLib.IOCondition.HUP, () => this.#readable());
    }

    #readable() {
        const bytes = this.#input.read_bytes(256, null).toArray();
        if (!bytes.length) {
            this.#watch = 0;
            return GLib.SOURCE_REMOVE;
        }
        this.#rest = lines(this.#rest, bytes, line => {
            const [id, result] = JSON.parse(line);
            const resolve = this.#pending.get(id);
            this.#pending.delete(id);
            resolve(result);
        });
        if (++this.#calls % GC_EVERY === 0)
            System.gc();
        return GLib.SOURCE_CONTINUE;
    }

    call() {
        return new Promise(resolve => {
            const id = this.#nextId++;
            this.#pending.set(id, resolve);
            this.#output.write_nonblocking(ascii(`[${id}]\n`), null);
        });
    }

    stop() {
        this.#output.close(null);
        if (this.#watch)
            GLib.source_remove(this.#watch);
        return new Promise(resolve => this.#proc.wait_async(null, () => resolve()));
    }
}

if (ARGV[0] === 'child') {
    const { Input, Output } = unix();
    const input = new Input({ fd: 0, close_fd: false });
    const output = new Output({ fd: 1, close_fd: false });
    let rest = '';
    let calls = 0;
    for (;;) {
        const bytes = input.read_bytes(256, null).toArray();
        if (!bytes.length)
            break;
        rest = lines(rest, bytes, line => {
            const [id] = JSON.parse(line);
            output.write_all(ascii(`${JSON.stringify([id, null])}\n`), null);
        });
        if (++calls % GC_EVERY === 0)
            System.gc();
    }
}
