/**
 * `FrameLink`: frames over one fd {@link Transport} (the IOChannel's, kind
 * `fd`), both ways — the link between the main process and a worker. The
 * transport does the IO: an fd watch (re-armed after GJS drops it), burst
 * reads, non-blocking writes; this file adds the framing (a
 * {@link FrameParser} cuts frames out of the byte stream), a write queue,
 * and the two things only a link whose peer writes frames whole may do:
 *
 * - **read the rest of a begun frame at once** (`readBurst` bytes per
 *   dispatch, blocking): the peer is writing it, so the wait is short, and
 *   a large frame costs no loop iteration per piece;
 * - **block for the next frame** when the owner says nothing else is
 *   pending (`idleWait`, a worker): `Gio.Socket.condition_timed_wait()` up
 *   to that many seconds, then the frame is handled in the same dispatch —
 *   no poll of the whole loop, no fd-watch dispatch per call.
 *
 * Writes are queued and go out without blocking (a full socket is a status;
 * the transport's write watch waits for room), or whole and blocking with
 * `blockingWrites` (a worker: it never needs its loop while it answers); a
 * socket link sends, and receives where GLib can, on the socket straight.
 * As only one side ever blocks, and only on bytes the other is already
 * sending, the two cannot deadlock.
 *
 * Memory: `read_bytes()` mallocs its whole size and only a GC frees it, so
 * reads are sized to what is expected (small for small frames, a frame's
 * missing bytes in one piece for a large one), and the GC policy of gc.ts
 * finishes a GC at controlled points. SIGPIPE is ignored once (watch.ts).
 * @module
 */
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { drainPromiseJobs } from '../notifier/jobs.js';
import { setFdNonblocking, socketReceiver } from '../notifier/platform.js';
import { FRAME_GC_BYTES, collectIfDue, noteMoved } from './gc.js';
import { IO_READ, IO_WRITE } from './monitor.js';
import { openTransport } from './source.js';
import type { Transport } from './transport.js';
import { isWouldBlock } from './watch.js';

/**
 * The first read of a frame: `read_bytes(n)` costs more as `n` grows (256:
 * 5.8 µs, 4096: 8.1 µs on GJS 1.74) and keeps all `n` bytes until a GC; the
 * rest of a larger frame is read at once in one piece. A sender that wants
 * a large payload to arrive in a read of its own (no copy: see
 * {@link FrameParser.pending}) pads what comes before it to at least this.
 */
export const FRAME_HEAD_READ = 256;
const MIN_READ = FRAME_HEAD_READ;
/** The largest read of queued small frames. */
const BURST_READ = 65536;
/** The largest single read (a frame's missing part is read in pieces of at most this). */
const MAX_READ = 4 * 1024 * 1024;
/** Frames from this size on free the chunks already copied as they are read. */
const LONG_FRAME = 16 * 1024 * 1024;
/** Reads below this size go to the socket straight, where GLib can (larger ones: the transport's path). */
const DIRECT_READ = BURST_READ;

/** Cuts frames out of a byte stream (the worker protocol's FrameReader). */
export interface FrameParser<M> {
    /** Adds bytes read. */
    push(chunk: Uint8Array): void;
    /** The next complete frame, or null. @throws on a malformed frame. */
    next(): M | null;
    /**
     * Bytes still missing from the frame begun, up to its next boundary (0:
     * none begun): a parser may stop at the end of the frame's head, so that
     * its payload arrives in a read of its own and can be handed on without
     * a copy.
     */
    readonly pending: number;
    /** Size of the frame begun (0: none). */
    readonly frameBytes: number;
}

/** What a link reports to its owner. */
export interface FrameLinkHandlers<M> {
    /** A frame arrived. */
    frame(message: M): void;
    /** The link ended: `null` at EOF, else the IO or protocol error. Called once. */
    closed(error: Error | null): void;
}

/** Options of a {@link FrameLink}. */
export interface FrameLinkOptions {
    /** Write every frame whole, blocking (a worker; never the main process). */
    blockingWrites?: boolean;
    /** Bytes of a begun frame one dispatch may read blocking. @default 0 */
    readBurst?: number;
    /**
     * Called after the frames of a dispatch were handled: how many seconds
     * the link may block waiting for the next frame (0: return to the loop).
     * Only for a socket link, and only when nothing else needs the loop.
     */
    idleWait?: () => number;
}

/**
 * A framed link over one fd (a socket, or a pipe pair's ends given as two fds).
 * @example
 * const link = new FrameLink(socket.get_fd(), new FrameReader(), { frame: handle, closed: onEnd }, {}, socket);
 * link.send(encodeFrame([CALL, id, fn, args, 0], encoder));
 */
