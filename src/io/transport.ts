/**
 * `Transport`: how an IOChannel moves bytes between its queues and an fd or
 * Gio stream. Three kinds, chosen from what is wrapped:
 *
 * - `fd` — raw fds, pipes (Unix fd streams, see notifier/platform.ts, e.g.
 *   a `Gio.Subprocess`'s), sockets (`Gio.SocketConnection`), local files.
 *   Readiness comes from a GLib fd watch (watch.ts), then a synchronous
 *   `read_bytes()` that cannot block because the fd is ready (reads of 64
 *   KiB to 4 MiB go through a landing buffer where `toArray()` copies:
 *   landing.ts), a few more while `is_readable()` says so (a burst saves
 *   loop iterations),
 *   and writes with `write_nonblocking()` (the fd is made O_NONBLOCK).
 *   Why: `read_nonblocking()` and `read()` into a buffer are not callable
 *   from GJS (out caller-allocates arrays), `read_bytes()` is, and after
 *   readiness it cannot block. Measured on GJS 1.74 (2 cores, `head -c
 *   1G /dev/zero`, bench/gjs/pipe-throughput.js): 64 KiB reads after fd
 *   readiness, 1.25–1.6 GiB/s and ~100 MiB peak RSS, against 0.5–0.7 GiB/s
 *   and 1.1 GiB for a raw `read_bytes_async()` loop; one read per readiness
 *   callback instead of a burst cost ~30 % of the throughput.
 * - `tls` — a `Gio.TlsConnection`: fd readiness says nothing about TLS
 *   records, and a blocking read of a partial record would stall the loop,
 *   so reads are asynchronous (see below). Writes are `write_nonblocking()`,
 *   waiting on the socket's fd, with a short timer backoff if TLS still
 *   refuses a write the fd would take (a renegotiation).
 * - `stream` — any other Gio stream: asynchronous reads; writes
 *   `write_nonblocking()` when pollable (timer backoff), else a plain
 *   (possibly blocking) `write()`.
 *
 * Two GJS 1.74 facts shape this file:
 * - An async callback refused during an incremental GC never comes: a
 *   `read_bytes_async()` result refused that way is gone with its data (a
 *   TLS echo under allocation pressure lost data 5 runs in 5). The fd
 *   watches survive that (re-armed by watch.ts), which is why plain fds and
 *   sockets never use `*_async`. Async reads go through a
 *   `Gio.BufferedInputStream`: `fill_async()` lands the data in the buffered
 *   stream's C buffer before the JS callback is called, and one check after
 *   every loop iteration sees a fill that is no longer pending while kaa
 *   still waits for its callback, and takes the data from the buffer itself.
 *   The callback is only a wake-up; losing it loses nothing.
 * - A `GLib.Bytes` keeps its C memory until a GC (see streams.ts): reads
 *   take data with `toArray()` only (or, where that copies, skip the
 *   `GLib.Bytes`: landing.ts), and a GC is finished every 64 MiB
 *   read. 1 GiB piped through peaks at 95–165 MiB RSS (65–70 MiB with a GC
 *   every 32 MiB, at twice the GCs) instead of ~1.1 GiB.
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { Probe } from '../notifier/source.js';
import { entryIn, scheduler, type ScheduledEntry } from '../notifier/scheduler.js';
import { logException } from '../notifier/log.js';
import { reportException } from '../notifier/sources.js';
import { SyncReads, takeBuffered } from './landing.js';
import { isReadable, noteRead, pollable, writeNonblocking } from './streams.js';
import type { ReadSink, TransportKind, TransportParts } from './transport-parts.js';
import { FdWatch, isCancelled, isWouldBlock } from './watch.js';

export type { ReadSink, TransportKind, TransportParts } from './transport-parts.js';

/** Reads per readiness callback at most (each up to `chunkSize`). */
const READ_BURST = 8;
/** The longest timer backoff between write retries, seconds. */
const MAX_RETRY = 0.05;

