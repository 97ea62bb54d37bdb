/**
 * One end of a worker link: frames in on one pipe, frames out on another,
 * driven by fd watches on the notifier's main context.
 *
 * GJS 1.74 facts this file is built around (DESIGN.md §1):
 * - `Gio.InputStream.read()` and every "read into my buffer" call are not
 *   introspectable (out caller-allocates), so reads use `read_bytes()`; on a
 *   Unix pipe stream that call polls first and would block on an empty
 *   pipe, so it is made only when the watch reported the pipe readable (or
 *   hung up), or for the rest of a frame the peer is writing (below);
 * - a pipe holds 64 KiB, so a large frame crosses in many pieces, and each
 *   piece costs both processes a wakeup. To spend no loop iteration per
 *   piece on the worker side, a worker writes each frame whole (blocking)
 *   and, once a frame has begun, reads the rest of it synchronously; the
 *   main process never blocks on a write (a non-blocking `GLib.IOChannel`:
 *   one write(2) per piece, and a full pipe is a status, not an exception;
 *   a write watch waits for room) and reads the rest of a begun frame
 *   synchronously only up to 8 MiB per dispatch. As only one side ever
 *   blocks, and only on bytes the other is already sending, they cannot
 *   deadlock;
 * - writing to a pipe whose reader died raises SIGPIPE, which would kill
 *   gjs: see gc.ts ({@link ignoreSigpipe}); EPIPE then counts as EOF;
 * - GJS refuses callbacks during an incremental GC and GLib then removes
 *   the source: the watches are checked after every kaa-driven iteration
 *   and re-armed (`forgetSource()` finishes the GC first). No `*_async`
 *   completion is used anywhere: a refused one would be lost for good. The
 *   GC is also finished at controlled points as data moves (gc.ts);
 * - the read watch may recurse (`set_can_recurse`): a callback that runs a
 *   nested loop (`wait()`) while handling a frame still gets the next frames
 *   of the same pipe.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { systemNow } from '../notifier/clock.js';
import { drainPromiseJobs } from '../notifier/jobs.js';
import { Probe } from '../notifier/source.js';
import { setFdNonblocking, streamFd } from '../notifier/platform.js';
import { addFdWatch, forgetSource, removeSource, sourceExists } from '../notifier/sources.js';
import { FRAME_GC_BYTES, collectIfDue, ignoreSigpipe, noteMoved } from './gc.js';
import { FrameReader, type Message } from './protocol.js';

/**
 * Bytes asked of the pipe per read: `read_bytes(n)` mallocs `n` bytes and
 * keeps all of them (however few were read) until a GC frees the buffer, so
 * small frames get small reads; a read that fills its buffer doubles the
 * next one, up to a pipe's 64 KiB (and a frame known to be long is read in
 * 64 KiB pieces at once).
 */
const MIN_READ = 1024;
const MAX_READ = 65536;
/** Frames from this size on free the pipe's chunks as they are read (gc.ts FRAME_GC_BYTES). */
const LONG_FRAME = 16 * 1024 * 1024;
/** Bytes given to one write (larger writes only fill the pipe and fail). */
const WRITE_BYTES = 65536;
/** How often a watch nothing is expected on is checked for a drop, in seconds. */
const IDLE_CHECK = 0.25;

const IN = GLib.IOCondition.IN | GLib.IOCondition.HUP | GLib.IOCondition.ERR;
const OUT = GLib.IOCondition.OUT | GLib.IOCondition.ERR;
const context = GLib.MainContext.default();

const live = new Set<Transport>();
/** Re-arms the links' watches GJS dropped, in the loop's re-arm phase (notifier/source.ts). */
const linkProbe = new Probe('worker-links', () => {
    for (const t of live)
        t.verify();
});

/** What a transport reports to its owner. */
export interface TransportHandlers {
    /** A frame arrived (values decoded). */
    frame(message: Message): void;
    /** The link ended: `null` at EOF, else the IO or protocol error. Called once. */
    closed(error: Error | null): void;
}

/** Options of a {@link Transport}. */
export interface TransportOptions {
    /** Not framed: every chunk read is handed here (a stderr pipe). */
    raw?: (chunk: Uint8Array) => void;
    /**
     * Write every frame whole, blocking until the pipe took it. Only a
     * worker does: the main process never blocks on a write, so the two
     * can never both wait for each other.
     */
    blockingWrites?: boolean;
    /**
     * Once a frame has begun, how many more of its bytes one dispatch reads
     * synchronously (blocking) instead of returning to the loop between
     * chunks: safe when the peer writes frames whole (a worker does), and
     * bounded so the main process's loop is never held long. 0: only what
     * the pipe holds now.
     * @default 0
     */
    readBurst?: number;
}

/**
 * A frame link over two pipe streams (either may be absent: a read-only stderr link has no output).
 * @example
 * const link = new Transport(proc.get_stdout_pipe(), proc.get_stdin_pipe(), { frame: handle, closed: onEnd });
 * link.send(encodeFrame([CALL, id, fn, args, 0], encoder));
 */