export class FrameLink<M> {
    readonly #transport: Transport;
    readonly #parser: FrameParser<M>;
    readonly #handlers: FrameLinkHandlers<M>;
    readonly #socket: Gio.Socket | null;
    readonly #blocking: boolean;
    readonly #burst: number;
    readonly #idleWait: (() => number) | null;
    /** Reads the socket straight (`receive_bytes()`, GLib 2.80+), or null: through the transport's fd stream. */
    readonly #receive: ((socket: Gio.Socket, size: number, timeoutUs: number) => Uint8Array) | null;
    readonly #queue: Uint8Array[] = [];
    /** Whether each queued array is the link's own (a copy) rather than the caller's. */
    readonly #owned: boolean[] = [];
    #queued = 0;
    #waiting = false;
    #depth = 0;
    #closed = false;
    #readSize = MIN_READ;
    /** The last read filled its buffer: more input is likely there. */
    #full = false;
    readonly #sink = {
        data: (chunk: Uint8Array) => this.#data(chunk),
        end: (error: unknown) => this.#end(error as Error | null),
        more: () => this.#full,
        read: (size: number) => this.#receiveDirect(size, 0),
    };

    /**
     * @param fd - the fd frames arrive on and leave on; the link owns it (closes it).
     * @param parser - cuts the frames.
     * @param handlers - `frame` and `closed`.
     * @param options - blocking writes, read burst, idle wait.
     * @param socket - the `Gio.Socket` of `fd`, when it is one (for `idleWait`); the link closes it.
     */
    constructor(fd: number, parser: FrameParser<M>, handlers: FrameLinkHandlers<M>, options: FrameLinkOptions = {},
        socket: Gio.Socket | null = null) {
        this.#parser = parser;
        this.#handlers = handlers;
        this.#socket = socket;
        this.#blocking = options.blockingWrites === true;
        this.#burst = options.readBurst ?? 0;
        this.#idleWait = socket ? options.idleWait ?? null : null;
        this.#receive = socket ? socketReceiver() : null;
        this.#transport = openTransport(fd, IO_READ | IO_WRITE, socket === null, 'a worker link');
        if (this.#blocking)
            setFdNonblocking(fd, false); // writes wait for room; reads still follow the fd watch
        this.#transport.startReading(this.#sink, this.#readSize);
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
     * Sends one frame: written now as far as the fd takes it, the rest (copied)
     * when it drains.
     * @param frame - the frame bytes, or its parts in order (large values are
     *   written from where they are, not copied into one buffer).
     * @returns false when the link is closed (nothing was sent).
     */
    send(frame: Uint8Array | readonly Uint8Array[]): boolean {
        if (this.#closed)
            return false;
        const parts = frame instanceof Uint8Array ? [frame] : frame;
        for (const part of parts) {
            if (this.#blocking) {
                noteMoved(0); // written from where it is: only the frame's JS objects to collect
                try {
                    if (this.#socket) {
                        for (let at = 0; at < part.length;)
                            at += this.#socket.send_with_blocking(at ? part.subarray(at) : part, true, null);
                    } else {
                        this.#transport.writeAll(part);
                    }
                } catch (error) {
                    this.#end(error as Error);
                }
                continue;
            }
            // Queued parts are copied: the caller's arrays may change once send() returned.
            noteMoved(this.#waiting ? part.length : 0);
            this.#queue.push(this.#waiting ? part.slice() : part);
            this.#owned.push(this.#waiting);
            this.#queued += part.length;
            if (!this.#waiting)
                this.#flush();
            if (this.#closed)
                break;
        }
        return !this.#closed;
    }

    /** Stops reading and writing; closes the fd. Harmless twice. No `closed` call. */
    close(): void {
        if (this.#closed)
            return;
        this.#closed = true;
        this.#stop();
    }

    /**
     * Half-closes a socket link: the peer reads EOF, frames still arrive
     * here. On a non-socket link it closes the link.
     */
    shutdownWrite(): void {
        if (this.#closed)
            return;
        if (!this.#socket) {
            this.close();
            return;
        }
        this.#queue.length = 0;
        this.#owned.length = 0;
        this.#queued = 0;
        try {
            this.#socket.shutdown(false, true);
        } catch {
            // the peer is gone: its EOF says the rest
        }
    }

    #data(chunk: Uint8Array): void {
        if (this.#closed)
            return;
        this.#full = chunk.length >= this.#readSize;
        this.#depth++;
        let burst = this.#burst;
        try {
            for (;;) {
                this.#parser.push(chunk);
                const long = this.#parser.frameBytes >= LONG_FRAME;
                this.#deliver();
                if (this.#closed)
                    break;
                const missing = this.#parser.pending;
                if (missing > 0 && burst > 0) {
                    // Inside a long frame no user code runs: free the chunks copied so far.
                    if (long)
                        collectIfDue(FRAME_GC_BYTES);
                    const next = this.#readNow(Math.min(MAX_READ, missing));
                    if (next === null)
                        break;
                    // Read to the frame's boundary, nothing beyond it: no sign of more input.
                    this.#full = false;
                    burst -= next.length;
                    chunk = next;
                    continue;
                }
                if (missing > 0 || this.#depth > 1 || !this.#waitForFrame())
                    break;
                const next = this.#readNow(this.#readSize);
                if (next === null)
                    break;
                chunk = next;
                burst = this.#burst;
            }
        } finally {
            this.#depth--;
        }
        // A frame still missing bytes: read them in one piece. Reads that fill their
        // buffer (small frames queued up) double the next one, up to 64 KiB.
        const size = this.#parser.pending > 0 ? Math.min(MAX_READ, this.#parser.pending)
            : this.#full ? Math.min(BURST_READ, this.#readSize * 2) : MIN_READ;
        if (size !== this.#readSize && !this.#closed) {
            this.#readSize = size;
            this.#transport.startReading(this.#sink, size);
        }
        if (this.#depth === 0) {
            collectIfDue();
        }
    }

    /**
     * When the owner allows it (`idleWait`), settles what the frames started
     * and waits for the next frame without returning to the loop.
     * @returns true when a frame (or EOF) is there to read.
     */
    #waitForFrame(): boolean {
        if (this.#closed || this.#idleWait === null)
            return false;
        // Let `await`s on what the frames settled resume before it blocks. (Without a wait, the
        // loop's checkpoint after the dispatch runs them, on a shallower stack: notifier/iteration.ts.)
        drainPromiseJobs();
        const seconds = this.#idleWait();
        if (!(seconds > 0))
            return false;
        collectIfDue();
        try {
            return (this.#socket as Gio.Socket).condition_timed_wait(GLib.IOCondition.IN, Math.round(seconds * 1e6), null);
        } catch {
            return false; // TIMED_OUT: back to the loop
        }
    }

    /** One blocking read (the peer is writing, or the fd is readable); null at EOF or error. */
    #readNow(size: number): Uint8Array | null {
        let chunk: Uint8Array;
        try {
            chunk = this.#receiveDirect(size, -1) ?? this.#transport.readSync(size);
        } catch (error) {
            this.#end(error as Error);
            return null;
        }
        if (chunk.length === 0) {
            this.#end(null);
            return null;
        }
        noteMoved(size);
        return chunk;
    }

    /**
     * A small read straight from the socket (`receive_bytes()`, where GLib has it); null: read through the transport.
     * @param size - the most bytes to read.
     * @param timeoutUs - -1 waits for data, 0 does not.
     */
    #receiveDirect(size: number, timeoutUs: number): Uint8Array | null {
        return this.#receive && size < DIRECT_READ ? this.#receive(this.#socket as Gio.Socket, size, timeoutUs) : null;
    }

    #deliver(): void {
        while (!this.#closed) {
            let message: M | null;
            try {
                message = this.#parser.next();
            } catch (error) {
                this.#end(error as Error);
                return;
            }
            if (message === null)
                return;
            this.#handlers.frame(message);
        }
    }

    /** Writes what the fd takes now; waits for room when some is left. */
    #flush(): void {
        this.#waiting = false;
        while (this.#queue.length && !this.#closed) {
            const frame = this.#queue[0];
            let n: number;
            try {
                n = this.#writeNow(frame);
            } catch (error) {
                this.#end(isWouldBlock(error) ? null : error as Error);
                return;
            }
            this.#queued -= n;
            if (n >= frame.length) {
                this.#queue.shift();
                this.#owned.shift();
                continue;
            }
            // The rest waits: copied once if it is the caller's (which may change it once send() returned).
            if (!this.#owned[0])
                noteMoved(frame.length - n);
            this.#queue[0] = this.#owned[0] ? frame.subarray(n) : frame.slice(n);
            this.#owned[0] = true;
            this.#waiting = true;
            this.#transport.waitWritable(() => this.#flush());
            return;
        }
    }

    /** Writes what the fd takes now (0: full); a socket link sends straight (no stream poll(): ~1 µs less). */
    #writeNow(frame: Uint8Array): number {
        if (!this.#socket)
            return this.#transport.write(frame);
        try {
            return this.#socket.send_with_blocking(frame, false, null);
        } catch (error) {
            if (isWouldBlock(error))
                return 0;
            throw error;
        }
    }

    #end(error: Error | null): void {
        if (this.#closed)
            return;
        // A write to a peer that is gone: its EOF says the rest.
        if (error instanceof GLib.Error && (error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.BROKEN_PIPE) ||
            error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CONNECTION_CLOSED)))
            error = null;
        this.#closed = true;
        this.#stop();
        this.#handlers.closed(error);
    }

    #stop(): void {
        this.#queue.length = 0;
        this.#owned.length = 0;
        this.#queued = 0;
        this.#transport.close();
        try {
            this.#socket?.close();
        } catch {
            // already closed
        }
    }
}