interface AsyncRead {
    readonly buffered: Gio.BufferedInputStream;
    readonly cancellable: Gio.Cancellable;
    /** The transport was closed meanwhile: close the streams once this read is over. */
    closeAfter: boolean;
}

const asyncReads = new Map<Transport, AsyncRead>();

/** Checks every async read in the loop's re-arm phase (notifier/source.ts): GJS may refuse its callback. */
const asyncReadProbe = new Probe('async-reads', () => {
    for (const [transport, op] of asyncReads)
        transport.checkAsync(op);
});

/** Moves bytes for one channel. @internal */
export class Transport {
    readonly kind: TransportKind;
    /** The fd read from (else written to), -1 when none. */
    readonly fd: number;
    readonly label: string;
    readonly #input: Gio.InputStream | null;
    readonly #output: Gio.OutputStream | null;
    readonly #close: () => void;
    readonly #inputPollable: boolean;
    readonly #outputPollable: boolean;
    readonly #readWatch: FdWatch | null;
    readonly #writeWatch: FdWatch | null;
    #sink: ReadSink | null = null;
    #chunkSize = 65536;
    #reading = false;
    #closed = false;
    /** The landing buffer of async reads (made on the first one). */
    #landing: Gio.BufferedInputStream | null = null;
    /** The synchronous reads of `#input` (large ones land in a reused buffer where that pays: landing.ts). */
    readonly #reads: SyncReads | null;
    #onWritable: (() => void) | null = null;
    #wokeByFd = false;
    /** The current `waitWritable()` waits on the fd (not on a retry timer). */
    #waitOnFd = false;
    #retryDelay = 0;
    #retry: ScheduledEntry | null = null;