export class Transport {
    readonly #input: Gio.InputStream | null;
    readonly #output: Gio.OutputStream | null;
    readonly #handlers: TransportHandlers;
    readonly #reader = new FrameReader();
    readonly #raw: ((chunk: Uint8Array) => void) | null;
    readonly #blocking: boolean;
    #channel!: GLib.IOChannel;
    readonly #burst: number;
    readonly #queue: Uint8Array[] = [];
    #queueOffset = 0;
    #queued = 0;
    #readId = 0;
    #writeId = 0;
    #depth = 0;
    #closed = false;
    #ran = false;
    #wrote = false;
    #readSize = MIN_READ;
    #checkedAt = 0;

    /**
     * Whether frames (or EOF) are awaited now: only then is a missing read
     * watch looked for after every iteration (else every 0.25 s). The owner sets it.
     */
    expecting = true;

    /**
     * @param input - the stream frames arrive on (its fd becomes non-blocking), or null.
     * @param output - the stream frames leave on (its fd becomes non-blocking), or null.
     * @param handlers - `frame` and `closed`.
     * @param options - `raw`: the input is not framed, every chunk read goes
     *   there; `blocking`: frames are written whole and read to their end
     *   without returning to the loop (a worker: nothing else to do meanwhile;
     *   never in the main process, whose loop must not stall).
     */
    constructor(input: Gio.InputStream | null, output: Gio.OutputStream | null, handlers: TransportHandlers,
        options: TransportOptions = {}) {
        ignoreSigpipe();
        this.#input = input;
        this.#output = output;
        this.#handlers = handlers;
        this.#raw = options.raw ?? null;
        this.#blocking = options.blockingWrites === true;
        this.#burst = options.readBurst ?? 0;
        if (output) {
            // One write(2) per piece; non-blocking, a full pipe is a status, not an exception.
            setFdNonblocking(fdOf(output), !this.#blocking);
            this.#channel = GLib.IOChannel.unix_new(fdOf(output));
            this.#channel.set_encoding(null);
            this.#channel.set_buffered(false);
            if (!this.#blocking)
                this.#channel.set_flags(GLib.IOFlags.NONBLOCK);
        }
        if (input) {
            setFdNonblocking(fdOf(input), true);
            this.#armRead();
        }
        live.add(this);
        linkProbe.start();
    }

    /** False once closed (EOF, error or `close()`). */
    get alive(): boolean {
        return !this.#closed;
    }

    /** Bytes waiting to be written. */
    get queued(): number {
        return this.#queued;
    }

    /**
     * Sends one frame (from `encodeFrame`): written now as far as the pipe
     * takes it, the rest when it drains.
     * @param frame - the frame bytes.
     * @returns false when the link is closed (nothing was sent).
     */
    send(frame: Uint8Array): boolean {
        if (this.#closed || !this.#output)
            return false;
        noteMoved(frame.length);
        if (this.#blocking) {
            try {
                for (let at = 0; at < frame.length;)
                    at += this.#channel.write_chars(at ? frame.subarray(at) : frame, frame.length - at)[1];
            } catch (e) {
                this.#end(e as Error);
            }
            return !this.#closed;
        }
        this.#queue.push(frame);
        this.#queued += frame.length;
        if (this.#writeId === 0)
            this.#flush();
        return !this.#closed;
    }

    /** Stops watching; closes both streams (the fds). Harmless twice. No `closed` call. */
    close(): void {
        if (this.#closed)
            return;
        this.#closed = true;
        this.#stop();
    }

    /**
     * Checks the watches GJS may have dropped during a GC and re-arms them.
     * A read watch whose callback ran since the last check exists; one that
     * nothing is expected on (`expecting` false) is left for later.
     */
    verify(): void {
        if (this.#closed)
            return;
        const ran = this.#ran, wrote = this.#wrote;
        this.#ran = this.#wrote = false;
        if (this.#writeId && !wrote && !sourceExists(this.#writeId)) {
            forgetSource(this.#writeId);
            this.#writeId = 0;
            this.#flush();
        }
        if (this.#readId && !ran && this.#dueForCheck() && !sourceExists(this.#readId)) {
            forgetSource(this.#readId);
            this.#armRead();
        }
    }

    /**
     * Whether to look for the read watch now: after every iteration while a
     * frame is expected (a dropped watch would otherwise stall the caller),
     * else at most every {@link IDLE_CHECK} seconds (`find_source_by_id()`
     * makes a `GLib.Source` wrapper each time: not free).
     */
    #dueForCheck(): boolean {
        if (this.expecting)
            return true;
        const t = systemNow() * 1e6;
        if (t - this.#checkedAt < IDLE_CHECK * 1e6)
            return false;
        this.#checkedAt = t;
        return true;
    }

    #armRead(): void {
        this.#readId = addFdWatch(fdOf(this.#input as Gio.InputStream), IN, this.#onReadable, GLib.PRIORITY_DEFAULT, 'worker-pipe');
        // A nested loop started while a frame is handled must still see this pipe.
        context.find_source_by_id(this.#readId)?.set_can_recurse(true);
    }

    readonly #onReadable = (): boolean => {
        if (this.#closed)
            return false;
        this.#ran = true;
        let chunk = this.#read(this.#readSize);
        if (chunk === null)
            return false;
        if (this.#raw) {
            this.#raw(chunk);
            return true;
        }
        this.#depth++;
        let burst = this.#burst;
        let long = false;
        try {
            for (;;) {
                this.#reader.push(chunk);
                if (long && this.#reader.pending === 0)
                    collectIfDue(FRAME_GC_BYTES); // a long frame is complete: free its chunks before it is decoded
                this.#deliver();
                // The rest of a frame that has begun is read in this dispatch:
                // waiting for it within the burst allowance, else while the pipe has it now.
                const missing = this.#reader.pending;
                if (this.#closed || missing <= 0 || !(burst > 0 || this.#readable()))
                    break;
                // Inside a long frame (no user code runs here): the chunks read so far
                // were copied into the frame's buffer; free them before reading on, so
                // that receiving it costs about its size, not its size + GC_BYTES.
                long = this.#reader.frameBytes >= LONG_FRAME;
                if (long)
                    collectIfDue(FRAME_GC_BYTES);
                chunk = this.#read(Math.min(MAX_READ, missing));
                if (chunk === null)
                    break;
                burst -= chunk.length;
            }
        } finally {
            this.#depth--;
        }
        if (this.#depth === 0) {
            // Let `await`s on what the frames settled resume now, not one loop iteration later.
            drainPromiseJobs();
            collectIfDue();
        }
        return !this.#closed;
    };

    /** One read (it polls first: call it only when data or EOF is there, or when the peer is writing a frame); null at EOF/error. */
    #read(size: number): Uint8Array | null {
        let chunk: Uint8Array;
        try {
            chunk = (this.#input as Gio.InputStream).read_bytes(size, null).toArray();
        } catch (e) {
            this.#end(e as Error);
            return null;
        }
        if (chunk.length === 0) {
            this.#end(null);
            return null;
        }
        noteMoved(size);
        this.#readSize = chunk.length === size ? Math.min(MAX_READ, size * 2) : MIN_READ;
        return chunk;
    }

    #readable(): boolean {
        return (this.#input as unknown as Gio.PollableInputStream).is_readable();
    }

    #deliver(): void {
        while (!this.#closed) {
            let message: Message | null;
            try {
                message = this.#reader.next();
            } catch (e) {
                this.#end(e as Error);
                return;
            }
            if (message === null)
                return;
            this.#handlers.frame(message);
        }
    }

    /** Writes what the pipe takes now; arms the write watch (unless called from it) when some is left. */
    #flush(fromWatch = false): boolean {
        while (this.#queue.length && !this.#closed) {
            const frame = this.#queue[0];
            const start = this.#queueOffset;
            const chunk = start === 0 && frame.length <= WRITE_BYTES ? frame : frame.subarray(start, start + WRITE_BYTES);
            let n = 0;
            try {
                n = this.#channel.write_chars(chunk, chunk.length)[1];
            } catch (e) {
                this.#end(e as Error);
                return false;
            }
            this.#queueOffset += n;
            this.#queued -= n;
            if (this.#queueOffset >= frame.length) {
                this.#queue.shift();
                this.#queueOffset = 0;
            } else if (n < chunk.length) { // the pipe is full: wait until it drains
                if (!fromWatch)
                    this.#writeId = addFdWatch(fdOf(this.#output as Gio.OutputStream), OUT, this.#onWritable, GLib.PRIORITY_DEFAULT, 'worker-pipe');
                return true;
            }
        }
        return false;
    }

    readonly #onWritable = (): boolean => {
        this.#wrote = true;
        const more = !this.#closed && this.#flush(true);
        if (!more)
            this.#writeId = 0;
        return more;
    };

    #end(error: Error | null): void {
        if (this.#closed)
            return;
        // A write to a pipe whose reader is gone: the peer died; its EOF says the rest.
        if (error instanceof GLib.Error && (error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.BROKEN_PIPE) ||
            error.matches(GLib.IOChannelError, GLib.IOChannelError.PIPE)))
            error = null;
        this.#closed = true;
        this.#stop();
        this.#handlers.closed(error);
    }

    #stop(): void {
        removeSource(this.#readId);
        removeSource(this.#writeId);
        this.#readId = this.#writeId = 0;
        this.#queue.length = 0;
        this.#queued = 0;
        live.delete(this);
        for (const stream of [this.#input, this.#output]) {
            try {
                stream?.close(null);
            } catch {
                // already closed
            }
        }
        if (live.size === 0)
            linkProbe.stop();
    }
}

/** The fd of a link's pipe stream. @throws TypeError for a stream that has none. */
function fdOf(stream: Gio.InputStream | Gio.OutputStream): number {
    const fd = streamFd(stream);
    if (fd < 0)
        throw new TypeError(`kaa worker link: expected a pipe or fd stream (got a ${stream.constructor.name.replace(/_/g, '.')})`);
    return fd;
}

