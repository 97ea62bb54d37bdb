// IOChannel over pipes to `cat` and friends (Gio.Subprocess streams): lines,
// a large round trip, end of file, a peer that goes away, EPIPE, queue
// limits and backpressure, the signals, iterators, close(), wrap()/steal().
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { main } from '../../src/notifier/loop.js';
import { InProgress } from '../../src/async/index.js';
import { IOChannel, IO_READ, IO_WRITE } from '../../src/io/index.js';
import { streamFd } from '../../src/notifier/platform.js';
import { concat, piped, pseudoRandom, reap, sha256 } from './helpers.js';

const decoder = new TextDecoder();

describe('IOChannel', () => {
    describe('through cat', () => {
        it('reads back lines written, each with its delimiter', () => {
            const { input, output, finish } = piped();
            input.write('hello\nworld\n');
            expect(output.readline().wait(5)).toBe('hello\n');
            expect(output.readline().wait(5)).toBe('world\n');
            finish();
        });

        it('moves 8 MiB through cat intact (SHA-256)', () => {
            const { input, output, finish } = piped(['cat'], {}, { chunkSize: 65536 });
            const data = pseudoRandom(8 * 1024 * 1024);
            const got: Uint8Array[] = [];
            let received = 0;
            output.signals.read.connect(chunk => {
                got.push(chunk);
                received += chunk.length;
            });
            const piece = 512 * 1024;
            let written = 0;
            const writeNext = (): void => {
                if (written >= data.length) {
                    input.close();
                    return;
                }
                const part = data.subarray(written, written + piece);
                written += part.length;
                input.write(part).connect(writeNext);
            };
            writeNext();
            let closed: boolean | null = null;
            output.signals.closed.connect(expected => void (closed = expected));
            main.loop(() => closed === null, 15);
            expect(received).toBe(data.length);
            expect(sha256(concat(got))).toBe(sha256(data));
            expect(closed as boolean | null).toBe(false);
            finish();
        });

        it('finishes a pending read() with an empty array and readline() with the partial line at EOF', () => {
            const { input, output, finish } = piped();
            input.write('no newline');
            input.close();
            expect(output.readline().wait(5)).toBe('no newline');
            expect(output.readline().wait(5)).toBe('');
            const data = output.read().wait(5);
            expect(data).toBeInstanceOf(Uint8Array);
            expect(data.length).toBe(0);
            expect(output.readable).toBeFalse();
            expect(output.alive).toBeFalse();
            finish();
        });

        it('finishes a readline() already pending when EOF arrives with nothing left', () => {
            const { input, output, finish } = piped();
            const line = output.readline();
            main.loop(true, 0.05);
            expect(line.finished).toBeFalse();
            input.close();
            expect(line.wait(5)).toBe('');
            finish();
        });

        it('emits closed(false) when the peer closes, and closed(true) on close()', () => {
            const a = piped();
            const seen: boolean[] = [];
            a.output.signals.closed.connect(expected => void seen.push(expected));
            a.output.signals.read.connect(() => undefined);
            a.proc.force_exit();
            main.loop(() => !seen.length, 5);
            expect(seen).toEqual([false]);
            a.finish();
            const b = piped();
            const seenB: boolean[] = [];
            b.output.signals.closed.connect(expected => void seenB.push(expected));
            b.output.close().wait(5);
            expect(seenB).toEqual([true]);
            b.output.close().wait(5); // harmless twice
            expect(seenB).toEqual([true]);
            b.finish();
        });
    });

    describe('lines', () => {
        it('splits lines across chunk boundaries', () => {
            const { input, output, finish } = piped(['cat'], {}, { chunkSize: 3 });
            input.write('abcdefgh\nij\n\nklmnop\n');
            expect(output.readline().wait(5)).toBe('abcdefgh\n');
            expect(output.readline().wait(5)).toBe('ij\n');
            expect(output.readline().wait(5)).toBe('\n');
            expect(output.readline().wait(5)).toBe('klmnop\n');
            finish();
        });

        it('takes a list of delimiters, the earliest (then longest) match winning, across chunks', () => {
            const { input, output, finish } = piped(['cat'], {}, { chunkSize: 2, delimiter: ['\r\n', '\n', '--'] });
            input.write('one\r\ntwo\nthree--four\r\n');
            expect(output.readline().wait(5)).toBe('one\r\n');
            expect(output.readline().wait(5)).toBe('two\n');
            expect(output.readline().wait(5)).toBe('three--');
            expect(output.readline().wait(5)).toBe('four\r\n');
            finish();
        });

        it('returns bytes with encoding: null and takes a bytes delimiter', () => {
            const proc = Gio.Subprocess.new(['cat'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
            const input = new IOChannel(proc.get_stdin_pipe() as Gio.OutputStream);
            const output = new IOChannel<Uint8Array>(proc.get_stdout_pipe() as Gio.InputStream,
                { encoding: null, delimiter: new Uint8Array([0]) });
            input.write(new Uint8Array([1, 2, 0, 3, 0]));
            const first = output.readline().wait(5);
            expect(first).toBeInstanceOf(Uint8Array);
            expect([...first]).toEqual([1, 2, 0]);
            expect([...output.readline().wait(5)]).toEqual([3, 0]);
            input.close({ immediate: true });
            output.close({ immediate: true });
            reap(proc);
        });

        it('emits readline for each line, and refuses readline() while such callbacks are connected', () => {
            const { input, output, finish } = piped();
            const lines: string[] = [];
            output.signals.readline.connect(line => void lines.push(line));
            expect(() => output.readline()).toThrowError(/readline signal/);
            input.write('a\nb\nc');
            input.close();
            main.loop(() => output.alive, 5);
            expect(lines).toEqual(['a\n', 'b\n', 'c']);
            finish();
        });

        it('iterates over lines without delimiters and chunks until EOF', async () => {
            const { input, output, finishAsync: finish } = piped();
            await input.write('x\ny\nlast');
            await input.close();
            const lines: string[] = [];
            for await (const line of output.lines())
                lines.push(line);
            expect(lines).toEqual(['x', 'y', 'last']);
            const b = piped();
            await b.input.write(pseudoRandom(100000));
            await b.input.close();
            let n = 0;
            for await (const chunk of b.output.chunks())
                n += chunk.length;
            expect(n).toBe(100000);
            await finish();
            await b.finishAsync();
        });
    });

    describe('queues and backpressure', () => {
        it('throws at once for a write beyond queueSize and queues nothing', () => {
            const { input, finish } = piped(['cat'], { queueSize: 1000 });
            expect(() => input.write(new Uint8Array(1001))).toThrowError(RangeError, /queueSize 1000/);
            expect(input.writeQueueUsed).toBe(0);
            finish();
        });

        it('reads from the OS only while someone wants data, and only up to queueSize', () => {
            const { input, output, finish } = piped(['cat'], { queueSize: 4 * 1024 * 1024 },
                { queueSize: 64 * 1024, chunkSize: 16 * 1024 });
            const written = input.write(new Uint8Array(1024 * 1024).fill(7));
            main.loop(true, 0.3);
            // nobody wants data: nothing was read, cat is stuck on a full pipe
            expect(output.readQueueUsed).toBe(0);
            expect(written.finished).toBeFalse();
            // a read signal handler alone gets data as it comes, without queueing it
            let seen = 0;
            const handler = output.signals.read.connect(chunk => void (seen += chunk.length));
            main.loop(() => seen < 100 * 1024, 5);
            output.signals.read.disconnect(handler);
            expect(output.readQueueUsed).toBe(0);
            const before = seen;
            main.loop(true, 0.2);
            expect(seen).toBe(before);
            // a readline() that finds no line fills the queue up to queueSize, then finishes with that part
            const part = output.readline().wait(5);
            expect(part.length).toBeGreaterThanOrEqual(64 * 1024);
            expect(part.length).toBeLessThan(64 * 1024 + 16 * 1024);
            main.loop(true, 0.2);
            expect(output.readQueueUsed).toBe(0);
            expect(written.finished).toBeFalse();
            finish();
        });

        it('delivers everything read once the consumer comes back (no data lost)', () => {
            const { input, output, finish } = piped(['cat'], {}, { queueSize: 8192, chunkSize: 4096 });
            const data = pseudoRandom(200000);
            input.write(data.subarray(0, 100000));
            input.write(data.subarray(100000));
            input.close();
            const got: Uint8Array[] = [];
            for (;;) {
                const chunk = output.read().wait(5);
                if (!chunk.length)
                    break;
                expect(output.readQueueUsed).toBeLessThanOrEqual(8192 + 4096);
                got.push(chunk);
            }
            expect(sha256(concat(got))).toBe(sha256(data));
            finish();
        });
    });

    it('aborting a queued write removes it; one the OS has started taking cannot be aborted', () => {
        const { input, output, finish } = piped(['cat'], { queueSize: 4 * 1024 * 1024 });
        const first = input.write(new Uint8Array(2 * 1024 * 1024)); // more than the pipes hold: stays queued
        const second = input.write(new Uint8Array(1000));
        expect(first.abortable).toBeFalse();
        const used = input.writeQueueUsed;
        second.abort();
        expect(second.failed).toBeTrue();
        expect(input.writeQueueUsed).toBe(used - 1000);
        expect(() => first.abort()).toThrowError(/not abortable/);
        let n = 0;
        output.signals.read.connect(c => void (n += c.length));
        first.wait(10);
        main.loop(() => n < 2 * 1024 * 1024, 5);
        main.loop(true, 0.05);
        expect(n).toBe(2 * 1024 * 1024);
        finish();
    });

    describe('errors', () => {
        it('fails a write to a pipe whose reader is gone with EPIPE, and closes with closed(false)', () => {
            const { proc, input, finish } = piped(['true']);
            reap(proc);
            const closed: boolean[] = [];
            input.signals.closed.connect(expected => void closed.push(expected));
            const w = input.write('anyone there?\n');
            expect(() => w.wait(5)).toThrowMatching(e => /writing to .* failed: .*Broken pipe/i.test((e as Error).message) &&
                (e as Error).cause instanceof GLib.Error);
            expect(closed).toEqual([false]);
            expect(input.alive).toBeFalse();
            expect(() => input.write('more')).toThrowError(/closed/);
            finish();
        });

        it('refuses writes to a read-only channel and reads from a write-only one', () => {
            const { input, output, finish } = piped();
            expect(() => output.write('x')).toThrowError(/read-only/);
            expect(() => input.read()).toThrowError(/write-only/);
            expect(() => input.write(42 as unknown as string)).toThrowError(TypeError, /got 42/);
            finish();
        });

        it('names bad options and sources', () => {
            expect(() => new IOChannel('nope' as unknown as number)).toThrowError(TypeError, /"nope"/);
            expect(() => new IOChannel(null, { chunkSize: 0 })).toThrowError(TypeError, /chunkSize/);
            expect(() => new IOChannel(null, { delimiter: '' })).toThrowError(TypeError, /delimiter/);
            expect(() => new IOChannel(null, { encoding: 'latin1' as 'utf-8' })).toThrowError(TypeError, /encoding/);
            expect(() => new IOChannel(4321)).toThrowError(/fd 4321 is not an open file descriptor/);
            expect(() => new IOChannel().read()).toThrowError(/no fd or stream/);
        });
    });

    describe('close()', () => {
        it('waits for the write queue to flush unless immediate, then fails what is queued', () => {
            const a = piped(['cat'], { queueSize: 4 * 1024 * 1024 });
            const big = a.input.write(new Uint8Array(2 * 1024 * 1024));
            const closing = a.input.close();
            expect(a.input.writable).toBeFalse();
            expect(a.input.alive).toBeTrue();
            let drained = 0;
            a.output.signals.read.connect(c => void (drained += c.length));
            closing.wait(10);
            expect(big.result).toBe(2 * 1024 * 1024);
            expect(a.input.alive).toBeFalse();
            a.finish();

            const b = piped(['cat'], { queueSize: 4 * 1024 * 1024 });
            const stuck = b.input.write(new Uint8Array(2 * 1024 * 1024));
            b.input.close({ immediate: true }).wait(1);
            expect(stuck.failed).toBeTrue();
            expect(String(stuck.exception)).toMatch(/closed before the write was flushed/);
            b.finish();
        });

        it('finishes a pending read() with what is queued, then empty', () => {
            const { output, finish } = piped();
            const r = output.read();
            output.close();
            expect(r.finished).toBeTrue();
            expect(r.result.length).toBe(0);
            finish();
        });
    });

    describe('sources', () => {
        it('wraps a raw fd with a mode, and GLib.Bytes writes', () => {
            const proc = Gio.Subprocess.new(['cat'], Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
            const inFd = streamFd(proc.get_stdin_pipe());
            const outFd = streamFd(proc.get_stdout_pipe());
            const input = new IOChannel(inFd, { mode: IO_WRITE, closeFd: false });
            const output = new IOChannel({ fileno: () => outFd }, { mode: IO_READ, closeFd: false });
            expect(output.fileno).toBe(outFd);
            input.write(new GLib.Bytes(new TextEncoder().encode('bytes\n')));
            expect(output.readline().wait(5)).toBe('bytes\n');
            input.close();
            output.close();
            (proc.get_stdin_pipe() as Gio.OutputStream).close(null);
            reap(proc);
        });

        it('aborting a pending read removes it; wrap() closes the old source; steal() moves everything', () => {
            const a = piped();
            const pending = a.output.read();
            pending.abort();
            expect(pending.failed).toBeTrue();
            a.input.write('first\n');
            expect(a.output.readline().wait(5)).toBe('first\n');
            const seen: string[] = [];
            a.output.signals.closed.connect(() => void seen.push('closed'));
            const b = piped();
            a.output.wrap(b.proc.get_stdout_pipe() as Gio.InputStream);
            expect(seen).toEqual(['closed']);
            b.input.write('second\n');
            expect(a.output.readline().wait(5)).toBe('second\n');
            const thief = new IOChannel();
            thief.steal(a.output);
            expect(a.output.alive).toBeFalse();
            b.input.write('third\n');
            expect(thief.readline().wait(5)).toBe('third\n');
            thief.close();
            expect(seen).toEqual(['closed', 'closed']);
            a.finish();
            b.finish();
        });
    });

    describe('Gio streams without an fd', () => {
        it('reads a Gio.MemoryInputStream to the end through async reads, lines and all', () => {
            const data = new TextEncoder().encode('first\nsecond\n'.repeat(5000) + 'tail');
            const stream = Gio.MemoryInputStream.new_from_bytes(new GLib.Bytes(data));
            const channel = new IOChannel(stream, { chunkSize: 4096 });
            expect(channel.readline().wait(5)).toBe('first\n');
            const rest: Uint8Array[] = [];
            for (;;) {
                const chunk = channel.read().wait(5);
                if (!chunk.length)
                    break;
                rest.push(chunk);
            }
            expect(decoder.decode(concat(rest))).toBe('second\n' + 'first\nsecond\n'.repeat(4999) + 'tail');
            expect(channel.alive).toBeFalse();
        });

        it('writes into a Gio.MemoryOutputStream and closes it', () => {
            const stream = Gio.MemoryOutputStream.new_resizable();
            const channel = new IOChannel(stream);
            channel.write('to memory');
            expect(channel.write(new Uint8Array([33])).wait(5)).toBe(1);
            channel.close().wait(5);
            expect(stream.is_closed()).toBeTrue();
            expect(decoder.decode(stream.steal_as_bytes().toArray())).toBe('to memory!');
        });
    });

    it('keeps a 1 MiB write through cat intact while reading with read()', () => {
        const { input, output, finish } = piped(['cat'], { queueSize: 2 * 1024 * 1024 });
        const data = pseudoRandom(1024 * 1024, 42);
        const w: InProgress<number> = input.write(data);
        const got: Uint8Array[] = [];
        let n = 0;
        while (n < data.length) {
            const chunk = output.read().wait(5);
            got.push(chunk);
            n += chunk.length;
        }
        expect(w.wait(5)).toBe(data.length);
        expect(decoder.decode(concat(got).subarray(0, 0))).toBe('');
        expect(sha256(concat(got))).toBe(sha256(data));
        finish();
    });
});