    /** @param parts - the kind, fd, streams and how to close them. */
    constructor(parts: TransportParts) {
        this.kind = parts.kind;
        this.fd = parts.readFd >= 0 ? parts.readFd : parts.writeFd;
        this.label = parts.label;
        this.#input = parts.input;
        this.#reads = parts.input ? new SyncReads(parts.input) : null;
        this.#output = parts.output;
        this.#close = parts.close;
        this.#inputPollable = pollable(parts.input);
        this.#outputPollable = pollable(parts.output);
        this.#readWatch = parts.readFd >= 0 && parts.input && parts.kind !== 'stream'
            ? new FdWatch(parts.readFd, GLib.IOCondition.IN, cond => this.#onReadable(cond), 'io-read') : null;
        this.#writeWatch = parts.writeFd >= 0 && parts.output && parts.kind !== 'stream'
            ? new FdWatch(parts.writeFd, GLib.IOCondition.OUT, () => this.#onWritableFd(), 'io-write') : null;
    }

    /** True when it can read. */
    get canRead(): boolean {
        return this.#input !== null;
    }

    /** True when it can write. */
    get canWrite(): boolean {
        return this.#output !== null;
    }

    /** True while reading from the OS is wanted. */
    get reading(): boolean {
        return this.#reading;
    }

    /** Starts (or keeps) delivering chunks of at most `chunkSize` bytes to `sink`. */
    startReading(sink: ReadSink, chunkSize: number): void {
        this.#sink = sink;
        this.#chunkSize = chunkSize;
        if (this.#reading || this.#closed || !this.#input)
            return;
        this.#reading = true;
        if (!asyncReads.has(this))
            this.#continueReading();
    }

    /** Stops reading from the OS; an async read under way still delivers its chunk. */
    stopReading(): void {
        this.#reading = false;
        this.#readWatch?.stop();
    }

    /**
     * Hands `buf` to the OS without blocking (unless the stream cannot poll).
     * @returns the bytes written, 0 when the fd or stream takes none now.
     * @throws the `GLib.Error` of a failed write (`BROKEN_PIPE` …).
     */
    write(buf: Uint8Array): number {
        const out = this.#output as Gio.OutputStream;
        let n = 0;
        try {
            n = this.#outputPollable ? writeNonblocking(out, buf) : out.write(buf, null);
        } catch (error) {
            if (!isWouldBlock(error))
                throw error;
        }
        if (n > 0)
            this.#retryDelay = 0;
        else if (this.#wokeByFd)
            this.#retryDelay = Math.min(MAX_RETRY, Math.max(0.001, this.#retryDelay * 2));
        this.#wokeByFd = false;
        return n;
    }

    /**
     * Reads once, blocking until data or EOF is there (the Unix stream polls
     * first): only for a peer known to be writing (the rest of a frame) or
     * an fd known to be readable. Kind `fd` only.
     * The caller counts the bytes toward its GC policy (the frame link: io/gc.ts).
     * @param size - the most bytes to read (`read_bytes()` allocates all of them until a GC; a landing buffer does not).
     * @returns the bytes (the read's own memory: never copied again); empty at EOF.
     * @throws the `GLib.Error` of a failed read.
     */
    readSync(size: number): Uint8Array {
        return (this.#reads as SyncReads).read(size);
    }

    /**
     * Writes all of `buf`, blocking until the fd took it (a worker answering:
     * it has nothing else to do meanwhile; never in the main process).
     * @param buf - the bytes.
     * @throws the `GLib.Error` of a failed write (`BROKEN_PIPE` …).
     */
    writeAll(buf: Uint8Array): void {
        (this.#output as Gio.OutputStream).write_all(buf, null);
    }

    /** Calls `fn` once when the output may take more bytes. */
    waitWritable(fn: () => void): void {
        this.#onWritable = fn;
        if (this.#closed)
            return;
        if (this.#writeWatch && this.#retryDelay === 0) {
            this.#waitOnFd = true;
            this.#writeWatch.start();
            return;
        }
        this.#waitOnFd = false;
        this.#writeWatch?.stop();
        if (this.#retry)
            return;
        const delay = Math.max(0.001, this.#retryDelay);
        this.#retryDelay = Math.min(MAX_RETRY, delay * 2);
        this.#retry = entryIn(delay, () => {
            this.#retry = null;
            this.#fireWritable();
        });
        scheduler.add(this.#retry);
    }

    /** Forgets a `waitWritable()` callback. */
    stopWaitingWritable(): void {
        this.#onWritable = null;
        this.#waitOnFd = false;
        this.#writeWatch?.stop();
        if (this.#retry)
            scheduler.remove(this.#retry);
        this.#retry = null;
    }

    /** Stops everything without closing the streams (the TLS upgrade keeps the socket). */
    detach(): void {
        this.stopReading();
        this.stopWaitingWritable();
        this.#closed = true;
        this.#sink = null;
        const op = asyncReads.get(this);
        if (op)
            op.cancellable.cancel();
    }

    /** Stops everything and closes what the channel owns. Harmless twice. */
    close(): void {
        if (this.#closed)
            return;
        this.detach();
        const op = asyncReads.get(this);
        if (op)
            op.closeAfter = true;
        else
            this.#closeNow();
    }

    /** Called after each loop iteration while an async read is under way. */
    checkAsync(op: AsyncRead): void {
        // `pending` is cleared just before the completion callback runs: still
        // waiting for it now means GJS refused it (a GC was sweeping).
        if (!op.buffered.has_pending())
            this.#onFilled(op, null);
    }

    /**
     * Closes what the channel owns. A failure here (a TLS close_notify to a
     * peer that is gone: EPIPE) is not the caller's: Gio has released the fd
     * anyway. The expected ones are ignored, others logged.
     */
    #closeNow(): void {
        try {
            this.#close();
        } catch (error) {
            const expected = error instanceof GLib.Error && [Gio.IOErrorEnum.CLOSED, Gio.IOErrorEnum.BROKEN_PIPE,
                Gio.IOErrorEnum.CONNECTION_CLOSED, Gio.IOErrorEnum.NOT_CONNECTED].some(code => error.matches(Gio.IOErrorEnum, code));
            if (!expected)
                logException(error, `kaa: closing ${this.label} failed`);
        }
    }

    #continueReading(): void {
        if (!this.#reading || this.#closed)
            return;
        if (this.kind === 'fd')
            this.#readWatch?.start();
        else
            this.#startAsyncRead();
    }

    #onReadable(condition: GLib.IOCondition): boolean {
        if (condition & GLib.IOCondition.NVAL)
            return this.#fail(new Error(`${this.label} was closed by someone else while kaa was reading from it`));
        const input = this.#input as Gio.InputStream, reads = this.#reads as SyncReads;
        for (let i = 0; i < READ_BURST; i++) {
            let chunk: Uint8Array;
            try {
                chunk = (this.#sink as ReadSink).read?.(this.#chunkSize) ?? reads.read(this.#chunkSize);
            } catch (error) {
                return isWouldBlock(error) ? true : this.#fail(error);
            }
            noteRead(chunk.length);
            if (!chunk.length)
                return this.#fail(null);
            (this.#sink as ReadSink).data(chunk);
            if (!this.#reading || this.#closed)
                return false;
            if ((this.#sink as ReadSink).more?.() === false || (this.#inputPollable && !isReadable(input)))
                return true;
        }
        return true;
    }

    #fail(error: unknown): false {
        this.#reading = false;
        this.#readWatch?.stop();
        this.#sink?.end(error);
        return false;
    }

    #startAsyncRead(): void {
        if (!this.#landing) {
            this.#landing = Gio.BufferedInputStream.new_sized(this.#input as Gio.InputStream, this.#chunkSize) as Gio.BufferedInputStream;
            this.#landing.set_close_base_stream(false);
        }
        const op: AsyncRead = { buffered: this.#landing, cancellable: new Gio.Cancellable(), closeAfter: false };
        asyncReads.set(this, op);
        asyncReadProbe.start();
        try {
            op.buffered.fill_async(Math.min(this.#chunkSize, op.buffered.get_buffer_size()), GLib.PRIORITY_DEFAULT,
                op.cancellable, (_s, result) => this.#onFilled(op, result));
        } catch (error) {
            this.#endAsync(op);
            this.#fail(error);
        }
    }

    #endAsync(op: AsyncRead): void {
        if (asyncReads.get(this) === op)
            asyncReads.delete(this);
        if (!asyncReads.size)
            asyncReadProbe.stop();
    }

    /** A fill ended: `result` from its callback, or null when the check found its callback refused. */
    #onFilled(op: AsyncRead, result: Gio.AsyncResult | null): void {
        try {
            if (asyncReads.get(this) !== op)
                return;
            this.#endAsync(op);
            let count = -1;
            let error: unknown = null;
            if (result) {
                try {
                    count = op.buffered.fill_finish(result);
                } catch (e) {
                    error = e;
                }
            }
            if (op.closeAfter)
                this.#closeNow();
            if (this.#closed || (error !== null && isCancelled(error)))
                return;
            const available = op.buffered.get_available();
            if (available > 0) {
                const chunk = takeBuffered(op.buffered, available);
                noteRead(chunk.length);
                (this.#sink as ReadSink).data(chunk);
                this.#continueReading();
            } else if (error !== null || count === 0) {
                this.#fail(error);
            } else {
                this.#continueReading(); // a refused callback and nothing buffered: ask again (EOF or an error repeats)
            }
        } catch (e) {
            reportException(e);
        }
    }

    #onWritableFd(): boolean {
        this.#wokeByFd = true;
        this.#waitOnFd = false;
        this.#fireWritable();
        return this.#waitOnFd && this.#onWritable !== null;
    }

    #fireWritable(): void {
        const fn = this.#onWritable;
        this.#onWritable = null;
        fn?.();
    }
}
