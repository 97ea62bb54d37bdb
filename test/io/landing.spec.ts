// io/landing.ts: where GLib.Bytes.toArray() copies (GJS 1.82, 1.90), an fd
// transport's reads of 64 KiB to 4 MiB land in one reused C buffer and are
// copied once, instead of a fresh read_bytes() buffer per read plus
// toArray()'s copy. The landing buffer hands over every byte it read
// (nothing stays behind for plain reads that follow) and grows to the
// largest read; both a frame link's reads and an IOChannel's use it exactly
// where toArray() copies, and larger reads never do. There, too, an async
// read's bytes are taken straight from its buffered stream.
import Gio from 'gi://Gio';
import { LANDING_MAX, LANDING_MIN, LandingBuffer } from '../../src/io/landing.js';
import { IOChannel, type IOChannelOptions } from '../../src/io/channel.js';
import { openTransport } from '../../src/io/source.js';
import { main } from '../../src/notifier/loop.js';
import { IO_READ } from '../../src/io/monitor.js';
import { bytesToArrayCopies } from '../../src/notifier/platform.js';
import { concat, pseudoRandom, reap, rmtree, sha256, tmpdir } from './helpers.js';

/** A file holding `data`, opened for reading (reads of a file return all they ask for, up to its end). */
function loaded(data: Uint8Array): { input: Gio.FileInputStream; path: string; close(): void } {
    const dir = tmpdir();
    const file = Gio.File.new_for_path(`${dir}/data`);
    file.replace_contents(data, null, false, Gio.FileCreateFlags.NONE, null);
    const input = file.read(null);
    return { input, path: file.get_path() as string, close: () => {
        input.close(null);
        rmtree(dir);
    } };
}

/** `cat path` read to its end through an IOChannel over `wrap(its stdout)`: all that arrived. */
function catThroughChannel(path: string, wrap: (pipe: Gio.InputStream) => Gio.InputStream, options: IOChannelOptions): Uint8Array {
    const proc = Gio.Subprocess.new(['cat', path], Gio.SubprocessFlags.STDOUT_PIPE);
    const channel = new IOChannel(wrap(proc.get_stdout_pipe() as Gio.InputStream), { ...options, encoding: null });
    const got: Uint8Array[] = [];
    channel.signals.read.connect(chunk => void got.push(chunk.slice()));
    main.loop(() => channel.alive, 10);
    channel.close();
    reap(proc);
    return concat(got);
}

describe('the landing buffer', () => {
    it('says toArray() copies exactly where a write to its array does not reach the GLib.Bytes read', () => {
        const pipe = loaded(new Uint8Array([5, 6, 7]));
        const bytes = pipe.input.read_bytes(3, null);
        bytes.toArray()[0] = 9;
        expect(bytesToArrayCopies()).toBe(bytes.toArray()[0] === 5);
        expect(LandingBuffer.for(pipe.input) !== null).toBe(bytesToArrayCopies());
        pipe.close();
    });

    it('lands large reads whole and in order, keeps nothing back, and ends with an empty read at EOF', () => {
        const data = pseudoRandom(3 * 1024 * 1024 + 12345, 7);
        const pipe = loaded(data);
        const landing = new LandingBuffer(pipe.input, LANDING_MIN);
        const got: Uint8Array[] = [];
        // Each read returns what one read(2) gave: at most its size, never more.
        for (const size of [100, 1024 * 1024, LANDING_MIN, 2 * 1024 * 1024]) {
            const before = got.reduce((n, c) => n + c.length, 0);
            const chunk = landing.read(size);
            expect(chunk.length).toBeGreaterThan(0);
            expect(chunk.length).toBeLessThanOrEqual(size);
            expect(chunk.byteOffset).toBe(0);
            expect(chunk.buffer.byteLength).toBe(chunk.length);
            got.push(chunk);
            // A plain read of the stream right after takes the very next bytes.
            const plain = pipe.input.read_bytes(10, null).toArray();
            expect(Array.from(plain)).toEqual(Array.from(data.subarray(before + chunk.length, before + chunk.length + 10)));
            got.push(plain.slice());
        }
        for (let chunk = landing.read(LANDING_MIN); chunk.length; chunk = landing.read(LANDING_MIN))
            got.push(chunk);
        expect(sha256(concat(got))).toBe(sha256(data));
        expect(landing.read(LANDING_MIN).length).toBe(0);
        pipe.close();
    });

    it('serves the synchronous reads of 64 KiB to 4 MiB of an fd transport exactly where toArray() copies', () => {
        const data = pseudoRandom(3 * 1024 * 1024, 11);
        const pipe = loaded(data);
        const transport = openTransport(pipe.input, IO_READ, false, 'a landing spec');
        const read = spyOn(LandingBuffer.prototype, 'read').and.callThrough();
        const chunks = [transport.readSync(LANDING_MIN - 1)];
        expect(read).not.toHaveBeenCalled();
        chunks.push(transport.readSync(1024 * 1024));
        expect(read.calls.count()).toBe(bytesToArrayCopies() ? 1 : 0);
        // A larger read would keep its buffer that large for the stream's life: read_bytes() takes it.
        chunks.push(transport.readSync(LANDING_MAX + 1));
        expect(read.calls.count()).toBe(bytesToArrayCopies() ? 1 : 0);
        expect(transport.readSync(LANDING_MIN).length).toBe(0);
        expect(sha256(concat(chunks))).toBe(sha256(data));
        transport.close();
        pipe.close();
    });

    it("serves an IOChannel's reads of 64 KiB chunks after fd readiness exactly where toArray() copies", () => {
        const data = pseudoRandom(3 * 1024 * 1024 + 7, 13);
        const file = loaded(data);
        const read = spyOn(LandingBuffer.prototype, 'read').and.callThrough();
        expect(sha256(catThroughChannel(file.path, pipe => pipe, { chunkSize: LANDING_MIN }))).toBe(sha256(data));
        expect(read.calls.count() > 0).toBe(bytesToArrayCopies());
        file.close();
    });

    it("takes an async read's bytes straight from its buffered stream exactly where toArray() copies", () => {
        const data = pseudoRandom(1024 * 1024 + 3, 17);
        const file = loaded(data);
        const peek = spyOn(Gio.BufferedInputStream.prototype, 'peek_buffer').and.callThrough();
        // Not an fd stream: the channel reads it asynchronously, through a buffered stream of its own.
        expect(sha256(catThroughChannel(file.path, pipe => Gio.BufferedInputStream.new(pipe), {}))).toBe(sha256(data));
        expect(peek.calls.count() > 0).toBe(bytesToArrayCopies());
        file.close();
    });
});
